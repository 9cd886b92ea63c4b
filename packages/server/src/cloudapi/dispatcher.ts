import { randomUUID } from 'node:crypto';
import {
  ActionSchemas,
  CCC_CLIENT_ACTIONS,
  CLOUD_API_VERSION,
  CloudApiError,
  cloudError,
  isImplementedAction,
  unflattenQuery,
  type ImplementedAction,
  type Language,
  type Schema,
} from '@openccc/protocol';
import type { Logger } from 'pino';
import { legacyActionParams, mayBeLegacyRequest, prepareLegacyCheck, readLegacyRequest, type LegacyRequest } from '../auth/legacy-signature.js';
import { allowsAction, allowsInstance } from '../auth/policy.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { SIGNATURE_WINDOW_SECONDS, header, type IncomingSignedRequest, type RequestVerifier } from '../auth/request-verifier.js';
import type { KeyUsage } from '../auth/key-usage.js';
import type { SignatureLedger } from '../auth/signature-ledger.js';
import type { ApiKey } from '../store/ports.js';
import type { ActionContext, ActionHandler, Services } from './context.js';
import { actionHandlers } from './handlers.js';

/** Limits from Tencent Cloud API 3.0. */
export const MAX_POST_BYTES = 10 * 1024 * 1024;
export const MAX_GET_QUERY_BYTES = 32 * 1024;

export interface CloudApiOutcome {
  /** The body to send with HTTP 200. */
  body: string;
  /** The action label for metrics: an implemented or known action, else `unknown`. */
  action: string;
  /** `OK` or the error code. */
  code: string;
}

export interface DispatcherDeps {
  services: Services;
  verifier: RequestVerifier;
  limiter: RateLimiter;
  /** Signatures seen in their window, so that none serves another action or, where asked, a second request. */
  ledger: SignatureLedger;
  /** Whether the older v1 signatures (SignatureMethod HmacSHA1/HmacSHA256) are accepted. */
  legacySignatures: boolean;
  /** The most bytes of request bodies the HTTP route holds at once; default 64 MB. */
  bodyBudgetBytes?: number;
  /** Told of each key whose signature passed, for the console's "last used". */
  keyUsage?: KeyUsage;
  log: Logger;
}

/** A request's head: everything but the body. */
export type IncomingRequestHead = Omit<IncomingSignedRequest, 'body'>;

/** A verified request: its key, and its signature with what that signature may serve. */
interface Authenticated {
  key: ApiKey;
  /** The signature, prefixed with its scheme. */
  signature: string;
  /** The last unix second the signature's timestamp is inside the window. */
  lastValidSecond: number;
  scheme: 'tc3' | 'v1';
}

const KNOWN_ACTIONS = new Set(CCC_CLIENT_ACTIONS);

