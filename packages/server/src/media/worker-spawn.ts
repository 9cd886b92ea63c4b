/**
 * How a media worker is started. The compiled server runs dist/media/media-worker.js, found next
 * to this module. Run from the TypeScript sources (the tests), it starts media-worker.ts through
 * module hooks that transpile TypeScript, since worker threads do not go through the test runner.
 */
import { Worker } from 'node:worker_threads';
import type { MediaEngineConfig } from './media-engine.js';

/** The workerData every media worker receives. */
export interface WorkerInit {
  openCccMediaWorker: true;
  config: MediaEngineConfig;
}

/** Starts the compiled worker entry that sits next to this module. */
export function spawnCompiledWorker(init: WorkerInit): Worker {
  const entry = new URL('./media-worker.js', import.meta.url);
  return new Worker(entry, { workerData: init });
}

/** Starts a worker from the TypeScript sources: it registers hooks that transpile .ts, then imports media-worker.ts. Works on Node 20, 22 and 24. */
export function spawnSourceWorker(init: WorkerInit): Worker {
  const hooks = new URL('./test-support/ts-loader-hooks.mjs', import.meta.url).href;
  const entry = new URL('./media-worker.ts', import.meta.url).href;
  const bootstrap = `import('node:module').then((m) => { m.register(${JSON.stringify(hooks)}); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: init });
}

/** The compiled worker, or the sources' when this module itself runs from source. */
export function spawnDefaultWorker(init: WorkerInit): Worker {
  return import.meta.url.endsWith('.ts') ? spawnSourceWorker(init) : spawnCompiledWorker(init);
}
