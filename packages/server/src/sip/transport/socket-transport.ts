/**
 * The SIP transports over UDP and TCP (RFC 3261 §18), for carrier trunks and desk phones.
 *
 * ```
 *   peer ──datagram / TCP bytes──► admit(source)? ──no──► dropped, unparsed, unanswered
 *                                       │ yes
 *                      TCP: TcpFramer (Content-Length, CRLF CRLF ping → CRLF pong)
 *                                       │
 *                              interpretInbound: parse
 *                ┌──────────────────────┼──────────────────────────┐
 *          well-formed            malformed request with       anything else
 *   request: top Via gets         request line + top Via        dropped
 *   received / rport                 → 400 to the source
 *        → onMessage                (TCP: then closed)
 * ```
 *
 * Outbound, `send` picks the socket: UDP from the one bound socket; TCP through the connection
 * named by `flowId`, else an open connection to the same address and port, else a new one.
 * Nothing throws: failures reach `onError`. Every buffer is bounded (`SipLimits.maxMessageBytes`
 * per TCP stream, `MAX_TCP_WRITE_BUFFER_BYTES` of unsent output per connection), connections are
 * capped globally and per address, and silent connections close after `idleTcpMs`. A handler or
 * an `admit` check that throws is logged and cannot break the transport (a throwing `admit` refuses).
 */
import type { Logger } from 'pino';
import { resolveLimits, type SipLimits } from '../message/limits.js';
import { serializeSipMessage } from '../message/serialize.js';
import {
  SipTransportError,
  type Endpoint,
  type Received,
  type SipMessage,
  type SipTransport,
  type SipTransportName,
} from '../types.js';
import {
  DEFAULT_MAX_TCP_CONNECTIONS,
  DEFAULT_MAX_TCP_CONNECTIONS_PER_IP,
  DEFAULT_TCP_CONNECT_TIMEOUT_MS,
  DEFAULT_TCP_IDLE_MS,
} from './defaults.js';
import { udpFlowId } from './flow-id.js';
import { interpretInbound, rejectMalformed, type InboundOutcome } from './inbound.js';
import { responseTarget } from './response-target.js';
import type { TcpConnection } from './tcp-connection.js';
import { TcpFlows } from './tcp-flows.js';
import { UdpEndpoint } from './udp-endpoint.js';

export { responseTarget } from './response-target.js';

export interface SipSocketTransportOptions {
  /** The address to bind, e.g. `0.0.0.0` or one interface's address. */
  address: string;
  /** 0 picks a free port. */
  udpPort: number;
  /** null: no TCP; default: the UDP port (with `udpPort: 0`, another free port). */
  tcpPort?: number | null;
  limits?: Partial<SipLimits>;
  /** Runs before any parsing for every datagram, new TCP connection and TCP message; false drops it silently. */
  admit?: (source: Endpoint) => boolean;
  log: Logger;
  /** A TCP connection silent this long is closed (default 10 minutes). */
  idleTcpMs?: number;
  /** Default 10 s. */
  tcpConnectTimeoutMs?: number;
  /** Inbound and outbound together (default 2,048). */
  maxTcpConnections?: number;
  /** Inbound from one address (default 256). */
  maxTcpConnectionsPerIp?: number;
}

type ErrorHandler = (error: SipTransportError) => void;
type MessageHandler = (received: Received) => void;

/** `SipTransport` over a UDP socket and an optional TCP listener. */
export class SipSocketTransport implements SipTransport {
  private readonly messageHandlers: MessageHandler[] = [];
  private readonly errorHandlers: ErrorHandler[] = [];
  private udp: UdpEndpoint | null = null;
  private tcp: TcpFlows | null = null;
  private closing: Promise<void> | null = null;
  private readonly limits: SipLimits;
  private readonly admit: (source: Endpoint) => boolean;
  private readonly log: Logger;

  private constructor(options: SipSocketTransportOptions) {
    this.limits = resolveLimits(options.limits);
    this.log = options.log;
    const admit = options.admit;
    this.admit = admit
      ? (source) => {
          try {
            return admit(source);
          } catch (error) {
            this.log.error({ err: error, source }, 'SIP admission check threw; the source is refused');
            return false;
          }
        }
      : () => true;
  }

  /** Binds UDP (and TCP unless `tcpPort` is null) on `address`. */
  static async listen(options: SipSocketTransportOptions): Promise<SipSocketTransport> {
    const transport = new SipSocketTransport(options);
    try {
      const udp = await UdpEndpoint.bind(options.address, options.udpPort, (data, source) => transport.receiveDatagram(data, source), options.log);
      transport.udp = udp;
      if (options.tcpPort !== null) {
        transport.tcp = await TcpFlows.listen({
          address: options.address,
          port: options.tcpPort ?? options.udpPort,
          limits: transport.limits,
          idleMs: options.idleTcpMs ?? DEFAULT_TCP_IDLE_MS,
          connectTimeoutMs: options.tcpConnectTimeoutMs ?? DEFAULT_TCP_CONNECT_TIMEOUT_MS,
          maxConnections: options.maxTcpConnections ?? DEFAULT_MAX_TCP_CONNECTIONS,
          maxConnectionsPerIp: options.maxTcpConnectionsPerIp ?? DEFAULT_MAX_TCP_CONNECTIONS_PER_IP,
          admit: transport.admit,
          log: options.log,
          events: {
            message: (connection, data) => transport.receiveFrame(connection, data),
            framingError: (connection, reason, head) => transport.streamBroken(connection, reason, head),
          },
        });
      }
    } catch (error) {
      await transport.close();
      throw error;
    }
    options.log.info({ udp: transport.udp?.local, tcp: transport.tcp?.local ?? null }, 'SIP transport listening');
    return transport;
  }

