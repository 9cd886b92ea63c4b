/**
 * The entry of a media worker thread: commands in, replies and events out, and one 20 ms pacing
 * loop for every leg of the worker. Importing it outside a worker does nothing.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { MediaEngine, type MediaEngineConfig } from './media-engine.js';
import { MediaError } from './media-error.js';
import type { CommandEnvelope, MediaEvent, WorkerMessage } from './protocol.js';

const FRAME_MS = 20;

/** Runs a media engine on a message port until it is told to shut down. */
export function runMediaWorker(port: NonNullable<typeof parentPort>, config: MediaEngineConfig): void {
  const post = (message: WorkerMessage) => port.postMessage(message);
  const engine = new MediaEngine(config, (event: MediaEvent) => post({ kind: 'event', event }));

  // One self-correcting timer for the whole worker: each tick is scheduled against the ideal
  // 20 ms grid, and a worker that fell far behind skips ahead instead of bursting.
  let next = performance.now() + FRAME_MS;
  let timer: NodeJS.Timeout | undefined;
  const pace = () => {
    const now = performance.now();
    engine.tick(now);
    next += FRAME_MS;
    if (now - next > 5 * FRAME_MS) next = now + FRAME_MS;
    timer = setTimeout(pace, Math.max(0, next - performance.now()));
  };
  timer = setTimeout(pace, FRAME_MS);

  port.on('message', (envelope: CommandEnvelope) => {
    engine.handle(envelope.command).then(
      (value) => {
        post({ kind: 'reply', id: envelope.id, ok: true, value });
        if (envelope.command.type === 'shutdown') {
          clearTimeout(timer);
          port.close();
        }
      },
      (error: unknown) => post({ kind: 'reply', id: envelope.id, ok: false, error: MediaError.from(error).toData() }),
    );
  });
}

if (!isMainThread && parentPort && (workerData as { openCccMediaWorker?: boolean } | null)?.openCccMediaWorker) {
  runMediaWorker(parentPort, (workerData as { config: MediaEngineConfig }).config);
}
