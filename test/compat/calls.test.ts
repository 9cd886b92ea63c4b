import type {
  DescribeCallInMetricsResponse,
  DescribePSTNActiveSessionListResponse,
  DescribeSessionDetailResponse,
  DescribeTelCallInfoResponse,
  DescribeTelSessionResponse,
  PSTNSession,
  TelCdrInfo,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, createInstance } from '../../packages/server/src/bootstrap.js';
import { callsUnavailable } from '../../packages/server/src/calls/call-control.js';
import { buildPstnSession, buildTelCdr, type SessionRecord } from '../../packages/server/src/calls/index.js';
import { RecordingLinks } from '../../packages/server/src/calls/recording-links.js';
import { scenarios, T0 } from '../../packages/server/src/calls/test-support/session-harness.js';
import { FakeCalls } from '../../packages/server/src/cloudapi/test-support/fake-calls.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { CHINESE_RE, METHODS, clientFor, createSkillGroup, expectCloudError, expectExactFields, fieldsOf, nowSeconds, uniq, unknownSdkAppId } from './helpers.js';

/** Every field but the outside-line ones: OpenCCC transfers no call to an outside line. */
const SESSION_FIELDS = fieldsOf<Omit<PSTNSession, 'OutBoundCaller' | 'OutBoundCallee'>>({
  SessionID: true,
  RoomID: true,
  Caller: true,
  Callee: true,
  StartTimestamp: true,
  RingTimestamp: true,
  AcceptTimestamp: true,
  StaffEmail: true,
  StaffNumber: true,
  SessionStatus: true,
  Direction: true,
  ProtectedCaller: true,
  ProtectedCallee: true,
});
const LIST_FIELDS = fieldsOf<DescribePSTNActiveSessionListResponse>({ Total: true, Sessions: true, RequestId: true });
const TEL_SESSION_FIELDS = fieldsOf<DescribeTelSessionResponse>({ Session: true, RequestId: true });
const METRICS_FIELDS = fieldsOf<DescribeCallInMetricsResponse>({ Timestamp: true, TotalMetrics: true, NumberMetrics: true, SkillGroupMetrics: true, RequestId: true });
const CALL_INFO_FIELDS = fieldsOf<DescribeTelCallInfoResponse>({
  TelCallOutCount: true,
  TelCallInCount: true,
  SeatUsedCount: true,
  VoipCallInCount: true,
  VOIPCallInCount: true,
  AsrOfflineCount: true,
  AsrRealtimeCount: true,
  RequestId: true,
});
/** Every field but the two system hang-up reasons, which OpenCCC does not report. */
const DETAIL_FIELDS = fieldsOf<Omit<DescribeSessionDetailResponse, 'SysHangupReason' | 'SysHangupReasonString'>>({
  Caller: true,
  Callee: true,
  CallType: true,
  StartTimeStamp: true,
  RingTimestamp: true,
  AcceptTimestamp: true,
  EndedTimestamp: true,
  QueuedTimestamp: true,
  StaffUserId: true,
  EndStatus: true,
  QueuedSkillGroupId: true,
  QueuedSkillGroupName: true,
  RecordURL: true,
  CustomRecordURL: true,
  AsrURL: true,
  VoicemailRecordURL: true,
  VoicemailAsrURL: true,
  IVRKeyPressed: true,
  PostIVRKeyPressed: true,
  HungUpSide: true,
  UUI: true,
  Events: true,
  ServeParticipants: true,
  RequestId: true,
});

const ZERO_METRICS = { IvrCount: 0, QueueCount: 0, RingCount: 0, AcceptCount: 0, TransferOuterCount: 0, MaxQueueDuration: 0, AvgQueueDuration: 0, MaxRingDuration: 0, AvgRingDuration: 0, MaxAcceptDuration: 0, AvgAcceptDuration: 0 };
const SESSION = '00000000-0000-4000-8000-0000000000f1';
const DAY = 86_400;

let server: TestServer;
let secondSdkAppId: number;
let group: number;
/** The scripted inbound call's record (IVR, queue, an agent answering), with a recording, moved to start an hour ago. */
let record: TelCdrInfo & { SessionId: string };
let start: number;

