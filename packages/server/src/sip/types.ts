/**
 * The SIP layer's contracts: messages, transports and transactions, as the gateway uses them.
 *
 * Layers, bottom up (RFC 3261 §5), one folder each:
 * - `message/`: parse and serialise with strict limits; typed accessors for the headers the
 *   gateway reads (Via, From/To/Contact name-addr, CSeq, URIs, auth parameters).
 * - `transport/`: UDP and TCP sockets; framing; `received`/`rport` (RFC 3581); an admission
 *   hook that drops banned sources before any parsing.
 * - `transaction/`: the four state machines (ICT, NICT, IST, NIST), each a pure transition
 *   function driven by events and timers, and the layer that matches messages to them.
 * - `dialog.ts`, `digest.ts`, `sdp.ts`, `registrar.ts`, `security/`: the pieces above them.
 * - `gateway/`: the back-to-back user agent that joins SIP legs to the call engine.
 *
 * Nothing here keeps state outside one process: a call's dialog and media live on the node that
 * took it, found by Call-ID, so several nodes behind a SIP edge can share the work later.
 */

/** A SIP header list: ordered, names case-insensitive, stored under their canonical spelling. */
export class SipHeaders {
  private readonly list: Array<[name: string, value: string]> = [];

  constructor(entries: Iterable<readonly [string, string]> = []) {
    for (const [name, value] of entries) this.append(name, value);
  }

  /** The first value of a header, or undefined. */
  get(name: string): string | undefined {
    const key = canonicalHeaderName(name);
    return this.list.find(([n]) => n === key)?.[1];
  }

  /** Every value of a header, in order (a comma list in one line was split by the parser for multi-value headers). */
  getAll(name: string): string[] {
    const key = canonicalHeaderName(name);
    return this.list.filter(([n]) => n === key).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every value of a header with one value (appended at the end when it was absent). */
  set(name: string, value: string): this {
    const key = canonicalHeaderName(name);
    const at = this.list.findIndex(([n]) => n === key);
    if (at < 0) return this.append(key, value);
    this.list[at] = [key, value];
    for (let i = this.list.length - 1; i > at; i--) if (this.list[i]![0] === key) this.list.splice(i, 1);
    return this;
  }

  append(name: string, value: string): this {
    this.list.push([canonicalHeaderName(name), value]);
    return this;
  }

  /** Adds a value before the others of its name (a proxy's Via or Record-Route), or at the top when there are none. */
  prepend(name: string, value: string): this {
    const key = canonicalHeaderName(name);
    const at = this.list.findIndex(([n]) => n === key);
    this.list.splice(at < 0 ? 0 : at, 0, [key, value]);
    return this;
  }

  delete(name: string): this {
    const key = canonicalHeaderName(name);
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]![0] === key) this.list.splice(i, 1);
    return this;
  }

  entries(): ReadonlyArray<readonly [string, string]> {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.list);
  }
}

