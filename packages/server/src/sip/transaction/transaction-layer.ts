import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createResponse } from '../message/build.js';
import { parseNameAddr } from '../message/name-addr.js';
import { topVia } from '../message/via.js';
import type { Scheduler } from '../../realtime/scheduler.js';
import {
  DEFAULT_TIMERS,
  type ClientTransaction,
  type ClientTransactionHandlers,
  type Endpoint,
  type Received,
  type ServerTransaction,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type SipTimerValues,
  type SipTransactions,
  type SipTransport,
  type SipTransportError,
} from '../types.js';
import { ClientTransactionRuntime, type ClientContext } from './client-transaction.js';
import { clientKey, endpointKey, MAGIC_COOKIE, mergeKey, responseKey, serverKey } from './keys.js';
import { safely } from './safely.js';
import { ServerTransactionRuntime, type ServerContext } from './server-transaction.js';

export interface TransactionLayerOptions {
  transport: SipTransport;
  scheduler: Scheduler;
  log: Logger;
  /** T1, T2 and T4 in ms; RFC 3261's defaults (500, 4,000, 5,000) for those left out. */
  timers?: Partial<SipTimerValues>;
  /** Where a server transaction's responses go (RFC 3261 §18.2.2 with RFC 3581: usually the request's source). */
  responseTarget: (request: SipRequest, received: Received) => Endpoint;
}

/**
 * The SIP transaction layer (RFC 3261 §17): matches responses to client transactions and
 * requests to server transactions, runs their timers and absorbs retransmissions.
 *
 * - INVITE server transactions follow RFC 6026: after a 2xx they stay Accepted for 64·T1,
 *   absorbing retransmitted INVITEs; the TU retransmits the 2xx until its ACK, and an ACK that
 *   matches no transaction (a 2xx's ACK has its own branch) goes to `onAck`.
 * - A new INVITE server transaction sends 100 Trying 200 ms after the INVITE unless the TU has
 *   answered by then (at once if the INVITE is retransmitted first).
 * - A CANCEL is answered here: 200 and the INVITE transaction's `onCancel` handlers (the TU
 *   then answers the INVITE 487), or 481 when it matches no INVITE transaction.
 * - A request with the From tag, Call-ID and CSeq of a live transaction but another branch
 *   (a fork that came back, §8.2.2.2) is answered 482 without reaching the TU.
 * - A transport error for an endpoint fails the transactions that send to it.
 */
export class TransactionLayer implements SipTransactions {
  private readonly clients = new Map<string, ClientTransactionRuntime>();
  private readonly servers = new Map<string, ServerTransactionRuntime>();
  /** Merged-request key → the server transaction holding it. */
  private readonly merges = new Map<string, ServerTransactionRuntime>();
  private readonly requestHandlers: Array<(transaction: ServerTransaction) => void> = [];
  private readonly ackHandlers: Array<(ack: SipRequest, received: Received) => void> = [];
  private readonly timers: SipTimerValues;
  private readonly clientContext: ClientContext;
  private readonly serverContext: ServerContext;
  private closed = false;

  constructor(private readonly options: TransactionLayerOptions) {
    this.timers = { ...DEFAULT_TIMERS, ...options.timers };
    const { transport, scheduler, log } = options;
    this.clientContext = {
      transport,
      scheduler,
      log,
      timers: this.timers,
      sendCancel: (cancel, to, flowId) => {
        // The CANCEL's own answer matters to nobody: the INVITE's final response (or its Cancel timer) ends the call attempt.
        this.request(cancel, to, { final: () => undefined, failed: () => undefined }, flowId);
      },
      terminated: (transaction) => {
        if (this.clients.get(transaction.key) === transaction) this.clients.delete(transaction.key);
      },
    };
    this.serverContext = {
      transport,
      scheduler,
      log,
      timers: this.timers,
      ackPassedUp: (ack, received) => this.passAck(ack, received),
      terminated: (transaction) => {
        if (this.servers.get(transaction.key) === transaction) this.servers.delete(transaction.key);
        if (transaction.mergeKey !== null && this.merges.get(transaction.mergeKey) === transaction) this.merges.delete(transaction.mergeKey);
      },
    };
    transport.onMessage((received) => this.receive(received));
    transport.onError((error) => this.transportFailed(error));
  }

  /** Live transactions, client and server. */
  get size(): number {
    return this.clients.size + this.servers.size;
  }

  request(request: SipRequest, to: Endpoint, handlers: ClientTransactionHandlers, flowId?: string): ClientTransaction {
    if (this.closed) throw new Error('the SIP transaction layer is closed');
    if (request.method === 'ACK') throw new Error('an ACK is not a transaction: send the ACK of a 2xx with sendStateless()');
    const branch = topVia(request.headers)?.params['branch'];
    if (!branch?.startsWith(MAGIC_COOKIE)) throw new Error(`a request needs a top Via with a branch from newBranch() (got ${branch ?? 'none'})`);
    const key = clientKey(branch, request.method);
    if (this.clients.has(key)) throw new Error(`a ${request.method} client transaction with branch ${branch} is already running: each request needs a new branch`);
    const transaction = new ClientTransactionRuntime(key, branch, request, to, flowId, handlers, this.clientContext);
    this.clients.set(key, transaction);
    transaction.start();
    return transaction;
  }

