import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { newHexSecret, safeEqual } from '../crypto/secrets.js';
import { CHALLENGE_UNQUOTED, CREDENTIALS_UNQUOTED, formatAuthHeader, parseAuthHeader } from './message/auth-params.js';

/**
 * SIP digest authentication (RFC 3261 §22.4 with RFC 2617 and RFC 7616 / RFC 8760): the server
 * side that challenges and verifies requests from extensions, and the client side that answers a
 * carrier's challenge. Only `qop=auth` (or no qop, as a client) and the MD5 and SHA-256
 * algorithms; `-sess` variants, `auth-int` and `userhash` are refused.
 *
 * Nonces are stateless: a timestamp, random bytes and an HMAC of both under a server-held secret,
 * so a restart or another node with the same secret still recognises its own nonces. The only
 * state is the highest nonce count seen per nonce, kept to refuse replays.
 */

export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** HA1 = H(username ":" realm ":" password), lowercase hex: what a registrar stores instead of the password. */
export function digestHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hash(algorithm, `${username}:${realm}:${password}`);
}

export interface DigestServerOptions {
  realm: string;
  /** Server-held key for the nonces' HMAC, at least 32 bytes; the same on every node that verifies them. */
  secret: Buffer;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** How long a nonce is accepted; an older one is answered `stale`. Default 5 minutes. */
  nonceTtlMs?: number;
  /** Default MD5, which every SIP phone supports. `lookupHa1` must return HA1 in this algorithm. */
  algorithm?: DigestAlgorithm;
  /** Sent in challenges and required back unchanged when set. */
  opaque?: string;
  /** Bound on the nonces whose count is remembered. Default 100,000. */
  maxTrackedNonces?: number;
  /** Random bytes; default `crypto.randomBytes`. */
  random?: (size: number) => Buffer;
}

/**
 * Why a request was not authenticated. `stale`: the credentials were right for a nonce that has
 * expired, so answer with a fresh challenge and `stale=true`. `unknownUser` and `badResponse` must
 * be answered identically (same status, same challenge), so that no one learns which users exist.
 */
export type DigestFailure = 'missing' | 'stale' | 'malformed' | 'wrongRealm' | 'unknownUser' | 'badResponse' | 'replay';

export type DigestVerification = { result: 'ok'; username: string } | { result: DigestFailure; username?: string };

const NONCE_TIME_BYTES = 8;
const NONCE_RANDOM_BYTES = 12;
const NONCE_MAC_BYTES = 16;
const NONCE_BYTES = NONCE_TIME_BYTES + NONCE_RANDOM_BYTES + NONCE_MAC_BYTES;
/** Longest Authorization value read; real ones are a few hundred bytes. */
const MAX_HEADER_LENGTH = 4096;

interface NonceCount {
  issuedAt: number;
  highestNc: number;
}

/** Challenges and verifies digest credentials (a registrar, or the gateway for INVITEs from extensions). */
export class DigestServer {
  private readonly realm: string;
  private readonly secret: Buffer;
  private readonly now: () => number;
  private readonly nonceTtlMs: number;
  private readonly algorithm: DigestAlgorithm;
  private readonly opaque: string | undefined;
  private readonly maxTrackedNonces: number;
  private readonly random: (size: number) => Buffer;
  /** Checked in place of a missing user's HA1, so an unknown user costs the same work as a known one. */
  private readonly dummyHa1: string;
  /** Nonce → highest nc accepted, in first-use order. */
  private readonly counts = new Map<string, NonceCount>();
  /** Nonces issued at or before this time and no longer tracked are answered `stale`, as their counts were forgotten. */
  private forgottenUpTo = Number.NEGATIVE_INFINITY;

