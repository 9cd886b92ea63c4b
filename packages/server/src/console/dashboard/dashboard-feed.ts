import type { Logger } from 'pino';
import type { SessionRecord } from '../../calls/types.js';
import type { CallEngineEvents, WrittenRecord } from '../../engine/engine-events.js';
import type { ScheduledHandle, Scheduler } from '../../realtime/scheduler.js';
import type { Presence, PresenceEntry } from '../../staff/presence.js';
import type { Store } from '../../store/ports.js';
import type { TalliedRecord } from './call-tally.js';
import { DashboardState, type AgentPresence } from './dashboard-state.js';

/** A page subscribed to an instance's dashboard. */
export interface DashboardSubscriber {
  /** Sends one serialised `DashboardMessage`; the subscriber decides what to do when it cannot keep up. */
  send(json: string): void;
  /** The dashboard cannot be built (the store failed): the subscriber should close. */
  fail(): void;
}

export interface DashboardSources {
  presence: Pick<Presence, 'get' | 'on' | 'off'>;
  engine: { live(sdkAppId: number): ReadonlyArray<Readonly<SessionRecord>>; readonly events: Pick<CallEngineEvents, 'on'> };
  store: Pick<Store, 'staff' | 'skillGroups' | 'callRecords'>;
  clock: () => number;
  scheduler: Scheduler;
  log: Logger;
  /** The shortest time between two updates of one instance (default 250 ms). */
  coalesceMs?: number;
  /** Where "today" begins; default local midnight. */
  startOfDay?: (now: number) => number;
}

const DEFAULT_COALESCE_MS = 250;
const PAGE = 1000;
/** Records read when a dashboard opens, at most: beyond this, today's counts start from what was read. */
const MAX_RECORDS_READ = 200_000;

/**
 * The live dashboards of every instance that has a page open. Engine and presence events only
 * mark an instance's feed dirty and schedule its next update, so that a busy dashboard never
 * slows the call engine or signalling; the feed then sends each subscriber one message per
 * update, at most every `coalesceMs`.
 */
export class DashboardFeeds {
  private readonly feeds = new Map<number, InstanceFeed>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly onPresence = (sdkAppId: number, mail: string) => this.feeds.get(sdkAppId)?.agentChanged(mail);

  constructor(private readonly sources: DashboardSources) {
    sources.presence.on('changed', this.onPresence);
    this.unsubscribe.push(
      () => sources.presence.off('changed', this.onPresence),
      sources.engine.events.on('callsChanged', ({ sdkAppId }) => this.feeds.get(sdkAppId)?.callsChanged()),
      sources.engine.events.on('recordWritten', ({ sdkAppId, record }) => this.feeds.get(sdkAppId)?.recordWritten(record)),
    );
  }

  /** Subscribes a page to an instance: it gets a snapshot once the dashboard is built, then updates. Returns the unsubscribe function. */
  subscribe(sdkAppId: number, subscriber: DashboardSubscriber): () => void {
    let feed = this.feeds.get(sdkAppId);
    if (!feed) {
      const created = new InstanceFeed(sdkAppId, this.sources);
      feed = created;
      this.feeds.set(sdkAppId, created);
      // A feed that could not read the instance is dropped, so that the next page tries again.
      created.start(() => {
        if (this.feeds.get(sdkAppId) === created) this.feeds.delete(sdkAppId);
        created.dispose();
      });
    }
    feed.add(subscriber);
    const subscribed = feed;
    return () => {
      if (subscribed.remove(subscriber) === 0 && this.feeds.get(sdkAppId) === subscribed) {
        subscribed.dispose();
        this.feeds.delete(sdkAppId);
      }
    };
  }

  /** Lets each feed notice the time passing (a new day); the endpoint calls it on its sweep. */
  tick(): void {
    for (const feed of this.feeds.values()) feed.schedule();
  }

  /** How many pages are subscribed, over all instances. */
  get subscriberCount(): number {
    let count = 0;
    for (const feed of this.feeds.values()) count += feed.size;
    return count;
  }

  close(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
    for (const feed of this.feeds.values()) feed.dispose();
    this.feeds.clear();
  }
}

