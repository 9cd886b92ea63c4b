import { cloudError, type CloudApiError } from '@openccc/protocol';
import {
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  deriveSigningKey,
  parseAuthorization,
  scopeDate,
  sha256Hex,
  signatureHex,
  stringToSign,
} from '@openccc/protocol/tc3';
import type { ApiKey, ApiKeyRepo } from '../store/ports.js';
import type { LegacyCheck } from './legacy-signature.js';
import type { SecretBox } from './secret-box.js';
import { safeEqual } from './secrets.js';

/** How far X-TC-Timestamp may be from the server clock, as in Tencent Cloud. */
export const SIGNATURE_WINDOW_SECONDS = 300;

export interface IncomingSignedRequest {
  method: string;
  path: string;
  /** Raw query string as received, without `?`. */
  rawQuery: string;
  /** Node's lower-cased header map. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface CachedKey {
  sealed: Buffer;
  secretKey: string;
  /** kSigning per `date/service`; a handful of entries at most (today, yesterday, one or two services). */
  signingKeys: Map<string, Buffer>;
}

/** Throws AuthFailure.SignatureExpire when the signed time is more than the window away from now. */
function checkWindow(field: string, timestamp: number, now: number): void {
  const skew = timestamp - now;
  if (Math.abs(skew) <= SIGNATURE_WINDOW_SECONDS) return;
  throw cloudError(
    'AuthFailure.SignatureExpire',
    `${field} ${timestamp} is ${Math.abs(skew)} seconds ${skew < 0 ? 'behind' : 'ahead of'} the server clock (${now}); it must be within ${SIGNATURE_WINDOW_SECONDS} seconds. Check the client's clock.`,
    `${field} ${timestamp} 与服务器时间 ${now} 相差 ${Math.abs(skew)} 秒，超过 ${SIGNATURE_WINDOW_SECONDS} 秒的有效期，请检查客户端时钟。`,
  );
}

