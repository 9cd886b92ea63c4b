import { cloudError, type CloudApiError } from '@openccc/protocol';
import {
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  deriveSigningKey,
  parseAuthorization,
  scopeDate,
  type ParsedAuthorization,
  sha256Hex,
  signatureHex,
  stringToSign,
} from '@openccc/protocol/tc3';
import type { ApiKey, ApiKeyRepo } from '../store/ports.js';
import type { LegacyCheck } from './legacy-signature.js';
import type { SecretBox } from './secret-box.js';
import { safeEqual } from '../crypto/secrets.js';

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
  /**
   * Who sent it: the connection and the client address. Requests with the same origin
   * come from the same sender; undefined matches no other request.
   */
  origin?: string;
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
 * The signed headers as a client may have signed them, the values as received first:
 * the Node SDK signs the hostname without the port while sending Host: host:port, and
 * Tencent's documentation lower-cases a signed X-TC-Action. At most four forms.
 */
function signedForms(received: Array<[string, string]>): Array<Array<[string, string]>> {
  let forms: Array<Array<[string, string]>> = [[]];
  for (const [name, value] of received) {
    const values = new Set([value]);
    if (name === 'host') values.add(value.replace(/:\d+$/, ''));
    if (name === 'x-tc-action') values.add(value.toLowerCase());
    forms = forms.flatMap((form) => [...values].map((candidate): Array<[string, string]> => [...form, [name, candidate]]));
  }
  return forms;
}

/** What the headers alone establish about a TC3 request, before its body is read. */
export interface ScreenedRequest {
  key: ApiKey;
  auth: ParsedAuthorization;
  timestamp: number;
}

/**
 * Verifies TC3-HMAC-SHA256 signatures the way Tencent Cloud does, accepting the
 * official SDKs' quirks: the service is taken from the credential scope, and the
 * signed host may be the Host header with or without its port. A signed
 * X-TC-Action may be signed as sent or lower-cased, as Tencent's documentation
 * computes canonical headers.
 */
export class RequestVerifier {
  private readonly cache = new Map<string, CachedKey>();

  constructor(
    private readonly keys: ApiKeyRepo,
    private readonly box: SecretBox,
  ) {}

  /** Returns the calling key, or throws the precise Tencent AuthFailure. `now` is unix seconds. */
  async verify(req: IncomingSignedRequest, timestamp: number, now: number): Promise<ScreenedRequest> {
    const screened = await this.screen(req, timestamp, now);
    this.checkSignature(req, screened);
    return screened;
  }

  /**
   * Every check that needs only the headers, in the order `verify` makes them: the
   * Authorization header, the window and scope date, the key and its options, and
   * the presence of each signed header. `req.body` is not read.
   */
  async screen(req: Omit<IncomingSignedRequest, 'body'>, timestamp: number, now: number): Promise<ScreenedRequest> {
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
    if (key.requireSignedAction && !auth.signedHeaders.includes('x-tc-action')) {
      throw invalidAuthorization(
        `The key ${key.secretId} accepts only requests that sign X-TC-Action: add x-tc-action to SignedHeaders (SignedHeaders=content-type;host;x-tc-action).`,
        `密钥 ${key.secretId} 只接受对 X-TC-Action 签名的请求，请将 x-tc-action 加入 SignedHeaders（SignedHeaders=content-type;host;x-tc-action）。`,
      );
    }
    for (const name of auth.signedHeaders) {
      if (header(req.headers, name) === undefined) {
        throw cloudError('AuthFailure.SignatureFailure', `The signed header ${name} is not in the request.`, `请求中缺少已签名的请求头 ${name}。`);
      }
    }
    return { key, auth, timestamp };
  }

  /** Compares the signature with the one computed from the received request, in constant time. */
  private checkSignature(req: IncomingSignedRequest, { key, auth, timestamp }: ScreenedRequest): void {
    const signingKey = this.signingKey(key, auth.date, auth.service);
    const unsigned = header(req.headers, 'x-tc-content-sha256') === UNSIGNED_PAYLOAD;
    const payloadHash = sha256Hex(unsigned ? UNSIGNED_PAYLOAD : req.method === 'GET' ? '' : req.body);
    const parts = { method: req.method, path: req.path, query: req.method === 'GET' ? req.rawQuery : '', payloadHash };
    const scope = `${auth.date}/${auth.service}/tc3_request`;
    const received = auth.signedHeaders.map((name): [string, string] => {
      const value = header(req.headers, name) ?? '';
      return [name, name === 'content-type' ? value : value.trim()];
    });
    for (const headers of signedForms(received)) {
      if (safeEqual(signatureHex(signingKey, stringToSign(timestamp, scope, canonicalRequest({ ...parts, headers }))), auth.signature)) return;
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
