import type { CloseReason, G711Codec, LegId } from './protocol.js';
import type { TelephoneEvent } from './rtp-packet.js';

/** What a leg reports to the engine that owns it (inside one worker). */
export interface LegListener {
  /** One received 20 ms frame (160 bytes) of G.711 in the leg's codec; valid only during the call. */
  audio(leg: LegId, payload: Uint8Array): void;
  /**
   * Every RFC 4733 packet received with the leg's telephone-event payload type; `start` is true
   * for the first packet of a key press, exactly once per press (retransmissions and end-packet
   * redundancy are absorbed).
   */
  telephoneEvent(leg: LegId, event: TelephoneEvent, start: boolean): void;
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
  /** RTP packets accepted from the peer (audio and events). */
  readonly packetsIn: number;
  /** RTP packets sent to the peer. */
  readonly packetsOut: number;
  /** Sends one 20 ms frame of G.711 in the leg's codec (dropped while DTMF is being sent). */
  sendAudio(payload: Uint8Array, now: number): void;
  /** Queues DTMF digits to send to the remote side. */
  sendDtmf(digits: string): void;
  /** Called every 20 ms by the worker's pacing loop. */
  tick(now: number): void;
  /** Frees the leg's sockets; idempotent. */
  close(): void;
}
