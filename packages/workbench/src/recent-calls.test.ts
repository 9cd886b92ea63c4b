import { describe, expect, it } from 'vitest';
import { RECENT_LIMIT, RecentCallStore, recentKey, type RecentCall } from './recent-calls.js';
import { MemoryStorage } from './testing/fake-media.js';

const alice = { sdkAppId: 1400000001, mail: 'Alice@Example.com' };
const entry = (n: number, patch: Partial<RecentCall> = {}): RecentCall => ({
  sessionId: `s${n}`,
  type: 'phone',
  direction: 'in',
  peer: `1380000${String(n).padStart(4, '0')}`,
  startedAt: 1_700_000_000_000 + n * 60_000,
  duration: n,
  reason: 'peerHungUp',
  ...patch,
});

describe('recent calls', () => {
  it('keeps the newest first, at most 20, in localStorage per instance and agent', () => {
    const storage = new MemoryStorage();
    const store = new RecentCallStore(storage);
    store.open(alice);
    for (let n = 1; n <= RECENT_LIMIT + 5; n++) store.record(entry(n));
    expect(store.list).toHaveLength(RECENT_LIMIT);
    expect(store.list[0]?.sessionId).toBe('s25');
    expect(store.list.at(-1)?.sessionId).toBe('s6');
    expect(recentKey(alice)).toBe('openccc.recentCalls.1400000001.alice@example.com');

    const again = new RecentCallStore(storage);
    expect(again.open({ sdkAppId: 1400000001, mail: 'alice@example.com' })).toEqual(store.list);
    expect(again.open({ sdkAppId: 1400000002, mail: 'alice@example.com' })).toEqual([]);
    expect(again.open({ sdkAppId: 1400000001, mail: 'bob@example.com' })).toEqual([]);
  });

  it('updates a call already listed in place, and settles its duration from a later sessionEnded', () => {
    const store = new RecentCallStore(new MemoryStorage());
    store.open(alice);
    store.record(entry(1));
    store.record(entry(2, { reason: 'transferred', duration: 9 }));
    store.record(entry(1, { reason: 'agentHungUp' }));
    expect(store.list.map((e) => [e.sessionId, e.reason])).toEqual([
      ['s2', 'transferred'],
      ['s1', 'agentHungUp'],
    ]);
    store.settle('s2', 12);
    expect(store.list[0]).toMatchObject({ sessionId: 's2', reason: 'transferred', duration: 12 });
    store.settle('unknown', 5);
    expect(store.list).toHaveLength(2);
  });

  it('skips what it cannot read and survives a storage that refuses', () => {
    const storage = new MemoryStorage();
    storage.setItem(recentKey(alice), JSON.stringify([entry(1), { sessionId: 3 }, null, { ...entry(2), reason: 'lunch', duration: -4 }]));
    const store = new RecentCallStore(storage);
    expect(store.open(alice)).toEqual([entry(1), { ...entry(2), reason: 'unknown', duration: 0 }]);

    storage.setItem(recentKey(alice), '{not json');
    expect(new RecentCallStore(storage).open(alice)).toEqual([]);

    const refusing = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    const memoryOnly = new RecentCallStore(refusing);
    memoryOnly.open(alice);
    expect(memoryOnly.record(entry(7))).toEqual([entry(7)]);
    expect(new RecentCallStore(null).record(entry(8))).toEqual([entry(8)]);
  });

  it('clear forgets the agent’s list', () => {
    const storage = new MemoryStorage();
    const store = new RecentCallStore(storage);
    store.open(alice);
    store.record(entry(1));
    store.clear();
    expect(new RecentCallStore(storage).open(alice)).toEqual([]);
  });
});