export interface SipRequest {
  readonly kind: 'request';
  /** Upper case, as on the wire (methods are case-sensitive). */
  method: string;
  /** The Request-URI as text (`message/uri.ts` parses it). */
  uri: string;
  headers: SipHeaders;
  body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  status: number;
  reason: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

export type SipTransportName = 'udp' | 'tcp';

/** One end of a transport: where a message came from or goes to. */
export interface Endpoint {
  transport: SipTransportName;
  address: string;
  port: number;
}

/** A message as a transport delivered it. */
export interface Received {
  message: SipMessage;
  /** Where it came from (the packet's source, not what its Via claims). */
  source: Endpoint;
  /** The local socket it arrived on. */
  local: Endpoint;
  /** The connection it came on (TCP), so that answers and later requests use the same one; for UDP a key of source and local socket. */
  flowId: string;
}

/** Why a message could not be sent. */
export class SipTransportError extends Error {
  constructor(message: string, readonly endpoint: Endpoint) {
    super(message);
    this.name = 'SipTransportError';
  }
}

/**
 * The transports as the transaction layer sees them. `send` never throws: a message that cannot
 * be sent (no route, connection refused, too big for UDP) is reported through `onError`.
 */
export interface SipTransport {
  /** Sends to `to`; over TCP through the flow `flowId` when it is still open, else a connection to `to`. */
  send(message: SipMessage, to: Endpoint, flowId?: string): void;
  /** Every well-formed message received. Malformed input never reaches here (a request gets 400 when it can be answered). */
  onMessage(handler: (received: Received) => void): void;
  onError(handler: (error: SipTransportError) => void): void;
  /** Where this transport listens, for Via and Contact. */
  local(transport: SipTransportName): Endpoint;
  close(): Promise<void>;
}

/** RFC 3261 timer base values in ms. */
export interface SipTimerValues {
  t1: number;
  t2: number;
  t4: number;
}

export const DEFAULT_TIMERS: SipTimerValues = { t1: 500, t2: 4_000, t4: 5_000 };

/** How a client transaction ended without a final response. */
export type ClientTransactionFailure = 'timeout' | 'transportError';

export interface ClientTransactionHandlers {
  /** A provisional (1xx) response. */
  provisional?(response: SipResponse): void;
  /** The final response (for an INVITE, each 2xx retransmission of another branch also arrives here). */
  final(response: SipResponse): void;
  /** No final response (Timer B/F), or the transport could not send. */
  failed(failure: ClientTransactionFailure): void;
}

/** A request sent and waiting for its answer. */
export interface ClientTransaction {
  readonly branch: string;
  readonly request: SipRequest;
  /** For an INVITE still proceeding: sends CANCEL (RFC 3261 §9.1) once a provisional response came; the INVITE's final answer still arrives through `final`. */
  cancel(reason?: string): void;
}

/** A request received, to be answered. */
export interface ServerTransaction {
  readonly request: SipRequest;
  readonly received: Received;
  /** Sends a response; the layer retransmits an INVITE's final response as the state machine says. */
  respond(response: SipResponse): void;
  /** For an INVITE: a CANCEL for it arrived (the layer already answered the CANCEL 200; the TU must now answer 487). */
  onCancel(handler: () => void): void;
  /** The TU will never answer (a scanner): nothing is sent, not even 100 Trying, and the transaction is forgotten after 64·T1. */
  drop(): void;
}

/**
 * The transaction layer (`transaction/transaction-layer.ts` implements it). The TU builds
 * requests with their top Via (branch from `newBranch()`); the layer matches answers and
 * retransmissions, runs the timers and absorbs duplicates.
 */
export interface SipTransactions {
  /** A new client transaction (not for ACK: see `sendAck`). */
  request(request: SipRequest, to: Endpoint, handlers: ClientTransactionHandlers, flowId?: string): ClientTransaction;
  /** Sends an ACK for a 2xx outside any transaction (RFC 3261 §13.2.2.4), or any stateless message. */
  sendStateless(message: SipMessage, to: Endpoint, flowId?: string): void;
  /** New requests (retransmissions are absorbed; a CANCEL is matched to its INVITE). An ACK for a 2xx comes to `onAck`. */
  onRequest(handler: (transaction: ServerTransaction) => void): void;
  /** ACKs that match no INVITE server transaction: the ACK of a 2xx, for the dialog layer. */
  onAck(handler: (ack: SipRequest, received: Received) => void): void;
  /** A branch id with the RFC 3261 magic cookie, unguessable. */
  newBranch(): string;
  close(): void;
}

/** Compact forms (RFC 3261 §7.3.3 and extensions) and the spelling headers are written with. */
const COMPACT: Record<string, string> = { i: 'Call-ID', m: 'Contact', e: 'Content-Encoding', l: 'Content-Length', c: 'Content-Type', f: 'From', s: 'Subject', k: 'Supported', t: 'To', v: 'Via', o: 'Event', u: 'Allow-Events', r: 'Refer-To', b: 'Referred-By', x: 'Session-Expires' };
const SPELLING = new Map(
  ['Call-ID', 'CSeq', 'WWW-Authenticate', 'Proxy-Authenticate', 'Proxy-Authorization', 'Authentication-Info', 'MIME-Version', 'P-Asserted-Identity', 'P-Preferred-Identity', 'RAck', 'RSeq', 'SIP-ETag', 'SIP-If-Match'].map((n) => [n.toLowerCase(), n]),
);

/** Names seen already, as written → canonical (bounded: a peer inventing names cannot grow it). */
const SEEN = new Map<string, string>();
const MAX_SEEN = 512;

/** `v` → `Via`, `call-id` → `Call-ID`, `x-custom-header` → `X-Custom-Header`. */
export function canonicalHeaderName(name: string): string {
  const seen = SEEN.get(name);
  if (seen !== undefined) return seen;
  let canonical: string | undefined;
  if (name.length === 1) canonical = COMPACT[name.toLowerCase()];
  if (canonical === undefined) {
    const lower = name.toLowerCase();
    canonical = SPELLING.get(lower) ?? lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
  }
  if (SEEN.size < MAX_SEEN) SEEN.set(name, canonical);
  return canonical;
}
