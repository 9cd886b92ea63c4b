/**
 * Dialog state (RFC 3261 §12) as plain data and pure functions: creating a dialog from either
 * side of an INVITE, building requests inside it with the right route set and CSeq, and checking
 * the requests the peer sends in it. Sockets stay outside; `Retransmit2xx` at the end is the one
 * piece driven by timers, through an injected scheduler.
 *
 *              tagged 1xx                2xx
 *   INVITE ──────────────────▶ early ──────────▶ confirmed ──BYE or error──▶ terminated
 *      │                                            ▲
 *      └────────────────── 2xx ─────────────────────┘
 *
 * A UAS creates its dialog as early when it sends a tagged 1xx or its 2xx, and confirms it with
 * the 2xx; a UAC creates it from the first tagged answer.
 */
import type { ScheduledHandle, Scheduler } from '../realtime/scheduler.js';
import { parseCSeq } from './message/cseq.js';
import { parseNameAddr } from './message/name-addr.js';
import { formatUri, parseUri } from './message/uri.js';
import { DEFAULT_TIMERS, SipHeaders, type SipRequest, type SipResponse, type SipTimerValues } from './types.js';

/** Which side of the dialog this is. */
export type DialogRole = 'uac' | 'uas';

/** A dialog's life: early (a provisional answer created it), confirmed (2xx), terminated. */
export type DialogState = 'early' | 'confirmed' | 'terminated';

/** The state of one dialog (RFC 3261 §12.1), as plain data: every function here returns a new one. */
export interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** The local party's URI (From of the requests this side sends). */
  localUri: string;
  /** The remote party's URI (To of the requests this side sends). */
  remoteUri: string;
  /** The CSeq number of the last request this side sent; 0 before the first one (a UAS). */
  localSeq: number;
  /** The CSeq number of the last request the peer sent; null before the first one (a UAC). */
  remoteSeq: number | null;
  /** Where requests go: the peer's Contact URI. */
  remoteTarget: string;
  /** Route header values for the requests this side sends, in the order they are written. */
  routeSet: string[];
  /** The dialog was set up with a SIPS Request-URI. */
  secure: boolean;
  role: DialogRole;
  state: DialogState;
}

/** A request that cannot create a dialog: a header the dialog needs is missing or malformed. */
export class DialogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DialogError';
  }
}

/** Methods that refresh the remote target (RFC 3261 §12.2, RFC 3311). */
const TARGET_REFRESH = new Set(['INVITE', 'UPDATE']);

/**
 * The UAS's dialog for an INVITE it answers with a tagged 1xx or a 2xx (RFC 3261 §12.1.1).
 * Throws `DialogError` when the INVITE lacks Call-ID, a From tag, CSeq or a Contact; check with
 * `dialogProblem` first to answer such a request with 400.
 */
export function dialogFromUasInvite(request: SipRequest, localTag: string): Dialog {
  const problem = dialogProblem(request);
  if (problem) throw new DialogError(problem);
  const from = parseNameAddr(request.headers.get('From') ?? '');
  const to = parseNameAddr(request.headers.get('To') ?? '');
  const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
  const contact = parseNameAddr(request.headers.get('Contact') ?? '');
  return {
    callId: request.headers.get('Call-ID') ?? '',
    localTag,
    remoteTag: from?.params.tag ?? '',
    localUri: to?.uri ?? '',
    remoteUri: from?.uri ?? '',
    localSeq: 0,
    remoteSeq: cseq?.seq ?? 0,
    remoteTarget: contact?.uri ?? '',
    routeSet: request.headers.getAll('Record-Route'),
    secure: parseUri(request.uri)?.scheme === 'sips',
    role: 'uas',
    state: 'early',
  };
}

/**
 * Why a dialog-creating request cannot create a dialog (for a 400 reason phrase), or null when it can.
 */
export function dialogProblem(request: SipRequest): string | null {
  if (!request.headers.get('Call-ID')) return 'Missing Call-ID';
  const from = parseNameAddr(request.headers.get('From') ?? '');
  if (!from) return 'Malformed From';
  if (!from.params.tag) return 'Missing From tag';
  if (!parseNameAddr(request.headers.get('To') ?? '')) return 'Malformed To';
  if (!parseCSeq(request.headers.get('CSeq') ?? '')) return 'Malformed CSeq';
  const contact = request.headers.get('Contact');
  if (!contact) return 'Missing Contact';
  if (!parseNameAddr(contact)) return 'Malformed Contact';
  return null;
}

