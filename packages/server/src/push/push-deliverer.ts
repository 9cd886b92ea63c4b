import type { Logger } from 'pino';
import type { ScheduledHandle, Scheduler } from '../realtime/scheduler.js';
import type { PushEntry, PushOutcome, PushRepo } from '../store/ports.js';
import { parsePayload, pushBody, type RecordingSigner } from './push-bodies.js';
import { nextAttemptAt, type PushDeliveryOptions } from './push-options.js';
import type { PushSender } from './push-sender.js';

const PURGE_EVERY_MS = 3_600_000;
/** Outcomes written in one batch at most. */
const MAX_SETTLE_BATCH = 256;

/** One instance's receiver: at most `concurrency` requests in flight. */
interface Lane {
  /** Requests in flight. */
  sending: number;
  /** The pushes in flight or whose outcome is still being written: never picked again meanwhile. */
  busy: Set<number>;
  filling: boolean;
  again: boolean;
}

export interface PushDelivererDeps {
  repo: PushRepo;
  sender: PushSender;
  signer: RecordingSigner;
  clock: () => number;
  scheduler: Scheduler;
  log: Logger;
  options: PushDeliveryOptions;
}

/**
 * Delivers the outbox. Each instance has its own lane with at most `concurrency` requests in
 * flight, filled from the outbox oldest first, so a slow or dead receiver holds up only its own
 * instance's pushes; the engine only ever writes to the outbox. One timer wakes the deliverer when
 * the next retry is due. Every attempt is settled in the outbox before the next one of that push;
 * a lane's slot is free again as soon as the answer is in, so that the outcomes of many attempts
 * share one commit.
 */
export class PushDeliverer {
  private readonly lanes = new Map<number, Lane>();
  private readonly attempts = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private wakeTimer: ScheduledHandle | null = null;
  private wakeAt = Number.POSITIVE_INFINITY;
  private purgeTimer: ScheduledHandle | null = null;
  private settleTimer: ScheduledHandle | null = null;
  private readonly outcomes: Array<{ id: number; outcome: PushOutcome; resolve: () => void; reject: (err: unknown) => void }> = [];
  private running = false;

  constructor(private readonly deps: PushDelivererDeps) {}

  /** Aborted when the deliverer closes: requests in flight stop. */
  get stopSignal(): AbortSignal {
    return this.stopping.signal;
  }

  /** Starts delivering what the outbox holds (pushes left by an earlier run included). */
  start(): void {
    if (this.running || this.stopping.signal.aborted) return;
    this.running = true;
    this.wakeNow();
    this.schedulePurge(0);
  }

  /** New or resent pushes of the instance are due now. */
  notify(sdkAppId: number): void {
    if (this.running) this.fill(sdkAppId);
  }

  /** Whether an attempt of this push is in flight. */
  inFlight(sdkAppId: number, id: number): boolean {
    return this.lanes.get(sdkAppId)?.busy.has(id) ?? false;
  }

  /**
   * Stops: no new attempts, requests in flight aborted; an aborted attempt is not counted and its
   * push stays `pending`, to be sent again (same UUID) by the next run. Idempotent.
   */
  async close(): Promise<void> {
    this.running = false;
    if (this.wakeTimer) this.deps.scheduler.clearTimeout(this.wakeTimer);
    if (this.purgeTimer) this.deps.scheduler.clearTimeout(this.purgeTimer);
    this.wakeTimer = this.purgeTimer = null;
    this.stopping.abort();
    // Attempts end quickly once aborted; from now on outcomes are written at once, before the store closes.
    this.flushOutcomes();
    await Promise.allSettled([...this.attempts]);
  }

  private lane(sdkAppId: number): Lane {
    let lane = this.lanes.get(sdkAppId);
    if (!lane) this.lanes.set(sdkAppId, (lane = { sending: 0, busy: new Set(), filling: false, again: false }));
    return lane;
  }

  /** Starts attempts of the instance's due pushes while its lane has room. */
  private fill(sdkAppId: number): void {
    const lane = this.lane(sdkAppId);
    if (lane.filling) {
      lane.again = true;
      return;
    }
    lane.filling = true;
    const { repo, clock, options } = this.deps;
    void (async () => {
      do {
        lane.again = false;
        while (this.running && lane.sending < options.concurrency) {
          const room = options.concurrency - lane.sending;
          const due = await repo.due(sdkAppId, clock(), room, [...lane.busy]);
          for (const entry of due) this.launch(lane, entry);
          if (due.length < room) break;
        }
      } while (lane.again && this.running);
    })()
      .catch((err: unknown) => this.deps.log.error({ err, sdkAppId }, 'reading the push outbox failed'))
      .finally(() => {
        lane.filling = false;
      });
  }

  private launch(lane: Lane, entry: PushEntry): void {
    lane.sending++;
    lane.busy.add(entry.id);
    const attempt = (async () => {
      let settled: Promise<void>;
      try {
        ({ settled } = await this.deliver(entry));
      } finally {
        lane.sending--;
        if (this.running) this.fill(entry.sdkAppId);
      }
      await settled;
    })()
      .catch((err: unknown) => this.deps.log.error({ err, pushId: entry.id }, 'a push attempt failed unexpectedly'))
      .finally(() => {
        lane.busy.delete(entry.id);
        this.attempts.delete(attempt);
      });
    this.attempts.add(attempt);
  }

