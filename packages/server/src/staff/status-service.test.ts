import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { StatusHistoryEntry } from '../store/ports.js';
import { IllegalTransitionError } from './agent-status.js';
import { Presence, type StaffStatus } from './presence.js';
import { StaffService } from './staff-service.js';
import { StatusService } from './status-service.js';

const APP = 1400000001;
const MAIL = 'agent@example.com';

/** A promise the test settles by hand. */
function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

/**
 * A status service on an in-memory store whose history writes wait for the test:
 * `writes` holds one gate per append, in the order they were asked for.
 */
function setup() {
  const store = openSqliteStore(':memory:');
  stores.push(store);
  const presence = new Presence();
  let now = 1_700_000_000_000;
  const clock = () => ++now;
  const writes: Array<{ entry: StatusHistoryEntry; gate: ReturnType<typeof deferred> }> = [];
  const append = store.statusHistory.append.bind(store.statusHistory);
  store.statusHistory.append = async (entry) => {
    const gate = deferred();
    writes.push({ entry, gate });
    await gate.promise;
    await append(entry);
  };
  const published: StaffStatus[] = [];
  presence.on('changed', (_app, _mail, entry) => published.push(entry.status));
  const status = new StatusService(store, presence, new StaffService(store, presence, clock), clock);
  const history = async () => (await store.statusHistory.list(APP, MAIL, 0, Number.MAX_SAFE_INTEGER, 0, 100)).map((r) => [r.status, r.reason]);
  /** Lets queued promise callbacks run. */
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return { status, presence, writes, published, history, settle };
}

describe('StatusService: history first, then presence', () => {
  it('changes presence only once the history entry is written', async () => {
    const t = setup();
    const recorded = t.status.record(APP, MAIL, 'free', '');
    await t.settle();
    expect(t.writes).toHaveLength(1);
    // Before: presence said free while the history did not hold it yet.
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(t.published).toEqual([]);
    t.writes[0]?.gate.resolve();
    await recorded;
    expect(t.presence.statusOf(APP, MAIL)).toBe('free');
    expect(await t.history()).toEqual([['free', '']]);
  });

  it('a failed history write changes nothing, and the next change still runs', async () => {
    const t = setup();
    const failed = t.status.record(APP, MAIL, 'free', '');
    const next = t.status.record(APP, MAIL, 'free', '');
    await t.settle();
    t.writes[0]?.gate.reject(new Error('disk full'));
    await expect(failed).rejects.toThrow('disk full');
    // Before: presence was already free, and stayed so with no history entry.
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(t.published).toEqual([]);
    await t.settle();
    t.writes[1]?.gate.resolve();
    await next;
    expect(t.presence.statusOf(APP, MAIL)).toBe('free');
    expect(await t.history()).toEqual([['free', '']]);
  });

  it('rapid changes of one agent are written and published in the order asked, one at a time', async () => {
    const t = setup();
    const changes = [t.status.record(APP, MAIL, 'free', ''), t.status.record(APP, MAIL, 'rest', 'lunch'), t.status.record(APP, MAIL, 'notReady', '')];
    for (const [i, change] of changes.entries()) {
      await t.settle();
      // The next write starts only after the one before it has landed and been published.
      expect(t.writes).toHaveLength(i + 1);
      expect(t.published).toHaveLength(i);
      t.writes[i]?.gate.resolve();
      await change;
      expect(t.published).toHaveLength(i + 1);
    }
    await Promise.all(changes);
    expect(t.published).toEqual(['free', 'rest', 'notReady']);
    expect(await t.history()).toEqual([
      ['free', ''],
      ['rest', 'lunch'],
      ['notReady', ''],
    ]);
  });

  it('change() decides against the status the earlier changes left', async () => {
    const t = setup();
    const first = t.status.record(APP, MAIL, 'rest', 'lunch');
    // Like a hello: come online as free only if offline.
    const hello = t.status.change(APP, MAIL, (current) => ((current?.status ?? 'offline') === 'offline' ? { status: 'free', reason: '' } : null));
    await t.settle();
    t.writes[0]?.gate.resolve();
    await first;
    await expect(hello).resolves.toBe(false);
    expect(t.presence.get(APP, MAIL)).toMatchObject({ status: 'rest', reason: 'lunch' });
    expect(t.writes).toHaveLength(1);
  });

  it('an illegal move throws before anything is written', async () => {
    const t = setup();
    await expect(t.status.record(APP, MAIL, 'busy', '')).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(t.writes).toEqual([]);
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
  });

  it('changes of different agents do not wait for each other', async () => {
    const t = setup();
    void t.status.record(APP, MAIL, 'free', '');
    void t.status.record(APP, 'other@example.com', 'free', '');
    await t.settle();
    expect(t.writes.map((w) => w.entry.mail)).toEqual([MAIL, 'other@example.com']);
    for (const w of t.writes) w.gate.resolve();
  });
  it('ends logins after a password change with the offline entry written first', async () => {
    const t = setup();
    const online = t.status.record(APP, MAIL, 'free', '');
    await t.settle();
    t.writes[0]?.gate.resolve();
    await online;
    const signedOut: string[] = [];
    t.presence.on('loginsEnded', (_app, mail) => signedOut.push(mail));
    const ended = t.status.endLogins(APP, MAIL);
    await t.settle();
    expect(t.writes.map((w) => w.entry.status)).toEqual(['free', 'offline']);
    // Before: presence went offline and the workbenches were signed out before the entry was written.
    expect(t.presence.statusOf(APP, MAIL)).toBe('free');
    expect(signedOut).toEqual([]);
    t.writes[1]?.gate.resolve();
    await ended;
    expect(t.presence.statusOf(APP, MAIL)).toBe('offline');
    expect(signedOut).toEqual([MAIL]);
    expect(await t.history()).toEqual([['free', ''], ['offline', '']]);
  });
});
