import { describe, expect, it } from 'vitest';
import { SdkError } from './sdk-error.js';
import { WorkQueue } from './work-queue.js';

/** A task that finishes when the test says so. */
function deferredTask() {
  let finish!: () => void;
  let started = false;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    task: async () => {
      started = true;
      await done;
      return 'done';
    },
    finish: () => finish(),
    started: () => started,
  };
}

describe('WorkQueue', () => {
  it('runs at most maxActive tasks, queues maxWaiting more and refuses the rest with rateLimited', async () => {
    const queue = new WorkQueue({ maxActive: 2, maxWaiting: 3 });
    const tasks = Array.from({ length: 5 }, deferredTask);
    const results = tasks.map((t) => queue.run(t.task));
    await Promise.resolve();
    expect(tasks.map((t) => t.started())).toEqual([true, true, false, false, false]);
    expect(queue.load).toBe(5);

    const refused = await queue.run(async () => 'never').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SdkError);
    expect((refused as SdkError).code).toBe('rateLimited');

    tasks[0]?.finish();
    await results[0];
    await Promise.resolve();
    expect(tasks.map((t) => t.started())).toEqual([true, true, true, false, false]);
    expect(queue.load).toBe(4);

    for (const t of tasks) t.finish();
    expect(await Promise.all(results)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(queue.load).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const queue = new WorkQueue({ maxActive: 1, maxWaiting: 0 });
    await expect(queue.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(queue.load).toBe(0);
    expect(await queue.run(async () => 'again')).toBe('again');
  });
});