beforeAll(async () => {
  server = await startTestServer();
  secondSdkAppId = (await createInstance(server.folder.store, 'second', Date.now())).sdkAppId;
  group = await createSkillGroup(clientFor(server, 'POST'), server.sdkAppId, uniq('Sales'));
  start = nowSeconds() - 3600;
  const built = buildTelCdr(scenarios.inboundAnswered().ended(), { recordId: SESSION });
  record = { ...built, SessionId: SESSION, Time: start, StartTimestamp: start, EndedTimestamp: start + 70, IVRKeyPressedEx: [], ServeParticipants: [] };
  await server.folder.store.callRecords.add(server.sdkAppId, record);
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  // The server runs no call engine here, whatever it is built with, unless a test puts a stand-in in.
  server.server.services.calls = callsUnavailable();
});

describe.each(METHODS)('call actions without a call engine, over %s', (method) => {
  const client = () => clientFor(server, method);

  it('HangUpCall, CreateCallOutSession and TransferToManual answer UnsupportedOperation saying no call engine runs', async () => {
    const hangUp = await expectCloudError(client().HangUpCall({ SdkAppId: server.sdkAppId, SessionId: SESSION }), 'UnsupportedOperation');
    expect(hangUp.message).toMatch(/HangUpCall.*call engine/);
    const callOut = await expectCloudError(client().CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: server.adminUser, Callee: '008613800000000', IsForceUseMobile: true }), 'UnsupportedOperation');
    expect(callOut.message).toMatch(/CreateCallOutSession.*call engine/);
    const transfer = await expectCloudError(client().TransferToManual({ SdkAppId: server.sdkAppId, SessionId: SESSION, SkillGroupId: group }), 'UnsupportedOperation');
    expect(transfer.message).toContain('TransferToManual');
    const zh = await expectCloudError(clientFor(server, method, 'zh-CN').HangUpCall({ SdkAppId: server.sdkAppId, SessionId: SESSION }), 'UnsupportedOperation');
    expect(zh.message).toMatch(CHINESE_RE);
  });

  it('DescribePSTNActiveSessionList lists nothing', async () => {
    const res = await client().DescribePSTNActiveSessionList({ SdkAppId: server.sdkAppId, Offset: 0, Limit: 25 });
    expectExactFields(res, LIST_FIELDS);
    expect(res).toMatchObject({ Total: 0, Sessions: [] });
  });

  it('DescribeTelSession shows an ended session from its record, and answers FailedOperation.SessionNotExists for an unknown one', async () => {
    const res = await client().DescribeTelSession({ SdkAppId: server.sdkAppId, SessionId: SESSION });
    expectExactFields(res, TEL_SESSION_FIELDS);
    expectExactFields(res.Session, SESSION_FIELDS);
    expect(res.Session).toMatchObject({ SessionID: SESSION, SessionStatus: 'finished', StartTimestamp: start, Caller: record.Caller, StaffEmail: record.SeatUser?.Mail });
    await expectCloudError(client().DescribeTelSession({ SdkAppId: server.sdkAppId, SessionId: '00000000-0000-4000-8000-000000000000' }), 'FailedOperation.SessionNotExists');
    await expectCloudError(client().DescribeTelSession({ SdkAppId: secondSdkAppId, SessionId: SESSION }), 'FailedOperation.SessionNotExists');
  });

  it('DescribeSessionDetail shows an ended session from its record, and answers SessionNotExists outside the window', async () => {
    const res = await client().DescribeSessionDetail({ SdkAppId: server.sdkAppId, SessionId: SESSION, StartTimestamp: start - 60, EndTimestamp: start + 60 });
    expectExactFields(res, DETAIL_FIELDS);
    expect(res).toMatchObject({ Caller: record.Caller, Callee: record.Callee, CallType: 2, StartTimeStamp: start, EndedTimestamp: start + 70, EndStatus: 1, HungUpSide: 'user', Events: [] });
    await expectCloudError(client().DescribeSessionDetail({ SdkAppId: server.sdkAppId, SessionId: SESSION, StartTimestamp: start + 1, EndTimestamp: start + 60 }), 'FailedOperation.SessionNotExists');
  });

  it('DescribeCallInMetrics answers zeros as of now, with the instance\'s skill groups', async () => {
    const before = nowSeconds();
    const res = await client().DescribeCallInMetrics({ SdkAppId: server.sdkAppId, EnabledNumber: true, GroupIdList: [group] });
    expectExactFields(res, METRICS_FIELDS);
    expect(res.Timestamp).toBeGreaterThanOrEqual(before);
    expect(res.TotalMetrics).toEqual(ZERO_METRICS);
    expect(res.SkillGroupMetrics).toEqual([{ SkillGroupId: group, Name: expect.stringMatching(/^Sales-/) as unknown, Metrics: ZERO_METRICS }]);
    expect(res.NumberMetrics).toEqual([]);
  });

  it('DescribeTelCallInfo adds up the stored records of the listed instances', async () => {
    const res = await client().DescribeTelCallInfo({ StartTimeStamp: start - DAY, EndTimeStamp: start + DAY, SdkAppIdList: [server.sdkAppId, secondSdkAppId] });
    expectExactFields(res, CALL_INFO_FIELDS);
    // The scripted call lasted 70 s from its start: 2 minutes inbound. Its record names no participant here, only the agent who answered.
    expect(res).toMatchObject({ TelCallOutCount: 0, TelCallInCount: 2, SeatUsedCount: 1, VoipCallInCount: 0, VOIPCallInCount: 0, AsrOfflineCount: 0, AsrRealtimeCount: 0 });
  });
});

