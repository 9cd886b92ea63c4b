/** A pending callback of a `Scheduler`; opaque to its users. */
export type ScheduledHandle = { readonly scheduled: true };

/**
 * Timers as a dependency: the realtime domain asks a scheduler instead of calling
 * `setTimeout`, so tests drive grace periods with a manual scheduler and no real time.
 */
export interface Scheduler {
  setTimeout(callback: () => void, ms: number): ScheduledHandle;
  clearTimeout(handle: ScheduledHandle): void;
}

class NodeTimer implements ScheduledHandle {
  readonly scheduled = true;
  constructor(readonly timer: NodeJS.Timeout) {}
}

/** Node's timers, unref'd: a pending grace period never keeps the process alive. */
export const systemScheduler: Scheduler = {
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    timer.unref();
    return new NodeTimer(timer);
  },
  clearTimeout(handle) {
    if (handle instanceof NodeTimer) clearTimeout(handle.timer);
  },
};