/** Turns one Cloud API request into its envelope. Never throws. */
export class CloudApiDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** The most bytes of request bodies to hold at once, for the HTTP route; undefined: its default. */
  get bodyBudgetBytes(): number | undefined {
    return this.deps.bodyBudgetBytes;
  }

  async handle(req: IncomingSignedRequest): Promise<CloudApiOutcome> {
    const requestId = randomUUID();
    const legacy = this.deps.legacySignatures ? readLegacyRequest(req) : null;
    const language: Language = (legacy ? legacy.language : header(req.headers, 'x-tc-language')) === 'zh-CN' ? 'zh-CN' : 'en-US';
    const actionHeader = legacy ? legacy.action : (header(req.headers, 'x-tc-action') ?? '');
    const label = KNOWN_ACTIONS.has(actionHeader) ? actionHeader : 'unknown';
    try {
      const result = await this.run(req, legacy, actionHeader, { services: this.deps.services, language, requestId });
      return { body: JSON.stringify({ Response: { ...result, RequestId: requestId } }), action: label, code: 'OK' };
    } catch (error) {
      return this.failed(this.toCloudError(error, actionHeader, requestId), language, label, requestId);
    }
  }

  /**
   * Decides from the head alone, before the body is read, when the head already
   * fails: answers exactly what `handle` would answer for that head, whatever the
   * body. Null when the answer depends on the body: the head passes every check
   * it can be given, or the request may be a v1 request, whose signature travels
   * in the body. Never throws.
   */
  async screen(req: IncomingRequestHead): Promise<CloudApiOutcome | null> {
    const requestId = randomUUID();
    const language: Language = header(req.headers, 'x-tc-language') === 'zh-CN' ? 'zh-CN' : 'en-US';
    const actionHeader = header(req.headers, 'x-tc-action') ?? '';
    const label = KNOWN_ACTIONS.has(actionHeader) ? actionHeader : 'unknown';
    // The framework refuses such a body before dispatch, so its answer comes first, counted as it counts it.
    if (req.method === 'POST' && Number(header(req.headers, 'content-length')) > MAX_POST_BYTES) {
      return this.failed(bodyTooLarge(), language, 'unknown', requestId);
    }
    try {
      if (this.deps.legacySignatures && mayBeLegacyRequest(req)) return null;
      this.checkRequestLine(req);
      this.checkActionAndVersion(actionHeader, header(req.headers, 'x-tc-version'));
      await this.deps.verifier.screen(req, this.tc3Timestamp(req), this.nowSeconds());
      return null;
    } catch (error) {
      return this.failed(this.toCloudError(error, actionHeader, requestId), language, label, requestId);
    }
  }

  /** A failure before the body was read (too large, unreadable): still an envelope. */
  static failure(error: CloudApiError, language: Language): string {
    return JSON.stringify({ Response: { Error: { Code: error.code, Message: error.messageIn(language) }, RequestId: randomUUID() } });
  }

  private failed(failure: CloudApiError, language: Language, label: string, requestId: string): CloudApiOutcome {
    return {
      body: JSON.stringify({ Response: { Error: { Code: failure.code, Message: failure.messageIn(language) }, RequestId: requestId } }),
      action: label,
      code: failure.code,
    };
  }

  /**
   * The order of checks: the request line, the action and version headers, the
   * signature (authentication comes before anything about the action, so that a
   * badly signed request learns nothing about what OpenCCC implements), whether
   * the action exists and is implemented, the key's policy, the signature's use,
   * the key's rate, the parameters.
   */
  private async run(req: IncomingSignedRequest, legacy: LegacyRequest | null, action: string, ctx: ActionContext): Promise<Record<string, unknown>> {
    this.checkRequestLine(req);
    this.checkActionAndVersion(action, legacy ? legacy.version : header(req.headers, 'x-tc-version'));
    const now = this.nowSeconds();
    const auth = legacy ? await this.verifyLegacy(req, legacy, now) : await this.verifyTc3(req, now);
    const key = auth.key;
    this.deps.keyUsage?.seen(key.secretId);
    if (!isImplementedAction(action)) {
      if (KNOWN_ACTIONS.has(action)) {
        throw cloudError('UnsupportedOperation', `OpenCCC does not implement the action ${action} yet.`, `OpenCCC 暂不支持接口 ${action}。`);
      }
      throw cloudError('InvalidAction', `The action ${action} does not exist in ccc ${CLOUD_API_VERSION}.`, `接口 ${action} 不存在。`);
    }
    if (!allowsAction(key.policy, action)) {
      throw cloudError('AuthFailure.UnauthorizedOperation', `The key ${key.secretId} is not allowed to call ${action}.`, `密钥 ${key.secretId} 无权调用 ${action}。`);
    }
    this.admit(auth, action, req.origin);
    const schema = ActionSchemas[action] as Schema<Record<string, unknown>>;
    const params = legacy ? schema.parse(unflattenQuery(legacyActionParams(legacy)), '', 'form') : parseParams(req, schema);
    // Most actions name one instance; DescribeTelCallInfo lists several, and the policy must allow each.
    const listed = params['SdkAppIdList'];
    for (const sdkAppId of [params['SdkAppId'], ...(Array.isArray(listed) ? (listed as unknown[]) : [])]) {
      if (typeof sdkAppId === 'number' && !allowsInstance(key.policy, sdkAppId)) {
        throw cloudError('AuthFailure.UnauthorizedOperation', `The key ${key.secretId} may not act on SdkAppId ${sdkAppId}.`, `密钥 ${key.secretId} 无权操作 SdkAppId ${sdkAppId}。`);
      }
    }
    const handler = actionHandlers[action] as ActionHandler<ImplementedAction>;
    return handler(ctx, params as never);
  }

  private nowSeconds(): number {
    return Math.floor(this.deps.services.clock() / 1000);
  }

  /** The checks of the request line: the GET query's size, and v1 signatures when they are turned off. */
  private checkRequestLine(req: IncomingRequestHead): void {
    if (req.method === 'GET' && Buffer.byteLength(req.rawQuery) > MAX_GET_QUERY_BYTES) {
      throw cloudError('RequestSizeLimitExceeded', 'A GET request may carry at most 32 KB of parameters; use POST.', 'GET 请求参数不能超过 32 KB，请使用 POST。');
    }
    if (!this.deps.legacySignatures && mayBeLegacyRequest(req)) {
      throw cloudError(
        'AuthFailure.InvalidAuthorization',
        'This server accepts only TC3-HMAC-SHA256 signatures, in the Authorization header with X-TC-Action; v1 signatures (SignatureMethod and Signature parameters) are turned off. Remove signMethod from the SDK profile.',
        '本服务只接受 TC3-HMAC-SHA256 签名（Authorization 请求头与 X-TC-Action），已关闭 v1 签名（SignatureMethod 与 Signature 参数）。请去掉 SDK 配置中的 signMethod。',
      );
    }
  }

  private checkActionAndVersion(action: string, version: string | undefined): void {
    if (!action) throw cloudError('MissingParameter', 'The action (X-TC-Action) is missing.', '缺少接口名称（X-TC-Action）。');
    if (!version) throw cloudError('MissingParameter', 'The API version (X-TC-Version) is missing.', '缺少接口版本（X-TC-Version）。');
    if (version !== CLOUD_API_VERSION) {
      throw cloudError('NoSuchVersion', `Version ${version} does not exist; the ccc API version is ${CLOUD_API_VERSION}.`, `接口版本 ${version} 不存在，ccc 的接口版本为 ${CLOUD_API_VERSION}。`);
    }
  }

  /** X-TC-Timestamp, checked for presence and form; temporary credentials are refused here too. */
  private tc3Timestamp(req: IncomingRequestHead): number {
    const timestampText = header(req.headers, 'x-tc-timestamp');
    if (!timestampText) throw cloudError('MissingParameter', 'The X-TC-Timestamp header is missing.', '缺少 X-TC-Timestamp 请求头。');
    if (!/^\d{1,12}$/.test(timestampText)) {
      throw cloudError('InvalidParameter', 'X-TC-Timestamp must be a unix time in seconds.', 'X-TC-Timestamp 应为秒级 Unix 时间戳。');
    }
    if (header(req.headers, 'x-tc-token')) throw temporaryCredentials();
    return Number(timestampText);
  }

  private async verifyTc3(req: IncomingSignedRequest, now: number): Promise<Authenticated> {
    const { key, auth, timestamp } = await this.deps.verifier.verify(req, this.tc3Timestamp(req), now);
    return { key, signature: `tc3:${auth.signature}`, lastValidSecond: timestamp + SIGNATURE_WINDOW_SECONDS, scheme: 'tc3' };
  }

  private async verifyLegacy(req: IncomingSignedRequest, legacy: LegacyRequest, now: number): Promise<Authenticated> {
    if (legacy.params.some(([name, value]) => name === 'Token' && value !== '')) throw temporaryCredentials();
    const check = prepareLegacyCheck(legacy, req);
    const key = await this.deps.verifier.verifyLegacy(check, header(req.headers, 'host') ?? '', now);
    return { key, signature: `v1:${check.signature}`, lastValidSecond: check.timestamp + SIGNATURE_WINDOW_SECONDS, scheme: 'v1' };
  }

  /**
   * Admits a verified request to its action: a signature serves only the action of
   * its first use, unless the sender of that first use sends it again on the same
   * connection; a second use is refused outright for v1 signatures (their Nonce
   * exists for that) and for keys with single-use signatures; then the key's rate.
   */
  private admit(auth: Authenticated, action: ImplementedAction, origin: string | undefined): void {
    const { ledger, limiter } = this.deps;
    const use = ledger.check(auth.signature, action, origin);
    if (use.kind !== 'first') {
      if (auth.scheme === 'v1') throw signatureUsed(legacyReuse());
      if (use.kind === 'rebound') throw signatureUsed(reboundText(use.boundTo, action));
      if (auth.key.singleUseSignatures) throw signatureUsed(singleUseText(auth.key.secretId));
    }
    if (!limiter.take(auth.key.secretId)) {
      throw cloudError('RequestLimitExceeded', 'Too many requests for this key; slow down and retry.', '该密钥请求频率超过限制，请稍后重试。');
    }
    // Recorded only once the rate limit admitted it: the ledger holds no more than the keys' rates allow.
    if (use.kind === 'first') ledger.record(auth.signature, action, origin, auth.lastValidSecond);
  }

  private toCloudError(error: unknown, action: string, requestId: string): CloudApiError {
    if (error instanceof CloudApiError) return error;
    this.deps.log.error({ err: error, action, requestId }, 'cloud api action failed');
    return cloudError('InternalError', `An internal error occurred; quote RequestId ${requestId} when reporting it.`, `内部错误，请提供 RequestId ${requestId} 以便排查。`);
  }
}

