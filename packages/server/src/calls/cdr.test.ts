import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { describe, expect, it } from 'vitest';
import { buildPstnSession, buildPstnSessionInfo, buildTelCdr } from './cdr.js';
import { CallStateError } from './errors.js';
import { agentLeg, alice, bob, CUSTOMER, HOTLINE, inboundSpec, outboundSpec, scenarios, SessionDriver, T0 } from './test-support/session-harness.js';

const S1 = '00000000-0000-4000-8000-000000000001';
const T = T0 / 1000;

/** The fields every record has, for the cases below to override. */
function cdr(fields: Partial<TelCdrInfo>): TelCdrInfo {
  return {
    SessionId: S1,
    Caller: CUSTOMER,
    Callee: HOTLINE,
    Time: T,
    Direction: 0,
    CallType: 2,
    Duration: 0,
    StartTimestamp: T,
    QueuedTimestamp: 0,
    RingTimestamp: 0,
    AcceptTimestamp: 0,
    IVRDuration: 0,
    SkillGroup: '',
    SkillGroupId: 0,
    QueuedSkillGroupId: 0,
    QueuedSkillGroupName: '',
    IVRKeyPressed: [],
    IVRKeyPressedEx: [],
    PostIVRKeyPressedEx: [],
    ServeParticipants: [],
    RecordId: '',
    RecordURL: '',
    CallerLocation: '',
    ProtectedCaller: '',
    ProtectedCallee: '',
    UUI: '',
    Remark: '',
    VoicemailRecordURL: [],
    ...fields,
  };
}

const aliceSeat = { Name: 'Alice', Mail: 'alice@example.com', StaffNumber: '1001', Phone: '', UserId: 'alice@example.com' };
const bobSeat = { Name: 'Bob', Mail: 'bob@example.com', StaffNumber: '1002', Phone: '', UserId: 'bob@example.com' };

function participant(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    Phone: '',
    Type: 'staffSeat',
    RecordId: '',
    RecordURL: '',
    TransferFrom: '',
    TransferFromType: '',
    TransferTo: '',
    TransferToType: '',
    ...fields,
  };
}

