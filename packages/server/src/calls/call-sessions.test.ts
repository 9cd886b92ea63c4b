import { describe, expect, it } from 'vitest';
import { CallSessions } from './call-sessions.js';
import { CallStateError } from './errors.js';
import { agentLeg, alice, bob, carol, CUSTOMER, HOTLINE, inboundSpec, internalSpec, outboundSpec, scenarios, SessionDriver, T0 } from './test-support/session-harness.js';

const S1 = '00000000-0000-4000-8000-000000000001';

describe('inbound call', () => {
  it('goes IVR → queue → ringing agent → talking → ended, recording every move with its time', () => {
    const call = new SessionDriver(inboundSpec({ caller: '+8613912345678', callee: HOTLINE, remark: 'vip' }));
    expect(call.sessionId).toBe(S1);
    expect(call.opened).toEqual([]);
    expect(call.session.caller).toBe(CUSTOMER);

    expect(call.send({ type: 'ivrStarted' }, 0)).toEqual([]);
    expect(call.send({ type: 'ivrKey', key: '1', label: 'Sales', nodeLabel: 'menu' }, 3)).toEqual([]);
    expect(call.send({ type: 'queued', groupId: 7, groupName: 'Sales' }, 5)).toEqual([{ type: 'play', sessionId: S1, legId: 'leg-customer', media: 'queueMusic' }]);
    expect(call.send({ type: 'offered', agents: [alice], timeoutMs: 30_000 }, 8)).toEqual([
      {
        type: 'notifyAgent',
        agentId: alice.agentId,
        event: 'callIn',
        payload: {
          sessionId: S1,
          type: 'phone',
          timeout: 30,
          calleePhoneNumber: HOTLINE,
          callerPhoneNumber: CUSTOMER,
          callerLocation: '',
          remark: 'vip',
          ivrPath: [{ key: '1', label: 'Sales' }],
          protectedCaller: '',
          protectedCallee: '',
          serverType: 'staffSeat',
        },
      },
    ]);
    expect(call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 10)).toEqual([
      { type: 'stopMedia', sessionId: S1, legId: 'leg-customer' },
      { type: 'bridge', sessionId: S1, legIds: ['leg-customer', 'leg-alice'] },
      { type: 'notifyAgent', agentId: alice.agentId, event: 'userAccessed', payload: { sessionId: S1 } },
    ]);
    const end = call.send({ type: 'hangup', side: 'user' }, 70);
    expect(end.slice(0, -1)).toEqual([
      { type: 'notifyAgent', agentId: alice.agentId, event: 'sessionEnded', payload: { sessionId: S1, closeBy: 'client', mainReason: 'ok', type: 'phone', duration: 60 } },
      { type: 'releaseAgent', sessionId: S1, agentId: alice.agentId, phase: 'serving' },
      { type: 'closeLeg', sessionId: S1, legId: 'leg-customer' },
      { type: 'closeLeg', sessionId: S1, legId: 'leg-alice' },
    ]);
    expect(end.at(-1)).toMatchObject({ type: 'writeRecord', sessionId: S1, session: { state: 'ended' } });
    expect(call.sessions.get(S1)).toBeUndefined();
    expect(call.ended().history.map((h) => [h.at - T0, h.event, h.from, h.to])).toEqual([
      [-T0 + T0, 'created', null, 'created'],
      [0, 'ivrStarted', 'created', 'ivr'],
      [3000, 'ivrKey', 'ivr', 'ivr'],
      [5000, 'queued', 'ivr', 'queued'],
      [8000, 'offered', 'queued', 'offering'],
      [10_000, 'agentAccepted', 'offering', 'talking'],
      [70_000, 'hangup', 'talking', 'ended'],
    ]);
    expect(call.transitions.map((t) => t.to)).toEqual(['created', 'ivr', 'queued', 'offering', 'talking', 'ended']);
  });

  it('goes straight to a queue without an IVR, and overflows to another group without restarting the music', () => {
    const call = new SessionDriver(inboundSpec());
    call.send({ type: 'queued', groupId: 7, groupName: 'Sales' }, 0);
    expect(call.send({ type: 'queued', groupId: 8, groupName: 'Support' }, 60)).toEqual([]);
    expect(call.session.group).toEqual({ groupId: 8, groupName: 'Support' });
    expect(call.session.queuedGroup).toEqual({ groupId: 7, groupName: 'Sales' });
  });

  it('moves an unanswered offer back to the queue with autoTransfer, then another agent answers', () => {
    const call = scenarios.inboundRinging();
    expect(call.send({ type: 'offerTimedOut', agentIds: [alice.agentId] }, 26)).toEqual([
      { type: 'notifyAgent', agentId: alice.agentId, event: 'autoTransfer', payload: { sessionId: S1 } },
      { type: 'releaseAgent', sessionId: S1, agentId: alice.agentId, phase: 'ringing' },
    ]);
    expect(call.state).toBe('queued');
    call.send({ type: 'offered', agents: [bob], timeoutMs: 20_000 }, 28);
    call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 30);
    expect(call.state).toBe('talking');
    expect(call.session.participants.map((p) => [p.agent.mail, p.outcome])).toEqual([
      ['alice@example.com', 'missed'],
      ['bob@example.com', 'serving'],
    ]);
  });

  it('returns a declined offer to the queue without autoTransfer', () => {
    const call = scenarios.inboundRinging();
    expect(call.send({ type: 'offerDeclined', agentId: alice.agentId }, 7)).toEqual([{ type: 'releaseAgent', sessionId: S1, agentId: alice.agentId, phase: 'ringing' }]);
    expect(call.state).toBe('queued');
  });

  it('records an agent who answers with an RTP leg (a desk phone) as an extension seat', () => {
    const call = scenarios.inboundRinging();
    call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: { legId: 'leg-alice', kind: 'rtp' } }, 10);
    call.send({ type: 'hangup', side: 'user' }, 20);
    expect(call.ended().participants.map((p) => p.agent.seatType)).toEqual(['staffExtensionSeat']);
  });

  it('rings several agents at once; the others are withdrawn when one answers', () => {
    const call = scenarios.inboundUntilQueued();
    call.send({ type: 'offered', agents: [alice, bob], timeoutMs: 20_000 }, 6);
    expect(call.send({ type: 'offerCancelled', agentIds: [bob.agentId], reason: 'answeredElsewhere' }, 8)).toEqual([
      { type: 'notifyAgent', agentId: bob.agentId, event: 'sessionEnded', payload: { sessionId: S1, closeBy: 'timer', mainReason: 'answeredElsewhere', type: 'phone', duration: 0 } },
      { type: 'releaseAgent', sessionId: S1, agentId: bob.agentId, phase: 'ringing' },
    ]);
    expect(call.state).toBe('offering');
    call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 8);
    expect(call.state).toBe('talking');
  });

  it('goes back to the queue when the ringing agent disappears', () => {
    const call = scenarios.inboundRinging();
    call.send({ type: 'offerCancelled', agentIds: [alice.agentId], reason: 'agentGone' }, 7);
    expect(call.state).toBe('queued');
    expect(call.session.participants[0]!.outcome).toBe('withdrawn');
  });

  it('holds with music for the customer and resumes the bridge', () => {
    const call = scenarios.inboundTalking();
    expect(call.send({ type: 'hold', agentId: alice.agentId }, 20)).toEqual([
      { type: 'unbridge', sessionId: S1, legIds: ['leg-customer', 'leg-alice'] },
      { type: 'play', sessionId: S1, legId: 'leg-customer', media: 'holdMusic' },
    ]);
    expect(call.state).toBe('held');
    expect(call.send({ type: 'unhold', agentId: alice.agentId }, 30)).toEqual([
      { type: 'stopMedia', sessionId: S1, legId: 'leg-customer' },
      { type: 'bridge', sessionId: S1, legIds: ['leg-customer', 'leg-alice'] },
    ]);
    expect(call.state).toBe('talking');
  });

  it('mutes and unmutes the agent side only, with no change of state', () => {
    const call = scenarios.inboundTalking();
    expect(call.send({ type: 'mute', agentId: alice.agentId }, 20)).toEqual([{ type: 'setMute', sessionId: S1, legId: 'leg-alice', muted: true }]);
    expect(call.state).toBe('talking');
    expect(call.session.legs.find((l) => l.legId === 'leg-alice')?.muted).toBe(true);
    expect(call.session.legs.find((l) => l.legId === 'leg-customer')?.muted).toBe(false);
    expect(call.send({ type: 'unmute', agentId: alice.agentId }, 21)).toEqual([{ type: 'setMute', sessionId: S1, legId: 'leg-alice', muted: false }]);
    expect(call.session.history.slice(-2).map((h) => [h.event, h.from, h.to])).toEqual([
      ['mute', 'talking', 'talking'],
      ['unmute', 'talking', 'talking'],
    ]);
  });

  it('sends DTMF to the far side', () => {
    const call = scenarios.inboundTalking();
    expect(call.send({ type: 'sendDigits', agentId: alice.agentId, digits: '12#' }, 20)).toEqual([
      { type: 'sendDigits', sessionId: S1, legId: 'leg-customer', digits: '12#' },
    ]);
    expect(() => call.send({ type: 'sendDigits', agentId: alice.agentId, digits: '1x' })).toThrow(CallStateError);
  });

  it('runs the satisfaction survey after the agent hangs up, and records its keys apart from the IVR', () => {
    const call = new SessionDriver(inboundSpec({ survey: true }));
    call.send({ type: 'queued', groupId: 7, groupName: 'Sales' }, 0);
    call.send({ type: 'offered', agents: [alice], timeoutMs: 20_000 }, 1);
    call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 2);
    expect(call.send({ type: 'hangup', side: 'seat', agentId: alice.agentId }, 32)).toEqual([
      { type: 'unbridge', sessionId: S1, legIds: ['leg-customer', 'leg-alice'] },
      { type: 'closeLeg', sessionId: S1, legId: 'leg-alice' },
      { type: 'releaseAgent', sessionId: S1, agentId: alice.agentId, phase: 'serving' },
      { type: 'notifyAgent', agentId: alice.agentId, event: 'sessionEnded', payload: { sessionId: S1, closeBy: 'seat', type: 'phone', duration: 30 } },
      { type: 'runSurvey', sessionId: S1, legId: 'leg-customer' },
    ]);
    expect(call.state).toBe('survey');
    call.send({ type: 'ivrKey', key: '5', label: 'very satisfied', nodeLabel: 'survey' }, 36);
    const end = call.send({ type: 'hangup', side: 'system', reason: 'ivrEnd' }, 37);
    expect(end.map((c) => c.type)).toEqual(['closeLeg', 'writeRecord']);
    expect(call.ended().postIvrKeys).toEqual([{ key: '5', label: 'very satisfied', nodeLabel: 'survey', at: T0 + 36_000 }]);
    expect(call.ended().ivrKeys).toEqual([]);
  });
});

