import { emptyCounts, type CallInCounts, type CallInMetrics } from '../calls/call-control.js';
import type { SessionRecord } from '../calls/types.js';

/**
 * `DescribeCallInMetrics`'s live figures from the inbound sessions in progress: how many are in the
 * IVR, queued, ringing and in conversation, in total, per hotline and per skill group, and how long
 * the queued, ringing and answered calls have been in that state (seconds, at `now`).
 */
export function callInMetrics(sessions: ReadonlyArray<Readonly<SessionRecord>>, now: number): CallInMetrics {
  const total = emptyCounts();
  const byNumber = new Map<string, CallInCounts>();
  const byGroup = new Map<number, CallInCounts & { groupName: string }>();
  const waits = { queue: [] as number[], ring: [] as number[], accept: [] as number[] };
  for (const session of sessions) {
    if (session.kind !== 'inbound') continue;
    const counts = [total, getOr(byNumber, session.callee, emptyCounts)];
    const group = session.group;
    if (group) counts.push(getOr(byGroup, group.groupId, () => ({ ...emptyCounts(), groupName: group.groupName })));
    for (const c of counts) {
      if (session.state === 'ivr' || session.state === 'created') c.ivr++;
      else if (session.state === 'queued') c.queued++;
      else if (session.state === 'offering') c.ringing++;
      else if (session.state === 'talking' || session.state === 'held') c.accepted++;
      if (session.pendingTransferFrom !== null) c.transferOuter++;
    }
    // Time in the current state: since the last move.
    const since = session.history.at(-1)?.at ?? now;
    const seconds = Math.max(0, Math.round((now - since) / 1000));
    if (session.state === 'queued') waits.queue.push(seconds);
    if (session.state === 'offering') waits.ring.push(seconds);
    if (session.state === 'talking' || session.state === 'held') waits.accept.push(seconds);
  }
  total.maxQueueDuration = Math.max(0, ...waits.queue);
  total.avgQueueDuration = average(waits.queue);
  total.maxRingDuration = Math.max(0, ...waits.ring);
  total.avgRingDuration = average(waits.ring);
  total.maxAcceptDuration = Math.max(0, ...waits.accept);
  total.avgAcceptDuration = average(waits.accept);
  return {
    timestamp: Math.floor(now / 1000),
    total,
    numbers: [...byNumber].map(([number, c]) => ({ number, ...c })),
    groups: [...byGroup].map(([groupId, c]) => ({ groupId, ...c })),
  };
}

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

function average(values: number[]): number {
  return values.length === 0 ? 0 : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
}