  sendStateless(message: SipMessage, to: Endpoint, flowId?: string): void {
    this.options.transport.send(message, to, flowId);
  }

  onRequest(handler: (transaction: ServerTransaction) => void): void {
    this.requestHandlers.push(handler);
  }

  onAck(handler: (ack: SipRequest, received: Received) => void): void {
    this.ackHandlers.push(handler);
  }

  newBranch(): string {
    return MAGIC_COOKIE + randomBytes(12).toString('base64url');
  }

  /** Stops every timer and forgets every transaction, telling no one; later messages are ignored. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const transaction of this.clients.values()) transaction.stop();
    for (const transaction of this.servers.values()) transaction.stop();
    this.clients.clear();
    this.servers.clear();
    this.merges.clear();
  }

  private receive(received: Received): void {
    if (this.closed) return;
    const { message } = received;
    if (message.kind === 'response') this.receiveResponse(message);
    else if (message.method === 'ACK') this.receiveAck(message, received);
    else this.receiveRequest(message, received);
  }

  /** §17.1.3: a response goes to the client transaction of its branch and CSeq method; a stray one is dropped (§18.1.2). */
  private receiveResponse(response: SipResponse): void {
    const key = responseKey(response);
    const transaction = key === null ? undefined : this.clients.get(key);
    if (!transaction) {
      this.options.log.debug({ status: response.status, cseq: response.headers.get('CSeq') }, 'SIP response matches no transaction; dropped');
      return;
    }
    transaction.receive(response);
  }

  private receiveAck(ack: SipRequest, received: Received): void {
    const key = serverKey(ack);
    const transaction = key === null ? undefined : this.servers.get(key);
    if (transaction?.invite) transaction.acknowledged(received);
    else this.passAck(ack, received);
  }

  private receiveRequest(request: SipRequest, received: Received): void {
    const key = serverKey(request);
    if (key === null) {
      this.options.log.debug({ method: request.method }, 'SIP request without Via or CSeq; dropped');
      return;
    }
    const existing = this.servers.get(key);
    if (existing) {
      existing.retransmitted();
      return;
    }
    if (request.method === 'CANCEL') {
      this.receiveCancel(request, received, key);
      return;
    }
    const merge = mergeKey(request);
    const mergedWith = merge === null ? undefined : this.merges.get(merge);
    const transaction = this.createServer(request, received, key, mergedWith ? null : merge);
    if (mergedWith) {
      this.options.log.info({ method: request.method, callId: request.headers.get('Call-ID') }, 'SIP merged request (same From tag, Call-ID and CSeq, another branch): 482');
      transaction.respond(createResponse(request, 482));
      return;
    }
    if (this.requestHandlers.length === 0) {
      transaction.respond(createResponse(request, 503));
      return;
    }
    for (const handler of this.requestHandlers) safely(this.options.log, 'request', () => handler(transaction));
  }

  /** §9.2: a CANCEL is answered 200 when it matches an INVITE server transaction (same branch), else 481. */
  private receiveCancel(cancel: SipRequest, received: Received, key: string): void {
    const inviteKey = serverKey(cancel, 'INVITE');
    const invite = inviteKey === null ? undefined : this.servers.get(inviteKey);
    const transaction = this.createServer(cancel, received, key, null);
    if (!invite?.invite) {
      transaction.respond(createResponse(cancel, 481));
      return;
    }
    // The 200 carries the To tag the INVITE's answers carry, when one was sent (§9.2).
    const answered = invite.lastResponse?.headers.get('To');
    const toTag = answered === undefined ? undefined : parseNameAddr(answered)?.params['tag'];
    transaction.respond(createResponse(cancel, 200, undefined, toTag ? { toTag } : {}));
    invite.cancel();
  }

  private createServer(request: SipRequest, received: Received, key: string, merge: string | null): ServerTransactionRuntime {
    const target = this.options.responseTarget(request, received);
    const transaction = new ServerTransactionRuntime(key, merge, request, received, target, this.serverContext);
    this.servers.set(key, transaction);
    if (merge !== null) this.merges.set(merge, transaction);
    transaction.start();
    return transaction;
  }

  private passAck(ack: SipRequest, received: Received): void {
    if (this.ackHandlers.length === 0) this.options.log.debug({ callId: ack.headers.get('Call-ID') }, 'SIP ACK for no dialog; dropped');
    for (const handler of this.ackHandlers) safely(this.options.log, 'ack', () => handler(ack, received));
  }

  /** The transactions sending to the endpoint that failed end (RFC 3261 §17.1.4, §17.2.4). */
  private transportFailed(error: SipTransportError): void {
    if (this.closed) return;
    const failed = endpointKey(error.endpoint);
    this.options.log.info({ endpoint: error.endpoint, err: error }, 'SIP transport error');
    for (const transaction of [...this.clients.values()]) if (endpointKey(transaction.destination) === failed) transaction.transportFailed();
    for (const transaction of [...this.servers.values()]) if (endpointKey(transaction.target) === failed) transaction.transportFailed();
  }
}
