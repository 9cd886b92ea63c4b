import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from 'pino';
import { SipTransportError, type Endpoint } from '../types.js';
import { MAX_UDP_PAYLOAD_BYTES, UDP_RECEIVE_BUFFER_BYTES } from './defaults.js';

/** The UDP socket of the transport: one socket for every peer. */
export class UdpEndpoint {
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly socket: dgram.Socket,
    /** Where the socket is bound. */
    readonly local: Endpoint,
  ) {}

  /** Binds `address:port` (0: any free port) and hands every datagram to `onDatagram`. */
  static async bind(address: string, port: number, onDatagram: (data: Buffer, source: Endpoint) => void, log: Logger): Promise<UdpEndpoint> {
    const socket = dgram.createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(UDP_RECEIVE_BUFFER_BYTES);
    } catch (error) {
      log.warn({ err: error }, 'the SIP UDP receive buffer could not be enlarged; bursts of requests may be dropped');
    }
    // Errors of an unconnected datagram socket are per send (reported there) or fatal to no one.
    socket.on('error', (error) => log.warn({ err: error }, 'SIP UDP socket error'));
    socket.on('message', (data, remote) => onDatagram(data, { transport: 'udp', address: remote.address, port: remote.port }));
    const bound = socket.address();
    return new UdpEndpoint(socket, { transport: 'udp', address: bound.address, port: bound.port });
  }

  /** The receive buffer the kernel granted, in bytes (Linux reports twice what it reserves for data). */
  get receiveBufferBytes(): number {
    return this.socket.getRecvBufferSize();
  }

  /** Sends one datagram; a message too big for UDP, or one the socket refuses, goes to `onError`. */
  send(data: Buffer, to: Endpoint, onError: (error: SipTransportError) => void): void {
    if (data.length > MAX_UDP_PAYLOAD_BYTES) {
      onError(new SipTransportError(`a ${data.length}-byte message does not fit a UDP datagram (${MAX_UDP_PAYLOAD_BYTES} at most); send it over TCP`, to));
      return;
    }
    if (this.closing) {
      onError(new SipTransportError('the UDP transport is closed', to));
      return;
    }
    const failed = (error: Error): void => onError(new SipTransportError(`UDP send to ${to.address}:${to.port} failed: ${error.message}`, to));
    try {
      this.socket.send(data, to.port, to.address, (error) => {
        if (error) failed(error);
      });
    } catch (error) {
      // A bad port or address is refused synchronously.
      failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => this.socket.close(() => resolve()));
    return this.closing;
  }
}
