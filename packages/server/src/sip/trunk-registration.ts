/**
 * The client side of a registration-based trunk (RFC 3261 §10.2): OpenCCC registers its Contact
 * with the carrier's registrar so that the carrier sends calls for the trunk's number to it,
 * answers the digest challenge, refreshes at half the granted time and backs off when refused.
 *
 *            start()                 2xx
 *   idle ─────────────▶ registering ─────▶ registered ──(half the expiry)──▶ registering
 *                           │  ▲                                               │
 *           refused/timeout │  │ backoff (30 s, 60 s, … 10 min)                 │ refused/timeout
 *                           ▼  │                                               ▼
 *                          failed ◀────────────────────────────────────────────┘
 *   any ──stop()──▶ unregistering (REGISTER Expires: 0) ──▶ unregistered
 *
 * One Call-ID for the trunk's whole life and a CSeq that only grows, so the registrar can tell a
 * late request from a new one (RFC 3261 §10.2.4).
 */
import type { Logger } from 'pino';
import { newHexSecret } from '../crypto/secrets.js';
import type { ScheduledHandle, Scheduler } from '../realtime/scheduler.js';
import { answerChallenge } from './digest.js';
import { parseAuthHeader } from './message/auth-params.js';
import { newTag } from './message/build.js';
import { parseNameAddr } from './message/name-addr.js';
import { parseUri, type SipUri } from './message/uri.js';
import { SipHeaders, type ClientTransactionFailure, type Endpoint, type SipRequest, type SipResponse, type SipTransactions } from './types.js';

/** Where the trunk's registration stands. */
export type TrunkRegistrationState = 'idle' | 'registering' | 'registered' | 'failed' | 'unregistering' | 'unregistered';

/** What the trunk reports: each successful registration or refresh, each failure, and the end. */
export type TrunkRegistrationEvent =
  | { state: 'registered'; expiresAt: number }
  | { state: 'failed'; reason: string; retryAt: number }
  | { state: 'unregistered' };

export interface TrunkRegistrationOptions {
  transactions: SipTransactions;
  scheduler: Scheduler;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Where REGISTERs go (the registrar or the carrier's outbound proxy). */
  target: Endpoint;
  /** The Request-URI, `sip:carrier.example`. */
  registrar: string;
  /** The address of record registered (From and To). */
  aor: string;
  /** Our Contact URI (without `<>`). */
  contact: string;
  username: string;
  password: string;
  /** Seconds asked for. Default 300. */
  expires?: number;
  /** A top Via with a new branch, for each REGISTER. */
  via: () => string;
  log: Logger;
  /** Called on every reported change; a listener that throws is logged and ignored. */
  onState?: (event: TrunkRegistrationEvent) => void;
  /** The first retry delay after a failure, doubled each time up to `maxRetryMs`. Default 30 s. */
  retryMs?: number;
  /** Default 10 minutes. */
  maxRetryMs?: number;
}

/** The states each state may move to; anything else is a bug. */
const TRANSITIONS: Record<TrunkRegistrationState, ReadonlyArray<TrunkRegistrationState>> = {
  idle: ['registering', 'unregistered'],
  registering: ['registered', 'failed', 'unregistering', 'unregistered'],
  registered: ['registering', 'unregistering'],
  failed: ['registering', 'unregistering', 'unregistered'],
  unregistering: ['unregistered'],
  unregistered: [],
};

/** Stale nonces answered in a row before the attempt counts as failed (a registrar that never accepts). */
const MAX_STALE_ANSWERS = 3;

/** One REGISTER exchange, with the challenges answered in it. */
interface Attempt {
  expires: number;
  /** Realms whose challenge this attempt already answered: a second non-stale challenge means wrong credentials. */
  answeredRealms: Set<string>;
  staleAnswers: number;
  intervalRetried: boolean;
}

/** The last challenge, answered again on refreshes with a growing nonce count. */
interface Credentials {
  header: 'Authorization' | 'Proxy-Authorization';
  challenge: string;
  nc: number;
}

/** Registers one trunk and keeps it registered until `stop()`. */
export class TrunkRegistration {
  private state: TrunkRegistrationState = 'idle';
  private readonly callId = `${newHexSecret(12)}@openccc`;
  private readonly fromTag = newTag();
  private cseq = 0;
  private expires: number;
  /** Bumped for each REGISTER sent, so the answer to an abandoned one is ignored. */
  private generation = 0;
  private timer: ScheduledHandle | null = null;
  private failures = 0;
  private credentials: Credentials | null = null;
  private registeredUntil = 0;
  private stopped: Promise<void> | null = null;
  private resolveStopped: (() => void) | null = null;
  private readonly contactUri: SipUri | null;

