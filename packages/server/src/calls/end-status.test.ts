import { describe, expect, it } from 'vitest';
import { deriveEndStatus, type EndStatus } from './end-status.js';
import { CallStateError } from './errors.js';
import { agentLeg, alice, bob, inboundSpec, outboundSpec, scenarios, SessionDriver } from './test-support/session-harness.js';

type Case = [name: string, drive: () => SessionDriver, expected: EndStatus];

const inbound: Case[] = [
  ['answered, the customer hangs up', () => scenarios.inboundAnswered(), { endStatus: 1, endStatusString: 'ok', hungUpSide: 'user' }],
  [
    'answered, the agent hangs up',
    () => {
      const call = scenarios.inboundTalking();
      call.send({ type: 'hangup', side: 'seat', agentId: alice.agentId }, 30);
      return call;
    },
    { endStatus: 1, endStatusString: 'ok', hungUpSide: 'seat' },
  ],
  [
    'answered, HangUpCall by an administrator',
    () => {
      const call = scenarios.inboundTalking();
      call.send({ type: 'hangup', side: 'admin' }, 30);
      return call;
    },
    { endStatus: 1, endStatusString: 'ok', hungUpSide: 'system' },
  ],
  [
    'answered, the agent hangs up into the survey, then the customer leaves',
    () => {
      const call = new SessionDriver(inboundSpec({ survey: true }));
      call.send({ type: 'queued', groupId: 7, groupName: 'Sales' }, 0);
      call.send({ type: 'offered', agents: [alice], timeoutMs: 1000 }, 1);
      call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 2);
      call.send({ type: 'hangup', side: 'seat' }, 20);
      call.send({ type: 'hangup', side: 'user' }, 25);
      return call;
    },
    { endStatus: 1, endStatusString: 'ok', hungUpSide: 'seat' },
  ],
  [
    'answered, then transferred to a group where the customer gives up waiting',
    () => {
      const call = scenarios.inboundTalking();
      call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'group', groupId: 9, groupName: 'Billing' } }, 20);
      call.send({ type: 'hangup', side: 'user' }, 40);
      return call;
    },
    { endStatus: 1, endStatusString: 'ok', hungUpSide: 'user' },
  ],
  [
    'the caller hangs up in the IVR',
    () => {
      const call = new SessionDriver(inboundSpec());
      call.send({ type: 'ivrStarted' }, 0);
      call.send({ type: 'hangup', side: 'user' }, 4);
      return call;
    },
    { endStatus: 102, endStatusString: 'ivrGiveUp', hungUpSide: 'user' },
  ],
  [
    'the caller hangs up before the IVR starts',
    () => {
      const call = new SessionDriver(inboundSpec());
      call.send({ type: 'hangup', side: 'user' }, 0);
      return call;
    },
    { endStatus: 102, endStatusString: 'ivrGiveUp', hungUpSide: 'user' },
  ],
  [
    'the caller gives up in the queue',
    () => {
      const call = scenarios.inboundUntilQueued();
      call.send({ type: 'hangup', side: 'user' }, 30);
      return call;
    },
    { endStatus: 103, endStatusString: 'waitingGiveUp', hungUpSide: 'user' },
  ],
  [
    'the caller gives up while an agent rings',
    () => {
      const call = scenarios.inboundRinging();
      call.send({ type: 'hangup', side: 'user' }, 10);
      return call;
    },
    { endStatus: 104, endStatusString: 'ringingGiveUp', hungUpSide: 'user' },
  ],
  [
    'nobody of the group is online (ACD hangup noSeatOnline)',
    () => {
      const call = scenarios.inboundUntilQueued();
      call.send({ type: 'hangup', side: 'system', reason: 'noSeatOnline' }, 4);
      return call;
    },
    { endStatus: 105, endStatusString: 'noSeatOnline', hungUpSide: 'system' },
  ],
  [
    'outside working hours, before the IVR',
    () => {
      const call = new SessionDriver(inboundSpec());
      call.send({ type: 'hangup', side: 'system', reason: 'notWorkTime' }, 6);
      return call;
    },
    { endStatus: 106, endStatusString: 'notWorkTime', hungUpSide: 'system' },
  ],
  [
    'the IVR hangs up by itself',
    () => {
      const call = new SessionDriver(inboundSpec());
      call.send({ type: 'ivrStarted' }, 0);
      call.send({ type: 'hangup', side: 'system', reason: 'ivrEnd' }, 20);
      return call;
    },
    { endStatus: 107, endStatusString: 'ivrEnd', hungUpSide: 'system' },
  ],
  [
    'the maximum queue wait runs out (ACD hangup queueTimeout)',
    () => {
      const call = scenarios.inboundUntilQueued();
      call.send({ type: 'hangup', side: 'system', reason: 'queueTimeout' }, 300);
      return call;
    },
    { endStatus: 107, endStatusString: 'ivrEnd', hungUpSide: 'system' },
  ],
  [
    'an administrator hangs up a waiting call',
    () => {
      const call = scenarios.inboundUntilQueued();
      call.send({ type: 'hangup', side: 'admin' }, 30);
      return call;
    },
    { endStatus: 107, endStatusString: 'ivrEnd', hungUpSide: 'system' },
  ],
  [
    "the agent's workbench loses its media while talking",
    () => {
      const call = scenarios.inboundTalking();
      call.send({ type: 'mediaTimeout', side: 'seat' }, 30);
      return call;
    },
    { endStatus: 211, endStatusString: 'clientError', hungUpSide: 'system' },
  ],
  [
    "the phone caller's media stops in the queue",
    () => {
      const call = scenarios.inboundUntilQueued();
      call.send({ type: 'mediaTimeout', side: 'user' }, 30);
      return call;
    },
    { endStatus: 103, endStatusString: 'waitingGiveUp', hungUpSide: 'system' },
  ],
  [
    'the node that held the call went away (ACD reset)',
    () => {
      const call = scenarios.inboundUntilQueued();
      call.send({ type: 'hangup', side: 'system', reason: 'reset' }, 30);
      return call;
    },
    { endStatus: 211, endStatusString: 'clientError', hungUpSide: 'system' },
  ],
  [
    'closed by recovery after a crash',
    () => {
      const call = scenarios.inboundTalking();
      call.send({ type: 'nodeCrashed' }, 30);
      return call;
    },
    { endStatus: 211, endStatusString: 'clientError', hungUpSide: 'system' },
  ],
];