describe('outbound call', () => {
  it('connects the agent, dials, rings back, and bridges when the callee answers', () => {
    const call = new SessionDriver(outboundSpec({ callee: '13912345678', remark: 'renewal' }));
    expect(call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 0)).toEqual([
      {
        type: 'notifyAgent',
        agentId: alice.agentId,
        event: 'callOuted',
        payload: { sessionId: S1, calleePhoneNumber: CUSTOMER, callerPhoneNumber: HOTLINE, protectedCallee: '', remark: 'renewal' },
      },
      { type: 'dial', sessionId: S1, legId: 'leg-callee', from: HOTLINE, to: CUSTOMER },
    ]);
    expect(call.state).toBe('dialing');
    expect(call.send({ type: 'calleeRinging' }, 2)).toEqual([{ type: 'play', sessionId: S1, legId: 'leg-alice', media: 'ringback' }]);
    expect(call.send({ type: 'calleeAnswered' }, 9)).toEqual([
      { type: 'stopMedia', sessionId: S1, legId: 'leg-alice' },
      { type: 'bridge', sessionId: S1, legIds: ['leg-callee', 'leg-alice'] },
      { type: 'notifyAgent', agentId: alice.agentId, event: 'calloutAccepted', payload: { sessionId: S1 } },
    ]);
    const end = call.send({ type: 'hangup', side: 'seat', agentId: alice.agentId }, 69);
    expect(end[0]).toEqual({
      type: 'notifyAgent',
      agentId: alice.agentId,
      event: 'sessionEnded',
      payload: { sessionId: S1, closeBy: 'seat', mainReason: 'ok', type: 'phone', duration: 60 },
    });
  });

  it('may be answered straight from dialing (no ringing reported)', () => {
    const call = scenarios.outboundDialing();
    expect(call.send({ type: 'calleeAnswered' }, 3).map((c) => c.type)).toEqual(['bridge', 'notifyAgent']);
    expect(call.state).toBe('talking');
  });

  it.each(['busy', 'notAnswer', 'userReject', 'notInService', 'powerOff', 'numberNotExist'] as const)('ends when the callee is %s', (failure) => {
    const call = scenarios.outboundRinging();
    const end = call.send({ type: 'calleeFailed', failure }, 30);
    expect(end[0]).toMatchObject({ event: 'sessionEnded', payload: { closeBy: 'client', mainReason: failure, duration: 0 } });
    expect(call.ended().end).toEqual({ at: T0 + 30_000, cause: 'calleeFailed', failure });
  });

  it('ends when the agent cancels while the callee rings', () => {
    const call = scenarios.outboundRinging();
    call.send({ type: 'hangup', side: 'seat', agentId: alice.agentId }, 5);
    expect(call.ended().history.at(-1)).toMatchObject({ from: 'calleeRinging', to: 'ended' });
  });

  it('rings the agent first when placed from the Cloud API, and ends if the agent does not pick up', () => {
    const call = new SessionDriver(outboundSpec());
    const offer = call.send({ type: 'offered', agents: [alice], timeoutMs: 15_000 }, 0);
    expect(offer).toMatchObject([{ event: 'callIn', payload: { type: 'phone', timeout: 15, calleePhoneNumber: CUSTOMER, callerPhoneNumber: HOTLINE } }]);
    call.send({ type: 'offerTimedOut', agentIds: [alice.agentId] }, 15);
    expect(call.ended().end).toEqual({ at: T0 + 15_000, cause: 'noAnswer', declined: false });
  });

  it('dials once the agent picks up the Cloud API call', () => {
    const call = new SessionDriver(outboundSpec());
    call.send({ type: 'offered', agents: [alice], timeoutMs: 15_000 }, 0);
    expect(call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 4).map((c) => c.type)).toEqual(['notifyAgent', 'dial']);
    expect(call.state).toBe('dialing');
  });
});

