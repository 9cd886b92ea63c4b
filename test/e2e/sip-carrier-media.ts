import dgram from 'node:dgram';
import { decodeG711 } from '../../packages/server/src/media/g711.js';
import { analyseTones, type ToneAnalysis } from '../../packages/server/src/media/goertzel.js';
import type { G711Codec } from '../../packages/server/src/media/protocol.js';
import { parseRtp } from '../../packages/server/src/media/rtp-packet.js';

/** G.711 payload types as sent on the wire (RFC 3551). */
const G711_BY_PAYLOAD_TYPE = new Map<number, G711Codec>([
  [0, 'PCMU'],
  [8, 'PCMA'],
]);

/**
 * The carrier's ear: a UDP socket named as the carrier's audio address in its SDP, so that it gets
 * what OpenCCC sends to the carrier. It decodes G.711 and analyses it in 200 ms blocks (long enough
 * to tell one tone from another).
 */
export class CarrierEar {
  /** RTP packets with a G.711 payload received so far. */
  audioPackets = 0;
  private readonly block = new Int16Array(1600);
  private fill = 0;
  private waiters: Array<(analysis: ToneAnalysis) => boolean> = [];

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly frequencies: readonly number[],
  ) {
    socket.on('message', (message: Buffer) => this.receive(message));
  }

  /** Binds on `address`, a free port. */
  static async open(address: string, frequencies: readonly number[]): Promise<CarrierEar> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => resolve());
    });
    return new CarrierEar(socket, frequencies);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Resolves with the first block from now in which `hz` holds a fifth of the energy or more. */
  hears(hz: number): Promise<void> {
    if (!this.frequencies.includes(hz)) throw new Error(`the ear does not listen for ${hz} Hz`);
    return new Promise((resolve) => this.waiters.push((analysis) => (analysis.frequencies.includes(hz) ? (resolve(), true) : false)));
  }

  close(): void {
    this.waiters = [];
    this.socket.close();
  }

  private receive(message: Buffer): void {
    const packet = parseRtp(message);
    const codec = packet && G711_BY_PAYLOAD_TYPE.get(packet.payloadType);
    if (!packet || !codec || packet.payload.length === 0) return;
    this.audioPackets++;
    for (const sample of decodeG711(codec, packet.payload)) {
      this.block[this.fill++] = sample;
      if (this.fill < this.block.length) continue;
      this.fill = 0;
      const analysis = analyseTones(this.block, this.frequencies);
      this.waiters = this.waiters.filter((waiter) => !waiter(analysis));
    }
  }
}
