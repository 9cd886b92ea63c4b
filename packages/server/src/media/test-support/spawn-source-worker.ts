import { Worker } from 'node:worker_threads';
import type { WorkerInit } from '../worker-spawn.js';

/**
 * Starts a media worker from the TypeScript sources (vitest runs sources, and worker threads do not
 * go through vitest's transform): the worker registers module hooks that transpile .ts, then
 * imports media-worker.ts. Works on Node 20, 22 and 24.
 */
export function spawnSourceWorker(init: WorkerInit): Worker {
  const hooks = new URL('./ts-loader-hooks.mjs', import.meta.url).href;
  const entry = new URL('../media-worker.ts', import.meta.url).href;
  const bootstrap = `import('node:module').then((m) => { m.register(${JSON.stringify(hooks)}); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}