/** The answer to a body over Tencent's 10 MB limit. */
export function bodyTooLarge(): CloudApiError {
  return cloudError('RequestSizeLimitExceeded', 'The request body exceeds 10 MB.', '请求体超过 10 MB。');
}

interface Text {
  en: string;
  zh: string;
}

function signatureUsed(text: Text): CloudApiError {
  return cloudError('AuthFailure.SignatureFailure', text.en, text.zh);
}

function reboundText(boundTo: string, action: string): Text {
  return {
    en: `This signature was already used for ${boundTo}; a signature serves only the action it was first used for, so it cannot call ${action}. Sign the request again: a request signed in another second, or one that signs X-TC-Action, has a new signature.`,
    zh: `该签名已用于接口 ${boundTo}，签名只能用于首次使用时的接口，不能调用 ${action}。请重新签名：在另一秒签名，或将 X-TC-Action 加入签名，都会得到新的签名。`,
  };
}

function singleUseText(secretId: string): Text {
  return {
    en: `This signature was already used, and the key ${secretId} accepts each signature once. Sign the request again: a request signed in another second has a new signature.`,
    zh: `该签名已被使用，密钥 ${secretId} 的每个签名只能使用一次。请重新签名：在另一秒签名会得到新的签名。`,
  };
}

function legacyReuse(): Text {
  return {
    en: 'This v1 signature was already used; a v1 request is accepted once. Sign the request again with a new Nonce.',
    zh: '该 v1 签名已被使用，v1 请求只接受一次。请使用新的 Nonce 重新签名。',
  };
}

function temporaryCredentials(): CloudApiError {
  return cloudError('AuthFailure.TokenFailure', 'Temporary credentials (X-TC-Token) are not supported; sign with an API key pair.', '不支持临时密钥（X-TC-Token），请使用 API 密钥签名。');
}

function parseParams(req: IncomingSignedRequest, schema: Schema<Record<string, unknown>>): Record<string, unknown> {
  if (req.method === 'GET') return schema.parse(unflattenQuery(new URLSearchParams(req.rawQuery)), '', 'form');
  const contentType = (header(req.headers, 'content-type') ?? '').toLowerCase();
  const text = req.body.toString('utf8');
  if (contentType.startsWith('application/x-www-form-urlencoded')) return schema.parse(unflattenQuery(new URLSearchParams(text)), '', 'form');
  if (!contentType.startsWith('application/json')) {
    throw cloudError('InvalidParameter', `Content-Type ${contentType || '(none)'} is not supported; send application/json.`, `不支持的 Content-Type ${contentType || '（空）'}，请使用 application/json。`);
  }
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw cloudError('InvalidParameter', `The request body is not valid JSON: ${reason}`, `请求体不是合法的 JSON：${reason}`);
    }
  }
  return schema.parse(body, '', 'json');
}
