import { describe, expect, it } from 'vitest';
import { buildTelCdr } from './cdr.js';
import { CallStateError } from './errors.js';
import { recoverSessions } from './recovery.js';
import { parseSnapshot, snapshotOf, type SessionSnapshot } from './snapshot.js';
import { alice, scenarios, T0 } from './test-support/session-harness.js';

const S1 = '00000000-0000-4000-8000-000000000001';
const RESTART = T0 + 120_000;

/** A snapshot as it comes back from the journal: written as JSON, read as JSON. */
function throughJournal(snapshot: SessionSnapshot): SessionSnapshot {
  return parseSnapshot(JSON.parse(JSON.stringify(snapshot)));
}

describe('session snapshots', () => {
  it('survive a trip through JSON unchanged, for every kind of session', () => {
    for (const call of [scenarios.inboundTalking(), scenarios.outboundRinging(), scenarios.internalRinging(), scenarios.inboundAnswered()]) {
      const snapshot = snapshotOf(call.session);
      expect(throughJournal(snapshot)).toEqual(snapshot);
    }
  });

  it('are detached from the live session', () => {
    const call = scenarios.inboundTalking();
    const snapshot = snapshotOf(call.session);
    call.send({ type: 'hold', agentId: alice.agentId }, 20);
    expect(snapshot.session.state).toBe('talking');
  });

  it('name the first bad field of an unreadable journal entry', () => {
    const good = JSON.parse(JSON.stringify(snapshotOf(scenarios.inboundTalking().session))) as { session: { participants: Array<Record<string, unknown>> } };
    good.session.participants[0]!.outcome = 'dancing';
    expect(() => parseSnapshot(good)).toThrow(
      new CallStateError(
        'Journalled session is unreadable: snapshot.session.participants.0.outcome should be one of ringing, serving, missed, declined, withdrawn, transferred, done, endedWhileRinging, but is "dancing".',
      ),
    );
    expect(() => parseSnapshot({ v: 2, session: {} })).toThrow('snapshot.v should be the format version 1, but is 2.');
    expect(() => parseSnapshot(null)).toThrow('snapshot should be an object, but is null.');
  });
});

describe('recovery after a crash', () => {
  it('closes a call that was talking: 211 clientError by the system, the agent told and released', () => {
    const snapshot = throughJournal(snapshotOf(scenarios.inboundTalking().session));
    const { records, commands } = recoverSessions([snapshot], RESTART);
    expect(commands.slice(0, -1)).toEqual([
      { type: 'notifyAgent', agentId: alice.agentId, event: 'sessionEnded', payload: { sessionId: S1, closeBy: 'timer', mainReason: 'clientError', type: 'phone', duration: 111 } },
      { type: 'releaseAgent', sessionId: S1, agentId: alice.agentId, phase: 'serving' },
      { type: 'closeLeg', sessionId: S1, legId: 'leg-customer' },
      { type: 'closeLeg', sessionId: S1, legId: 'leg-alice' },
    ]);
    expect(commands.at(-1)).toMatchObject({ type: 'writeRecord', sessionId: S1 });
    expect(records).toHaveLength(1);
    expect(buildTelCdr(records[0]!)).toMatchObject({
      SessionId: S1,
      EndStatus: 211,
      EndStatusString: 'clientError',
      HungUpSide: 'system',
      AcceptTimestamp: (T0 + 9000) / 1000,
      EndedTimestamp: RESTART / 1000,
      Duration: 111,
    });
  });

  it('closes waiting, ringing, dialing and internal calls the same way, releasing ringing agents too', () => {
    const snapshots = [scenarios.inboundUntilQueued(), scenarios.inboundRinging(), scenarios.outboundDialing(), scenarios.internalRinging()].map((call, index) => {
      const snapshot = snapshotOf(call.session);
      snapshot.session.sessionId = `s${index}`;
      return throughJournal(snapshot);
    });
    const { records, commands } = recoverSessions(snapshots, RESTART);
    expect(records.map((r) => [r.sessionId, buildTelCdr(r).EndStatus, r.state])).toEqual([
      ['s0', 211, 'ended'],
      ['s1', 211, 'ended'],
      ['s2', 211, 'ended'],
      ['s3', 211, 'ended'],
    ]);
    expect(commands.filter((c) => c.type === 'releaseAgent').map((c) => c.type === 'releaseAgent' && [c.sessionId, c.agentId, c.phase])).toEqual([
      ['s1', alice.agentId, 'ringing'],
      ['s2', alice.agentId, 'serving'],
      ['s3', alice.agentId, 'serving'],
      ['s3', 'app/bob@example.com', 'ringing'],
    ]);
    expect(commands.filter((c) => c.type === 'writeRecord')).toHaveLength(4);
  });

  it('writes again, unchanged, a session that had ended but whose record may not have been stored', () => {
    const ended = throughJournal(snapshotOf(scenarios.inboundAnswered().session));
    const { records, commands } = recoverSessions([ended], RESTART);
    expect(commands).toEqual([{ type: 'writeRecord', sessionId: S1, session: ended.session }]);
    expect(buildTelCdr(records[0]!)).toMatchObject({ EndStatus: 1, EndedTimestamp: (T0 + 70_000) / 1000 });
  });

  it('never ends a session before its last journalled event', () => {
    const snapshot = throughJournal(snapshotOf(scenarios.inboundTalking().session));
    const { records } = recoverSessions([snapshot], T0);
    expect(records[0]!.end?.at).toBe(T0 + 9000);
  });

  it('has nothing to do for an empty journal', () => {
    expect(recoverSessions([], RESTART)).toEqual({ records: [], commands: [] });
  });
});
