/**
 * An RTP leg over one UDP socket: G.711 received at any ptime and re-cut into 20 ms frames, sent at
 * 20 ms or the peer's ptime; RFC 4733 DTMF both ways (sent, and relayed from a bridged leg); strict
 * sources with optional latching (see `RtpRemote`).
 */
import type dgram from 'node:dgram';
import { FrameChunker } from './frame-chunker.js';
import { G711_PAYLOAD_TYPE } from './g711.js';
import type { LegListener, MediaLeg } from './media-leg.js';
import { DTMF_DIGITS, type G711Codec, type LegId, type RtpPtime, type RtpRemote } from './protocol.js';
import { parseRtp, parseTelephoneEvent, serializeRtp, serializeTelephoneEvent, type TelephoneEvent } from './rtp-packet.js';
import { TelephoneEventReceiver } from './telephone-event-receiver.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './tones.js';

export interface RtpLegOptions {
  id: LegId;
  socket: dgram.Socket;
  remote: RtpRemote;
  codec: G711Codec;
  telephoneEventPayloadType: number;
  /** ms of audio per packet sent; default 20. */
  ptime?: RtpPtime;
  listener: LegListener;
  now: () => number;
  random?: () => number;
}

/** Packets per DTMF digit before the end packets: 5 × 20 ms = 100 ms of tone. */
const DTMF_PACKETS = 5;
const DTMF_END_REPEATS = 3;
/** Pause between digits, in 20 ms ticks. */
const DTMF_GAP_TICKS = 3;
/** A relayed event whose end packets were all lost stops holding audio back after this long. */
const RELAYED_EVENT_SILENCE_MS = 250;

interface DtmfSending {
  event: number;
  timestamp: number;
  sent: number;
}

interface RelayedEvent {
  /** The event's timestamp on this leg's timeline. */
  timestamp: number;
  ended: boolean;
  lastAt: number;
}

type Latching =
  /** Strict: the peer is known. */
  | { state: 'fixed' }
  /** Sending to the negotiated peer; the first packet from `address` (any port) becomes the peer. */
  | { state: 'address'; address: string }
  /** Not sending; the first packet from anywhere becomes the peer. */
  | { state: 'any' };

export class RtpLeg implements MediaLeg {
  readonly id: LegId;
  readonly codec: G711Codec;
  lastReceivedAt: number;
  packetsIn = 0;
  packetsOut = 0;
  private peer: { address: string; port: number } | undefined;
  private latching: Latching;
  private connected = false;
  private closed = false;
  private readonly ssrc: number;
  private sequence: number;
  /** The RTP timestamp of the next audio sample sent. */
  private timestamp: number;
  private lastSentAt = -Infinity;
  /** The next audio packet starts a talkspurt. */
  private markNext = false;
  private readonly dtmfQueue: number[] = [];
  private dtmf: DtmfSending | undefined;
  private dtmfGap = 0;
  private relayed: RelayedEvent | undefined;
  private readonly events = new TelephoneEventReceiver();
  private readonly audioPayloadType: number;
  /** Received audio, re-cut into 20 ms frames. */
  private readonly inbound = new FrameChunker(FRAME_SAMPLES);
  /** Audio to send, re-cut into packets of the leg's ptime. */
  private readonly outbound: FrameChunker;
  /** Where the next received audio packet continues the stream; a gap drops the partial frame held back. */
  private expectedInbound: { ssrc: number; timestamp: number } | undefined;

  constructor(private readonly options: RtpLegOptions) {
    this.id = options.id;
    this.codec = options.codec;
    this.audioPayloadType = G711_PAYLOAD_TYPE[options.codec];
    this.outbound = new FrameChunker(((options.ptime ?? 20) * SAMPLE_RATE) / 1000);
    const { remote } = options;
    if (remote === 'latch') {
      this.latching = { state: 'any' };
    } else {
      this.peer = { address: remote.address, port: remote.port };
      this.latching = remote.latch === true ? { state: 'address', address: remote.address } : { state: 'fixed' };
    }
    this.lastReceivedAt = options.now();
    const random = options.random ?? Math.random;
    this.ssrc = Math.floor(random() * 0x1_0000_0000) >>> 0;
    this.sequence = Math.floor(random() * 0x10000);
    this.timestamp = Math.floor(random() * 0x1_0000_0000) >>> 0;
    options.socket.on('message', (message, remote) => this.receive(message, remote));
    options.socket.on('error', () => this.fail());
  }

  /** Where packets go now (undefined until a `'latch'` leg hears its peer). */
  get remote(): { address: string; port: number } | undefined {
    return this.peer ? { ...this.peer } : undefined;
  }

  private acceptSource(source: dgram.RemoteInfo): boolean {
    const latching = this.latching;
    if (latching.state === 'fixed') return this.peer !== undefined && source.address === this.peer.address && source.port === this.peer.port;
    if (latching.state === 'address' && source.address !== latching.address) return false;
    return true;
  }

