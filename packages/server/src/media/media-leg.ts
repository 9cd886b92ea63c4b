import type { CloseReason, G711Codec, LegId } from './protocol.js';

/** What a leg reports to the engine that owns it (inside one worker). */
export interface LegListener {
  /** One received frame of G.711 in the leg's codec. */
  audio(leg: LegId, payload: Uint8Array): void;
  dtmf(leg: LegId, digit: string): void;
  connected(leg: LegId): void;
  /** The leg ended by itself (remote or transport failure), not by close(). */
  closed(leg: LegId, reason: CloseReason): void;
  /** A packet from a foreign source or not understood. */
  dropped(leg: LegId): void;
}

/** One media leg inside a worker: RTP over UDP, or WebRTC. */
export interface MediaLeg {
  readonly id: LegId;
  readonly codec: G711Codec;
  /** Monotonic ms of the last media packet received; the creation time until then. */
  readonly lastReceivedAt: number;
  /** Sends one 20 ms frame of G.711 in the leg's codec (dropped while DTMF is being sent). */
  sendAudio(payload: Uint8Array, now: number): void;
  /** Queues DTMF digits to send to the remote side. */
  sendDtmf(digits: string): void;
  /** Called every 20 ms by the worker's pacing loop. */
  tick(now: number): void;
  /** Frees the leg's sockets; idempotent. */
  close(): void;
}
