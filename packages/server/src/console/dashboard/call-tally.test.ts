import { describe, expect, it } from 'vitest';
import { CallTally, outcomeOf, type TalliedRecord } from './call-tally.js';

const DAY = Date.UTC(2026, 11, 2);
const utcMidnight = (now: number) => Math.floor(now / 86_400_000) * 86_400_000;
const at = (hh: number, mm: number, ss = 0) => DAY + ((hh * 60 + mm) * 60 + ss) * 1000;
const sec = (ms: number) => Math.floor(ms / 1000);

let ids = 0;
function record(fields: Partial<TalliedRecord> & { start: number }): TalliedRecord {
  const { start, ...rest } = fields;
  return { SessionId: `s${++ids}`, CallType: 2, StartTimestamp: sec(start), QueuedTimestamp: 0, AcceptTimestamp: 0, EndStatus: 1, ...rest };
}
const answered = (start: number, queuedAfter: number, waited: number) =>
  record({ start, QueuedTimestamp: sec(start) + queuedAfter, AcceptTimestamp: sec(start) + queuedAfter + waited });

describe('outcomeOf', () => {
  it('counts inbound answers with their wait from the queue, else from the start', () => {
    expect(outcomeOf(answered(at(9, 0), 5, 12))).toEqual({ kind: 'answered', waitSeconds: 12 });
    expect(outcomeOf(record({ start: at(9, 0), AcceptTimestamp: sec(at(9, 0)) + 3 }))).toEqual({ kind: 'answered', waitSeconds: 3 });
    expect(outcomeOf(record({ start: at(9, 0), CallType: 3, QueuedTimestamp: sec(at(9, 0)), AcceptTimestamp: sec(at(9, 0)) + 4000 }))).toEqual({ kind: 'answered', waitSeconds: 600 });
  });

  it('counts callers who gave up queued or ringing as abandoned, not those who left the IVR', () => {
    expect(outcomeOf(record({ start: at(9, 0), EndStatus: 103 }))).toEqual({ kind: 'abandoned' });
    expect(outcomeOf(record({ start: at(9, 0), EndStatus: 104 }))).toEqual({ kind: 'abandoned' });
    expect(outcomeOf(record({ start: at(9, 0), EndStatus: 102 }))).toBeNull();
    expect(outcomeOf(record({ start: at(9, 0), EndStatus: 105 }))).toBeNull();
  });

  it('counts every outbound call and no internal one', () => {
    expect(outcomeOf(record({ start: at(9, 0), CallType: 1, EndStatus: 202 }))).toEqual({ kind: 'outbound' });
    expect(outcomeOf(record({ start: at(9, 0), CallType: 6, AcceptTimestamp: sec(at(9, 0)) + 1 }))).toBeNull();
  });
});

describe('CallTally', () => {
  it('adds up today and the minutes of the last hour, by when calls started', () => {
    const now = at(10, 30);
    const tally = new CallTally(now, utcMidnight);
    expect(tally.add(answered(at(8, 0), 2, 10), now)).toBe(true);
    expect(tally.add(answered(at(10, 29, 5), 0, 30), now)).toBe(true);
    expect(tally.add(record({ start: at(10, 29, 40), EndStatus: 103 }), now)).toBe(true);
    expect(tally.add(record({ start: at(10, 5), CallType: 1 }), now)).toBe(true);
    expect(tally.today()).toEqual({ dayStart: DAY, answered: 2, abandoned: 1, outbound: 1, answerWaits: [[10, 1], [30, 1]] });
    expect(tally.minutes()).toEqual([
      { minute: at(10, 5), answered: 0, abandoned: 0, outbound: 1 },
      { minute: at(10, 29), answered: 1, abandoned: 1, outbound: 0 },
    ]);
  });

  it('counts a record written twice once', () => {
    const now = at(10, 0);
    const tally = new CallTally(now, utcMidnight);
    const call = answered(at(9, 59), 0, 5);
    expect(tally.add(call, now)).toBe(true);
    expect(tally.add({ ...call }, now)).toBe(false);
    expect(tally.today().answered).toBe(1);
  });

  it('ignores calls that started before today and the last hour', () => {
    const now = at(10, 0);
    const tally = new CallTally(now, utcMidnight);
    expect(tally.add(answered(DAY - 60_000, 0, 5), now)).toBe(false);
    expect(tally.today().answered).toBe(0);
  });

  it('keeps the last hour across midnight but starts the day again', () => {
    const tally = new CallTally(at(23, 50), utcMidnight);
    tally.add(answered(at(23, 49), 0, 5), at(23, 50));
    tally.takeChanges();
    const afterMidnight = DAY + 86_400_000 + 5 * 60_000;
    tally.roll(afterMidnight);
    expect(tally.today()).toMatchObject({ dayStart: DAY + 86_400_000, answered: 0 });
    expect(tally.minutes()).toEqual([{ minute: at(23, 49), answered: 1, abandoned: 0, outbound: 0 }]);
    expect(tally.takeChanges()).toEqual({ today: tally.today() });
    tally.roll(at(23, 49) + 3_600_000 + 60_000);
    expect(tally.minutes()).toEqual([]);
  });

  it('hands out only what changed', () => {
    const now = at(10, 0);
    const tally = new CallTally(now, utcMidnight);
    tally.add(record({ start: at(9, 30), CallType: 1 }), now);
    tally.add(record({ start: at(9, 59), CallType: 1 }), now);
    tally.takeChanges();
    expect(tally.takeChanges()).toEqual({});
    tally.add(record({ start: at(9, 59, 30), CallType: 1 }), now);
    expect(tally.takeChanges()).toEqual({ today: expect.objectContaining({ outbound: 3 }), minutes: [{ minute: at(9, 59), answered: 0, abandoned: 0, outbound: 2 }] });
  });
});
