import type { ScheduledHandle, Scheduler } from '../../realtime/scheduler.js';
import type { TimerName } from './machine.js';

/** The running timers of one transaction, by name: starting one that runs restarts it. */
export class TimerSet {
  private readonly running = new Map<TimerName, ScheduledHandle>();

  constructor(private readonly scheduler: Scheduler) {}

  start(name: TimerName, ms: number, fire: () => void): void {
    this.stop(name);
    const handle = this.scheduler.setTimeout(() => {
      if (this.running.get(name) !== handle) return;
      this.running.delete(name);
      fire();
    }, ms);
    this.running.set(name, handle);
  }

  stop(name: TimerName): void {
    const handle = this.running.get(name);
    if (handle === undefined) return;
    this.scheduler.clearTimeout(handle);
    this.running.delete(name);
  }

  /** Stops every timer (the transaction ended). */
  clear(): void {
    for (const handle of this.running.values()) this.scheduler.clearTimeout(handle);
    this.running.clear();
  }

  get size(): number {
    return this.running.size;
  }
}
