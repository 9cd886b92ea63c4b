/**
 * How a media worker is started. The compiled server runs dist/media/media-worker.js, found next
 * to this module; tests running the TypeScript sources pass their own spawnWorker.
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