  send(message: SipMessage, to: Endpoint, flowId?: string): void {
    const fail = (error: SipTransportError): void => this.emitError(error);
    let data: Buffer;
    try {
      data = serializeSipMessage(message);
    } catch (error) {
      fail(new SipTransportError(`message cannot be serialised: ${error instanceof Error ? error.message : String(error)}`, to));
      return;
    }
    if (to.transport === 'udp') {
      if (this.udp) this.udp.send(data, to, fail);
      else fail(new SipTransportError('the UDP transport is closed', to));
    } else if (this.tcp) this.tcp.send(data, to, flowId, fail);
    else fail(new SipTransportError('TCP is not enabled on this transport', to));
  }

  onMessage(handler: MessageHandler): void {
    this.messageHandlers.push(handler);
  }

  onError(handler: ErrorHandler): void {
    this.errorHandlers.push(handler);
  }

  /** Where this transport listens; for TCP when it has none, throws (a configuration error). */
  local(transport: SipTransportName): Endpoint {
    const endpoint = transport === 'udp' ? this.udp?.local : this.tcp?.local;
    if (!endpoint) throw new Error(`this SIP transport does not listen on ${transport.toUpperCase()}`);
    return { ...endpoint };
  }

  /** Closes the sockets and every connection; idempotent. */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.udp?.close(), this.tcp?.close()]).then(() => {
      this.log.info('SIP transport closed');
    });
    return this.closing;
  }

  private receiveDatagram(data: Buffer, source: Endpoint): void {
    if (!this.admit(source) || isKeepAlive(data)) return;
    const udp = this.udp;
    if (!udp) return;
    const outcome =
      data.length > this.limits.maxMessageBytes
        ? rejectMalformed(data, `message larger than ${this.limits.maxMessageBytes} bytes`, source)
        : interpretInbound(data, source, this.limits);
    const flowId = udpFlowId(udp.local.port, source);
    const answer = this.settle(outcome, source, udp.local, flowId);
    if (answer) udp.send(answer.data, answer.to, (error) => this.emitError(error));
  }

  private receiveFrame(connection: TcpConnection, data: Buffer): void {
    if (!this.admit(connection.remote)) {
      connection.destroy('source no longer admitted');
      return;
    }
    const outcome = interpretInbound(data, connection.remote, this.limits);
    const answer = this.settle(outcome, connection.remote, connection.local, connection.flowId);
    if (answer) connection.endWith(answer.data);
    else if (outcome.kind === 'drop') connection.destroy(`unparsable message: ${outcome.reason}`);
  }

  private streamBroken(connection: TcpConnection, reason: string, head: Buffer): void {
    const answer = this.settle(rejectMalformed(head, reason, connection.remote), connection.remote, connection.local, connection.flowId);
    if (answer) connection.endWith(answer.data);
    else connection.destroy(`cannot frame the stream: ${reason}`);
  }

  /** Delivers a message, or returns the 400 to send back; logs what is dropped. */
  private settle(outcome: InboundOutcome, source: Endpoint, local: Endpoint, flowId: string): { data: Buffer; to: Endpoint } | null {
    if (outcome.kind === 'drop') {
      this.log.debug({ source, reason: outcome.reason }, 'SIP message dropped');
      return null;
    }
    if (outcome.kind === 'reject') {
      this.log.debug({ source, method: outcome.request.method, reason: outcome.reason }, 'SIP request refused with 400');
      const to = responseTarget(outcome.request, { message: outcome.request, source, local, flowId });
      return { data: serializeSipMessage(outcome.response), to };
    }
    const received: Received = { message: outcome.message, source, local, flowId };
    for (const handler of this.messageHandlers) {
      try {
        handler(received);
      } catch (error) {
        this.log.error({ err: error, source }, 'SIP message handler threw');
      }
    }
    return null;
  }

  private emitError(error: SipTransportError): void {
    this.log.debug({ endpoint: error.endpoint, reason: error.message }, 'SIP send failed');
    for (const handler of this.errorHandlers) {
      try {
        handler(error);
      } catch (thrown) {
        this.log.error({ err: thrown }, 'SIP transport error handler threw');
      }
    }
  }
}

/** A datagram of line breaks only: a NAT keep-alive some phones send, not a message. */
function isKeepAlive(data: Buffer): boolean {
  return data.length <= 4 && data.every((byte) => byte === 0x0d || byte === 0x0a);
}
