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
import { legacyActionParams, prepareLegacyCheck, readLegacyRequest, type LegacyRequest } from '../auth/legacy-signature.js';
import { allowsAction, allowsInstance } from '../auth/policy.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { header, type IncomingSignedRequest, type RequestVerifier } from '../auth/request-verifier.js';
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
  log: Logger;
}

const KNOWN_ACTIONS = new Set(CCC_CLIENT_ACTIONS);

/** Turns one Cloud API request into its envelope. Never throws. */
export class CloudApiDispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async handle(req: IncomingSignedRequest): Promise<CloudApiOutcome> {
    const requestId = randomUUID();
    const legacy = readLegacyRequest(req);
    const language: Language = (legacy ? legacy.language : header(req.headers, 'x-tc-language')) === 'zh-CN' ? 'zh-CN' : 'en-US';
    const actionHeader = legacy ? legacy.action : (header(req.headers, 'x-tc-action') ?? '');
    const label = KNOWN_ACTIONS.has(actionHeader) ? actionHeader : 'unknown';
    try {
      const result = await this.run(req, legacy, actionHeader, { services: this.deps.services, language, requestId });
      return { body: JSON.stringify({ Response: { ...result, RequestId: requestId } }), action: label, code: 'OK' };
    } catch (error) {
      const failure = this.toCloudError(error, actionHeader, requestId);
      return {
        body: JSON.stringify({ Response: { Error: { Code: failure.code, Message: failure.messageIn(language) }, RequestId: requestId } }),
        action: label,
        code: failure.code,
      };
    }
  }

  /** A failure before the body was read (too large, unreadable): still an envelope. */
  static failure(error: CloudApiError, language: Language): string {
    return JSON.stringify({ Response: { Error: { Code: error.code, Message: error.messageIn(language) }, RequestId: randomUUID() } });
  }

  private async run(req: IncomingSignedRequest, legacy: LegacyRequest | null, action: string, ctx: ActionContext): Promise<Record<string, unknown>> {
    if (req.method === 'GET' && Buffer.byteLength(req.rawQuery) > MAX_GET_QUERY_BYTES) {
      throw cloudError('RequestSizeLimitExceeded', 'A GET request may carry at most 32 KB of parameters; use POST.', 'GET 请求参数不能超过 32 KB，请使用 POST。');
    }
    if (!action) throw cloudError('MissingParameter', 'The action (X-TC-Action) is missing.', '缺少接口名称（X-TC-Action）。');
    const version = legacy ? legacy.version : header(req.headers, 'x-tc-version');
    if (!version) throw cloudError('MissingParameter', 'The API version (X-TC-Version) is missing.', '缺少接口版本（X-TC-Version）。');
    if (version !== CLOUD_API_VERSION) {
      throw cloudError('NoSuchVersion', `Version ${version} does not exist; the ccc API version is ${CLOUD_API_VERSION}.`, `接口版本 ${version} 不存在，ccc 的接口版本为 ${CLOUD_API_VERSION}。`);
    }
    if (!isImplementedAction(action)) {
      if (KNOWN_ACTIONS.has(action)) {
        throw cloudError('UnsupportedOperation', `OpenCCC does not implement the action ${action} yet.`, `OpenCCC 暂不支持接口 ${action}。`);
      }
      throw cloudError('InvalidAction', `The action ${action} does not exist in ccc ${CLOUD_API_VERSION}.`, `接口 ${action} 不存在。`);
    }
    const now = Math.floor(this.deps.services.clock() / 1000);
    const key = legacy ? await this.verifyLegacy(req, legacy, now) : await this.verifyTc3(req, now);
    if (!allowsAction(key.policy, action)) {
      throw cloudError('AuthFailure.UnauthorizedOperation', `The key ${key.secretId} is not allowed to call ${action}.`, `密钥 ${key.secretId} 无权调用 ${action}。`);
    }
    if (!this.deps.limiter.take(key.secretId)) {
      throw cloudError('RequestLimitExceeded', 'Too many requests for this key; slow down and retry.', '该密钥请求频率超过限制，请稍后重试。');
    }
    const schema = ActionSchemas[action] as Schema<Record<string, unknown>>;
    const params = legacy ? schema.parse(unflattenQuery(legacyActionParams(legacy)), '', 'form') : parseParams(req, schema);
    const sdkAppId = params['SdkAppId'];
    if (typeof sdkAppId === 'number' && !allowsInstance(key.policy, sdkAppId)) {
      throw cloudError('AuthFailure.UnauthorizedOperation', `The key ${key.secretId} may not act on SdkAppId ${sdkAppId}.`, `密钥 ${key.secretId} 无权操作 SdkAppId ${sdkAppId}。`);
    }
    const handler = actionHandlers[action] as ActionHandler<ImplementedAction>;
    return handler(ctx, params as never);
  }

  private verifyTc3(req: IncomingSignedRequest, now: number): Promise<ApiKey> {
    const timestampText = header(req.headers, 'x-tc-timestamp');
    if (!timestampText) throw cloudError('MissingParameter', 'The X-TC-Timestamp header is missing.', '缺少 X-TC-Timestamp 请求头。');
    if (!/^\d{1,12}$/.test(timestampText)) {
      throw cloudError('InvalidParameter', 'X-TC-Timestamp must be a unix time in seconds.', 'X-TC-Timestamp 应为秒级 Unix 时间戳。');
    }
    if (header(req.headers, 'x-tc-token')) throw temporaryCredentials();
    return this.deps.verifier.verify(req, Number(timestampText), now);
  }

  private verifyLegacy(req: IncomingSignedRequest, legacy: LegacyRequest, now: number): Promise<ApiKey> {
    if (legacy.params.some(([name, value]) => name === 'Token' && value !== '')) throw temporaryCredentials();
    return this.deps.verifier.verifyLegacy(prepareLegacyCheck(legacy, req), header(req.headers, 'host') ?? '', now);
  }

  private toCloudError(error: unknown, action: string, requestId: string): CloudApiError {
    if (error instanceof CloudApiError) return error;
    this.deps.log.error({ err: error, action, requestId }, 'cloud api action failed');
    return cloudError('InternalError', `An internal error occurred; quote RequestId ${requestId} when reporting it.`, `内部错误，请提供 RequestId ${requestId} 以便排查。`);
  }
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
