/**
 * The registrar (RFC 3261 §10.3): which contacts each extension's address of record reaches,
 * kept in memory. Phones refresh their registration every few minutes, so a restart loses
 * nothing that the next refresh does not bring back; the bindings are not persisted.
 *
 * Authentication is done before `handle` (the gateway verifies the digest and decides which AOR
 * the credentials may register); the registrar only applies the binding rules.
 */
import type { Logger } from 'pino';
import { SafeEmitter } from '../realtime/safe-emitter.js';
import { createResponse, newTag } from './message/build.js';
import { parseCSeq } from './message/cseq.js';
import { parseNameAddr } from './message/name-addr.js';
import { parseUri, type SipUri } from './message/uri.js';
import type { Endpoint, Received, SipRequest, SipResponse } from './types.js';

/** One contact registered for an address of record. */
export interface Binding {
  aor: string;
  /** The Contact URI the phone registered. */
  contact: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  callId: string;
  cseq: number;
  /** The phone's `+sip.instance` (RFC 5626), unquoted; a re-registration with the same one replaces the binding. */
  instance?: string;
  /** Where the REGISTER came from: requests to the phone go there, through the same flow (NAT, TCP). */
  source: Endpoint;
  flowId: string;
}

/** The outcome of a REGISTER: the AOR's bindings after it, or why it was refused. */
export type RegisterResult =
  | { status: 200; contacts: Binding[] }
  | { status: 400; reason: string }
  | { status: 423; reason: string; minExpires: number }
  | { status: 503; reason: string; retryAfter: number };

export interface RegistrarOptions {
  /** Milliseconds since the epoch. */
  now: () => number;
  log: Logger;
  /** Seconds; a shorter non-zero expiry is refused with 423. Default 60. */
  minExpires?: number;
  /** Seconds; a longer expiry is shortened to this. Default 3600. */
  maxExpires?: number;
  /** Seconds, when the REGISTER gives none. Default 3600. */
  defaultExpires?: number;
  /** Contacts per AOR; a REGISTER that would exceed it is refused with 503. Default 5. */
  maxContactsPerAor?: number;
  /** Bindings in all; a REGISTER that would exceed it is refused with 503. Default 100,000. */
  maxBindings?: number;
}

export interface RegistrarEvents {
  /** The AOR's bindings changed: added, removed, expired, or moved to another contact or flow (a plain refresh is not a change). */
  changed: [aor: string, bindings: Binding[]];
}

const RETRY_AFTER_SECONDS = 60;

interface ContactRequest {
  uri: SipUri;
  text: string;
  expires: number;
  instance?: string;
}

/** In-memory bindings from address of record to contacts. */
export class Registrar extends SafeEmitter<RegistrarEvents> {
  private readonly bindings = new Map<string, Binding[]>();
  private total = 0;
  private readonly now: () => number;
  private readonly minExpires: number;
  private readonly maxExpires: number;
  private readonly defaultExpires: number;
  private readonly maxContactsPerAor: number;
  private readonly maxBindings: number;

  constructor(options: RegistrarOptions) {
    super(options.log);
    this.now = options.now;
    this.minExpires = options.minExpires ?? 60;
    this.maxExpires = options.maxExpires ?? 3600;
    this.defaultExpires = options.defaultExpires ?? 3600;
    this.maxContactsPerAor = options.maxContactsPerAor ?? 5;
    this.maxBindings = options.maxBindings ?? 100_000;
    if (!(this.minExpires <= this.defaultExpires && this.defaultExpires <= this.maxExpires)) {
      throw new RangeError(`Registrar expiries must satisfy minExpires ≤ defaultExpires ≤ maxExpires (got ${this.minExpires}, ${this.defaultExpires}, ${this.maxExpires}).`);
    }
  }