describe('internal call', () => {
  it('rings the peer with the internal callIn and ringback for the caller, then bridges both agents', () => {
    const call = new SessionDriver(internalSpec());
    expect(call.send({ type: 'offered', agents: [bob], timeoutMs: 30_000 }, 0)).toEqual([
      { type: 'notifyAgent', agentId: bob.agentId, event: 'callIn', payload: { sessionId: S1, type: 'internal', timeout: 30, peerUserId: 'alice@example.com' } },
      { type: 'play', sessionId: S1, legId: 'leg-alice', media: 'ringback' },
    ]);
    expect(call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 4)).toEqual([
      { type: 'stopMedia', sessionId: S1, legId: 'leg-alice' },
      { type: 'bridge', sessionId: S1, legIds: ['leg-alice', 'leg-bob'] },
      { type: 'notifyAgent', agentId: bob.agentId, event: 'userAccessed', payload: { sessionId: S1 } },
      { type: 'notifyAgent', agentId: alice.agentId, event: 'userAccessed', payload: { sessionId: S1 } },
    ]);
    expect(call.send({ type: 'hold', agentId: bob.agentId }, 10)).toEqual([
      { type: 'unbridge', sessionId: S1, legIds: ['leg-alice', 'leg-bob'] },
      { type: 'play', sessionId: S1, legId: 'leg-alice', media: 'holdMusic' },
    ]);
    call.send({ type: 'unhold', agentId: bob.agentId }, 12);
    const end = call.send({ type: 'hangup', side: 'seat', agentId: alice.agentId }, 34);
    expect(end.filter((c) => c.type === 'releaseAgent').map((c) => c.type === 'releaseAgent' && c.agentId)).toEqual([alice.agentId, bob.agentId]);
    expect(end.filter((c) => c.type === 'notifyAgent').map((c) => c.type === 'notifyAgent' && c.payload)).toEqual([
      { sessionId: S1, closeBy: 'seat', mainReason: 'ok', type: 'internal', duration: 30 },
      { sessionId: S1, closeBy: 'seat', mainReason: 'ok', type: 'internal', duration: 30 },
    ]);
  });

  it('ends unanswered when the peer declines or lets it ring out', () => {
    const declined = scenarios.internalRinging();
    declined.send({ type: 'offerDeclined', agentId: bob.agentId }, 3);
    expect(declined.ended().end).toMatchObject({ cause: 'noAnswer', declined: true });
    const missed = scenarios.internalRinging();
    const end = missed.send({ type: 'offerTimedOut', agentIds: [bob.agentId] }, 30);
    expect(end.slice(0, 2)).toEqual([
      { type: 'notifyAgent', agentId: bob.agentId, event: 'autoTransfer', payload: { sessionId: S1 } },
      { type: 'releaseAgent', sessionId: S1, agentId: bob.agentId, phase: 'ringing' },
    ]);
    expect(missed.ended().end).toMatchObject({ cause: 'noAnswer', declined: false });
  });

  it('cannot be transferred', () => {
    const call = scenarios.internalRinging();
    call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 3);
    expect(() => call.send({ type: 'transferRequested', agentId: bob.agentId, target: { type: 'group', groupId: 1, groupName: 'x' } })).toThrow(CallStateError);
  });
});

