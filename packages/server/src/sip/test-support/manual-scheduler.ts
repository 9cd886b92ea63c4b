import type { ScheduledHandle, Scheduler } from '../../realtime/scheduler.js';

interface Pending {
  at: number;
  /** Insertion order, so callbacks due at the same time run in the order they were set. */
  seq: number;
  callback: () => void;
}

/**
 * A `Scheduler` whose time moves only when a test says: `advance(ms)` runs every callback due
 * by then in time order (callbacks set while advancing run too when they fall due).
 */
export class ManualScheduler implements Scheduler {
  /** Milliseconds since the scheduler was made. */
  now = 0;
  private readonly timers = new Map<ScheduledHandle, Pending>();
  private seq = 0;

  setTimeout(callback: () => void, ms: number): ScheduledHandle {
    const handle: ScheduledHandle = { scheduled: true };
    this.timers.set(handle, { at: this.now + Math.max(0, ms), seq: this.seq++, callback });
    return handle;
  }

  clearTimeout(handle: ScheduledHandle): void {
    this.timers.delete(handle);
  }

  /** How many callbacks are waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** The delays, from now, of the waiting callbacks, soonest first. */
  delays(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running due callbacks in order. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (let due = this.next(until); due; due = this.next(until)) {
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }

  /** Runs callbacks until none is left (or `limit` ran, against a timer that always re-arms); returns how many ran. */
  runAll(limit = 10_000): number {
    let ran = 0;
    for (let due = this.next(Infinity); due && ran < limit; due = this.next(Infinity), ran++) {
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    return ran;
  }

  private next(until: number): [ScheduledHandle, Pending] | undefined {
    let best: [ScheduledHandle, Pending] | undefined;
    for (const entry of this.timers) {
      const t = entry[1];
      if (t.at > until) continue;
      if (!best || t.at < best[1].at || (t.at === best[1].at && t.seq < best[1].seq)) best = entry;
    }
    return best;
  }
}
