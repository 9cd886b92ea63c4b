import { isRecord } from '@openccc/protocol';
import type { SecretBox } from '../auth/secret-box.js';
import type { Scheduler } from '../realtime/scheduler.js';
import type { PushAction, PushSettings } from '../store/ports.js';
import { exchange, excerpt, type FetchFn, type HttpAnswer } from './http-exchange.js';
import { TokenError, type OAuthClient, type OAuthTokens } from './oauth-tokens.js';
import { secretContext } from './push-settings.js';

/** TCCC's push headers and query. */
export const PUSH_UUID_HEADER = 'X-TCCC-PUSH-UUID';
export const PUSH_CONTENT_TYPE = 'application/json;charset=utf8';
export const PUSH_VERSION = '1';

/** How one attempt went. */
export interface AttemptResult {
  /** The receiver answered `{"ErrCode":0}`. */
  delivered: boolean;
  /** The HTTP status of the (last) answer; null when there was none. */
  status: number | null;
  /** Why it was not delivered, for the delivery log; empty when it was. */
  error: string;
}

export interface PushSenderOptions {
  fetch: FetchFn;
  scheduler: Scheduler;
  timeoutMs: number;
  tokens: OAuthTokens;
  box: SecretBox;
  /** Aborts requests in flight when the server stops. */
  stop?: AbortSignal;
}

/** The push URL with TCCC's query: `?action=<cdr|record>&version=1` (kept with any query the URL has). */
export function pushUrl(url: string, action: PushAction): string {
  const target = new URL(url);
  target.searchParams.set('action', action);
  target.searchParams.set('version', PUSH_VERSION);
  return target.toString();
}

/** Sends one push, the way TCCC does, and judges the answer. Never throws. */
export class PushSender {
  constructor(private readonly options: PushSenderOptions) {}

  async attempt(settings: PushSettings, action: PushAction, uuid: string, body: unknown): Promise<AttemptResult> {
    try {
      const url = pushUrl(settings.url, action);
      const json = JSON.stringify(body);
      const post = (authorization: string | null) =>
        exchange(this.options.fetch, this.options.scheduler, this.options.timeoutMs, url, {
          method: 'POST',
          headers: { 'content-type': PUSH_CONTENT_TYPE, [PUSH_UUID_HEADER.toLowerCase()]: uuid, 'user-agent': 'OpenCCC-Push/1', ...(authorization ? { authorization } : {}) },
          body: json,
        }, this.options.stop);
      if (settings.authMode !== 'oauth') return judge(await post(this.basicAuthorization(settings)));
      const client = this.oauthClient(settings);
      const token = await this.options.tokens.token(client);
      const answer = await post(`Bearer ${token}`);
      if (answer.status !== 401) return judge(answer);
      // The receiver no longer takes the token (revoked, or its clock differs): one more try with a new one.
      this.options.tokens.drop(client.key, token);
      return judge(await post(`Bearer ${await this.options.tokens.token(client)}`));
    } catch (error) {
      if (error instanceof TokenError || error instanceof SecretUnreadable) return { delivered: false, status: null, error: error.message };
      return { delivered: false, status: null, error: `the push could not be sent: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /** The key OAuth tokens of an instance's settings are cached under. */
  static tokenKey(settings: PushSettings): string {
    return `${settings.sdkAppId}/${settings.modifiedAt}`;
  }

  private basicAuthorization(settings: PushSettings): string | null {
    if (settings.authMode !== 'basic') return null;
    return `Basic ${Buffer.from(`${settings.principal}:${this.secret(settings)}`, 'utf8').toString('base64')}`;
  }

  private oauthClient(settings: PushSettings): OAuthClient {
    return { key: PushSender.tokenKey(settings), tokenUrl: settings.tokenUrl, clientId: settings.principal, clientSecret: this.secret(settings) };
  }

  private secret(settings: PushSettings): string {
    if (!settings.secretSealed) throw new SecretUnreadable('no secret is set for the push authentication; enter it in the settings.');
    try {
      return this.options.box.open(settings.secretSealed, secretContext(settings.sdkAppId, settings.authMode));
    } catch {
      throw new SecretUnreadable('the stored push secret cannot be decrypted (was the master key changed?); enter it again in the settings.');
    }
  }
}

class SecretUnreadable extends Error {}

/** Success is an answer whose JSON has `ErrCode` 0; anything else is a failure to retry. */
function judge(answer: HttpAnswer): AttemptResult {
  if (answer.status === null) return { delivered: false, status: null, error: answer.error };
  if (answer.status < 200 || answer.status > 299) return { delivered: false, status: answer.status, error: `HTTP ${answer.status}${answer.body ? `: ${excerpt(answer.body)}` : ''}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    return { delivered: false, status: answer.status, error: `the answer is not JSON: ${excerpt(answer.body) || '(empty)'}` };
  }
  if (isRecord(parsed) && parsed['ErrCode'] === 0) return { delivered: true, status: answer.status, error: '' };
  const code = isRecord(parsed) ? parsed['ErrCode'] : undefined;
  const message = isRecord(parsed) && typeof parsed['ErrMsg'] === 'string' ? `: ${excerpt(parsed['ErrMsg'])}` : '';
  return { delivered: false, status: answer.status, error: code === undefined ? `the answer has no ErrCode: ${excerpt(answer.body)}` : `the receiver answered ErrCode ${JSON.stringify(code)}${message}` };
}
