import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { PortRange } from './port-allocator.js';
import type { WebRtcConfig } from './webrtc-config.js';
import type { WorkerInit } from './worker-spawn.js';
import type { Worker } from 'node:worker_threads';

export interface MediaPlaneOptions {
  /** Worker threads carrying media; default one per core. */
  workers: number;
  /** UDP ports for RTP legs, split evenly between the workers. */
  portRange: PortRange;
  /** Address RTP sockets bind to. */
  bindAddress: string;
  /** Address put in legReady for peers to send to; default the bind address (127.0.0.1 for a wildcard). */
  advertisedAddress: string | undefined;
  /** Silence after which mediaTimeout fires for a leg, unless createLeg says otherwise; 0 = never. */
  mediaTimeoutMs: number;
  webrtc: WebRtcConfig;
  /** Starts one worker; replace to run the TypeScript sources (tests) or a custom entry. */
  spawnWorker: ((init: WorkerInit) => Worker) | undefined;
  logger: Pick<Logger, 'info' | 'warn' | 'error'> | undefined;
}

/** Every default of the media plane, in one place. */
export function mediaPlaneDefaults(): MediaPlaneOptions {
  return {
    workers: availableParallelism(),
    portRange: { min: 20000, max: 29999 },
    bindAddress: '0.0.0.0',
    advertisedAddress: undefined,
    // rtpengine waits 60 s; carriers send comfort noise or keep-alives well within 30 s.
    mediaTimeoutMs: 30_000,
    webrtc: {},
    spawnWorker: undefined,
    logger: undefined,
  };
}
