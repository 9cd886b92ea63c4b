import { isRecord } from '@openccc/protocol';
import type { Scheduler } from '../realtime/scheduler.js';
import { exchange, excerpt, type FetchFn } from './http-exchange.js';

/** An OAuth 2.0 client (client credentials grant) and where it gets its tokens. */
export interface OAuthClient {
  /** Identifies the settings the token was issued for: a change of settings never reuses an old token. */
  key: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** A token endpoint that did not give a token; the message is for the delivery log. */
export class TokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenError';
  }
}

/** Used when the token endpoint leaves `expires_in` out. */
const DEFAULT_LIFETIME_MS = 300_000;

interface CachedToken {
  accessToken: string;
  /** When it stops being used (its expiry less the refresh margin). */
  refreshAt: number;
}

export interface OAuthTokensOptions {
  fetch: FetchFn;
  scheduler: Scheduler;
  clock: () => number;
  timeoutMs: number;
  refreshMarginMs: number;
  /** Aborts token requests when the server stops. */
  stop?: AbortSignal;
}

/**
 * Access tokens by client credentials (RFC 6749 §4.4), cached until shortly before they expire.
 * Concurrent pushes of one client share a single token request.
 */
export class OAuthTokens {
  private readonly cache = new Map<string, CachedToken>();
  private readonly requests = new Map<string, Promise<string>>();

  constructor(private readonly options: OAuthTokensOptions) {}

  /** A cached token, or a new one from the token endpoint; throws a `TokenError`. */
  token(client: OAuthClient): Promise<string> {
    const cached = this.cache.get(client.key);
    if (cached && cached.refreshAt > this.options.clock()) return Promise.resolve(cached.accessToken);
    let request = this.requests.get(client.key);
    if (!request) {
      request = this.request(client).finally(() => this.requests.delete(client.key));
      this.requests.set(client.key, request);
    }
    return request;
  }

  /** Forgets the client's token (the receiver refused it). */
  drop(key: string, accessToken?: string): void {
    const cached = this.cache.get(key);
    if (cached && (accessToken === undefined || cached.accessToken === accessToken)) this.cache.delete(key);
  }

  /** Forgets every token whose key starts with `prefix` (an instance's settings changed). */
  dropAll(prefix: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  private async request(client: OAuthClient): Promise<string> {
    // RFC 6749 §2.3.1: the client id and secret, each form-urlencoded, as HTTP basic credentials.
    const credentials = Buffer.from(`${formEncode(client.clientId)}:${formEncode(client.clientSecret)}`, 'utf8').toString('base64');
    const answer = await exchange(this.options.fetch, this.options.scheduler, this.options.timeoutMs, client.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: 'grant_type=client_credentials',
    }, this.options.stop);
    if (answer.status === null) throw new TokenError(`token endpoint: ${answer.error}`);
    if (answer.status !== 200) throw new TokenError(`token endpoint answered HTTP ${answer.status}: ${excerpt(answer.body)}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      throw new TokenError(`token endpoint answered something other than JSON: ${excerpt(answer.body)}`);
    }
    if (!isRecord(parsed) || typeof parsed['access_token'] !== 'string' || parsed['access_token'] === '') {
      throw new TokenError('token endpoint answered without an access_token.');
    }
    const type = parsed['token_type'];
    if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) throw new TokenError(`token endpoint issued a ${String(type)} token; only bearer tokens are supported.`);
    const expiresIn = parsed['expires_in'];
    const lifetimeMs = typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
    const accessToken = parsed['access_token'];
    // A token shorter-lived than twice the margin is still used for half its life.
    const margin = Math.min(this.options.refreshMarginMs, lifetimeMs / 2);
    this.cache.set(client.key, { accessToken, refreshAt: this.options.clock() + lifetimeMs - margin });
    return accessToken;
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
