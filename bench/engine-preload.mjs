// Loaded into the server process by `bench:engine` (node --import bench/engine-preload.mjs … start):
// watches the main thread's event-loop delay with perf_hooks.monitorEventLoopDelay and answers the
// benchmark over the IPC channel it was started with. The server itself is not changed.
//
//   → {type: 'bench:loop', id, reset}   ← {type: 'bench:loop', id, p50Ms, p99Ms, maxMs, meanMs, samples}
//
// The delays include the 10 ms sampling period: an idle loop reads about 10.1 ms.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

// Worker threads (the media workers) inherit the flag and load this too: only the main thread answers.
if (isMainThread && typeof process.send === 'function') {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  process.on('message', (message) => {
    if (message?.type !== 'bench:loop') return;
    const answer = {
      type: 'bench:loop',
      id: message.id,
      p50Ms: ms(histogram.percentile(50)),
      p99Ms: ms(histogram.percentile(99)),
      maxMs: ms(histogram.max),
      meanMs: ms(histogram.mean),
      samples: histogram.count,
    };
    if (message.reset) histogram.reset();
    process.send(answer);
  });
  // The channel must not keep the server alive when it stops.
  process.channel?.unref();
}
