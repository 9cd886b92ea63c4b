import type { ScheduledHandle, Scheduler } from '../realtime/scheduler.js';

/**
 * The pure cores' timers (ACD and IVR ask with `schedule {timerId, at}` and
 * `cancelTimer`), run on the injected scheduler. A timer fires at most once;
 * cancelling an unknown or fired timer does nothing.
 */
export class EngineTimers {
  private readonly pending = new Map<string, ScheduledHandle>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: () => number,
  ) {}

  schedule(timerId: string, at: number, fire: () => void): void {
    this.cancel(timerId);
    const handle = this.scheduler.setTimeout(
      () => {
        if (this.pending.get(timerId) !== handle) return;
        this.pending.delete(timerId);
        fire();
      },
      Math.max(0, at - this.clock()),
    );
    this.pending.set(timerId, handle);
  }

  cancel(timerId: string): void {
    const handle = this.pending.get(timerId);
    if (!handle) return;
    this.pending.delete(timerId);
    this.scheduler.clearTimeout(handle);
  }

  cancelAll(): void {
    for (const handle of this.pending.values()) this.scheduler.clearTimeout(handle);
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
