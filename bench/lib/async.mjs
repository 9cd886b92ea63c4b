// Time, timeouts and IPC between a benchmark and its child processes (or worker threads).

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes of this machine. */
export const now = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a rejection naming `what` once `ms` have passed first. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

/** The next `message` event of `emitter` (a child process or a worker) with this `type` that `match` accepts. */
export function nextMessage(emitter, type, match = () => true) {
  return new Promise((resolve) => {
    const listener = (message) => {
      if (message?.type !== type || !match(message)) return;
      emitter.off('message', listener);
      resolve(message);
    };
    emitter.on('message', listener);
  });
}

/**
 * Sends `message` to a child process and resolves with its next message of type `reply` that
 * `match` accepts; rejects after `timeoutMs` (default 60 s) without one.
 */
export function ask(child, message, reply, { match = () => true, timeoutMs = 60_000 } = {}) {
  const answer = nextMessage(child, reply, match);
  child.send(message);
  return withTimeout(answer, timeoutMs, `${message.type} → ${reply}`);
}

/** Runs `task(item)` over `items`, `concurrency` at a time. */
export async function pool(items, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}