/**
 * The UAC's dialog for a tagged 1xx or a 2xx to its INVITE (RFC 3261 §12.1.2): early for a 1xx,
 * confirmed for a 2xx. Throws `DialogError` when the response has no To tag or no Contact.
 */
export function dialogFromUacResponse(request: SipRequest, response: SipResponse): Dialog {
  const from = parseNameAddr(request.headers.get('From') ?? '');
  const to = parseNameAddr(response.headers.get('To') ?? '');
  const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
  if (!from?.params.tag || !cseq) throw new DialogError('the request has no From tag or no CSeq: it was not built to create a dialog');
  if (!to?.params.tag) throw new DialogError(`a ${response.status} without a To tag cannot create a dialog`);
  const remoteTarget = contactUri(response);
  if (remoteTarget === null) throw new DialogError(`a ${response.status} without a usable Contact cannot create a dialog`);
  return {
    callId: request.headers.get('Call-ID') ?? '',
    localTag: from.params.tag,
    remoteTag: to.params.tag,
    localUri: from.uri,
    remoteUri: to.uri,
    localSeq: cseq.seq,
    remoteSeq: null,
    remoteTarget,
    routeSet: response.headers.getAll('Record-Route').reverse(),
    secure: parseUri(request.uri)?.scheme === 'sips',
    role: 'uac',
    state: response.status >= 200 ? 'confirmed' : 'early',
  };
}

/**
 * An early dialog confirmed by a 2xx. For a UAC, pass the 2xx: the route set and the remote
 * target are taken from it again (RFC 3261 §13.2.2.4, §12.2.1.2).
 */
export function confirm(dialog: Dialog, response?: SipResponse): Dialog {
  if (dialog.state === 'terminated') return dialog;
  const confirmed: Dialog = { ...dialog, state: 'confirmed' };
  if (!response || dialog.role !== 'uac') return confirmed;
  const target = contactUri(response);
  return { ...confirmed, routeSet: response.headers.getAll('Record-Route').reverse(), remoteTarget: target ?? dialog.remoteTarget };
}

/** The dialog ended (BYE sent or received, or an error that ends it). */
export function terminate(dialog: Dialog): Dialog {
  return { ...dialog, state: 'terminated' };
}

/** A UAC's dialog after a 2xx to its target refresh request (re-INVITE, UPDATE): the Contact of the answer, if any, is the new remote target. */
export function refreshTarget(dialog: Dialog, response: SipResponse): Dialog {
  const target = contactUri(response);
  return target === null ? dialog : { ...dialog, remoteTarget: target };
}

/** What `createInDialogRequest` needs from the caller. */
export interface InDialogRequestOptions {
  /** The top Via, formatted, with a new branch. */
  via: string;
  /** A Contact for the request (required for target refresh requests such as a re-INVITE). */
  contact?: string;
  /** 70 unless given. */
  maxForwards?: number;
  /** Further headers, appended in order. */
  headers?: Array<[string, string]>;
  body?: Buffer;
  /** Required with a body. */
  contentType?: string;
}

/** A request built in a dialog, the dialog after it, and the URI to send it to. */
export interface InDialogRequest {
  request: SipRequest;
  /** `localSeq` advanced, except for ACK and CANCEL which reuse the number of their INVITE. */
  dialog: Dialog;
  /** The URI to resolve and send to: the first route when loose routing, else the Request-URI. */
  nextHop: string;
}

/**
 * A request inside a dialog (RFC 3261 §12.2.1.1): From, To, Call-ID and CSeq from the dialog,
 * Route and Request-URI from the route set and the remote target. A strict-routing first hop
 * (no `lr`) becomes the Request-URI and the remote target is appended as the last Route.
 * Content-Length is left to the serialiser, as for every message built here.
 */