describe('blind transfer', () => {
  it('to a skill group: the agent leaves, the customer queues with music, a new participant answers', () => {
    const call = scenarios.inboundTalking();
    expect(call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'group', groupId: 9, groupName: 'Billing' } }, 40)).toEqual([
      { type: 'unbridge', sessionId: S1, legIds: ['leg-customer', 'leg-alice'] },
      { type: 'closeLeg', sessionId: S1, legId: 'leg-alice' },
      { type: 'releaseAgent', sessionId: S1, agentId: alice.agentId, phase: 'serving' },
      { type: 'notifyAgent', agentId: alice.agentId, event: 'transfer', payload: { sessionId: S1, skillGroupId: '9' } },
      { type: 'notifyAgent', agentId: alice.agentId, event: 'sessionEnded', payload: { sessionId: S1, closeBy: 'seat', mainReason: 'transfer', type: 'phone', duration: 31 } },
      { type: 'play', sessionId: S1, legId: 'leg-customer', media: 'queueMusic' },
    ]);
    expect(call.state).toBe('queued');
    call.send({ type: 'offered', agents: [bob], timeoutMs: 20_000 }, 45);
    call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 50);
    const [first, second] = call.session.participants;
    expect([first?.outcome, first?.transferTo, second?.transferFrom, second?.groupId]).toEqual(['transferred', 1, 0, 9]);
  });

  it('to an agent: rings them directly with ringback for the customer', () => {
    const call = scenarios.inboundTalking();
    const commands = call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'agent', agent: carol, timeoutMs: 20_000 } }, 40);
    expect(commands.slice(3)).toEqual([
      { type: 'notifyAgent', agentId: alice.agentId, event: 'transfer', payload: { sessionId: S1, userId: 'carol@example.com' } },
      { type: 'notifyAgent', agentId: alice.agentId, event: 'sessionEnded', payload: { sessionId: S1, closeBy: 'seat', mainReason: 'transfer', type: 'phone', duration: 31 } },
      { type: 'play', sessionId: S1, legId: 'leg-customer', media: 'ringback' },
      expect.objectContaining({ type: 'notifyAgent', agentId: carol.agentId, event: 'callIn', payload: expect.objectContaining({ serverType: 'staffPhoneSeat', timeout: 20 }) }),
    ]);
    expect(call.state).toBe('offering');
    call.send({ type: 'agentAccepted', agentId: carol.agentId, leg: agentLeg(carol) }, 45);
    expect(call.state).toBe('talking');
  });

  it('to an agent who does not answer: the call ends (system, transferFailed)', () => {
    const call = scenarios.inboundTalking();
    call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'agent', agent: carol, timeoutMs: 20_000 } }, 40);
    call.send({ type: 'offerTimedOut', agentIds: [carol.agentId] }, 60);
    expect(call.ended().end).toEqual({ at: T0 + 60_000, cause: 'hangup', side: 'system', reason: 'transferFailed' });
  });

  it('from hold: the hold music stops first', () => {
    const call = scenarios.inboundTalking();
    call.send({ type: 'hold', agentId: alice.agentId }, 20);
    const commands = call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'group', groupId: 9, groupName: 'Billing' } }, 40);
    expect(commands.slice(0, 2)).toEqual([
      { type: 'stopMedia', sessionId: S1, legId: 'leg-customer' },
      { type: 'closeLeg', sessionId: S1, legId: 'leg-alice' },
    ]);
  });

  it('lets the transferring agent take the call back on the same media leg, which is then closed once more', () => {
    const call = scenarios.inboundTalking();
    call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'group', groupId: 9, groupName: 'Billing' } }, 40);
    call.send({ type: 'offered', agents: [alice], timeoutMs: 20_000 }, 45);
    call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 50);
    expect(call.send({ type: 'mute', agentId: alice.agentId }, 51)).toEqual([{ type: 'setMute', sessionId: S1, legId: 'leg-alice', muted: true }]);
    call.send({ type: 'hangup', side: 'user' }, 60);
    expect(call.log.filter((c) => c.type === 'closeLeg').map((c) => c.type === 'closeLeg' && c.legId)).toEqual(['leg-alice', 'leg-customer', 'leg-alice']);
    expect(call.ended().legs.map((l) => [l.legId, l.muted, l.open])).toEqual([
      ['leg-customer', false, false],
      ['leg-alice', false, false],
      ['leg-alice', true, false],
    ]);
  });

  it('refuses a transfer to oneself', () => {
    const call = scenarios.inboundTalking();
    expect(() => call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'agent', agent: alice, timeoutMs: 1 } })).toThrow(CallStateError);
  });
});