  /**
   * Applies an authenticated REGISTER for `aor` (RFC 3261 §10.3 steps 6–8): all of it or, when
   * refused, none of it. No Contact is a query; `Contact: *` with `Expires: 0` removes every
   * binding; each contact's `expires` parameter beats the Expires header.
   */
  handle(request: SipRequest, received: Received, aor: string): RegisterResult {
    const callId = request.headers.get('Call-ID');
    const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
    if (!callId || !cseq || cseq.method !== 'REGISTER') return { status: 400, reason: 'Missing Call-ID or CSeq' };
    const now = this.now();
    const current = this.live(aor, now);
    const contactValues = request.headers.getAll('Contact');
    const headerExpires = parseExpires(request.headers.get('Expires'));
    if (headerExpires === null) return { status: 400, reason: 'Malformed Expires' };

    if (contactValues.some((value) => value.trim() === '*')) {
      if (contactValues.length !== 1 || headerExpires !== 0) return { status: 400, reason: 'Contact * needs Expires: 0 and no other Contact' };
      if (current.some((binding) => binding.callId === callId && binding.cseq >= cseq.seq)) return { status: 400, reason: 'Out-of-order REGISTER' };
      this.replace(aor, []);
      return { status: 200, contacts: [] };
    }

    const contacts: ContactRequest[] = [];
    for (const value of contactValues) {
      const parsed = this.parseContact(value, headerExpires);
      if (typeof parsed === 'string') return { status: 400, reason: parsed };
      contacts.push(parsed);
    }
    const tooBrief = contacts.find((contact) => contact.expires > 0 && contact.expires < this.minExpires);
    if (tooBrief) return { status: 423, reason: 'Interval Too Brief', minExpires: this.minExpires };

    const next = [...current];
    const written = new Set<Binding>();
    let changed = false;
    for (const contact of contacts) {
      const at = next.findIndex((binding) => sameBinding(binding, contact));
      const existing = at < 0 ? undefined : next[at];
      // A contact listed twice in one REGISTER: the last one wins.
      const outOfOrder = existing !== undefined && !written.has(existing) && existing.callId === callId && existing.cseq >= cseq.seq;
      if (outOfOrder) return { status: 400, reason: 'Out-of-order REGISTER' };
      if (contact.expires === 0) {
        if (existing) {
          next.splice(at, 1);
          changed = true;
        }
        continue;
      }
      const binding: Binding = {
        aor,
        contact: contact.text,
        expiresAt: now + contact.expires * 1000,
        callId,
        cseq: cseq.seq,
        source: { ...received.source },
        flowId: received.flowId,
      };
      if (contact.instance !== undefined) binding.instance = contact.instance;
      written.add(binding);
      if (existing) {
        if (existing.contact !== binding.contact || existing.flowId !== binding.flowId) changed = true;
        next[at] = binding;
      } else {
        next.push(binding);
        changed = true;
      }
    }

    if (next.length > this.maxContactsPerAor && next.length > current.length) {
      return { status: 503, reason: `Too many contacts for this address (at most ${this.maxContactsPerAor})`, retryAfter: RETRY_AFTER_SECONDS };
    }
    if (next.length > current.length && this.totalAfter(aor, next) > this.maxBindings) {
      // Expired bindings still count until swept: sweep before refusing.
      this.sweep();
      if (this.totalAfter(aor, next) > this.maxBindings) return { status: 503, reason: 'Registrar full', retryAfter: RETRY_AFTER_SECONDS };
    }
    this.replace(aor, next, changed);
    return { status: 200, contacts: next.map(copyBinding) };
  }

  /** The AOR's bindings that have not expired. */
  lookup(aor: string): Binding[] {
    return this.live(aor, this.now()).map(copyBinding);
  }

  /** Removes every binding of an AOR (the extension was deleted or disabled). */
  remove(aor: string): void {
    if (this.bindings.has(aor)) this.replace(aor, []);
  }

  /** Drops expired bindings and reports the AORs that lost some; returns how many were dropped. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const [aor, list] of [...this.bindings]) {
      const live = list.filter((binding) => binding.expiresAt > now);
      if (live.length === list.length) continue;
      dropped += list.length - live.length;
      this.replace(aor, live);
    }
    return dropped;
  }

  /** Bindings held, expired ones not yet swept included. */
  get size(): number {
    return this.total;
  }