/** A header's value; repeated headers are joined, as they were when signed. */
export function header(headers: IncomingSignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function invalidAuthorization(en: string, zh: string): CloudApiError {
  return cloudError('AuthFailure.InvalidAuthorization', en, zh);
}

/**
 * Verifies TC3-HMAC-SHA256 signatures the way Tencent Cloud does, accepting the
 * official SDKs' quirks: the service is taken from the credential scope, and the
 * signed host may be the Host header with or without its port.
 */
export class RequestVerifier {
  private readonly cache = new Map<string, CachedKey>();

  constructor(
    private readonly keys: ApiKeyRepo,
    private readonly box: SecretBox,
  ) {}

  /** Returns the calling key, or throws the precise Tencent AuthFailure. `now` is unix seconds. */
  async verify(req: IncomingSignedRequest, timestamp: number, now: number): Promise<ApiKey> {
    const authorization = header(req.headers, 'authorization');
    if (!authorization) {
      throw invalidAuthorization(
        'The Authorization header is missing; sign the request with TC3-HMAC-SHA256.',
        '缺少 Authorization 请求头，请使用 TC3-HMAC-SHA256 签名。',
      );
    }
    const auth = parseAuthorization(authorization);
    if (!auth) {
      throw invalidAuthorization(
        'The Authorization header is not a TC3-HMAC-SHA256 header of the form "TC3-HMAC-SHA256 Credential=<SecretId>/<YYYY-MM-DD>/<service>/tc3_request, SignedHeaders=content-type;host, Signature=<64 hex>".',
        'Authorization 请求头格式错误，应为 "TC3-HMAC-SHA256 Credential=<SecretId>/<YYYY-MM-DD>/<service>/tc3_request, SignedHeaders=content-type;host, Signature=<64位十六进制>"。',
      );
    }
    if (!auth.signedHeaders.includes('content-type') || !auth.signedHeaders.includes('host')) {
      throw invalidAuthorization('SignedHeaders must include content-type and host.', 'SignedHeaders 必须包含 content-type 和 host。');
    }
    checkWindow('X-TC-Timestamp', timestamp, now);
    if (auth.date !== scopeDate(timestamp)) {
      throw cloudError(
        'AuthFailure.SignatureFailure',
        `The credential date ${auth.date} is not the UTC date of X-TC-Timestamp (${scopeDate(timestamp)}).`,
        `签名凭证中的日期 ${auth.date} 与 X-TC-Timestamp 对应的 UTC 日期 ${scopeDate(timestamp)} 不一致。`,
      );
    }
    const key = await this.enabledKey(auth.secretId);
    const signingKey = this.signingKey(key, auth.date, auth.service);

    const headerValues: Array<[string, string]> = [];
    for (const name of auth.signedHeaders) {
      const value = header(req.headers, name);
      if (value === undefined) {
        throw cloudError('AuthFailure.SignatureFailure', `The signed header ${name} is not in the request.`, `请求中缺少已签名的请求头 ${name}。`);
      }
      headerValues.push([name, name === 'content-type' ? value : value.trim()]);
    }
    const unsigned = header(req.headers, 'x-tc-content-sha256') === UNSIGNED_PAYLOAD;
    const payloadHash = sha256Hex(unsigned ? UNSIGNED_PAYLOAD : req.method === 'GET' ? '' : req.body);
    const parts = { method: req.method, path: req.path, query: req.method === 'GET' ? req.rawQuery : '', payloadHash };
    const scope = `${auth.date}/${auth.service}/tc3_request`;
    const signatureFor = (headers: Array<[string, string]>) =>
      signatureHex(signingKey, stringToSign(timestamp, scope, canonicalRequest({ ...parts, headers })));

    if (safeEqual(signatureFor(headerValues), auth.signature)) return key;
    // The Node SDK signs the hostname without the port while sending Host: host:port.
    const hostIndex = headerValues.findIndex(([name]) => name === 'host');
    const host = headerValues[hostIndex]?.[1] ?? '';
    const withoutPort = host.replace(/:\d+$/, '');
    if (withoutPort !== host) {
      const alternative = headerValues.map((entry, i): [string, string] => (i === hostIndex ? ['host', withoutPort] : entry));
      if (safeEqual(signatureFor(alternative), auth.signature)) return key;
    }
    throw cloudError(
      'AuthFailure.SignatureFailure',
      'The request signature does not match. Check the SecretKey, and that the Host, Content-Type and body that were signed are the ones sent.',
      '请求签名不匹配，请检查 SecretKey，以及签名所用的 Host、Content-Type 和请求体是否与实际发送的一致。',
    );
  }

  /** Verifies a legacy v1 (HmacSHA1/HmacSHA256) signature; same key rules and error codes as TC3. */
  async verifyLegacy(check: LegacyCheck, host: string, now: number): Promise<ApiKey> {
    checkWindow('Timestamp', check.timestamp, now);
    const key = await this.enabledKey(check.secretId);
    const secretKey = this.cached(key).secretKey;
    // Signed with the endpoint as configured in the SDK: with the port, or without it for default ports.
    for (const candidate of new Set([host, host.replace(/:\d+$/, '')])) {
      if (safeEqual(check.expected(secretKey, candidate), check.signature)) return key;
    }
    throw cloudError(
      'AuthFailure.SignatureFailure',
      'The request signature does not match. Check the SecretKey, and that the signed host and parameters are the ones sent.',
      '请求签名不匹配，请检查 SecretKey，以及签名所用的主机和参数是否与实际发送的一致。',
    );
  }

  /** The key, read afresh so that a key disabled or deleted from the CLI is refused at once. */
  private async enabledKey(secretId: string): Promise<ApiKey> {
    const key = await this.keys.get(secretId);
    if (!key || key.status !== 'enabled') {
      throw cloudError('AuthFailure.SecretIdNotFound', `The SecretId ${secretId} does not exist or is disabled.`, `SecretId ${secretId} 不存在或已被禁用。`);
    }
    return key;
  }

  private cached(key: ApiKey): CachedKey {
    let cached = this.cache.get(key.secretId);
    if (!cached || !cached.sealed.equals(key.secretKeySealed)) {
      cached = { sealed: key.secretKeySealed, secretKey: this.box.open(key.secretKeySealed, key.secretId), signingKeys: new Map() };
      this.cache.set(key.secretId, cached);
    }
    return cached;
  }

  private signingKey(key: ApiKey, date: string, service: string): Buffer {
    const cached = this.cached(key);
    const scope = `${date}/${service}`;
    let signingKey = cached.signingKeys.get(scope);
    if (!signingKey) {
      if (cached.signingKeys.size >= 8) cached.signingKeys.clear();
      signingKey = deriveSigningKey(cached.secretKey, date, service);
      cached.signingKeys.set(scope, signingKey);
    }
    return signingKey;
  }
}