  constructor(private readonly options: TrunkRegistrationOptions) {
    this.expires = options.expires ?? 300;
    this.contactUri = parseUri(options.contact);
    if (!this.contactUri) throw new RangeError(`The trunk's Contact ${JSON.stringify(options.contact)} is not a SIP URI.`);
    if (!parseUri(options.registrar)) throw new RangeError(`The trunk's registrar ${JSON.stringify(options.registrar)} is not a SIP URI (sip:carrier.example).`);
  }

  /** Where the registration stands now. */
  get current(): TrunkRegistrationState {
    return this.state;
  }

  /** Sends the first REGISTER. Calling it again does nothing. */
  start(): void {
    if (this.state !== 'idle') return;
    this.register();
  }

  /**
   * Cancels refreshes and retries and, when a registration may be in place, removes it with
   * `Expires: 0`. Resolves once that is answered or has failed. Idempotent.
   */
  stop(): Promise<void> {
    if (this.stopped) return this.stopped;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
    this.clearTimer();
    const mayBeRegistered = this.state === 'registering' || this.registeredUntil > this.options.now();
    if (!mayBeRegistered) this.finish();
    else {
      this.transition('unregistering');
      this.send(this.newAttempt(0));
    }
    return this.stopped;
  }

  private register(): void {
    this.transition('registering');
    this.send(this.newAttempt(this.expires));
  }

  private newAttempt(expires: number): Attempt {
    return { expires, answeredRealms: new Set(), staleAnswers: 0, intervalRetried: false };
  }

  private send(attempt: Attempt): void {
    const generation = ++this.generation;
    const request = this.buildRegister(attempt.expires);
    this.options.log.debug({ cseq: this.cseq, expires: attempt.expires, registrar: this.options.registrar }, 'sending REGISTER');
    this.options.transactions.request(request, this.options.target, {
      final: (response) => {
        if (generation === this.generation) this.onFinal(attempt, response);
      },
      failed: (failure) => {
        if (generation === this.generation) this.onNoAnswer(failure);
      },
    });
  }

  private buildRegister(expires: number): SipRequest {
    const { aor, registrar, contact } = this.options;
    this.cseq += 1;
    const headers = new SipHeaders([
      ['Via', this.options.via()],
      ['Max-Forwards', '70'],
      ['From', `<${aor}>;tag=${this.fromTag}`],
      ['To', `<${aor}>`],
      ['Call-ID', this.callId],
      ['CSeq', `${this.cseq} REGISTER`],
      ['Contact', `<${contact}>`],
      ['Expires', String(expires)],
    ]);
    if (this.credentials) {
      const credentials = this.credentials;
      credentials.nc += 1;
      headers.append(credentials.header, answerChallenge(credentials.challenge, this.secret(), { method: 'REGISTER', uri: registrar }, { nc: credentials.nc }));
    }
    return { kind: 'request', method: 'REGISTER', uri: registrar, headers, body: Buffer.alloc(0) };
  }