  private totalAfter(aor: string, next: Binding[]): number {
    return this.total - (this.bindings.get(aor)?.length ?? 0) + next.length;
  }

  private live(aor: string, now: number): Binding[] {
    return (this.bindings.get(aor) ?? []).filter((binding) => binding.expiresAt > now);
  }

  private replace(aor: string, next: Binding[], changed = true): void {
    const before = this.bindings.get(aor) ?? [];
    this.total += next.length - before.length;
    if (next.length === 0) this.bindings.delete(aor);
    else this.bindings.set(aor, next);
    if ((changed && (before.length > 0 || next.length > 0)) || before.length !== next.length) this.emit('changed', aor, next.map(copyBinding));
  }

  private parseContact(value: string, headerExpires: number | undefined): ContactRequest | string {
    const nameAddr = parseNameAddr(value);
    if (!nameAddr) return 'Malformed Contact';
    const param = nameAddr.params.expires;
    let expires: number;
    if (param !== undefined && param !== null) {
      const parsed = parseExpires(param);
      if (parsed === null || parsed === undefined) return 'Malformed Contact expires';
      expires = parsed;
    } else expires = headerExpires ?? this.defaultExpires;
    const uri = parseUri(nameAddr.uri);
    if (!uri || uri.scheme === 'tel') return 'Contact is not a SIP URI';
    const contact: ContactRequest = { uri, text: nameAddr.uri, expires: Math.min(expires, this.maxExpires) };
    const instance = nameAddr.params['+sip.instance'];
    if (instance) contact.instance = unquote(instance);
    return contact;
  }
}

/**
 * The answer to a REGISTER: a 200 listing every binding with its remaining seconds and a Date
 * (RFC 3261 §10.3 step 8), or the refusal with Min-Expires (423) or Retry-After (503).
 */
export function registerResponse(request: SipRequest, result: RegisterResult, now: number): SipResponse {
  const toTag = newTag();
  switch (result.status) {
    case 200: {
      const headers: Array<[string, string]> = result.contacts.map((binding) => ['Contact', formatBindingContact(binding, now)]);
      headers.push(['Date', new Date(now).toUTCString()]);
      return createResponse(request, 200, 'OK', { toTag, headers });
    }
    case 423:
      return createResponse(request, 423, result.reason, { toTag, headers: [['Min-Expires', String(result.minExpires)]] });
    case 503:
      return createResponse(request, 503, result.reason, { toTag, headers: [['Retry-After', String(result.retryAfter)]] });
    case 400:
      return createResponse(request, 400, result.reason, { toTag });
  }
}

function formatBindingContact(binding: Binding, now: number): string {
  const remaining = Math.max(0, Math.ceil((binding.expiresAt - now) / 1000));
  const instance = binding.instance === undefined ? '' : `;+sip.instance="${binding.instance}"`;
  return `<${binding.contact}>;expires=${remaining}${instance}`;
}

/** Delta-seconds: undefined when absent, null when malformed. */
function parseExpires(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d{1,10}$/.test(text)) return null;
  return Math.min(Number(text), 0xffffffff);
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1) : value;
}

/** Same binding: the same instance when the contact names one, else the same URI (RFC 3261 §19.1.4, the parts that identify a phone). */
function sameBinding(binding: Binding, contact: ContactRequest): boolean {
  if (contact.instance !== undefined || binding.instance !== undefined) return binding.instance === contact.instance;
  const other = parseUri(binding.contact);
  return other !== null && uriKey(other) === uriKey(contact.uri);
}

function uriKey(uri: SipUri): string {
  const transport = uri.params.transport;
  return [uri.scheme.toLowerCase(), uri.user ?? '', uri.host.toLowerCase(), uri.port ?? '', typeof transport === 'string' ? transport.toLowerCase() : ''].join('\u0000');
}

function copyBinding(binding: Binding): Binding {
  return { ...binding, source: { ...binding.source } };
}
