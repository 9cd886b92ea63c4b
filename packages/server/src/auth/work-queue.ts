import { SdkError } from './sdk-error.js';

export interface WorkQueueOptions {
  /** How many tasks run at once. */
  maxActive: number;
  /** How many more may wait; beyond that, `run` refuses at once. */
  maxWaiting: number;
}

/**
 * Bounds expensive work that clients can trigger (scrypt for password
 * logins): at most `maxActive` tasks run, `maxWaiting` wait in order, and any
 * more are refused with `rateLimited` instead of piling up in memory and
 * latency.
 */
export class WorkQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: WorkQueueOptions) {}

  /** Tasks running now plus tasks waiting. */
  get load(): number {
    return this.active + this.waiting.length;
  }

  /** Runs `task` when a slot is free; throws SdkError('rateLimited') when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.options.maxActive) {
      if (this.waiting.length >= this.options.maxWaiting) {
        throw new SdkError('rateLimited', 'The server is busy with other sign-ins; try again in a few seconds.');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` never drops below what runs.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