describe.each(METHODS)('call actions with bad input, over %s', (method) => {
  const client = () => clientFor(server, method);
  const unknown = () => unknownSdkAppId(server);

  it('name an unknown instance', async () => {
    const c = client();
    await expectCloudError(c.HangUpCall({ SdkAppId: unknown(), SessionId: SESSION }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.CreateCallOutSession({ SdkAppId: unknown(), UserId: server.adminUser, Callee: '008613800000000' }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.TransferToManual({ SdkAppId: unknown(), SessionId: SESSION, SkillGroupId: group }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.DescribePSTNActiveSessionList({ SdkAppId: unknown(), Offset: 0, Limit: 10 }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.DescribeTelSession({ SdkAppId: unknown(), SessionId: SESSION }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.DescribeSessionDetail({ SdkAppId: unknown(), SessionId: SESSION, StartTimestamp: start, EndTimestamp: start }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.DescribeCallInMetrics({ SdkAppId: unknown() }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.DescribeTelCallInfo({ StartTimeStamp: start, EndTimeStamp: start, SdkAppIdList: [server.sdkAppId, unknown()] }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('need their required parameters', async () => {
    const c = client();
    await expectCloudError(c.request('HangUpCall', { SdkAppId: server.sdkAppId }), 'MissingParameter');
    await expectCloudError(c.request('CreateCallOutSession', { SdkAppId: server.sdkAppId, UserId: server.adminUser }), 'MissingParameter');
    await expectCloudError(c.request('TransferToManual', { SdkAppId: server.sdkAppId, SessionId: SESSION }), 'MissingParameter');
    await expectCloudError(c.request('DescribePSTNActiveSessionList', { SdkAppId: server.sdkAppId, Offset: 0 }), 'MissingParameter');
    await expectCloudError(c.request('DescribeTelSession', { SdkAppId: server.sdkAppId }), 'MissingParameter');
    await expectCloudError(c.request('DescribeSessionDetail', { SdkAppId: server.sdkAppId, SessionId: SESSION, StartTimestamp: start }), 'MissingParameter');
    await expectCloudError(c.request('DescribeCallInMetrics', {}), 'MissingParameter');
    await expectCloudError(c.request('DescribeTelCallInfo', { StartTimeStamp: start, EndTimeStamp: start }), 'MissingParameter');
  });

  it('refuse values out of range, of the wrong type, or unknown parameters', async () => {
    const c = client();
    await expectCloudError(c.DescribePSTNActiveSessionList({ SdkAppId: server.sdkAppId, Offset: 0, Limit: 26 }), 'InvalidParameterValue');
    await expectCloudError(c.DescribePSTNActiveSessionList({ SdkAppId: server.sdkAppId, Offset: -1, Limit: 10 }), 'InvalidParameterValue');
    await expectCloudError(c.HangUpCall({ SdkAppId: server.sdkAppId, SessionId: '' }), 'InvalidParameterValue');
    await expectCloudError(c.request('HangUpCall', { SdkAppId: server.sdkAppId, SessionId: SESSION, Reason: 'x' }), 'UnknownParameter');
    await expectCloudError(c.TransferToManual({ SdkAppId: server.sdkAppId, SessionId: SESSION, SkillGroupId: 0 }), 'InvalidParameterValue');
    // A GET query cannot carry an empty list: it arrives as no list at all.
    await expectCloudError(c.DescribeTelCallInfo({ StartTimeStamp: start, EndTimeStamp: start, SdkAppIdList: [] }), method === 'POST' ? 'InvalidParameterValue' : 'MissingParameter');
    await expectCloudError(c.CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: server.adminUser, Callee: '1', UUI: 'x'.repeat(1025) }), 'InvalidParameterValue');
    if (method === 'POST') {
      await expectCloudError(c.request('DescribeCallInMetrics', { SdkAppId: server.sdkAppId, EnabledNumber: 'yes' }), 'InvalidParameter');
      await expectCloudError(c.request('DescribeTelSession', { SdkAppId: server.sdkAppId, SessionId: 42 }), 'InvalidParameter');
    }
  });

  it('check what the server knows before the engine: the agent, the caller numbers, the skill group, the windows', async () => {
    const c = client();
    await expectCloudError(c.CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: 'nobody@example.com', Callee: '008613800000000' }), 'InvalidParameterValue.AccountNotExist');
    const caller = await expectCloudError(
      c.CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: server.adminUser, Callee: '008613800000000', Callers: ['+1 555 0100'] }),
      'InvalidParameterValue.PhoneNumInvalid',
    );
    expect(caller.message).toContain('Callers.0');
    await expectCloudError(c.TransferToManual({ SdkAppId: server.sdkAppId, SessionId: SESSION, SkillGroupId: 999_999 }), 'InvalidParameterValue.SkillGroupError');
    const now = nowSeconds();
    await expectCloudError(c.DescribeSessionDetail({ SdkAppId: server.sdkAppId, SessionId: SESSION, StartTimestamp: now, EndTimestamp: now - 1 }), 'InvalidParameterValue');
    await expectCloudError(c.DescribeSessionDetail({ SdkAppId: server.sdkAppId, SessionId: SESSION, StartTimestamp: now - 181 * DAY, EndTimestamp: now - 180 * DAY }), 'InvalidParameterValue');
    await expectCloudError(c.DescribeTelCallInfo({ StartTimeStamp: now - 90 * DAY, EndTimeStamp: now, SdkAppIdList: [server.sdkAppId] }), 'InvalidParameterValue');
  });
});

describe('DescribeTelCallInfo and a key limited to some instances', () => {
  it('answers AuthFailure.UnauthorizedOperation when the list names an instance the key may not act on', async () => {
    const key = await createApiKey(server.folder.store, server.folder.box, { actions: ['*'], sdkAppIds: [server.sdkAppId] }, 'one instance', Date.now());
    const c = officialClient(server, { secretId: key.secretId, secretKey: key.secretKey });
    const refused = await expectCloudError(c.DescribeTelCallInfo({ StartTimeStamp: start, EndTimeStamp: start, SdkAppIdList: [server.sdkAppId, secondSdkAppId] }), 'AuthFailure.UnauthorizedOperation');
    expect(refused.message).toContain(String(secondSdkAppId));
    expect((await c.DescribeTelCallInfo({ StartTimeStamp: start - 60, EndTimeStamp: start + 60, SdkAppIdList: [server.sdkAppId] })).TelCallInCount).toBe(2);
  });
});

describe.each(METHODS)('call actions with a call engine (a stand-in), over %s', (method) => {
  let calls: FakeCalls;
  const client = () => clientFor(server, method);

  beforeEach(() => {
    calls = new FakeCalls();
    server.server.services.calls = calls;
  });

  const live = (n: number): SessionRecord => ({ ...scenarios.inboundTalking().session, sessionId: `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}` });

  it('HangUpCall ends a session in progress and answers SessionNotExists once it has ended', async () => {
    const session = live(1);
    calls.add(server.sdkAppId, session);
    expectExactFields(await client().HangUpCall({ SdkAppId: server.sdkAppId, SessionId: session.sessionId }), ['RequestId']);
    await expectCloudError(client().HangUpCall({ SdkAppId: server.sdkAppId, SessionId: session.sessionId }), 'FailedOperation.SessionNotExists');
  });

  it('CreateCallOutSession returns the new SessionId; the engine\'s refusals keep their ccc codes', async () => {
    const res = await client().CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: server.adminUser, Callee: '008613800000000', Callers: ['+86 400 123 4567'], UUI: 'crm' });
    expect(res).toEqual({ SessionId: calls.nextSessionId, RequestId: expect.any(String) as unknown });
    expect(calls.calls[0]).toMatchObject({ op: 'callOut', request: { callers: ['00864001234567'], uui: 'crm' } });
    calls.refuse('agentBusy');
    await expectCloudError(client().CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: server.adminUser, Callee: '008613800000000' }), 'FailedOperation.SeatStatusBusy');
    calls.refuse('noCallerNumber');
    await expectCloudError(client().CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: server.adminUser, Callee: '008613800000000' }), 'FailedOperation.NoCallOutNumber');
    calls.refuse('invalidNumber');
    await expectCloudError(client().CreateCallOutSession({ SdkAppId: server.sdkAppId, UserId: server.adminUser, Callee: '12' }), 'InvalidParameterValue.PhoneNumInvalid');
  });

  it('TransferToManual moves a session in progress; one the engine cannot move answers SessionNotInControlState', async () => {
    const session = live(2);
    calls.add(server.sdkAppId, session);
    expectExactFields(await client().TransferToManual({ SdkAppId: server.sdkAppId, SessionId: session.sessionId, SkillGroupId: group }), ['RequestId']);
    calls.refuse('notInControlState');
    await expectCloudError(client().TransferToManual({ SdkAppId: server.sdkAppId, SessionId: session.sessionId, SkillGroupId: group }), 'FailedOperation.SessionNotInControlState');
  });

  it('DescribePSTNActiveSessionList and DescribeTelSession show sessions in progress, with the official types', async () => {
    const sessions = [live(3), live(4), live(5)];
    for (const s of sessions) calls.add(server.sdkAppId, s);
    const page = await client().DescribePSTNActiveSessionList({ SdkAppId: server.sdkAppId, Offset: 1, Limit: 1 });
    expect(page.Total).toBe(3);
    expect(page.Sessions?.map((s) => s.SessionID)).toEqual([sessions[1]?.sessionId]);
    // The official model types these two as strings.
    expect(typeof page.Sessions?.[0]?.StartTimestamp).toBe('string');
    expect(typeof page.Sessions?.[0]?.AcceptTimestamp).toBe('string');
    expect(typeof page.Sessions?.[0]?.RingTimestamp).toBe('number');
    const one = await client().DescribeTelSession({ SdkAppId: server.sdkAppId, SessionId: sessions[0]?.sessionId ?? '' });
    expect(one.Session).toEqual(buildPstnSession(sessions[0] as SessionRecord));
    expect(one.Session?.StartTimestamp).toBe(T0 / 1000);
  });
});