  private onFinal(attempt: Attempt, response: SipResponse): void {
    if (response.status >= 200 && response.status < 300) return this.onSuccess(attempt, response);
    if (response.status === 401 || response.status === 407) {
      const problem = this.takeChallenge(attempt, response);
      if (problem === null) return this.send(attempt);
      return this.onFailure(problem);
    }
    if (response.status === 423 && !attempt.intervalRetried) {
      const minExpires = Number(response.headers.get('Min-Expires'));
      if (Number.isInteger(minExpires) && minExpires > attempt.expires) {
        attempt.intervalRetried = true;
        attempt.expires = minExpires;
        this.expires = Math.max(this.expires, minExpires);
        this.options.log.info({ registrar: this.options.registrar, expires: minExpires }, 'the registrar asks for a longer registration; asking again');
        return this.send(attempt);
      }
    }
    const retryAfter = Number(response.headers.get('Retry-After')?.split(/[;(\s]/, 1)[0]);
    this.onFailure(`${response.status} ${response.reason}`, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0);
  }

  /** Adopts the challenge of a 401/407 for the next REGISTER; returns why not when it must not be answered. */
  private takeChallenge(attempt: Attempt, response: SipResponse): string | null {
    const header = response.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const challenge = response.headers.getAll(header).find((value) => parseAuthHeader(value)?.scheme.toLowerCase() === 'digest');
    const params = challenge === undefined ? null : parseAuthHeader(challenge)?.params;
    if (challenge === undefined || !params || params.realm === undefined || params.nonce === undefined) return `${response.status} without a Digest challenge`;
    const stale = params.stale?.toLowerCase() === 'true';
    if (attempt.answeredRealms.has(params.realm) && !stale) return `${response.status}: the registrar refused the credentials of ${this.options.username} for realm ${params.realm}`;
    if (stale && ++attempt.staleAnswers > MAX_STALE_ANSWERS) return `${response.status}: the registrar keeps calling its nonces stale`;
    attempt.answeredRealms.add(params.realm);
    try {
      // A first answer now, so that a challenge this client cannot answer fails here rather than when sending.
      answerChallenge(challenge, this.secret(), { method: 'REGISTER', uri: this.options.registrar }, { nc: 1 });
    } catch (err) {
      return `${response.status}: ${(err as Error).message}`;
    }
    this.credentials = { header: response.status === 401 ? 'Authorization' : 'Proxy-Authorization', challenge, nc: 0 };
    return null;
  }

  private secret(): { username: string; password: string } {
    return { username: this.options.username, password: this.options.password };
  }

  private onSuccess(attempt: Attempt, response: SipResponse): void {
    if (this.state === 'unregistering') return this.finish();
    const granted = this.grantedSeconds(response) ?? attempt.expires;
    if (granted <= 0) return this.onFailure('the registrar granted no time');
    const now = this.options.now();
    const refreshed = this.failures === 0 && this.registeredUntil > now;
    this.registeredUntil = now + granted * 1000;
    this.failures = 0;
    this.transition('registered');
    const fields = { registrar: this.options.registrar, aor: this.options.aor, expires: granted };
    if (refreshed) this.options.log.debug(fields, 'trunk registration refreshed');
    else this.options.log.info(fields, 'trunk registered');
    this.report({ state: 'registered', expiresAt: this.registeredUntil });
    this.schedule(granted * 500, () => this.register());
  }

  /** The expiry of our binding in a 2xx: its Contact's `expires`, else the Expires header. */
  private grantedSeconds(response: SipResponse): number | null {
    for (const value of response.headers.getAll('Contact')) {
      const contact = parseNameAddr(value);
      const uri = contact ? parseUri(contact.uri) : null;
      if (!contact || !uri || !this.contactUri || !sameAddress(uri, this.contactUri)) continue;
      const expires = contact.params.expires;
      if (typeof expires === 'string' && /^\d{1,10}$/.test(expires)) return Number(expires);
    }
    const header = response.headers.get('Expires')?.trim();
    return header !== undefined && /^\d{1,10}$/.test(header) ? Number(header) : null;
  }

  private onNoAnswer(failure: ClientTransactionFailure): void {
    this.onFailure(failure === 'timeout' ? 'no answer from the registrar' : 'the REGISTER could not be sent');
  }

  private onFailure(reason: string, retryAfterMs = 0): void {
    if (this.state === 'unregistering') {
      this.options.log.warn({ registrar: this.options.registrar, reason }, 'the trunk could not unregister; the registration will lapse');
      return this.finish();
    }
    this.failures += 1;
    const base = this.options.retryMs ?? 30_000;
    const max = this.options.maxRetryMs ?? 600_000;
    const delay = Math.min(max, Math.max(retryAfterMs, base * 2 ** Math.min(this.failures - 1, 30)));
    const retryAt = this.options.now() + delay;
    this.credentials = null;
    this.transition('failed');
    this.options.log.warn({ registrar: this.options.registrar, aor: this.options.aor, reason, retryInMs: delay }, 'trunk registration failed');
    this.report({ state: 'failed', reason, retryAt });
    this.schedule(delay, () => this.register());
  }

  private finish(): void {
    this.generation += 1;
    this.registeredUntil = 0;
    this.transition('unregistered');
    this.options.log.info({ registrar: this.options.registrar, aor: this.options.aor }, 'trunk unregistered');
    this.report({ state: 'unregistered' });
    this.resolveStopped?.();
  }

  private schedule(ms: number, run: () => void): void {
    this.clearTimer();
    this.timer = this.options.scheduler.setTimeout(() => {
      this.timer = null;
      run();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private transition(next: TrunkRegistrationState): void {
    if (next === this.state && next === 'registering') return;
    if (!TRANSITIONS[this.state].includes(next)) throw new Error(`TrunkRegistration cannot go from ${this.state} to ${next}`);
    this.state = next;
  }

  private report(event: TrunkRegistrationEvent): void {
    try {
      this.options.onState?.(event);
    } catch (err) {
      this.options.log.error({ err }, 'a trunk registration listener threw');
    }
  }
}

/** The same Contact address: scheme, user, host and port (a registrar may reorder or add parameters). */
function sameAddress(a: SipUri, b: SipUri): boolean {
  return a.scheme === b.scheme && (a.user ?? '') === (b.user ?? '') && a.host.toLowerCase() === b.host.toLowerCase() && (a.port ?? 5060) === (b.port ?? 5060);
}