const voip: Case[] = [
  [
    'a VoIP caller already in another call',
    () => {
      const call = new SessionDriver(inboundSpec({ channel: 'voip' }));
      call.send({ type: 'clientFailed', side: 'user', failure: 'callConflict' }, 1);
      return call;
    },
    { endStatus: 501, endStatusString: 'callConflict', hungUpSide: 'system' },
  ],
  [
    "a VoIP caller's media times out",
    () => {
      const call = new SessionDriver(inboundSpec({ channel: 'voip' }));
      call.send({ type: 'queued', groupId: 1, groupName: 'x' }, 0);
      call.send({ type: 'mediaTimeout', side: 'user' }, 20);
      return call;
    },
    { endStatus: 502, endStatusString: 'clientTimeout', hungUpSide: 'system' },
  ],
  [
    "a VoIP caller's client fails",
    () => {
      const call = new SessionDriver(inboundSpec({ channel: 'voip' }));
      call.send({ type: 'clientFailed', side: 'user', failure: 'clientError' }, 1);
      return call;
    },
    { endStatus: 503, endStatusString: 'voipClientError', hungUpSide: 'system' },
  ],
];

function outboundFailure(failure: 'notAnswer' | 'userReject' | 'powerOff' | 'numberNotExist' | 'busy' | 'notInService'): () => SessionDriver {
  return () => {
    const call = scenarios.outboundRinging();
    call.send({ type: 'calleeFailed', failure }, 30);
    return call;
  };
}