describe('failures and races', () => {
  it('ends on a media timeout or a failed client, whatever the state', () => {
    const media = scenarios.inboundTalking();
    expect(media.send({ type: 'mediaTimeout', side: 'seat' }, 30)[0]).toMatchObject({ event: 'sessionEnded', payload: { closeBy: 'timer', mainReason: 'clientError' } });
    const client = scenarios.inboundUntilQueued();
    client.send({ type: 'clientFailed', side: 'user', failure: 'clientError' }, 30);
    expect(client.ended().end).toMatchObject({ cause: 'clientFailed', side: 'user' });
  });

  it('tells ringing agents the call is gone when the caller hangs up', () => {
    const call = scenarios.inboundRinging();
    const end = call.send({ type: 'hangup', side: 'user' }, 10);
    expect(end.slice(0, 2)).toEqual([
      { type: 'notifyAgent', agentId: alice.agentId, event: 'sessionEnded', payload: { sessionId: S1, closeBy: 'client', mainReason: 'ringingGiveUp', type: 'phone', duration: 0 } },
      { type: 'releaseAgent', sessionId: S1, agentId: alice.agentId, phase: 'ringing' },
    ]);
    expect(call.ended().participants[0]).toMatchObject({ outcome: 'endedWhileRinging', endedAt: T0 + 10_000 });
  });

  it('ignores a second hang-up and late ACD cancellations', () => {
    const call = scenarios.inboundRinging();
    call.send({ type: 'hangup', side: 'user' }, 10);
    expect(call.send({ type: 'hangup', side: 'seat' }, 11)).toEqual([]);
    expect(call.send({ type: 'offerCancelled', agentIds: [alice.agentId], reason: 'agentGone' }, 11)).toEqual([]);
    expect(call.send({ type: 'mediaTimeout', side: 'user' }, 12)).toEqual([]);
  });

  it('ignores a cancellation of an offer that already ended', () => {
    const call = scenarios.inboundTalking();
    expect(call.send({ type: 'offerCancelled', agentIds: [bob.agentId], reason: 'answeredElsewhere' }, 10)).toEqual([]);
    expect(call.state).toBe('talking');
  });

  it('keeps the history in order when the clock steps back', () => {
    const call = scenarios.inboundTalking();
    call.send({ type: 'hold', agentId: alice.agentId }, 5);
    expect(call.session.history.slice(-2).map((h) => h.at - T0)).toEqual([9000, 9000]);
  });

  it('refuses an event fed from inside another one', () => {
    let inner: unknown;
    const sessions: CallSessions = new CallSessions({
      onTransition: (t) => {
        if (t.to !== 'ivr') return;
        try {
          sessions.handle(t.sessionId, { type: 'queued', groupId: 1, groupName: 'x' }, T0);
        } catch (error) {
          inner = error;
        }
      },
    });
    const { sessionId } = sessions.open(inboundSpec(), T0);
    sessions.handle(sessionId, { type: 'ivrStarted' }, T0);
    expect(inner).toBeInstanceOf(CallStateError);
    expect(sessions.get(sessionId)?.state).toBe('ivr');
  });

  it('survives an observer that throws', () => {
    const sessions = new CallSessions({
      onTransition: () => {
        throw new Error('log failed');
      },
    });
    const { sessionId } = sessions.open(inboundSpec(), T0);
    expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    sessions.handle(sessionId, { type: 'ivrStarted' }, T0);
    expect(sessions.get(sessionId)?.state).toBe('ivr');
  });
});