  constructor(options: DigestServerOptions) {
    if (options.secret.length < 32) throw new RangeError(`DigestServer: the nonce secret has ${options.secret.length} bytes; give at least 32 random bytes.`);
    if (options.realm === '' || /["\\\r\n]/.test(options.realm)) throw new RangeError(`DigestServer: realm ${JSON.stringify(options.realm)} must be non-empty, without quotes, backslashes or line breaks.`);
    this.realm = options.realm;
    this.secret = Buffer.from(options.secret);
    this.now = options.now;
    this.nonceTtlMs = options.nonceTtlMs ?? 300_000;
    this.algorithm = options.algorithm ?? 'MD5';
    this.opaque = options.opaque;
    this.maxTrackedNonces = Math.max(1, options.maxTrackedNonces ?? 100_000);
    this.random = options.random ?? randomBytes;
    this.dummyHa1 = hash(this.algorithm, this.random(32).toString('hex'));
  }

  /** A WWW-Authenticate / Proxy-Authenticate value with a fresh nonce. */
  challenge(options: { stale?: boolean } = {}): string {
    const params: Record<string, string> = { realm: this.realm, nonce: this.newNonce(), algorithm: this.algorithm, qop: 'auth' };
    if (this.opaque !== undefined) params.opaque = this.opaque;
    if (options.stale) params.stale = 'true';
    return formatAuthHeader('Digest', params, CHALLENGE_UNQUOTED);
  }

  /**
   * Checks an Authorization / Proxy-Authorization value for `request.method`. `lookupHa1` gives
   * the user's HA1 in this server's algorithm, or undefined for an unknown user. Credentials
   * without `qop=auth` (RFC 2069 style) are `malformed`, since every challenge offers it. Never
   * throws on client input.
   */
  verify(request: { method: string; authorization: string | undefined }, lookupHa1: (username: string, realm: string) => string | undefined): DigestVerification {
    if (request.authorization === undefined || request.authorization.trim() === '') return { result: 'missing' };
    const params = parseDigestParams(request.authorization);
    if (!params) return { result: 'malformed' };
    const { username, realm, nonce, uri, response } = params;
    if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
      return username === undefined ? { result: 'malformed' } : { result: 'malformed', username };
    }
    if (realm !== this.realm) return { result: 'wrongRealm', username };
    if ((params.algorithm ?? 'MD5').toUpperCase() !== this.algorithm) return { result: 'malformed', username };
    if (params.qop?.toLowerCase() !== 'auth') return { result: 'malformed', username };
    const nc = params.nc;
    const cnonce = params.cnonce;
    if (nc === undefined || !/^[0-9a-fA-F]{8}$/.test(nc) || cnonce === undefined || cnonce === '') return { result: 'malformed', username };
    if (this.opaque !== undefined && params.opaque !== this.opaque) return { result: 'malformed', username };

    // A nonce this server did not issue (forged, or signed with a previous secret) fails like a wrong password.
    const issuedAt = this.nonceTime(nonce);
    if (issuedAt === null) return { result: 'badResponse', username };

    const storedHa1 = lookupHa1(username, realm);
    const ha1 = storedHa1 ?? this.dummyHa1;
    const ha2 = hash(this.algorithm, `${request.method}:${uri}`);
    const expected = hash(this.algorithm, `${ha1.toLowerCase()}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    const matches = safeEqual(expected, response.toLowerCase());
    if (storedHa1 === undefined) return { result: 'unknownUser', username };
    if (!matches) return { result: 'badResponse', username };

    const now = this.now();
    if (now - issuedAt > this.nonceTtlMs || issuedAt - now > this.nonceTtlMs) return { result: 'stale', username };
    return { result: this.acceptCount(nonce, issuedAt, Number.parseInt(nc, 16), now), username };
  }

  /** How many nonces' counts are remembered (bounded by `maxTrackedNonces`). */
  get trackedNonces(): number {
    return this.counts.size;
  }

  private newNonce(): string {
    const body = Buffer.alloc(NONCE_TIME_BYTES + NONCE_RANDOM_BYTES);
    body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.now()))), 0);
    this.random(NONCE_RANDOM_BYTES).copy(body, NONCE_TIME_BYTES, 0, NONCE_RANDOM_BYTES);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  /** The issue time of a nonce this server signed, or null. */
  private nonceTime(nonce: string): number | null {
    if (nonce.length > 64 || !/^[A-Za-z0-9_-]+$/.test(nonce)) return null;
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== NONCE_BYTES) return null;
    const body = raw.subarray(0, NONCE_TIME_BYTES + NONCE_RANDOM_BYTES);
    if (!timingSafeEqual(raw.subarray(NONCE_TIME_BYTES + NONCE_RANDOM_BYTES), this.mac(body))) return null;
    return Number(raw.readBigUInt64BE(0));
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.secret).update(this.realm).update('\0').update(body).digest().subarray(0, NONCE_MAC_BYTES);
  }

  /** Records `nc` for `nonce` when it is higher than any accepted before. */
  private acceptCount(nonce: string, issuedAt: number, nc: number, now: number): 'ok' | 'replay' | 'stale' {
    const known = this.counts.get(nonce);
    if (known) {
      if (nc <= known.highestNc) return 'replay';
      known.highestNc = nc;
      return 'ok';
    }
    if (issuedAt <= this.forgottenUpTo) return 'stale';
    if (this.counts.size >= this.maxTrackedNonces) this.makeRoom(now);
    this.counts.set(nonce, { issuedAt, highestNc: nc });
    return 'ok';
  }

  /** Drops expired nonces; if that is not enough, forgets the oldest tenth and refuses their nonces from now on. */
  private makeRoom(now: number): void {
    for (const [nonce, count] of this.counts) if (now - count.issuedAt > this.nonceTtlMs) this.counts.delete(nonce);
    if (this.counts.size < this.maxTrackedNonces) return;
    let toForget = Math.max(1, Math.ceil(this.maxTrackedNonces / 10));
    for (const [nonce, count] of this.counts) {
      if (toForget-- === 0) break;
      this.forgottenUpTo = Math.max(this.forgottenUpTo, count.issuedAt);
      this.counts.delete(nonce);
    }
  }
}

/**
 * The Authorization / Proxy-Authorization value answering `challenge` (a WWW-Authenticate or
 * Proxy-Authenticate value) for a request, as a trunk's REGISTER or INVITE sends it. With
 * `qop=auth` offered, `state.nc` (default 1) is the count of requests sent with this nonce and
 * `state.cnonce` the client nonce (default random).
 *
 * @throws Error when the challenge is not a digest challenge this module can answer (no realm or
 * nonce, an unsupported algorithm, or only `qop=auth-int`).
 */
export function answerChallenge(
  challenge: string,
  credentials: { username: string; password: string },
  request: { method: string; uri: string },
  state?: { nc: number; cnonce?: string },
): string {
  const params = parseDigestParams(challenge);
  if (!params) throw new Error(`Not a Digest challenge: ${JSON.stringify(challenge.slice(0, 200))}.`);
  const { realm, nonce, opaque } = params;
  if (realm === undefined || nonce === undefined) throw new Error('The Digest challenge has no realm or no nonce.');
  const algorithm = parseAlgorithm(params.algorithm);
  if (!algorithm) throw new Error(`The Digest challenge asks for algorithm ${JSON.stringify(params.algorithm)}; only MD5 and SHA-256 are supported.`);
  const qopOptions = params.qop?.split(',').map((option) => option.trim().toLowerCase());
  if (qopOptions && !qopOptions.includes('auth')) throw new Error(`The Digest challenge offers qop ${JSON.stringify(params.qop)}; only auth is supported.`);

  const ha1 = digestHa1(algorithm, credentials.username, realm, credentials.password);
  const ha2 = hash(algorithm, `${request.method}:${request.uri}`);
  const answer: Record<string, string> = { username: credentials.username, realm, nonce, uri: request.uri };
  if (qopOptions) {
    const nc = state?.nc ?? 1;
    if (!Number.isInteger(nc) || nc < 1 || nc > 0xffffffff) throw new RangeError(`Digest nonce count ${nc} is not between 1 and 0xffffffff.`);
    const ncHex = nc.toString(16).padStart(8, '0');
    const cnonce = state?.cnonce ?? newHexSecret(12);
    answer.response = hash(algorithm, `${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${ha2}`);
    Object.assign(answer, { algorithm, cnonce, qop: 'auth', nc: ncHex });
  } else {
    Object.assign(answer, { response: hash(algorithm, `${ha1}:${nonce}:${ha2}`), algorithm });
  }
  if (opaque !== undefined) answer.opaque = opaque;
  return formatAuthHeader('Digest', answer, CREDENTIALS_UNQUOTED);
}

function parseAlgorithm(value: string | undefined): DigestAlgorithm | null {
  const upper = (value ?? 'MD5').toUpperCase();
  return upper === 'MD5' || upper === 'SHA-256' ? upper : null;
}

function hash(algorithm: DigestAlgorithm, text: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256').update(text, 'utf8').digest('hex');
}

/** The parameters of a `Digest` header (names lower-cased), or null when it is not one or is longer than any real one. */
function parseDigestParams(header: string): Record<string, string> | null {
  if (header.length > MAX_HEADER_LENGTH) return null;
  const parsed = parseAuthHeader(header);
  return parsed !== null && parsed.scheme.toLowerCase() === 'digest' ? parsed.params : null;
}
