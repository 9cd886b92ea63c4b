/**
 * A raw RTP endpoint for tests that look at packets themselves (payload type, timestamps, marker,
 * sizes) rather than at what they sound like, and that send packets exactly as given.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { parseRtp, serializeRtp, type RtpHeader, type RtpPacketView } from '../rtp-packet.js';

export interface CapturedPacket extends RtpPacketView {
  /** Where it came from. */
  from: { address: string; port: number };
}

export class RtpCapture extends EventEmitter<{ packet: [packet: CapturedPacket] }> {
  readonly packets: CapturedPacket[] = [];
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: dgram.Socket) {
    super();
    socket.on('message', (message, from) => {
      const parsed = parseRtp(message);
      if (!parsed) return;
      const packet = { ...parsed, payload: parsed.payload.slice(), from: { address: from.address, port: from.port } };
      this.packets.push(packet);
      this.emit('packet', packet);
      for (const wake of this.waiters) wake();
    });
  }

  /** Opens a capture on a random port of `address`. */
  static async open(address = '127.0.0.1'): Promise<RtpCapture> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpCapture(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  get address(): string {
    return this.socket.address().address;
  }

  /** Resolves once the packets captured so far satisfy `check`. */
  until(check: (packets: CapturedPacket[]) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        if (!check(this.packets)) return;
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve();
      };
      this.waiters.push(wake);
      wake();
    });
  }

  /** Sends a datagram and resolves once it left the socket. */
  sendRaw(datagram: Uint8Array, to: { address: string; port: number }): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(datagram, to.port, to.address, (error) => (error ? reject(error) : resolve())));
  }

  /** Sends one RTP packet. */
  send(header: RtpHeader, payload: Uint8Array, to: { address: string; port: number }): Promise<void> {
    return this.sendRaw(serializeRtp(header, payload), to);
  }

  close(): void {
    this.socket.close();
  }
}