const outbound: Case[] = [
  [
    'answered, the agent hangs up',
    () => {
      const call = scenarios.outboundRinging();
      call.send({ type: 'calleeAnswered' }, 5);
      call.send({ type: 'hangup', side: 'seat' }, 50);
      return call;
    },
    { endStatus: 1, endStatusString: 'ok', hungUpSide: 'seat' },
  ],
  ['the callee does not answer', outboundFailure('notAnswer'), { endStatus: 202, endStatusString: 'notAnswer', hungUpSide: 'user' }],
  ['the callee rejects', outboundFailure('userReject'), { endStatus: 203, endStatusString: 'userReject', hungUpSide: 'user' }],
  [
    'the callee hangs up while ringing',
    () => {
      const call = scenarios.outboundRinging();
      call.send({ type: 'hangup', side: 'user' }, 5);
      return call;
    },
    { endStatus: 203, endStatusString: 'userReject', hungUpSide: 'user' },
  ],
  ['the callee is switched off', outboundFailure('powerOff'), { endStatus: 204, endStatusString: 'powerOff', hungUpSide: 'user' }],
  ['the number does not exist', outboundFailure('numberNotExist'), { endStatus: 205, endStatusString: 'numberNotExist', hungUpSide: 'user' }],
  ['the callee is busy', outboundFailure('busy'), { endStatus: 206, endStatusString: 'busy', hungUpSide: 'user' }],
  ['the callee is unreachable', outboundFailure('notInService'), { endStatus: 210, endStatusString: 'notInService', hungUpSide: 'user' }],
  [
    'the agent does not pick up their own leg (Cloud API call)',
    () => {
      const call = new SessionDriver(outboundSpec());
      call.send({ type: 'offered', agents: [alice], timeoutMs: 10_000 }, 0);
      call.send({ type: 'offerTimedOut', agentIds: [alice.agentId] }, 10);
      return call;
    },
    { endStatus: 209, endStatusString: 'callerCancel', hungUpSide: 'system' },
  ],
  [
    'the agent cancels while their own leg rings (Cloud API call)',
    () => {
      const call = new SessionDriver(outboundSpec());
      call.send({ type: 'offered', agents: [alice], timeoutMs: 10_000 }, 0);
      call.send({ type: 'hangup', side: 'seat' }, 3);
      return call;
    },
    { endStatus: 209, endStatusString: 'callerCancel', hungUpSide: 'seat' },
  ],
  [
    'the agent cancels while the callee rings',
    () => {
      const call = scenarios.outboundRinging();
      call.send({ type: 'hangup', side: 'seat' }, 5);
      return call;
    },
    { endStatus: 220, endStatusString: 'callerCancelWhileRing', hungUpSide: 'seat' },
  ],
  [
    'the agent cancels before the callee rings',
    () => {
      const call = scenarios.outboundDialing();
      call.send({ type: 'hangup', side: 'seat' }, 1);
      return call;
    },
    { endStatus: 221, endStatusString: 'callerCancelWithoutRing', hungUpSide: 'seat' },
  ],
];

const internal: Case[] = [
  [
    'answered',
    () => {
      const call = scenarios.internalRinging();
      call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 2);
      call.send({ type: 'hangup', side: 'seat', agentId: bob.agentId }, 20);
      return call;
    },
    { endStatus: 1, endStatusString: 'ok', hungUpSide: 'seat' },
  ],
  [
    'the peer lets it ring out',
    () => {
      const call = scenarios.internalRinging();
      call.send({ type: 'offerTimedOut', agentIds: [bob.agentId] }, 30);
      return call;
    },
    { endStatus: 202, endStatusString: 'notAnswer', hungUpSide: 'system' },
  ],
  [
    'the peer declines',
    () => {
      const call = scenarios.internalRinging();
      call.send({ type: 'offerDeclined', agentId: bob.agentId }, 3);
      return call;
    },
    { endStatus: 203, endStatusString: 'userReject', hungUpSide: 'seat' },
  ],
  [
    'the caller cancels while the peer rings',
    () => {
      const call = scenarios.internalRinging();
      call.send({ type: 'hangup', side: 'seat', agentId: alice.agentId }, 3);
      return call;
    },
    { endStatus: 220, endStatusString: 'callerCancelWhileRing', hungUpSide: 'seat' },
  ],
];

describe('EndStatus', () => {
  describe.each([
    ['inbound', inbound],
    ['VoIP', voip],
    ['outbound', outbound],
    ['internal', internal],
  ] as const)('%s', (_kind, cases) => {
    it.each(cases)('%s', (_name, drive, expected) => {
      expect(deriveEndStatus(drive().ended())).toEqual(expected);
    });
  });

  it('covers every code this engine can produce', () => {
    const codes = new Set([...inbound, ...voip, ...outbound, ...internal].map(([, drive]) => deriveEndStatus(drive().ended()).endStatus));
    expect([...codes].sort((a, b) => a - b)).toEqual([1, 102, 103, 104, 105, 106, 107, 202, 203, 204, 205, 206, 209, 210, 211, 220, 221, 501, 502, 503]);
  });

  it('refuses a session that has not ended', () => {
    expect(() => deriveEndStatus(scenarios.inboundTalking().session)).toThrow(CallStateError);
  });
});
