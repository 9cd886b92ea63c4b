import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../calls/types.js';
import { CallEngineEvents } from '../../engine/engine-events.js';
import { createLogger } from '../../log.js';
import type { ScheduledHandle, Scheduler } from '../../realtime/scheduler.js';
import { Presence } from '../../staff/presence.js';
import type { Staff } from '../../store/ports.js';
import { DashboardFeeds, type DashboardSources } from './dashboard-feed.js';
import type { DashboardDelta, DashboardMessage, DashboardSnapshot } from '@openccc/protocol';

const APP = 1400000001;

/** Timers that fire only when the test advances time. */
class ManualScheduler implements Scheduler {
  now = Date.UTC(2026, 11, 2, 10, 0);
  private readonly timers = new Map<ScheduledHandle, { at: number; callback: () => void }>();

  setTimeout(callback: () => void, ms: number): ScheduledHandle {
    const handle: ScheduledHandle = { scheduled: true };
    this.timers.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: ScheduledHandle): void {
    this.timers.delete(handle);
  }

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

function staff(mail: string, name: string): Staff {
  return { sdkAppId: APP, mail, name, staffNumber: '', phone: '', nick: '', userId: '', role: 3, extensionNumber: '', passwordHash: '', useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null, forcedOffline: false, createdAt: 0, modifiedAt: 0 };
}

function setup() {
  const scheduler = new ManualScheduler();
  const presence = new Presence();
  const log = createLogger('silent');
  const events = new CallEngineEvents(log);
  const people = new Map([['ann@x.com', staff('ann@x.com', 'Ann')]]);
  let live: SessionRecord[] = [];
  const store = {
    staff: {
      list: async () => ({ total: people.size, items: [...people.values()] }),
      get: async (_app: number, mail: string) => people.get(mail.toLowerCase()),
    },
    skillGroups: { list: async () => ({ total: 1, items: [{ id: 7, name: 'Sales' }] }) },
    callRecords: { list: async () => ({ total: 0, items: [] }) },
  };
  const feeds = new DashboardFeeds({
    presence,
    engine: { live: () => live, events },
    // Only the reads the feed makes.
    store: store as unknown as DashboardSources['store'],
    clock: () => scheduler.now,
    scheduler,
    log,
  });
  const received: DashboardMessage[] = [];
  const subscriber = { send: (json: string) => received.push(JSON.parse(json) as DashboardMessage), fail: () => received.push({ type: 'delta', serverTime: -1 }) };
  /** Subscribes and lets the snapshot go out, and the 250 ms after it pass. */
  const subscribed = async () => {
    feeds.subscribe(APP, subscriber);
    await settle();
    scheduler.advance(1000);
  };
  return { scheduler, presence, events, people, store, feeds, received, subscriber, subscribed, setLive: (sessions: SessionRecord[]) => (live = sessions) };
}

/** Lets the feed's store reads (promises) finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('DashboardFeeds', () => {
  it('sends a subscriber the snapshot once the instance is read, then nothing until something changes', async () => {
    const t = setup();
    t.feeds.subscribe(APP, t.subscriber);
    await settle();
    t.scheduler.advance(0);
    expect(t.received).toHaveLength(1);
    const snapshot = t.received[0] as DashboardSnapshot;
    expect(snapshot).toMatchObject({ type: 'snapshot', agents: [{ mail: 'ann@x.com', status: 'offline' }], queues: [{ groupId: 7, waiting: 0 }] });
    t.scheduler.advance(10_000);
    expect(t.received).toHaveLength(1);
  });

  it('coalesces a burst of changes into one update per 250 ms, with the latest state', async () => {
    const t = setup();
    await t.subscribed();
    t.presence.setStatus(APP, 'ann@x.com', 'free', '', t.scheduler.now);
    t.scheduler.advance(0);
    expect((t.received[1] as DashboardDelta).agents).toEqual([expect.objectContaining({ status: 'free' })]);
    // A burst right after an update waits for the rest of the 250 ms.
    for (const status of ['rest', 'notReady', 'free', 'rest'] as const) t.presence.setStatus(APP, 'ann@x.com', status, 'tea', t.scheduler.now);
    t.scheduler.advance(249);
    expect(t.received).toHaveLength(2);
    t.scheduler.advance(1);
    expect(t.received).toHaveLength(3);
    expect((t.received[2] as DashboardDelta).agents).toEqual([expect.objectContaining({ status: 'rest', reason: 'tea' })]);
  });

  it('follows the queues on callsChanged and counts records on recordWritten, outside the engine’s call', async () => {
    const t = setup();
    await t.subscribed();
    const queuedAt = t.scheduler.now - 3000;
    t.setLive([
      {
        sessionId: 's1', kind: 'inbound', channel: 'phone', state: 'queued', caller: '', callee: '', remark: '', uui: '', survey: false, createdAt: queuedAt,
        initiator: null, peer: null, legs: [], participants: [], group: { groupId: 7, groupName: 'Sales' }, queuedGroup: null, ivrKeys: [], postIvrKeys: [],
        talkEnd: null, offerSource: 'queue', pendingTransferFrom: null, end: null, history: [{ at: queuedAt, event: 'created', from: 'created', to: 'queued' }],
      },
    ]);
    t.events.emit('callsChanged', { sdkAppId: APP });
    t.events.emit('callsChanged', { sdkAppId: APP + 1 });
    expect(t.received).toHaveLength(1);
    t.scheduler.advance(0);
    expect(t.received[1]).toMatchObject({ queues: [{ groupId: 7, waiting: 1, oldestSince: queuedAt }], calls: { queued: 1 } });
    const start = Math.floor(t.scheduler.now / 1000) - 20;
    t.events.emit('recordWritten', { sdkAppId: APP, recorded: false, record: { SessionId: 's1', CallType: 2, StartTimestamp: start, QueuedTimestamp: start, AcceptTimestamp: start + 4, EndStatus: 1 } });
    t.scheduler.advance(250);
    expect(t.received[2]).toMatchObject({ today: { answered: 1, answerWaits: [[4, 1]] } });
  });

  it('names staff it did not know when they come online', async () => {
    const t = setup();
    await t.subscribed();
    t.people.set('bo@x.com', staff('bo@x.com', 'Bo'));
    t.presence.setStatus(APP, 'bo@x.com', 'free', '', t.scheduler.now);
    t.scheduler.advance(0);
    await settle();
    t.scheduler.advance(250);
    expect(t.received.at(-1)).toMatchObject({ agents: [{ mail: 'bo@x.com', name: 'Bo', status: 'free' }] });
  });

  it('tells its subscribers when the store fails, and reads the instance again for the next page', async () => {
    const t = setup();
    let failures = 1;
    const list = t.store.staff.list;
    t.store.staff.list = async () => {
      if (failures-- > 0) throw new Error('disk gone');
      return list();
    };
    const failed: string[] = [];
    t.feeds.subscribe(APP, { send: () => failed.push('sent'), fail: () => failed.push('failed') });
    await settle();
    expect(failed).toEqual(['failed']);
    expect(t.feeds.subscriberCount).toBe(0);
    await t.subscribed();
    expect(t.received[0]).toMatchObject({ type: 'snapshot', agents: [{ mail: 'ann@x.com' }] });
  });

  it('stops when its last subscriber leaves: later events schedule nothing', async () => {
    const t = setup();
    const unsubscribe = t.feeds.subscribe(APP, t.subscriber);
    await settle();
    t.scheduler.advance(0);
    unsubscribe();
    expect(t.feeds.subscriberCount).toBe(0);
    t.presence.setStatus(APP, 'ann@x.com', 'free', '', t.scheduler.now);
    t.events.emit('callsChanged', { sdkAppId: APP });
    expect(t.scheduler.pending).toBe(0);
    expect(t.received).toHaveLength(1);
  });
});