describe('illegal moves throw CallStateError', () => {
  it.each<[string, () => SessionDriver, Parameters<SessionDriver['send']>[0]]>([
    ['hold while queued', () => scenarios.inboundUntilQueued(), { type: 'hold', agentId: alice.agentId }],
    ['unhold while talking', () => scenarios.inboundTalking(), { type: 'unhold', agentId: alice.agentId }],
    ['hold by an agent not in the call', () => scenarios.inboundTalking(), { type: 'hold', agentId: bob.agentId }],
    ['ivrStarted twice', () => scenarios.inboundUntilQueued(), { type: 'ivrStarted' }],
    ['an IVR on an outbound call', () => new SessionDriver(outboundSpec()), { type: 'ivrStarted' }],
    ['a queue for an outbound call', () => new SessionDriver(outboundSpec()), { type: 'queued', groupId: 1, groupName: 'x' }],
    ['an accept from an agent never rung', () => scenarios.inboundRinging(), { type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }],
    ['an accept while queued', () => scenarios.inboundUntilQueued(), { type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }],
    ['an outbound call accepted by another agent', () => new SessionDriver(outboundSpec()), { type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }],
    ['callee ringing on an inbound call', () => scenarios.inboundTalking(), { type: 'calleeRinging' }],
    ['callee answering twice', () => scenarios.outboundRinging(), { type: 'calleeRinging' }],
    ['a timeout for an agent not ringing', () => scenarios.inboundRinging(), { type: 'offerTimedOut', agentIds: [bob.agentId] }],
    ['an offer while talking', () => scenarios.inboundTalking(), { type: 'offered', agents: [bob], timeoutMs: 1 }],
    ['an offer to nobody', () => scenarios.inboundUntilQueued(), { type: 'offered', agents: [], timeoutMs: 1 }],
    ['an internal call offered to someone else', () => new SessionDriver(internalSpec()), { type: 'offered', agents: [carol], timeoutMs: 1 }],
    ['a key outside the IVR', () => scenarios.inboundTalking(), { type: 'ivrKey', key: '1', label: '', nodeLabel: '' }],
    ['a transfer while ringing', () => scenarios.inboundRinging(), { type: 'transferRequested', agentId: alice.agentId, target: { type: 'group', groupId: 1, groupName: 'x' } }],
    ['mute while queued', () => scenarios.inboundUntilQueued(), { type: 'mute', agentId: alice.agentId }],
  ])('%s', (_name, make, event) => {
    const call = make();
    expect(() => call.send(event)).toThrow(CallStateError);
  });

  it('names the session and the states in the message', () => {
    const call = scenarios.inboundUntilQueued();
    expect(() => call.send({ type: 'hold', agentId: alice.agentId })).toThrow(`Session ${S1} cannot handle hold while queued (only while talking).`);
  });

  it('throws for anything but a late event on an unknown or ended session', () => {
    const call = scenarios.inboundTalking();
    call.send({ type: 'hangup', side: 'user' }, 20);
    expect(() => call.send({ type: 'hold', agentId: alice.agentId })).toThrow(`Session ${S1} is not live on this node; hold cannot be applied.`);
  });

  it('refuses a session id that is already in use', () => {
    const sessions = new CallSessions({ newId: () => S1 });
    sessions.open(inboundSpec(), T0);
    expect(() => sessions.open(inboundSpec(), T0)).toThrow(CallStateError);
  });
});
