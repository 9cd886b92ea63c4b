import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudApiError } from '@openccc/protocol';
import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInstance } from '../../bootstrap.js';
import { emptyCounts, type CallControlError } from '../../calls/call-control.js';
import { buildPstnSession, buildPstnSessionInfo, buildTelCdr, type SessionRecord } from '../../calls/index.js';
import { RecordingLinks, recordingRef } from '../../calls/recording-links.js';
import { SessionDriver, T0, alice, inboundSpec, scenarios } from '../../calls/test-support/session-harness.js';
import { Presence } from '../../staff/presence.js';
import { SkillGroupService } from '../../staff/skill-group-service.js';
import { StaffService } from '../../staff/staff-service.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { ActionContext, Services } from '../context.js';
import { actionHandlers } from '../handlers.js';
import { FakeCalls } from '../test-support/fake-calls.js';

const NOW = T0 + 3_600_000;
const NOW_S = NOW / 1000;
const PUBLIC_URL = 'https://ccc.example.com';
const DAY = 86_400;

let dir: string;
let store: SqliteStore;
let calls: FakeCalls;
let services: Services;
let links: RecordingLinks;
let app: number;
let other: number;

function ctx(language: 'en-US' | 'zh-CN' = 'en-US'): ActionContext {
  return { services, language, requestId: 'test' };
}