  private receive(message: Buffer, source: dgram.RemoteInfo): void {
    const { listener } = this.options;
    if (!this.acceptSource(source)) {
      listener.dropped(this.id);
      return;
    }
    const packet = parseRtp(message);
    if (!packet) {
      listener.dropped(this.id);
      return;
    }
    if (this.latching.state !== 'fixed') {
      // Only a valid RTP packet fixes the peer: a stray datagram must not capture the leg.
      this.peer = { address: source.address, port: source.port };
      this.latching = { state: 'fixed' };
    }
    this.lastReceivedAt = this.options.now();
    this.packetsIn++;
    if (!this.connected) {
      this.connected = true;
      listener.connected(this.id);
    }
    if (packet.payloadType === this.audioPayloadType) {
      const expected = this.expectedInbound;
      if (expected === undefined || expected.ssrc !== packet.ssrc || expected.timestamp !== packet.timestamp) this.inbound.reset();
      this.expectedInbound = { ssrc: packet.ssrc, timestamp: (packet.timestamp + packet.payload.length) >>> 0 };
      this.inbound.push(packet.payload, (frame) => listener.audio(this.id, frame));
    } else if (packet.payloadType === this.options.telephoneEventPayloadType) {
      const event = parseTelephoneEvent(packet.payload);
      if (event && event.event < DTMF_DIGITS.length) listener.telephoneEvent(this.id, event, this.events.receive(packet.timestamp, event));
    } else {
      listener.dropped(this.id);
    }
  }

  /** True while outgoing audio must wait: a digit of ours, or a relayed event still going on. */
  private holdingAudio(now: number): boolean {
    if (this.dtmf !== undefined) return true;
    const relayed = this.relayed;
    return relayed !== undefined && !relayed.ended && now - relayed.lastAt < RELAYED_EVENT_SILENCE_MS;
  }

  /** Drops the partial packet held back, keeping the timestamp in step with the samples it stood for. */
  private discardOutbound(): void {
    this.timestamp = (this.timestamp + this.outbound.reset()) >>> 0;
  }

  sendAudio(payload: Uint8Array, now: number): void {
    if (this.closed || this.holdingAudio(now)) return;
    const gapMs = now - this.lastSentAt;
    if (gapMs > 60) {
      // A talkspurt after silence: keep the timestamp in step with wall time and mark its first packet.
      this.discardOutbound();
      if (Number.isFinite(gapMs)) this.timestamp = (this.timestamp + Math.round(gapMs / 20) * FRAME_SAMPLES - FRAME_SAMPLES) >>> 0;
      this.markNext = true;
    }
    this.outbound.push(payload, (chunk) => {
      this.send(this.audioPayloadType, this.markNext, this.timestamp, chunk);
      this.markNext = false;
      this.timestamp = (this.timestamp + chunk.length) >>> 0;
    });
    this.lastSentAt = now;
  }

  sendDtmf(digits: string): void {
    for (const digit of digits.toUpperCase()) {
      const event = DTMF_DIGITS.indexOf(digit);
      if (event >= 0) this.dtmfQueue.push(event);
    }
  }

  /**
   * Sends on an RFC 4733 packet received by a bridged leg, with this leg's payload type, SSRC,
   * sequence and a timestamp on this leg's timeline; audio waits until the event ends.
   */
  relayTelephoneEvent(event: TelephoneEvent, start: boolean, now: number): void {
    if (this.closed) return;
    let marker = false;
    if (start || this.relayed === undefined) {
      this.discardOutbound();
      this.relayed = { timestamp: this.timestamp, ended: false, lastAt: now };
      marker = true;
    }
    const relayed = this.relayed;
    this.send(this.options.telephoneEventPayloadType, marker, relayed.timestamp, serializeTelephoneEvent(event));
    relayed.lastAt = now;
    this.lastSentAt = now;
    if (event.end && !relayed.ended) {
      relayed.ended = true;
      this.timestamp = (relayed.timestamp + Math.max(event.duration, FRAME_SAMPLES)) >>> 0;
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
      this.discardOutbound();
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
      this.timestamp = (dtmf.timestamp + (DTMF_PACKETS + DTMF_END_REPEATS) * FRAME_SAMPLES) >>> 0;
      this.dtmf = undefined;
      this.dtmfGap = DTMF_GAP_TICKS;
    }
  }

  private send(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    if (!this.peer) return;
    this.sequence = (this.sequence + 1) & 0xffff;
    const packet = serializeRtp({ marker, payloadType, sequence: this.sequence, timestamp: timestamp >>> 0, ssrc: this.ssrc }, payload);
    this.options.socket.send(packet, this.peer.port, this.peer.address);
    this.packetsOut++;
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
