import { parseSipMessage } from '../message/parse.js';
import { serializeSipMessage } from '../message/serialize.js';
import type { ScheduledHandle, Scheduler } from '../../realtime/scheduler.js';
import { SipTransportError, type Endpoint, type Received, type SipMessage, type SipTransport, type SipTransportName } from '../types.js';

/** Which side of a memory pair. */
export type Side = 'a' | 'b';

/** Decides the fate of one message on the wire; `from` is the side that sent it. */
export type WireHook = (message: SipMessage, from: Side) => boolean;

export interface MemoryPairOptions {
  /** `udp` (default) or `tcp`: what the endpoints and flows say; delivery is the same. */
  transport?: SipTransportName;
  /** Delivers through this scheduler after `latencyMs` (so a manual scheduler drives the wire too); otherwise on a microtask. */
  scheduler?: Scheduler;
  latencyMs?: number;
}

/**
 * One side of an in-memory wire. Every message is serialised and parsed again on the way, so
 * tests exercise the real codec. A message to any endpoint but the peer's is reported through
 * `onError` as unroutable, as a real transport reports a refused connection.
 */
export class MemoryTransport implements SipTransport {
  /** Every message this side sent, as the peer would parse it, including dropped ones. */
  readonly sent: SipMessage[] = [];
  private readonly messageHandlers: Array<(received: Received) => void> = [];
  private readonly errorHandlers: Array<(error: SipTransportError) => void> = [];
  closed = false;

  constructor(
    readonly side: Side,
    readonly endpoint: Endpoint,
    private readonly wire: MemoryWire,
  ) {}

  send(message: SipMessage, to: Endpoint, flowId?: string): void {
    if (this.closed) return;
    const parsed = parseSipMessage(serializeSipMessage(message));
    if (!parsed.ok) throw new Error(`the memory transport could not parse what it serialised: ${parsed.error}`);
    this.sent.push(parsed.message);
    this.wire.carry(this, parsed.message, to, flowId);
  }

  onMessage(handler: (received: Received) => void): void {
    this.messageHandlers.push(handler);
  }

  onError(handler: (error: SipTransportError) => void): void {
    this.errorHandlers.push(handler);
  }

  local(_transport: SipTransportName): Endpoint {
    return this.endpoint;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /** The requests of `method` this side sent. */
  sentRequests(method: string): SipMessage[] {
    return this.sent.filter((m) => m.kind === 'request' && m.method === method);
  }

  /** The responses sent with this status. */
  sentResponses(status: number): SipMessage[] {
    return this.sent.filter((m) => m.kind === 'response' && m.status === status);
  }

  /** @internal */
  deliver(received: Received): void {
    if (this.closed) return;
    for (const handler of this.messageHandlers) handler(received);
  }

  /** @internal */
  fail(error: SipTransportError): void {
    if (this.closed) return;
    for (const handler of this.errorHandlers) handler(error);
  }
}

/** The wire between the two sides, with hooks to lose or duplicate messages. */
export class MemoryWire {
  /** Return true to lose the message. */
  drop: WireHook | null = null;
  /** Return true to deliver the message twice. */
  duplicate: WireHook | null = null;
  private peerOf = new Map<MemoryTransport, MemoryTransport>();
  private readonly pending = new Set<ScheduledHandle>();

  constructor(private readonly options: MemoryPairOptions) {}

  /** @internal */
  connect(a: MemoryTransport, b: MemoryTransport): void {
    this.peerOf = new Map([
      [a, b],
      [b, a],
    ]);
  }

  /** @internal */
  carry(from: MemoryTransport, message: SipMessage, to: Endpoint, flowId: string | undefined): void {
    const peer = this.peerOf.get(from);
    if (!peer || !sameEndpoint(peer.endpoint, to)) {
      this.later(() => from.fail(new SipTransportError(`no route to ${to.transport}:${to.address}:${to.port}`, to)));
      return;
    }
    if (this.drop?.(message, from.side)) return;
    const copies = this.duplicate?.(message, from.side) ? 2 : 1;
    const received: Received = { message, source: from.endpoint, local: peer.endpoint, flowId: flowId ?? flowOf(from.endpoint, peer.endpoint) };
    for (let i = 0; i < copies; i++) this.later(() => peer.deliver({ ...received, message: copyOf(message) }));
  }

  private later(run: () => void): void {
    const { scheduler, latencyMs = 0 } = this.options;
    if (!scheduler) {
      queueMicrotask(run);
      return;
    }
    const handle = scheduler.setTimeout(() => {
      this.pending.delete(handle);
      run();
    }, latencyMs);
    this.pending.add(handle);
  }
}

/** Two transports wired to each other: `a` at 127.0.0.1:5060, `b` at 127.0.0.2:5060 (the ports and addresses are only labels). */
export function createMemoryTransportPair(options: MemoryPairOptions = {}): { a: MemoryTransport; b: MemoryTransport; wire: MemoryWire } {
  const transport = options.transport ?? 'udp';
  const wire = new MemoryWire(options);
  const a = new MemoryTransport('a', { transport, address: '127.0.0.1', port: 5060 }, wire);
  const b = new MemoryTransport('b', { transport, address: '127.0.0.2', port: 5060 }, wire);
  wire.connect(a, b);
  return { a, b, wire };
}

function sameEndpoint(x: Endpoint, y: Endpoint): boolean {
  return x.transport === y.transport && x.address === y.address && x.port === y.port;
}

/** The flow id a side sees for messages from `source`: one flow per pair of endpoints, as UDP keys it. */
function flowOf(source: Endpoint, local: Endpoint): string {
  return `${source.transport}:${source.address}:${source.port}>${local.address}:${local.port}`;
}

/** A duplicate must not share mutable headers with the first copy. */
function copyOf(message: SipMessage): SipMessage {
  return { ...message, headers: message.headers.clone(), body: Buffer.from(message.body) };
}