export function createInDialogRequest(dialog: Dialog, method: string, options: InDialogRequestOptions): InDialogRequest {
  const reuseSeq = method === 'ACK' || method === 'CANCEL';
  const seq = reuseSeq ? dialog.localSeq : dialog.localSeq + 1;
  const { requestUri, routes, nextHop } = routing(dialog);
  const headers = new SipHeaders();
  headers.append('Via', options.via);
  headers.append('Max-Forwards', String(options.maxForwards ?? 70));
  for (const route of routes) headers.append('Route', route);
  headers.append('From', `<${dialog.localUri}>;tag=${dialog.localTag}`);
  headers.append('To', `<${dialog.remoteUri}>;tag=${dialog.remoteTag}`);
  headers.append('Call-ID', dialog.callId);
  headers.append('CSeq', `${seq} ${method}`);
  if (options.contact !== undefined) headers.append('Contact', options.contact);
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  const body = options.body ?? Buffer.alloc(0);
  if (body.length > 0) {
    if (!options.contentType) throw new DialogError(`a ${method} with a body needs a contentType`);
    headers.append('Content-Type', options.contentType);
  }
  return {
    request: { kind: 'request', method, uri: requestUri, headers, body },
    dialog: reuseSeq ? dialog : { ...dialog, localSeq: seq },
    nextHop,
  };
}

/**
 * The ACK for a 2xx to `invite` (RFC 3261 §13.2.2.4): built like any request in the dialog, with
 * the INVITE's CSeq number and its credentials, and a new branch in `via`. An ACK may carry the
 * SDP answer when the INVITE had no offer. It goes where the INVITE's other requests go: the
 * `nextHop` of `createInDialogRequest`.
 */
export function createAck2xx(dialog: Dialog, invite: SipRequest, via: string, body?: Buffer, contentType = 'application/sdp'): SipRequest {
  const cseq = parseCSeq(invite.headers.get('CSeq') ?? '');
  if (!cseq) throw new DialogError('the INVITE has no valid CSeq');
  const credentials: Array<[string, string]> = [];
  for (const name of ['Authorization', 'Proxy-Authorization']) for (const value of invite.headers.getAll(name)) credentials.push([name, value]);
  const options: InDialogRequestOptions = { via, headers: credentials };
  if (body && body.length > 0) {
    options.body = body;
    options.contentType = contentType;
  }
  return createInDialogRequest({ ...dialog, localSeq: cseq.seq }, 'ACK', options).request;
}

/** The answer to a request received in a dialog: go on with the updated dialog, or reject it. */
export type InDialogCheck = { ok: true; dialog: Dialog } | { ok: false; status: 400 | 481 | 500; reason: string };

/**
 * Checks a request the peer sent in this dialog (RFC 3261 §12.2.2): it must match the dialog
 * (else 481) and its CSeq must not go back (else 500). On success the remote CSeq is recorded,
 * and a target refresh request's Contact becomes the remote target.
 */
