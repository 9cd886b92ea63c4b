import type { FastifyInstance } from 'fastify';

const DRAIN_LIMIT_MS = 10_000;

/**
 * Counts requests in flight. The returned function resolves once none are left
 * (or after 10 s), so shutdown can finish them before closing connections.
 */
export function trackInFlight(app: FastifyInstance): () => Promise<void> {
  let inFlight = 0;
  let waiters: Array<() => void> = [];
  const settle = () => {
    if (inFlight > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };
  app.addHook('onRequest', (_req, _reply, done) => {
    inFlight += 1;
    done();
  });
  app.addHook('onResponse', (_req, _reply, done) => {
    inFlight -= 1;
    settle();
    done();
  });
  app.addHook('onRequestAbort', (_req, done) => {
    inFlight -= 1;
    settle();
    done();
  });
  return () =>
    new Promise<void>((resolve) => {
      if (inFlight === 0) return resolve();
      const limit = setTimeout(resolve, DRAIN_LIMIT_MS);
      limit.unref();
      waiters.push(() => {
        clearTimeout(limit);
        resolve();
      });
    });
}