describe('TelCdrInfo', () => {
  it('inbound, answered: every field, with the recording links the caller fills in', () => {
    const record = buildTelCdr(scenarios.inboundAnswered().ended(), {
      recordId: 'rec-1',
      recordUrl: 'https://ccc.example.com/records/rec-1?sig=x',
      participants: new Map([[0, { recordId: 'rec-1-0', recordUrl: 'https://ccc.example.com/records/rec-1-0?sig=y' }]]),
    });
    expect(record).toEqual(
      cdr({
        Duration: 60,
        QueuedTimestamp: T + 5,
        RingTimestamp: T + 8,
        AcceptTimestamp: T + 10,
        EndedTimestamp: T + 70,
        IVRDuration: 5,
        EndStatus: 1,
        EndStatusString: 'ok',
        HungUpSide: 'user',
        SeatUser: aliceSeat,
        SkillGroup: 'Sales',
        SkillGroupId: 7,
        QueuedSkillGroupId: 7,
        QueuedSkillGroupName: 'Sales',
        IVRKeyPressed: ['1'],
        IVRKeyPressedEx: [{ Key: '1', Label: 'Sales', Timestamp: T0 + 3000, NodeLabel: 'menu' }],
        ServeParticipants: [
          participant({
            Sequence: 0,
            Mail: 'alice@example.com',
            StartTimestamp: T + 8,
            RingTimestamp: T + 8,
            AcceptTimestamp: T + 10,
            EndedTimestamp: T + 70,
            RecordId: 'rec-1-0',
            RecordURL: 'https://ccc.example.com/records/rec-1-0?sig=y',
            SkillGroupId: 7,
            SkillGroupName: 'Sales',
            EndStatusString: 'ok',
          }),
        ],
        RecordId: 'rec-1',
        RecordURL: 'https://ccc.example.com/records/rec-1?sig=x',
        UUI: 'crm-42',
        Remark: 'vip',
      }),
    );
  });

  it('inbound, abandoned in the queue: no seat, no ring', () => {
    const call = scenarios.inboundUntilQueued();
    call.send({ type: 'hangup', side: 'user' }, 34);
    expect(buildTelCdr(call.ended())).toEqual(
      cdr({
        QueuedTimestamp: T + 4,
        EndedTimestamp: T + 34,
        IVRDuration: 4,
        EndStatus: 103,
        EndStatusString: 'waitingGiveUp',
        HungUpSide: 'user',
        SkillGroup: 'Support',
        SkillGroupId: 8,
        QueuedSkillGroupId: 8,
        QueuedSkillGroupName: 'Support',
        IVRKeyPressed: ['2'],
        IVRKeyPressedEx: [{ Key: '2', Label: 'Support', Timestamp: T0 + 2000, NodeLabel: 'menu' }],
      }),
    );
  });

  it('inbound, the caller gives up while the agent rings: the agent is the seat, with no accept', () => {
    const call = scenarios.inboundRinging();
    call.send({ type: 'hangup', side: 'user' }, 12);
    const record = buildTelCdr(call.ended());
    expect(record).toMatchObject({ EndStatus: 104, EndStatusString: 'ringingGiveUp', RingTimestamp: T + 6, AcceptTimestamp: 0, Duration: 0, SeatUser: aliceSeat });
    expect(record.ServeParticipants).toEqual([
      participant({
        Sequence: 0,
        Mail: 'alice@example.com',
        StartTimestamp: T + 6,
        RingTimestamp: T + 6,
        AcceptTimestamp: 0,
        EndedTimestamp: T + 12,
        SkillGroupId: 8,
        SkillGroupName: 'Support',
        EndStatusString: 'ringingGiveUp',
      }),
    ]);
  });

  it('inbound, nobody online', () => {
    const call = new SessionDriver(inboundSpec());
    call.send({ type: 'queued', groupId: 7, groupName: 'Sales' }, 1);
    call.send({ type: 'hangup', side: 'system', reason: 'noSeatOnline' }, 1);
    expect(buildTelCdr(call.ended())).toEqual(
      cdr({
        QueuedTimestamp: T + 1,
        EndedTimestamp: T + 1,
        EndStatus: 105,
        EndStatusString: 'noSeatOnline',
        HungUpSide: 'system',
        SkillGroup: 'Sales',
        SkillGroupId: 7,
        QueuedSkillGroupId: 7,
        QueuedSkillGroupName: 'Sales',
      }),
    );
  });

  it('inbound, after hours', () => {
    const call = new SessionDriver(inboundSpec());
    call.send({ type: 'hangup', side: 'system', reason: 'notWorkTime' }, 8);
    expect(buildTelCdr(call.ended())).toEqual(cdr({ EndedTimestamp: T + 8, EndStatus: 106, EndStatusString: 'notWorkTime', HungUpSide: 'system' }));
  });

  it('inbound with the survey: keys after the call, and noInput when none was pressed', () => {
    const run = (key: string | null) => {
      const call = new SessionDriver(inboundSpec({ survey: true }));
      call.send({ type: 'queued', groupId: 7, groupName: 'Sales' }, 0);
      call.send({ type: 'offered', agents: [alice], timeoutMs: 1000 }, 1);
      call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 2);
      call.send({ type: 'hangup', side: 'seat' }, 42);
      if (key !== null) call.send({ type: 'ivrKey', key, label: 'satisfied', nodeLabel: 'survey' }, 45);
      call.send({ type: 'hangup', side: 'user' }, 50);
      return buildTelCdr(call.ended());
    };
    expect(run('1')).toMatchObject({ Duration: 40, EndedTimestamp: T + 50, HungUpSide: 'seat', PostIVRKeyPressedEx: [{ Key: '1', Label: 'satisfied', Timestamp: T0 + 45_000, NodeLabel: 'survey' }] });
    expect(run(null).PostIVRKeyPressedEx).toEqual([{ Key: 'noInput', Label: '', Timestamp: T0 + 42_000, NodeLabel: '' }]);
  });

  it('outbound, busy', () => {
    const call = scenarios.outboundRinging();
    call.send({ type: 'calleeFailed', failure: 'busy' }, 4);
    expect(buildTelCdr(call.ended())).toEqual(
      cdr({
        Caller: HOTLINE,
        Callee: CUSTOMER,
        Direction: 1,
        CallType: 1,
        RingTimestamp: T + 2,
        EndedTimestamp: T + 4,
        EndStatus: 206,
        EndStatusString: 'busy',
        HungUpSide: 'user',
        SeatUser: aliceSeat,
        SkillGroup: 'Sales',
        SkillGroupId: 7,
        ServeParticipants: [
          participant({
            Sequence: 0,
            Mail: 'alice@example.com',
            StartTimestamp: T,
            RingTimestamp: 0,
            AcceptTimestamp: T,
            EndedTimestamp: T + 4,
            SkillGroupId: 7,
            SkillGroupName: 'Sales',
            EndStatusString: 'busy',
          }),
        ],
      }),
    );
  });

  it('outbound, not answered', () => {
    const call = scenarios.outboundRinging();
    call.send({ type: 'calleeFailed', failure: 'notAnswer' }, 62);
    expect(buildTelCdr(call.ended())).toMatchObject({ EndStatus: 202, EndStatusString: 'notAnswer', RingTimestamp: T + 2, AcceptTimestamp: 0, Duration: 0, EndedTimestamp: T + 62 });
  });

  it('outbound, answered', () => {
    const call = scenarios.outboundRinging();
    call.send({ type: 'calleeAnswered' }, 7);
    call.send({ type: 'hangup', side: 'user' }, 97);
    expect(buildTelCdr(call.ended())).toMatchObject({
      Direction: 1,
      CallType: 1,
      Caller: HOTLINE,
      Callee: CUSTOMER,
      RingTimestamp: T + 2,
      AcceptTimestamp: T + 7,
      EndedTimestamp: T + 97,
      Duration: 90,
      EndStatus: 1,
      HungUpSide: 'user',
      SeatUser: aliceSeat,
    });
  });

  it('internal: the agents as caller and callee, both serving', () => {
    const call = scenarios.internalRinging();
    call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 3);
    call.send({ type: 'hangup', side: 'seat', agentId: alice.agentId }, 33);
    const record = buildTelCdr(call.ended());
    expect(record).toMatchObject({
      Caller: 'alice@example.com',
      Callee: 'bob@example.com',
      Direction: 1,
      CallType: 6,
      RingTimestamp: T,
      AcceptTimestamp: T + 3,
      Duration: 30,
      EndStatus: 1,
      HungUpSide: 'seat',
      SeatUser: bobSeat,
    });
    expect(record.ServeParticipants?.map((p) => [p.Sequence, p.Mail, p.RingTimestamp, p.AcceptTimestamp, p.EndedTimestamp, p.EndStatusString])).toEqual([
      [0, 'alice@example.com', 0, T, T + 33, 'ok'],
      [1, 'bob@example.com', T, T + 3, T + 33, 'ok'],
    ]);
  });

  it('blind transfer: two participants linked by TransferTo and TransferFrom, the seat is the one who finished', () => {
    const record = buildTelCdr(scenarios.transferredToGroup().ended());
    expect(record).toMatchObject({
      EndStatus: 1,
      AcceptTimestamp: T + 9,
      Duration: 91,
      SeatUser: bobSeat,
      SkillGroup: 'Billing',
      SkillGroupId: 9,
      QueuedSkillGroupId: 8,
      QueuedSkillGroupName: 'Support',
    });
    expect(record.ServeParticipants).toEqual([
      participant({
        Sequence: 0,
        Mail: 'alice@example.com',
        StartTimestamp: T + 6,
        RingTimestamp: T + 6,
        AcceptTimestamp: T + 9,
        EndedTimestamp: T + 40,
        TransferTo: 'bob@example.com',
        TransferToType: 'staffSeat',
        SkillGroupId: 8,
        SkillGroupName: 'Support',
        EndStatusString: 'ok',
      }),
      participant({
        Sequence: 1,
        Mail: 'bob@example.com',
        StartTimestamp: T + 45,
        RingTimestamp: T + 45,
        AcceptTimestamp: T + 50,
        EndedTimestamp: T + 100,
        TransferFrom: 'alice@example.com',
        TransferFromType: 'staffSeat',
        SkillGroupId: 9,
        SkillGroupName: 'Billing',
        EndStatusString: 'ok',
      }),
    ]);
  });

  it('a missed offer is a participant with notAnswer', () => {
    const call = scenarios.inboundRinging();
    call.send({ type: 'offerTimedOut', agentIds: [alice.agentId] }, 26);
    call.send({ type: 'offered', agents: [bob], timeoutMs: 20_000 }, 28);
    call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 30);
    call.send({ type: 'hangup', side: 'seat' }, 60);
    const record = buildTelCdr(call.ended());
    expect(record.ServeParticipants?.map((p) => [p.Mail, p.EndStatusString, p.AcceptTimestamp])).toEqual([
      ['alice@example.com', 'notAnswer', 0],
      ['bob@example.com', 'ok', T + 30],
    ]);
    expect(record).toMatchObject({ RingTimestamp: T + 6, AcceptTimestamp: T + 30, SeatUser: bobSeat });
  });

  it('refuses a session that has not ended', () => {
    expect(() => buildTelCdr(scenarios.inboundTalking().session)).toThrow(CallStateError);
  });
});