  /** Makes one attempt; resolves once its answer is in, with the write of its outcome (still to be awaited). */
  private async deliver(entry: PushEntry): Promise<{ settled: Promise<void> }> {
    const { repo, sender, signer, clock, log } = this.deps;
    const settings = await repo.settings(entry.sdkAppId);
    if (!settings || settings.url === '' || !settings[entry.action]) {
      const why = !settings || settings.url === '' ? 'held: the instance has no push URL' : `held: ${entry.action} push is switched off`;
      log.info({ pushId: entry.id, sdkAppId: entry.sdkAppId, action: entry.action }, 'push held: push is off for its instance');
      return { settled: this.settle(entry, { ...keep(entry), state: 'held', lastError: why }) };
    }
    let body: unknown;
    try {
      body = pushBody(entry.action, entry.sdkAppId, parsePayload(entry.payload), signer);
    } catch (err) {
      // Retrying cannot mend a damaged row.
      return { settled: this.settle(entry, { ...keep(entry), state: 'failed', lastError: `the stored record cannot be read: ${err instanceof Error ? err.message : String(err)}` }) };
    }
    const result = await sender.attempt(settings, entry.action, entry.uuid, body);
    // Cut short by close(): not an attempt; the push stays pending for the next run.
    if (!result.delivered && !this.running) return { settled: Promise.resolve() };
    const attempts = entry.attempts + 1;
    const now = clock();
    if (result.delivered) {
      log.debug({ pushId: entry.id, uuid: entry.uuid, attempts }, 'push delivered');
      return { settled: this.settle(entry, { state: 'delivered', attempts, nextAttemptAt: now, lastError: '', lastStatus: result.status, deliveredAt: now }) };
    }
    const next = nextAttemptAt(this.deps.options, attempts, now);
    if (next === null) {
      log.warn({ pushId: entry.id, uuid: entry.uuid, sdkAppId: entry.sdkAppId, attempts, error: result.error }, 'push failed after its last attempt');
      return { settled: this.settle(entry, { state: 'failed', attempts, nextAttemptAt: now, lastError: result.error, lastStatus: result.status, deliveredAt: null }) };
    }
    log.info({ pushId: entry.id, uuid: entry.uuid, attempts, retryInMs: next - now, error: result.error }, 'push attempt failed; retry scheduled');
    const settled = this.settle(entry, { state: 'pending', attempts, nextAttemptAt: next, lastError: result.error, lastStatus: result.status, deliveredAt: null });
    // The wake-up reads the outbox: only after the retry's time is written.
    return { settled: settled.then(() => this.scheduleWake(next)) };
  }

  /** Queues the outcome for the next batch of writes; resolves once it is written. */
  private settle(entry: PushEntry, outcome: PushOutcome): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outcomes.push({ id: entry.id, outcome, resolve, reject });
      if (this.outcomes.length >= MAX_SETTLE_BATCH || this.deps.options.settleDelayMs === 0 || !this.running) this.flushOutcomes();
      else this.settleTimer ??= this.deps.scheduler.setTimeout(() => this.flushOutcomes(), this.deps.options.settleDelayMs);
    });
  }

  private flushOutcomes(): void {
    if (this.settleTimer) this.deps.scheduler.clearTimeout(this.settleTimer);
    this.settleTimer = null;
    const batch = this.outcomes.splice(0);
    if (batch.length === 0) return;
    this.deps.repo.settle(batch, this.deps.clock()).then(
      () => batch.forEach((o) => o.resolve()),
      (err: unknown) => batch.forEach((o) => o.reject(err)),
    );
  }

  private wakeNow(): void {
    this.wakeTimer = null;
    this.wakeAt = Number.POSITIVE_INFINITY;
    if (!this.running) return;
    const { repo, clock, log } = this.deps;
    void (async () => {
      const now = clock();
      for (const sdkAppId of await repo.dueInstances(now)) this.fill(sdkAppId);
      const next = await repo.nextDueAt(now);
      if (next !== null) this.scheduleWake(next);
    })().catch((err: unknown) => log.error({ err }, 'reading the push outbox failed'));
  }

  /** Wakes the deliverer at `at` unless it already wakes earlier. */
  private scheduleWake(at: number): void {
    if (!this.running || at >= this.wakeAt) return;
    if (this.wakeTimer) this.deps.scheduler.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.deps.scheduler.setTimeout(() => this.wakeNow(), Math.max(0, at - this.deps.clock()));
  }

  private schedulePurge(delayMs: number): void {
    this.purgeTimer = this.deps.scheduler.setTimeout(() => {
      if (!this.running) return;
      const { repo, clock, log, options } = this.deps;
      repo
        .purgeDelivered(clock() - options.deliveredRetentionMs)
        .then((purged) => purged > 0 && log.info({ purged }, 'delivered pushes past their retention were removed from the log'))
        .catch((err: unknown) => log.warn({ err }, 'purging delivered pushes failed'));
      this.schedulePurge(PURGE_EVERY_MS);
    }, delayMs);
  }
}

/** The outcome that changes nothing but what the caller sets. */
function keep(entry: PushEntry): PushOutcome {
  return { state: entry.state, attempts: entry.attempts, nextAttemptAt: entry.nextAttemptAt, lastError: entry.lastError, lastStatus: entry.lastStatus, deliveredAt: entry.deliveredAt };
}