describe('DescribeTelCdr and recordings', () => {
  it('answers RecordURL as a fresh signed link when the server signs links, and empty when it does not', async () => {
    const c = clientFor(server, 'POST');
    const query = { SdkAppId: server.sdkAppId, StartTimeStamp: start - 60, EndTimeStamp: start + 60, PageSize: 10, PageNumber: 0, SessionIds: [SESSION] };
    const services = server.server.services;
    const saved = services.recordings;
    try {
      delete services.recordings;
      expect((await c.DescribeTelCdr(query)).TelCdrList?.[0]?.RecordURL).toBe('');
      services.recordings = new RecordingLinks(Buffer.alloc(32, 9));
      const url = new URL((await c.DescribeTelCdr(query)).TelCdrList?.[0]?.RecordURL ?? '');
      expect(`${url.origin}${url.pathname}`).toBe(`${services.publicUrl}/recordings/v1/${server.sdkAppId}/${new Date(start * 1000).toISOString().slice(0, 10)}/${SESSION}.wav`);
      expect(Number(url.searchParams.get('expires'))).toBeGreaterThan(nowSeconds() + 6 * DAY);
      expect(url.searchParams.get('sig')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      if (saved === undefined) delete services.recordings;
      else services.recordings = saved;
    }
  });
});
