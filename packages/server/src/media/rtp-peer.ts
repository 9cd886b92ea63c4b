/**
 * A plain RTP endpoint for the far side of a leg: it sends G.711 audio every 20 ms and RFC 4733
 * digits, and listens for tones and digits in what comes back. The scripted caller, the tests and
 * the benchmark use it as the "phone" at the other end of an RTP leg.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { decodeG711, encodeG711, G711_PAYLOAD_TYPE } from './g711.js';
import { ToneDetector, rms } from './goertzel.js';
import { DTMF_DIGITS, type G711Codec } from './protocol.js';
import { parseRtp, parseTelephoneEvent, serializeRtp, serializeTelephoneEvent } from './rtp-packet.js';
import { FRAME_SAMPLES } from './tones.js';

export interface RtpPeerOptions {
  codec?: G711Codec;
  telephoneEventPayloadType?: number;
  /** Frequencies the tone detector listens for. */
  listenFor?: readonly number[];
}

interface RtpPeerEvents {
  tone: [frequency: number, rms: number];
  dtmf: [digit: string];
  packet: [count: number];
}

export class RtpPeer extends EventEmitter<RtpPeerEvents> {
  remote: { address: string; port: number } | undefined;
  packetsReceived = 0;
  /** Level of the most recent received frame, 0..1. */
  lastRms = 0;
  readonly codec: G711Codec;
  private readonly detector: ToneDetector;
  private sender: NodeJS.Timeout | undefined;
  private sequence = 1;
  private timestamp = 1000;
  private readonly ssrc = (Math.random() * 0x1_0000_0000) >>> 0;
  private lastEventTimestamp: number | undefined;

  private constructor(
    readonly socket: dgram.Socket,
    private readonly options: RtpPeerOptions,
  ) {
    super();
    this.codec = options.codec ?? 'PCMU';
    this.detector = new ToneDetector({ frequencies: options.listenFor ?? [], onTone: (frequency, level) => this.emit('tone', frequency, level) });
    socket.on('message', (message) => this.receive(message));
  }

  /** Opens a peer on a random port of the address. */
  static async open(address = '127.0.0.1', options: RtpPeerOptions = {}): Promise<RtpPeer> {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpPeer(socket, options);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get address(): string {
    return this.socket.address().address;
  }

  private receive(message: Buffer): void {
    const packet = parseRtp(message);
    if (!packet) return;
    this.packetsReceived++;
    this.emit('packet', this.packetsReceived);
    if (packet.payloadType === G711_PAYLOAD_TYPE[this.codec]) {
      const samples = decodeG711(this.codec, packet.payload);
      this.lastRms = rms(samples);
      this.detector.push(samples);
    } else if (packet.payloadType === (this.options.telephoneEventPayloadType ?? 101)) {
      const event = parseTelephoneEvent(packet.payload);
      if (event && event.event < DTMF_DIGITS.length && packet.timestamp !== this.lastEventTimestamp) {
        this.lastEventTimestamp = packet.timestamp;
        this.emit('dtmf', DTMF_DIGITS[event.event] as string);
      }
    }
  }

  /** Sends the samples in 20 ms frames to the remote, looping, until stopSending(). */
  startSending(samples: Int16Array): void {
    this.stopSending();
    let position = 0;
    const frame = new Int16Array(FRAME_SAMPLES);
    this.sender = setInterval(() => {
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        frame[i] = samples.length === 0 ? 0 : (samples[position] as number);
        position = (position + 1) % Math.max(1, samples.length);
      }
      this.sendFrame(encodeG711(this.codec, frame));
    }, 20);
  }

  stopSending(): void {
    clearInterval(this.sender);
    this.sender = undefined;
  }

  /** Sends one G.711 frame now. */
  sendFrame(payload: Uint8Array, to = this.remote): void {
    this.sendPacket(G711_PAYLOAD_TYPE[this.codec], false, this.timestamp, payload, to);
    this.timestamp += payload.length;
  }

  /** Sends one RFC 4733 digit as a burst: three updates and three end packets. */
  sendDigit(digit: string): void {
    const event = DTMF_DIGITS.indexOf(digit.toUpperCase());
    if (event < 0) throw new RangeError(`not a DTMF digit: ${digit}`);
    const pt = this.options.telephoneEventPayloadType ?? 101;
    const start = this.timestamp;
    for (let i = 1; i <= 6; i++) {
      const payload = serializeTelephoneEvent({ event, end: i > 3, volume: 10, duration: Math.min(i, 3) * FRAME_SAMPLES * 2 });
      this.sendPacket(pt, i === 1, start, payload, this.remote);
    }
    this.timestamp += FRAME_SAMPLES * 6;
  }

  private sendPacket(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array, to: { address: string; port: number } | undefined): void {
    if (!to) throw new Error('RtpPeer has no remote: set peer.remote to the leg address first');
    this.sequence = (this.sequence + 1) & 0xffff;
    this.socket.send(serializeRtp({ marker, payloadType, sequence: this.sequence, timestamp: timestamp >>> 0, ssrc: this.ssrc }, payload), to.port, to.address);
  }

  /** Resolves when the detector hears the frequency (a burst after this call). */
  waitForTone(frequency: number): Promise<number> {
    return new Promise((resolve) => {
      const listener = (heard: number, level: number) => {
        if (heard !== frequency) return;
        this.off('tone', listener);
        resolve(level);
      };
      this.on('tone', listener);
    });
  }

  /** Resolves once `count` more RTP packets have arrived. */
  waitForPackets(count: number): Promise<void> {
    const target = this.packetsReceived + count;
    return new Promise((resolve) => {
      const listener = (received: number) => {
        if (received < target) return;
        this.off('packet', listener);
        resolve();
      };
      this.on('packet', listener);
    });
  }

  /** Resolves with the next received RFC 4733 digit. */
  nextDigit(): Promise<string> {
    return new Promise((resolve) => this.once('dtmf', resolve));
  }

  close(): void {
    this.stopSending();
    this.socket.close();
  }
}
