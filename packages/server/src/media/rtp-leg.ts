/**
 * An RTP leg over one UDP socket: G.711 in 20 ms packets, RFC 4733 DTMF both ways, symmetric RTP
 * (we send to where the peer sends from) and strict sources: once the peer is known, by
 * negotiation or by latching onto the first packet, packets from anywhere else are dropped.
 */
import type dgram from 'node:dgram';
import { G711_PAYLOAD_TYPE } from './g711.js';
import type { LegListener, MediaLeg } from './media-leg.js';
import { DTMF_DIGITS, type G711Codec, type LegId, type RtpRemote } from './protocol.js';
import { parseRtp, parseTelephoneEvent, serializeRtp, serializeTelephoneEvent } from './rtp-packet.js';
import { FRAME_SAMPLES } from './tones.js';

export interface RtpLegOptions {
  id: LegId;
  socket: dgram.Socket;
  remote: RtpRemote;
  codec: G711Codec;
  telephoneEventPayloadType: number;
  listener: LegListener;
  now: () => number;
  random?: () => number;
}

/** Packets per DTMF digit before the end packets: 5 × 20 ms = 100 ms of tone. */
const DTMF_PACKETS = 5;
const DTMF_END_REPEATS = 3;
/** Pause between digits, in 20 ms ticks. */
const DTMF_GAP_TICKS = 3;

interface DtmfSending {
  event: number;
  timestamp: number;
  sent: number;
}

export class RtpLeg implements MediaLeg {
  readonly id: LegId;
  readonly codec: G711Codec;
  lastReceivedAt: number;
  private peer: { address: string; port: number } | undefined;
  private readonly latch: boolean;
  private connected = false;
  private closed = false;
  private readonly ssrc: number;
  private sequence: number;
  private timestamp: number;
  private lastSentAt = -Infinity;
  private readonly dtmfQueue: number[] = [];
  private dtmf: DtmfSending | undefined;
  private dtmfGap = 0;
  private lastReceivedEventTimestamp: number | undefined;

  constructor(private readonly options: RtpLegOptions) {
    this.id = options.id;
    this.codec = options.codec;
    this.latch = options.remote === 'latch';
    this.peer = options.remote === 'latch' ? undefined : { ...options.remote };
    this.lastReceivedAt = options.now();
    const random = options.random ?? Math.random;
    this.ssrc = Math.floor(random() * 0x1_0000_0000) >>> 0;
    this.sequence = Math.floor(random() * 0x10000);
    this.timestamp = Math.floor(random() * 0x1_0000_0000) >>> 0;
    options.socket.on('message', (message, remote) => this.receive(message, remote));
    options.socket.on('error', () => this.fail());
  }

  private receive(message: Buffer, source: dgram.RemoteInfo): void {
    const { listener } = this.options;
    if (this.peer === undefined && this.latch) {
      this.peer = { address: source.address, port: source.port };
    } else if (this.peer === undefined || source.address !== this.peer.address || source.port !== this.peer.port) {
      listener.dropped(this.id);
      return;
    }
    const packet = parseRtp(message);
    if (!packet) {
      listener.dropped(this.id);
      return;
    }
    this.lastReceivedAt = this.options.now();
    if (!this.connected) {
      this.connected = true;
      listener.connected(this.id);
    }
    if (packet.payloadType === G711_PAYLOAD_TYPE[this.codec]) {
      listener.audio(this.id, packet.payload);
    } else if (packet.payloadType === this.options.telephoneEventPayloadType) {
      const event = parseTelephoneEvent(packet.payload);
      // Every packet of one event carries the event's start timestamp: report each event once.
      if (event && event.event < DTMF_DIGITS.length && packet.timestamp !== this.lastReceivedEventTimestamp) {
        this.lastReceivedEventTimestamp = packet.timestamp;
        listener.dtmf(this.id, DTMF_DIGITS[event.event] as string);
      }
    } else {
      listener.dropped(this.id);
    }
  }

  sendAudio(payload: Uint8Array, now: number): void {
    if (this.dtmf !== undefined || this.closed) return;
    const gapMs = now - this.lastSentAt;
    let marker = false;
    if (gapMs > 60) {
      // A talkspurt after silence: keep the timestamp in step with wall time and mark it.
      if (Number.isFinite(gapMs)) this.timestamp += Math.round(gapMs / 20) * FRAME_SAMPLES - FRAME_SAMPLES;
      marker = true;
    }
    this.send(G711_PAYLOAD_TYPE[this.codec], marker, this.timestamp, payload);
    this.timestamp += payload.length;
    this.lastSentAt = now;
  }

  sendDtmf(digits: string): void {
    for (const digit of digits.toUpperCase()) {
      const event = DTMF_DIGITS.indexOf(digit);
      if (event >= 0) this.dtmfQueue.push(event);
    }
  }

  tick(now: number): void {
    if (this.closed) return;
    if (this.dtmf === undefined) {
      if (this.dtmfGap > 0) {
        this.dtmfGap--;
        return;
      }
      const event = this.dtmfQueue.shift();
      if (event === undefined) return;
      this.dtmf = { event, timestamp: this.timestamp, sent: 0 };
    }
    const dtmf = this.dtmf;
    const end = dtmf.sent >= DTMF_PACKETS;
    const duration = Math.min(dtmf.sent + 1, DTMF_PACKETS) * FRAME_SAMPLES;
    const payload = serializeTelephoneEvent({ event: dtmf.event, end, volume: 10, duration });
    this.send(this.options.telephoneEventPayloadType, dtmf.sent === 0, dtmf.timestamp, payload);
    dtmf.sent++;
    this.lastSentAt = now;
    if (dtmf.sent >= DTMF_PACKETS + DTMF_END_REPEATS) {
      this.timestamp = dtmf.timestamp + (DTMF_PACKETS + DTMF_END_REPEATS) * FRAME_SAMPLES;
      this.dtmf = undefined;
      this.dtmfGap = DTMF_GAP_TICKS;
    }
  }

  private send(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    if (!this.peer) return;
    this.sequence = (this.sequence + 1) & 0xffff;
    const packet = serializeRtp({ marker, payloadType, sequence: this.sequence, timestamp: timestamp >>> 0, ssrc: this.ssrc }, payload);
    this.options.socket.send(packet, this.peer.port, this.peer.address);
  }

  private fail(): void {
    if (this.closed) return;
    this.close();
    this.options.listener.closed(this.id, 'failed');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.socket.close();
  }
}