export function checkInDialogRequest(dialog: Dialog, request: SipRequest): InDialogCheck {
  const from = parseNameAddr(request.headers.get('From') ?? '');
  const to = parseNameAddr(request.headers.get('To') ?? '');
  const matches =
    dialog.state !== 'terminated' && request.headers.get('Call-ID') === dialog.callId && from?.params.tag === dialog.remoteTag && to?.params.tag === dialog.localTag;
  if (!matches) return { ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' };
  const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
  if (!cseq || cseq.method !== request.method) return { ok: false, status: 400, reason: 'Malformed CSeq' };
  // ACK and CANCEL carry their INVITE's number; only new requests move the remote CSeq.
  if (request.method === 'ACK' || request.method === 'CANCEL') return { ok: true, dialog };
  if (dialog.remoteSeq !== null && cseq.seq < dialog.remoteSeq) return { ok: false, status: 500, reason: 'CSeq Out of Order' };
  let next: Dialog = { ...dialog, remoteSeq: cseq.seq };
  if (TARGET_REFRESH.has(request.method)) {
    const target = contactUri(request);
    if (target !== null) next = { ...next, remoteTarget: target };
  }
  return { ok: true, dialog: next };
}

/**
 * A copy of a 1xx (not 100) or 2xx answer to a dialog-creating request with the request's
 * Record-Route values, in order (RFC 3261 §12.1.1): a record-routing proxy in front needs them
 * to route the ACK and later requests. Other responses are returned unchanged.
 */
export function responseWithRecordRoute(request: SipRequest, response: SipResponse): SipResponse {
  const recordRoute = request.headers.getAll('Record-Route');
  if (response.status <= 100 || response.status >= 300 || recordRoute.length === 0) return response;
  const headers = response.headers.clone().delete('Record-Route');
  const copy = new SipHeaders();
  let written = false;
  // Record-Route goes right after Via so the answer reads like the request.
  for (const [name, value] of headers.entries()) {
    if (!written && name !== 'Via' && copy.has('Via')) {
      for (const route of recordRoute) copy.append('Record-Route', route);
      written = true;
    }
    copy.append(name, value);
  }
  if (!written) for (const route of recordRoute) copy.append('Record-Route', route);
  return { ...response, headers: copy };
}

function contactUri(message: SipRequest | SipResponse): string | null {
  const value = message.headers.get('Contact');
  if (value === undefined) return null;
  const contact = parseNameAddr(value);
  return contact ? contact.uri : null;
}

/** Where the dialog's next request goes: the first route when it loose-routes, else what the Request-URI will be. */
export function dialogNextHop(dialog: Dialog): string {
  return routing(dialog).nextHop;
}

function routing(dialog: Dialog): { requestUri: string; routes: string[]; nextHop: string } {
  const [first, ...rest] = dialog.routeSet;
  if (first === undefined) return { requestUri: dialog.remoteTarget, routes: [], nextHop: dialog.remoteTarget };
  const firstText = parseNameAddr(first)?.uri;
  const firstUri = firstText === undefined ? null : parseUri(firstText);
  if (!firstText || !firstUri) return { requestUri: dialog.remoteTarget, routes: dialog.routeSet, nextHop: dialog.remoteTarget };
  if ('lr' in firstUri.params) return { requestUri: dialog.remoteTarget, routes: dialog.routeSet, nextHop: firstText };
  // A strict router (RFC 2543): it takes the Request-URI as the next hop and pops the top Route.
  const requestUri = formatUri({ ...firstUri, headers: {} });
  return { requestUri, routes: [...rest, `<${dialog.remoteTarget}>`], nextHop: requestUri };
}

/** What `Retransmit2xx` needs. */
export interface Retransmit2xxOptions {
  scheduler: Scheduler;
  /** RFC 3261 T1 and T2; the defaults unless given. */
  timers?: Pick<SipTimerValues, 't1' | 't2'>;
  /** Sends the 2xx again. */
  resend: () => void;
  /** No ACK within 64·T1: the UAS must end the call with a BYE (RFC 3261 §13.3.1.4). */
  onTimeout: () => void;
}

/**
 * The UAS core's retransmission of a 2xx to an INVITE until its ACK arrives (RFC 3261
 * §13.3.1.4): again after T1, then at doubling intervals capped at T2, for at most 64·T1.
 * The caller sends the first copy itself, then calls `start()`.
 */
export class Retransmit2xx {
  private timer: ScheduledHandle | null = null;
  private deadline: ScheduledHandle | null = null;
  private interval = 0;
  private elapsed = 0;
  private done = false;
  private readonly t1: number;
  private readonly t2: number;

  constructor(private readonly options: Retransmit2xxOptions) {
    this.t1 = options.timers?.t1 ?? DEFAULT_TIMERS.t1;
    this.t2 = options.timers?.t2 ?? DEFAULT_TIMERS.t2;
  }

  /** Starts the timers; the 2xx was just sent. Calling it again does nothing. */
  start(): void {
    if (this.done || this.deadline) return;
    this.interval = this.t1;
    this.deadline = this.options.scheduler.setTimeout(() => this.expire(), 64 * this.t1);
    this.schedule();
  }

  /** The ACK arrived: no more copies. */
  acked(): void {
    this.stop();
  }

  /** Stops without a timeout (the call ended otherwise). Idempotent. */
  stop(): void {
    this.done = true;
    if (this.timer) this.options.scheduler.clearTimeout(this.timer);
    if (this.deadline) this.options.scheduler.clearTimeout(this.deadline);
    this.timer = null;
    this.deadline = null;
  }

  /** Whether it still waits for the ACK. */
  get active(): boolean {
    return !this.done && this.deadline !== null;
  }

  private schedule(): void {
    if (this.done) return;
    // A copy due at or after the deadline would only race the timeout.
    if (this.elapsed + this.interval >= 64 * this.t1) return;
    this.timer = this.options.scheduler.setTimeout(() => {
      this.timer = null;
      if (this.done) return;
      this.elapsed += this.interval;
      this.interval = Math.min(this.interval * 2, this.t2);
      this.options.resend();
      this.schedule();
    }, this.interval);
  }

  private expire(): void {
    if (this.done) return;
    this.stop();
    this.options.onTimeout();
  }
}