/** The error the call throws, which must be a Cloud API error with that code. */
async function refused(call: Promise<unknown>, code: string): Promise<CloudApiError> {
  const error: unknown = await call.then(
    (result) => expect.fail(`expected ${code}, got ${JSON.stringify(result)}`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudApiError);
  expect((error as CloudApiError).code).toBe(code);
  return error as CloudApiError;
}

/** A session of the scenarios under its own id (each scenario counts ids from 1). */
function withId(session: SessionRecord, n: number): SessionRecord {
  return { ...session, sessionId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}` };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openccc-calls-'));
  store = openSqliteStore(join(dir, 'openccc.db'));
  app = (await createInstance(store, 'main', NOW)).sdkAppId;
  other = (await createInstance(store, 'other', NOW)).sdkAppId;
  calls = new FakeCalls();
  const clock = () => NOW;
  const presence = new Presence();
  links = new RecordingLinks(Buffer.alloc(32, 7), { clock });
  // The call actions use only these services.
  services = {
    store,
    presence,
    staff: new StaffService(store, presence, clock),
    skillGroups: new SkillGroupService(store, clock),
    calls,
    recordings: links,
    clock,
    publicUrl: PUBLIC_URL,
  } as Partial<Services> as Services;
  const alicesRow = { sdkAppId: app, mail: 'Alice@Example.com', name: 'Alice', staffNumber: '1001', phone: '', nick: '', userId: '', role: 3, extensionNumber: '' };
  await store.staff.createMany([{ ...alicesRow, passwordHash: '', useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null }], [[]], NOW);
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HangUpCall', () => {
  it('ends the session through the engine and answers {}', async () => {
    const session = scenarios.inboundTalking().session;
    calls.add(app, session);
    expect(await actionHandlers.HangUpCall(ctx(), { SdkAppId: app, SessionId: session.sessionId })).toEqual({});
    expect(calls.calls).toEqual([{ op: 'hangUp', sdkAppId: app, sessionId: session.sessionId }]);
  });

  it('answers FailedOperation.SessionNotExists for an unknown or ended session, and for another instance\'s', async () => {
    const session = scenarios.inboundTalking().session;
    calls.add(other, session);
    await refused(actionHandlers.HangUpCall(ctx(), { SdkAppId: app, SessionId: session.sessionId }), 'FailedOperation.SessionNotExists');
    await refused(actionHandlers.HangUpCall(ctx(), { SdkAppId: app, SessionId: 'nope' }), 'FailedOperation.SessionNotExists');
  });

  it('answers InvalidParameterValue.InstanceNotExist before asking the engine', async () => {
    await refused(actionHandlers.HangUpCall(ctx(), { SdkAppId: 1_499_999_999, SessionId: 'x' }), 'InvalidParameterValue.InstanceNotExist');
    expect(calls.calls).toEqual([]);
  });

  it('maps the engine\'s refusals: not in a controllable state, no engine', async () => {
    calls.refuse('notInControlState');
    await refused(actionHandlers.HangUpCall(ctx(), { SdkAppId: app, SessionId: 'x' }), 'FailedOperation.SessionNotInControlState');
    calls.refuse('unavailable');
    const error = await refused(actionHandlers.HangUpCall(ctx(), { SdkAppId: app, SessionId: 'x' }), 'UnsupportedOperation');
    expect(error.messageIn('en-US')).toMatch(/HangUpCall.*no.*call engine|call engine/);
    expect(error.messageIn('zh-CN')).toContain('呼叫引擎');
  });

  it('passes on an unexpected failure unchanged (the dispatcher answers InternalError)', async () => {
    const failing = { ...calls, hangUp: () => Promise.reject(new TypeError('bug')) };
    services.calls = failing as unknown as FakeCalls;
    await expect(actionHandlers.HangUpCall(ctx(), { SdkAppId: app, SessionId: 'x' })).rejects.toThrow(TypeError);
  });
});

describe('CreateCallOutSession', () => {
  it('asks the engine with the staff\'s stored mail, the callee as given, the callers normalised in order, and UUI; returns SessionId', async () => {
    const res = await actionHandlers.CreateCallOutSession(ctx(), {
      SdkAppId: app,
      UserId: 'alice@example.com',
      Callee: '13912345678',
      Callers: ['+86 400-123-4567', '0086 10 8888 6666', '008640012345 67'],
      Caller: '00861099999999',
      UUI: 'crm-42',
      Uui: 'old',
      IsForceUseMobile: true,
    });
    expect(res).toEqual({ SessionId: calls.nextSessionId });
    expect(calls.calls).toEqual([
      { op: 'callOut', sdkAppId: app, request: { mail: 'Alice@Example.com', callee: '13912345678', callers: ['00864001234567', '00861088886666'], uui: 'crm-42' } },
    ]);
  });

  it('takes the deprecated Caller and Uui when Callers and UUI are absent, and none at all', async () => {
    await actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: app, UserId: 'alice@example.com', Callee: '008613912345678', Caller: '4001234567', Uui: 'old' });
    await actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: app, UserId: 'alice@example.com', Callee: '008613912345678', Callers: [] });
    expect(calls.calls.map((c) => (c.op === 'callOut' ? c.request : null))).toEqual([
      { mail: 'Alice@Example.com', callee: '008613912345678', callers: ['00864001234567'], uui: 'old' },
      { mail: 'Alice@Example.com', callee: '008613912345678', callers: [], uui: '' },
    ]);
  });

  it('refuses an unknown agent, a malformed caller number and a UUI over 1024 bytes without asking the engine', async () => {
    await refused(actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: app, UserId: 'bob@example.com', Callee: '13912345678' }), 'InvalidParameterValue.AccountNotExist');
    const bad = await refused(
      actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: app, UserId: 'alice@example.com', Callee: '13912345678', Callers: ['4001234567', '+1 555 0100'] }),
      'InvalidParameterValue.PhoneNumInvalid',
    );
    expect(bad.messageIn('en-US')).toContain('Callers.1');
    const uui = await refused(
      actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: app, UserId: 'alice@example.com', Callee: '13912345678', UUI: '客'.repeat(342) }),
      'InvalidParameterValue',
    );
    expect(uui.messageIn('en-US')).toContain('1026');
    await actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: app, UserId: 'alice@example.com', Callee: '13912345678', UUI: '客'.repeat(341) });
    expect(calls.calls).toHaveLength(1);
    await refused(actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: 1_499_999_999, UserId: 'alice@example.com', Callee: '1' }), 'InvalidParameterValue.InstanceNotExist');
  });

  it.each([
    ['agentNotFound', 'InvalidParameterValue.AccountNotExist'],
    ['agentBusy', 'FailedOperation.SeatStatusBusy'],
    ['agentOffline', 'FailedOperation.CallOutFailed'],
    ['noCallerNumber', 'FailedOperation.NoCallOutNumber'],
    ['invalidNumber', 'InvalidParameterValue.PhoneNumInvalid'],
    ['notInControlState', 'FailedOperation.SessionNotInControlState'],
    ['unavailable', 'UnsupportedOperation'],
  ] as Array<[CallControlError['code'], string]>)('maps the engine\'s %s to %s, with the engine\'s reason', async (reason, code) => {
    calls.refuse(reason, `because ${reason}`);
    const error = await refused(actionHandlers.CreateCallOutSession(ctx(), { SdkAppId: app, UserId: 'alice@example.com', Callee: '13912345678' }), code);
    if (reason !== 'unavailable') expect(error.messageIn('en-US')).toContain(`because ${reason}`);
    else expect(error.messageIn('en-US')).toContain('CreateCallOutSession');
  });
});

describe('TransferToManual', () => {
  it('moves the session into the group through the engine', async () => {
    const group = await services.skillGroups.create(app, 'Billing', 0, undefined);
    const session = scenarios.inboundUntilQueued().session;
    calls.add(app, session);
    expect(await actionHandlers.TransferToManual(ctx(), { SdkAppId: app, SessionId: session.sessionId, SkillGroupId: group })).toEqual({});
    expect(calls.calls).toEqual([{ op: 'transferToGroup', sdkAppId: app, sessionId: session.sessionId, skillGroupId: group }]);
  });

  it('answers SkillGroupError for a group the instance lacks (without asking the engine), SessionNotExists for an unknown session', async () => {
    const foreign = await services.skillGroups.create(other, 'Elsewhere', 0, undefined);
    await refused(actionHandlers.TransferToManual(ctx(), { SdkAppId: app, SessionId: 'x', SkillGroupId: foreign }), 'InvalidParameterValue.SkillGroupError');
    expect(calls.calls).toEqual([]);
    const group = await services.skillGroups.create(app, 'Billing', 0, undefined);
    await refused(actionHandlers.TransferToManual(ctx(), { SdkAppId: app, SessionId: 'x', SkillGroupId: group }), 'FailedOperation.SessionNotExists');
    calls.refuse('groupNotFound');
    await refused(actionHandlers.TransferToManual(ctx(), { SdkAppId: app, SessionId: 'x', SkillGroupId: group }), 'InvalidParameterValue.SkillGroupError');
    calls.refuse('notInControlState');
    await refused(actionHandlers.TransferToManual(ctx(), { SdkAppId: app, SessionId: 'x', SkillGroupId: group }), 'FailedOperation.SessionNotInControlState');
  });
});

describe('DescribePSTNActiveSessionList', () => {
  it('lists the instance\'s phone-network sessions (not internal or VoIP calls), paged, as PSTNSessionInfo', async () => {
    const phone = [withId(scenarios.inboundTalking().session, 1), withId(scenarios.outboundRinging().session, 2), withId(scenarios.inboundRinging().session, 3)];
    const voip = new SessionDriver(inboundSpec({ channel: 'voip' }));
    calls.add(app, phone[0] as SessionRecord).add(app, withId(scenarios.internalRinging().session, 9)).add(app, phone[1] as SessionRecord);
    calls.add(app, withId(voip.session, 8)).add(app, phone[2] as SessionRecord).add(other, withId(scenarios.inboundTalking().session, 7));
    const all = await actionHandlers.DescribePSTNActiveSessionList(ctx(), { SdkAppId: app, Offset: 0, Limit: 25 });
    expect(all).toEqual({ Total: 3, Sessions: phone.map(buildPstnSessionInfo) });
    expect(all.Sessions?.[0]?.StartTimestamp).toBe(String(T0 / 1000));
    const page = await actionHandlers.DescribePSTNActiveSessionList(ctx(), { SdkAppId: app, Offset: 1, Limit: 1 });
    expect(page).toEqual({ Total: 3, Sessions: [buildPstnSessionInfo(phone[1] as SessionRecord)] });
    expect(await actionHandlers.DescribePSTNActiveSessionList(ctx(), { SdkAppId: app, Offset: 3, Limit: 5 })).toEqual({ Total: 3, Sessions: [] });
  });

  it('lists nothing without an engine, and names an unknown instance', async () => {
    expect(await actionHandlers.DescribePSTNActiveSessionList(ctx(), { SdkAppId: app, Offset: 0, Limit: 10 })).toEqual({ Total: 0, Sessions: [] });
    await refused(actionHandlers.DescribePSTNActiveSessionList(ctx(), { SdkAppId: 1_499_999_999, Offset: 0, Limit: 10 }), 'InvalidParameterValue.InstanceNotExist');
  });
});

/** A record of the scripted inbound call (IVR, queue, Alice answers), with a recording, under its own id, moved to start at `start`. */
function storedRecord(sessionId: string, recorded: boolean): TelCdrInfo & { SessionId: string } {
  const record = buildTelCdr(scenarios.inboundAnswered().ended(), recorded ? { recordId: sessionId } : {});
  return {
    ...record,
    SessionId: sessionId,
    ...(recorded && { ServeParticipants: (record.ServeParticipants ?? []).map((p) => ({ ...p, RecordId: sessionId })) }),
  };
}

describe('DescribeTelSession', () => {
  it('shows a live session as buildPstnSession does', async () => {
    const session = scenarios.inboundTalking().session;
    calls.add(app, session);
    expect(await actionHandlers.DescribeTelSession(ctx(), { SdkAppId: app, SessionId: session.sessionId })).toEqual({ Session: buildPstnSession(session) });
  });

  it('shows an ended session from its record, finished; an unknown one, or another instance\'s, answers SessionNotExists', async () => {
    const record = storedRecord('00000000-0000-4000-8000-0000000000e1', false);
    await store.callRecords.add(app, record);
    const { Session } = await actionHandlers.DescribeTelSession(ctx(), { SdkAppId: app, SessionId: record.SessionId });
    expect(Session).toEqual({
      SessionID: record.SessionId,
      RoomID: '',
      Caller: record.Caller,
      Callee: record.Callee,
      StartTimestamp: record.StartTimestamp,
      RingTimestamp: record.RingTimestamp,
      AcceptTimestamp: record.AcceptTimestamp,
      StaffEmail: alice.mail,
      StaffNumber: alice.staffNumber,
      SessionStatus: 'finished',
      Direction: 0,
      ProtectedCaller: '',
      ProtectedCallee: '',
    });
    // The same fields a live session shows.
    expect(Object.keys(Session ?? {}).sort()).toEqual(Object.keys(buildPstnSession(scenarios.inboundTalking().session)).sort());
    await refused(actionHandlers.DescribeTelSession(ctx(), { SdkAppId: other, SessionId: record.SessionId }), 'FailedOperation.SessionNotExists');
    const unknown = await refused(actionHandlers.DescribeTelSession(ctx(), { SdkAppId: app, SessionId: 'no-such-session' }), 'FailedOperation.SessionNotExists');
    expect(unknown.messageIn('en-US')).toContain('no-such-session');
  });
});

describe('DescribeSessionDetail', () => {
  const window = { StartTimestamp: T0 / 1000 - 60, EndTimestamp: NOW_S };

  it('shows an ended session from its record, with fresh recording links', async () => {
    const record = storedRecord('00000000-0000-4000-8000-0000000000d1', true);
    await store.callRecords.add(app, record);
    const detail = await actionHandlers.DescribeSessionDetail(ctx(), { SdkAppId: app, SessionId: record.SessionId, ...window });
    const url = links.url(PUBLIC_URL, recordingRef(app, record.SessionId, record.StartTimestamp ?? 0));
    expect(detail).toMatchObject({
      Caller: record.Caller,
      Callee: record.Callee,
      CallType: 2,
      StartTimeStamp: T0 / 1000,
      RingTimestamp: record.RingTimestamp,
      AcceptTimestamp: record.AcceptTimestamp,
      EndedTimestamp: record.EndedTimestamp,
      QueuedTimestamp: record.QueuedTimestamp,
      StaffUserId: alice.mail,
      EndStatus: 1,
      QueuedSkillGroupId: 7,
      QueuedSkillGroupName: 'Sales',
      RecordURL: url,
      AsrURL: '',
      IVRKeyPressed: [{ Key: '1', Label: 'Sales', Timestamp: T0 + 3000, NodeLabel: 'menu' }],
      PostIVRKeyPressed: [],
      HungUpSide: 'user',
      UUI: 'crm-42',
      Events: [],
    });
    expect(detail.ServeParticipants?.map((p) => [p.Mail, p.RecordURL])).toEqual([[alice.mail, url]]);
    expect(links.check(recordingRef(app, record.SessionId, record.StartTimestamp ?? 0), new URL(url).searchParams.get('expires'), new URL(url).searchParams.get('sig'))).toBe('valid');
  });

  it('shows a live session in the window as it is so far, with its holds and mutes', async () => {
    const call = scenarios.inboundTalking();
    call.send({ type: 'hold', agentId: alice.agentId }, 20);
    call.send({ type: 'unhold', agentId: alice.agentId }, 25);
    call.send({ type: 'mute', agentId: alice.agentId }, 30);
    calls.add(app, call.session);
    const detail = await actionHandlers.DescribeSessionDetail(ctx(), { SdkAppId: app, SessionId: call.sessionId, ...window });
    expect(detail).toMatchObject({ CallType: 2, StartTimeStamp: T0 / 1000, AcceptTimestamp: T0 / 1000 + 9, EndedTimestamp: 0, EndStatus: 0, HungUpSide: '', RecordURL: '', StaffUserId: alice.mail });
    const staff = { Staffs: [{ Mail: alice.mail, StaffNumber: alice.staffNumber }] };
    expect(detail.Events).toEqual([
      { Timestamp: T0 / 1000 + 20, EventType: 'StaffHold', StaffEventDetail: staff },
      { Timestamp: T0 / 1000 + 25, EventType: 'StaffUnhold', StaffEventDetail: staff },
      { Timestamp: T0 / 1000 + 30, EventType: 'StaffMute', StaffEventDetail: staff },
    ]);
    expect(detail.ServeParticipants).toEqual([expect.objectContaining({ Sequence: 0, Mail: alice.mail, AcceptTimestamp: T0 / 1000 + 9, EndedTimestamp: 0, EndStatusString: '' })]);
  });

  it('answers SessionNotExists for a session that started outside the window, and applies the record window rules', async () => {
    const record = storedRecord('00000000-0000-4000-8000-0000000000d2', false);
    await store.callRecords.add(app, record);
    const later = { StartTimestamp: T0 / 1000 + 1, EndTimestamp: NOW_S };
    await refused(actionHandlers.DescribeSessionDetail(ctx(), { SdkAppId: app, SessionId: record.SessionId, ...later }), 'FailedOperation.SessionNotExists');
    calls.add(app, withId(scenarios.inboundTalking().session, 5));
    await refused(actionHandlers.DescribeSessionDetail(ctx(), { SdkAppId: app, SessionId: withId(scenarios.inboundTalking().session, 5).sessionId, ...later }), 'FailedOperation.SessionNotExists');
    const backwards = await refused(actionHandlers.DescribeSessionDetail(ctx(), { SdkAppId: app, SessionId: 'x', StartTimestamp: NOW_S, EndTimestamp: NOW_S - 1 }), 'InvalidParameterValue');
    expect(backwards.messageIn('en-US')).toContain('EndTimestamp');
    await refused(actionHandlers.DescribeSessionDetail(ctx(), { SdkAppId: app, SessionId: 'x', StartTimestamp: NOW_S - 90 * DAY, EndTimestamp: NOW_S }), 'InvalidParameterValue');
    const old = await refused(actionHandlers.DescribeSessionDetail(ctx(), { SdkAppId: app, SessionId: 'x', StartTimestamp: NOW_S - 181 * DAY, EndTimestamp: NOW_S - 180 * DAY }), 'InvalidParameterValue');
    expect(old.messageIn('en-US')).toContain('StartTimestamp');
  });
});

describe('DescribeCallInMetrics', () => {
  const counts = (n: number) => ({ ...emptyCounts(), ivr: n, queued: n + 1, ringing: n + 2, accepted: n + 3, transferOuter: n + 4, maxQueueDuration: 10 * n, avgQueueDuration: 5 * n, maxRingDuration: 3, avgRingDuration: 2, maxAcceptDuration: 60, avgAcceptDuration: 30 });
  const zero = { IvrCount: 0, QueueCount: 0, RingCount: 0, AcceptCount: 0, TransferOuterCount: 0, MaxQueueDuration: 0, AvgQueueDuration: 0, MaxRingDuration: 0, AvgRingDuration: 0, MaxAcceptDuration: 0, AvgAcceptDuration: 0 };

  it('answers zeros as of now without an engine, listing the instance\'s call-taking skill groups', async () => {
    const sales = await services.skillGroups.create(app, 'Sales', 0, undefined);
    await services.skillGroups.create(app, 'Chat', 1, undefined);
    const audio = await services.skillGroups.create(app, 'Audio', 3, undefined);
    await services.skillGroups.create(other, 'Elsewhere', 0, undefined);
    expect(await actionHandlers.DescribeCallInMetrics(ctx(), { SdkAppId: app })).toEqual({
      Timestamp: NOW_S,
      TotalMetrics: zero,
      NumberMetrics: [],
      SkillGroupMetrics: [
        { SkillGroupId: sales, Name: 'Sales', Metrics: zero },
        { SkillGroupId: audio, Name: 'Audio', Metrics: zero },
      ],
    });
  });

  it('reports the engine\'s figures per group and per number, filtered by GroupIdList and the Enabled switches', async () => {
    const sales = await services.skillGroups.create(app, 'Sales', 0, undefined);
    const support = await services.skillGroups.create(app, 'Support', 0, undefined);
    await store.numbers.add({ sdkAppId: app, number: '00864001234567', route: { kind: 'none' }, state: 'enabled' }, NOW);
    await store.numbers.add({ sdkAppId: app, number: '00864009999999', route: { kind: 'none' }, state: 'disabled' }, NOW);
    calls.metricsOf.set(app, {
      timestamp: NOW_S - 1,
      total: counts(1),
      numbers: [{ number: '00861088886666', ...counts(2) }],
      groups: [{ groupId: support, groupName: 'Support', ...counts(3) }],
    });
    const res = await actionHandlers.DescribeCallInMetrics(ctx(), { SdkAppId: app, EnabledNumber: true, GroupIdList: [support] });
    expect(res.Timestamp).toBe(NOW_S - 1);
    expect(res.TotalMetrics).toEqual({ IvrCount: 1, QueueCount: 2, RingCount: 3, AcceptCount: 4, TransferOuterCount: 5, MaxQueueDuration: 10, AvgQueueDuration: 5, MaxRingDuration: 3, AvgRingDuration: 2, MaxAcceptDuration: 60, AvgAcceptDuration: 30 });
    expect(res.SkillGroupMetrics).toEqual([{ SkillGroupId: support, Name: 'Support', Metrics: expect.objectContaining({ IvrCount: 3, AcceptCount: 6 }) }]);
    expect(res.NumberMetrics).toEqual([
      { Number: '00861088886666', Metrics: expect.objectContaining({ IvrCount: 2 }), SkillGroupMetrics: [] },
      { Number: '00864001234567', Metrics: zero, SkillGroupMetrics: [] },
    ]);
    const noGroups = await actionHandlers.DescribeCallInMetrics(ctx(), { SdkAppId: app, EnabledSkillGroup: false });
    expect(noGroups.SkillGroupMetrics).toEqual([]);
    expect(noGroups.NumberMetrics).toEqual([]);
    const all = await actionHandlers.DescribeCallInMetrics(ctx(), { SdkAppId: app });
    expect(all.SkillGroupMetrics?.map((g) => g.SkillGroupId)).toEqual([sales, support]);
  });
});

describe('DescribeTelCallInfo', () => {
  it('adds up minutes and seats over the listed instances', async () => {
    const start = NOW_S - 3 * DAY;
    const base = { Caller: '008613900000001', Callee: '00864001234567', Direction: 0, EndStatus: 1 };
    await store.callRecords.add(app, { ...base, SessionId: 'o1', StartTimestamp: start, CallType: 1, Duration: 90, EndedTimestamp: start + 100, ServeParticipants: [{ Mail: 'a@example.com' }] });
    await store.callRecords.add(app, { ...base, SessionId: 'i1', StartTimestamp: start + DAY, CallType: 2, Duration: 10, EndedTimestamp: start + DAY + 61, ServeParticipants: [{ Mail: 'b@example.com' }] });
    await store.callRecords.add(other, { ...base, SessionId: 'v1', StartTimestamp: start + 2 * DAY, CallType: 3, Duration: 0, EndedTimestamp: start + 2 * DAY + 30, SeatUser: { Name: 'a', Mail: 'a@example.com', StaffNumber: '1' } });
    expect(await actionHandlers.DescribeTelCallInfo(ctx(), { StartTimeStamp: start, EndTimeStamp: NOW_S, SdkAppIdList: [app, other] })).toEqual({
      TelCallOutCount: 2,
      TelCallInCount: 2,
      SeatUsedCount: 3,
      VoipCallInCount: 1,
      VOIPCallInCount: 1,
      AsrOfflineCount: 0,
      AsrRealtimeCount: 0,
    });
    expect((await actionHandlers.DescribeTelCallInfo(ctx(), { StartTimeStamp: start, EndTimeStamp: NOW_S, SdkAppIdList: [app] })).SeatUsedCount).toBe(2);
  });

  it('refuses an unknown instance in the list, an end before the start and a window of 90 days or more', async () => {
    const unknown = await refused(actionHandlers.DescribeTelCallInfo(ctx(), { StartTimeStamp: 0, EndTimeStamp: 1, SdkAppIdList: [app, 1_499_999_999] }), 'InvalidParameterValue.InstanceNotExist');
    expect(unknown.messageIn('en-US')).toContain('1499999999');
    await refused(actionHandlers.DescribeTelCallInfo(ctx(), { StartTimeStamp: NOW_S, EndTimeStamp: NOW_S - 1, SdkAppIdList: [app] }), 'InvalidParameterValue');
    await refused(actionHandlers.DescribeTelCallInfo(ctx(), { StartTimeStamp: NOW_S - 90 * DAY, EndTimeStamp: NOW_S, SdkAppIdList: [app] }), 'InvalidParameterValue');
    await actionHandlers.DescribeTelCallInfo(ctx(), { StartTimeStamp: NOW_S - 90 * DAY + 1, EndTimeStamp: NOW_S, SdkAppIdList: [app] });
  });
});

describe('DescribeTelCdr recording links', () => {
  const query = () => ({ SdkAppId: app, StartTimeStamp: T0 / 1000 - 60, EndTimeStamp: NOW_S, PageSize: 10, PageNumber: 0 });

  it('fills RecordURL (and the participants\' with a RecordId) with a fresh signed link, leaving records without a recording as stored', async () => {
    const recorded = storedRecord('00000000-0000-4000-8000-0000000000c1', true);
    const silent = storedRecord('00000000-0000-4000-8000-0000000000c2', false);
    await store.callRecords.add(app, recorded);
    await store.callRecords.add(app, silent);
    const { TelCdrList } = await actionHandlers.DescribeTelCdr(ctx(), query());
    const [first, second] = TelCdrList ?? [];
    const url = new URL(first?.RecordURL ?? '');
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/recordings/v1/${app}/2026-01-01/${recorded.SessionId}.wav`);
    expect(url.searchParams.get('expires')).toBe(String(NOW_S + 7 * DAY));
    expect(links.check(recordingRef(app, recorded.SessionId, T0 / 1000), url.searchParams.get('expires'), url.searchParams.get('sig'))).toBe('valid');
    expect(first?.ServeParticipants?.[0]?.RecordURL).toBe(first?.RecordURL);
    expect(first?.RecordId).toBe(recorded.SessionId);
    expect(second).toEqual(silent);
    // The store still holds no link.
    expect((await store.callRecords.list(app, { fromSeconds: 0, toSeconds: NOW_S, limit: 10, offset: 0 })).items[0]?.RecordURL).toBe('');
  });

  it('answers records as stored when the server serves no recordings', async () => {
    const recorded = storedRecord('00000000-0000-4000-8000-0000000000c3', true);
    await store.callRecords.add(app, recorded);
    delete services.recordings;
    expect((await actionHandlers.DescribeTelCdr(ctx(), query())).TelCdrList).toEqual([recorded]);
  });
});
