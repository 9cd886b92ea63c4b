import type { Socket } from 'node:net';
import type { SipLimits } from '../message/limits.js';
import type { Endpoint } from '../types.js';
import { MAX_TCP_WRITE_BUFFER_BYTES } from './defaults.js';
import { TcpFramer } from './tcp-framer.js';

const PONG = Buffer.from('\r\n');
const ignoreError = (): void => {};

/** What a connection reports to the pool that owns it. */
export interface TcpConnectionEvents {
  /** One framed message, not yet parsed. */
  message(connection: TcpConnection, data: Buffer): void;
  /** The stream cannot be framed; the connection reads nothing more and must be ended. */
  framingError(connection: TcpConnection, reason: string, head: Buffer): void;
  /** The socket is gone (after any of close, end, error or idle timeout). */
  closed(connection: TcpConnection, reason: string): void;
}

export interface TcpConnectionOptions {
  flowId: string;
  remote: Endpoint;
  /** False for a connection accepted from a peer. */
  outbound: boolean;
  limits: Pick<SipLimits, 'maxMessageBytes' | 'maxBodyBytes'>;
  idleMs: number;
  /** While an outbound connection is opening; `idleMs` applies once it is open. */
  connectTimeoutMs: number;
}

/**
 * One SIP flow over TCP: frames what arrives, answers keep-alive pings, closes itself when silent
 * for `idleMs` or when the peer stops reading (`MAX_TCP_WRITE_BUFFER_BYTES` queued).
 */
export class TcpConnection {
  readonly flowId: string;
  readonly remote: Endpoint;
  readonly outbound: boolean;
  private readonly framer: TcpFramer;
  private closeReason = 'closed by the peer';
  /** The socket's own error, which says more than the write that failed because of it. */
  private socketError: Error | null = null;
  private open = true;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    options: TcpConnectionOptions,
    private readonly events: TcpConnectionEvents,
  ) {
    this.flowId = options.flowId;
    this.remote = options.remote;
    this.outbound = options.outbound;
    this.framer = new TcpFramer(options.limits);
    socket.setNoDelay(true);
    socket.setTimeout(socket.connecting ? options.connectTimeoutMs : options.idleMs);
    socket.once('connect', () => socket.setTimeout(options.idleMs));
    socket.on('timeout', () => this.destroy(socket.connecting ? 'connect timeout' : 'idle timeout'));
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A half-closed peer sends nothing more; answers could still go out, but SIP has no use for it.
    socket.on('end', () => this.destroy('closed by the peer'));
    socket.on('error', (error) => {
      this.socketError = error;
      this.closeReason = error.message;
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.open = false;
        events.closed(this, this.closeReason);
        resolve();
      });
    });
  }

  /** Whether messages can still be written (an outbound connection may still be opening). */
  get writable(): boolean {
    return this.open && !this.socket.destroyed && this.socket.writable;
  }

  /** The local end (an outbound connection knows it once open). */
  get local(): Endpoint {
    return { transport: 'tcp', address: this.socket.localAddress ?? '', port: this.socket.localPort ?? 0 };
  }

  /** Queues bytes; `done` gets the error when they cannot be written. A peer that stops reading is dropped. */
  write(data: Buffer, done: (error: Error | null) => void): void {
    if (!this.writable) {
      done(new Error('connection closed'));
      return;
    }
    if (this.socket.writableLength + data.length > MAX_TCP_WRITE_BUFFER_BYTES) {
      done(new Error('peer is not reading'));
      this.destroy('peer is not reading');
      return;
    }
    this.socket.write(data, (error) => done(error ? (this.socketError ?? error) : null));
  }

  /** Writes a last message, then closes. */
  endWith(data: Buffer): void {
    if (!this.writable) return;
    this.closeReason = 'closed after a bad request';
    this.socket.pause();
    this.socket.end(data, () => this.socket.destroy());
  }

  destroy(reason: string): void {
    if (this.socket.destroyed) return;
    this.closeReason = reason;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    for (const event of this.framer.push(chunk)) {
      if (!this.writable) return;
      if (event.kind === 'ping') this.write(PONG, ignoreError);
      else if (event.kind === 'message') this.events.message(this, event.data);
      else {
        this.socket.pause();
        this.events.framingError(this, event.reason, event.head);
      }
    }
  }
}