describe('PSTN sessions', () => {
  it('DescribeTelSession: numbers, unix seconds, status', () => {
    const call = scenarios.inboundTalking();
    expect(buildPstnSession(call.session)).toEqual({
      SessionID: S1,
      RoomID: '',
      Caller: CUSTOMER,
      Callee: HOTLINE,
      StartTimestamp: T,
      RingTimestamp: T + 6,
      AcceptTimestamp: T + 9,
      StaffEmail: 'alice@example.com',
      StaffNumber: '1001',
      SessionStatus: 'inProgress',
      Direction: 0,
      ProtectedCaller: '',
      ProtectedCallee: '',
    });
  });

  it('DescribePSTNActiveSessionList: StartTimestamp and AcceptTimestamp as strings, as the official model has them', () => {
    const call = new SessionDriver(outboundSpec());
    call.send({ type: 'offered', agents: [alice], timeoutMs: 10_000 }, 1);
    expect(buildPstnSessionInfo(call.session)).toEqual({
      SessionID: S1,
      RoomID: '',
      Caller: HOTLINE,
      Callee: CUSTOMER,
      StartTimestamp: String(T),
      RingTimestamp: 0,
      AcceptTimestamp: '0',
      StaffEmail: 'alice@example.com',
      StaffNumber: '1001',
      SessionStatus: 'seatJoining',
      Direction: 1,
      ProtectedCaller: '',
      ProtectedCallee: '',
    });
  });

  it.each([
    ['queued', () => scenarios.inboundUntilQueued(), 'ringing'],
    ['offering', () => scenarios.inboundRinging(), 'seatJoining'],
    ['dialing', () => scenarios.outboundDialing(), 'ringing'],
    ['talking', () => scenarios.inboundTalking(), 'inProgress'],
    ['ended', () => scenarios.inboundAnswered(), 'finished'],
  ] as const)('SessionStatus while %s is %s', (_state, drive, status) => {
    const call = drive();
    expect(buildPstnSession(call.session).SessionStatus).toBe(status);
  });
});
