import net from 'node:net';
import type { Logger } from 'pino';
import type { SipLimits } from '../message/limits.js';
import { SipTransportError, type Endpoint } from '../types.js';
import { remoteKey, tcpFlowId } from './flow-id.js';
import { TcpConnection, type TcpConnectionEvents } from './tcp-connection.js';

export interface TcpFlowsOptions {
  address: string;
  port: number;
  limits: Pick<SipLimits, 'maxMessageBytes' | 'maxBodyBytes'>;
  idleMs: number;
  connectTimeoutMs: number;
  /** Inbound and outbound connections together. */
  maxConnections: number;
  /** Inbound connections from one address. */
  maxConnectionsPerIp: number;
  /** Runs for every new inbound connection before it is kept. */
  admit: (source: Endpoint) => boolean;
  log: Logger;
  /** A framed message, or a stream that cannot be framed (the handler ends that connection). */
  events: Pick<TcpConnectionEvents, 'message' | 'framingError'>;
}

/**
 * The TCP side of the transport: the listening socket and every open flow, inbound or outbound,
 * found by flow id or by remote address and port so that requests and answers reuse them.
 */
export class TcpFlows {
  private readonly byFlow = new Map<string, TcpConnection>();
  private readonly byRemote = new Map<string, TcpConnection>();
  private readonly inboundPerIp = new Map<string, number>();
  private sequence = 0;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: net.Server,
    private readonly options: TcpFlowsOptions,
    /** Where the server listens. */
    readonly local: Endpoint,
  ) {
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (error) => options.log.warn({ err: error }, 'SIP TCP server error'));
  }

  static async listen(options: TcpFlowsOptions): Promise<TcpFlows> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.address, port: options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const bound = server.address();
    const port = typeof bound === 'object' && bound ? bound.port : options.port;
    const address = typeof bound === 'object' && bound ? bound.address : options.address;
    return new TcpFlows(server, options, { transport: 'tcp', address, port });
  }

  /** Open connections. */
  get size(): number {
    return this.byFlow.size;
  }

  /** Sends through `flowId` when it is open, else a connection to `to`, opening one if need be. */
  send(data: Buffer, to: Endpoint, flowId: string | undefined, onError: (error: SipTransportError) => void): void {
    const connection = this.route(to, flowId);
    if (typeof connection === 'string') {
      onError(new SipTransportError(`TCP send to ${to.address}:${to.port} failed: ${connection}`, to));
      return;
    }
    connection.write(data, (error) => {
      if (error) onError(new SipTransportError(`TCP send to ${to.address}:${to.port} failed: ${error.message}`, to));
    });
  }

  /** Closes the listener and every connection; resolves once all are closed. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      const connections = [...this.byFlow.values()];
      for (const connection of connections) connection.destroy('transport closed');
      await Promise.all([serverClosed, ...connections.map((connection) => connection.closed)]);
    })();
    return this.closing;
  }

  private route(to: Endpoint, flowId: string | undefined): TcpConnection | string {
    if (this.closing) return 'the transport is closed';
    const flow = flowId === undefined ? undefined : this.byFlow.get(flowId);
    if (flow?.writable) return flow;
    const reused = this.byRemote.get(remoteKey(to));
    if (reused?.writable) return reused;
    if (this.byFlow.size >= this.options.maxConnections) return `${this.options.maxConnections} connections already open`;
    let socket: net.Socket;
    try {
      socket = net.connect({ host: to.address, port: to.port });
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
    return this.track(socket, to, true);
  }

  private accept(socket: net.Socket): void {
    const { remoteAddress, remotePort } = socket;
    if (this.closing || remoteAddress === undefined || remotePort === undefined) {
      socket.destroy();
      return;
    }
    const remote: Endpoint = { transport: 'tcp', address: remoteAddress, port: remotePort };
    if (!this.options.admit(remote)) {
      socket.destroy();
      return;
    }
    const fromIp = this.inboundPerIp.get(remoteAddress) ?? 0;
    if (this.byFlow.size >= this.options.maxConnections || fromIp >= this.options.maxConnectionsPerIp) {
      this.options.log.debug({ remote, open: this.byFlow.size, fromIp }, 'SIP TCP connection refused: too many connections');
      socket.destroy();
      return;
    }
    this.inboundPerIp.set(remoteAddress, fromIp + 1);
    this.track(socket, remote, false);
  }

  private track(socket: net.Socket, remote: Endpoint, outbound: boolean): TcpConnection {
    const { limits, idleMs, connectTimeoutMs, events } = this.options;
    const flowId = tcpFlowId(++this.sequence, remote);
    const connection = new TcpConnection(socket, { flowId, remote, outbound, limits, idleMs, connectTimeoutMs }, {
      message: events.message,
      framingError: events.framingError,
      closed: (closed, reason) => this.forget(closed, reason),
    });
    this.byFlow.set(flowId, connection);
    this.byRemote.set(remoteKey(remote), connection);
    this.options.log.debug({ flowId, outbound }, 'SIP TCP connection open');
    return connection;
  }

  private forget(connection: TcpConnection, reason: string): void {
    this.byFlow.delete(connection.flowId);
    const key = remoteKey(connection.remote);
    if (this.byRemote.get(key) === connection) this.byRemote.delete(key);
    if (!connection.outbound) {
      const left = (this.inboundPerIp.get(connection.remote.address) ?? 1) - 1;
      if (left > 0) this.inboundPerIp.set(connection.remote.address, left);
      else this.inboundPerIp.delete(connection.remote.address);
    }
    this.options.log.debug({ flowId: connection.flowId, reason }, 'SIP TCP connection closed');
  }
}