/** One instance's dashboard and the pages that watch it. */
class InstanceFeed {
  private readonly state: DashboardState;
  private readonly subscribers = new Set<DashboardSubscriber>();
  /** Subscribers still owed their snapshot. */
  private readonly joining = new Set<DashboardSubscriber>();
  private readonly dirtyAgents = new Set<string>();
  private readonly lookingUp = new Set<string>();
  private pendingRecords: TalliedRecord[] = [];
  private liveDirty = true;
  private ready = false;
  private disposed = false;
  private timer: ScheduledHandle | null = null;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly sdkAppId: number,
    private readonly sources: DashboardSources,
  ) {
    this.state = new DashboardState({ clock: sources.clock, ...(sources.startOfDay ? { startOfDay: sources.startOfDay } : {}) });
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** Reads the instance, then sends the snapshot; `failed` runs after every subscriber was told of a failure. */
  start(failed: () => void): void {
    this.load().then(
      () => {
        if (this.disposed) return;
        this.ready = true;
        this.schedule();
      },
      (err: unknown) => {
        this.sources.log.error({ err, sdkAppId: this.sdkAppId }, 'the live dashboard could not read the instance');
        for (const subscriber of [...this.subscribers]) subscriber.fail();
        failed();
      },
    );
  }

  add(subscriber: DashboardSubscriber): void {
    this.subscribers.add(subscriber);
    this.joining.add(subscriber);
    this.schedule();
  }

  /** Returns how many subscribers remain. */
  remove(subscriber: DashboardSubscriber): number {
    this.subscribers.delete(subscriber);
    this.joining.delete(subscriber);
    return this.subscribers.size;
  }

  agentChanged(mail: string): void {
    this.dirtyAgents.add(mail.toLowerCase());
    this.schedule();
  }

  callsChanged(): void {
    this.liveDirty = true;
    this.schedule();
  }

  recordWritten(record: WrittenRecord): void {
    this.pendingRecords.push(record);
    this.schedule();
  }

  /** Asks for an update: at once if the last was long enough ago, else when it will have been. */
  schedule(): void {
    if (this.timer !== null || !this.ready || this.disposed) return;
    const wait = Math.max(0, this.lastFlush + (this.sources.coalesceMs ?? DEFAULT_COALESCE_MS) - this.sources.clock());
    this.timer = this.sources.scheduler.setTimeout(() => this.flush(), wait);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.sources.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.subscribers.clear();
    this.joining.clear();
  }

  private flush(): void {
    this.timer = null;
    if (this.disposed) return;
    this.lastFlush = this.sources.clock();
    const { presence, engine } = this.sources;
    for (const mail of this.dirtyAgents) {
      if (this.state.knows(mail)) this.state.setPresence(mail, presenceOf(presence.get(this.sdkAppId, mail)));
      else this.lookUp(mail);
    }
    this.dirtyAgents.clear();
    if (this.liveDirty) this.state.setLive(engine.live(this.sdkAppId));
    this.liveDirty = false;
    for (const record of this.pendingRecords) this.state.addRecord(record);
    this.pendingRecords = [];

    const delta = this.state.takeDelta();
    if (delta) {
      const json = JSON.stringify(delta);
      for (const subscriber of this.subscribers) if (!this.joining.has(subscriber)) subscriber.send(json);
    }
    if (this.joining.size > 0) {
      const json = JSON.stringify(this.state.snapshot());
      for (const subscriber of this.joining) subscriber.send(json);
      this.joining.clear();
    }
  }

  /** A presence change of staff the dashboard has not named yet (created since it opened). */
  private lookUp(mail: string): void {
    if (this.lookingUp.has(mail)) return;
    this.lookingUp.add(mail);
    this.sources.store.staff.get(this.sdkAppId, mail).then(
      (staff) => {
        this.lookingUp.delete(mail);
        if (!staff || this.disposed) return;
        this.state.nameStaff(staff, presenceOf(this.sources.presence.get(this.sdkAppId, mail)));
        this.schedule();
      },
      (err: unknown) => {
        this.lookingUp.delete(mail);
        this.sources.log.warn({ err, sdkAppId: this.sdkAppId }, 'the live dashboard could not look up a staff member');
      },
    );
  }

  /** Names every staff member and skill group, and counts the records of today and the last hour. */
  private async load(): Promise<void> {
    const { store, presence, clock } = this.sources;
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.staff.list(this.sdkAppId, { limit: PAGE, offset });
      for (const staff of page.items) this.state.nameStaff(staff, presenceOf(presence.get(this.sdkAppId, staff.mail)));
      if (page.items.length < PAGE || this.disposed) break;
    }
    const groups: Array<{ id: number; name: string }> = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.skillGroups.list(this.sdkAppId, { limit: PAGE, offset });
      groups.push(...page.items);
      if (page.items.length < PAGE || this.disposed) break;
    }
    this.state.setGroups(groups);
    const now = clock();
    const window = { fromSeconds: Math.floor(this.state.tally.windowStart(now) / 1000), toSeconds: Math.ceil(now / 1000) + 60 };
    let read = 0;
    for (let offset = 0; read < MAX_RECORDS_READ && !this.disposed; offset += PAGE) {
      const page = await store.callRecords.list(this.sdkAppId, { ...window, limit: PAGE, offset });
      for (const record of page.items) if (typeof record.SessionId === 'string') this.state.addRecord({ ...record, SessionId: record.SessionId });
      read += page.items.length;
      if (page.items.length < PAGE) break;
    }
    if (read >= MAX_RECORDS_READ) this.sources.log.warn({ sdkAppId: this.sdkAppId, read }, 'the live dashboard counts only the first call records of today');
    // Everything read so far goes into the snapshot, not into a first delta.
    this.state.takeDelta();
  }
}

function presenceOf(entry: PresenceEntry | undefined): AgentPresence | undefined {
  return entry && { status: entry.status, reason: entry.reason, since: entry.since };
}
