import { createHash, createHmac } from 'node:crypto';

/**
 * TC3-HMAC-SHA256, Tencent Cloud API 3.0's request signature, as pure functions.
 * Used by the server to verify and by tests, benchmarks and examples to sign.
 */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: string | Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** UTC calendar date (YYYY-MM-DD) of a unix timestamp in seconds: the credential-scope date. */
export function scopeDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** kSigning: depends only on the key, the date and the service, so it can be cached per day. */
export function deriveSigningKey(secretKey: string, date: string, service: string): Buffer {
  const kDate = hmacSha256(`TC3${secretKey}`, date);
  const kService = hmacSha256(kDate, service);
  return hmacSha256(kService, 'tc3_request');
}

export interface CanonicalRequestParts {
  method: string;
  path: string;
  /** The raw query string as sent, without `?`. */
  query: string;
  /** Lower-case header names in SignedHeaders order, with their values. */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
  payloadHash: string;
}

export function canonicalRequest(parts: CanonicalRequestParts): string {
  const canonicalHeaders = parts.headers.map(([name, value]) => `${name}:${value.trim()}\n`).join('');
  const signedHeaders = parts.headers.map(([name]) => name).join(';');
  return `${parts.method}\n${parts.path}\n${parts.query}\n${canonicalHeaders}\n${signedHeaders}\n${parts.payloadHash}`;
}

export function stringToSign(timestamp: number, credentialScope: string, canonical: string): string {
  return `${TC3_ALGORITHM}\n${timestamp}\n${credentialScope}\n${sha256Hex(canonical)}`;
}

export function signatureHex(signingKey: Uint8Array, toSign: string): string {
  return createHmac('sha256', signingKey).update(toSign, 'utf8').digest('hex');
}

export interface ParsedAuthorization {
  secretId: string;
  date: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^TC3-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{4}-\d{2}-\d{2})\/([^/,\s]+)\/tc3_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Parses an `Authorization` header; null when it is not a well-formed TC3 header. */
export function parseAuthorization(header: string): ParsedAuthorization | null {
  const m = AUTH_RE.exec(header.trim());
  if (!m) return null;
  const [, secretId, date, service, signed, signature] = m as unknown as [string, string, string, string, string, string];
  return { secretId, date, service, signedHeaders: signed.split(';'), signature };
}

export interface SignInput {
  secretId: string;
  secretKey: string;
  method: 'GET' | 'POST';
  host: string;
  service: string;
  timestamp: number;
  contentType: string;
  /** JSON body for POST; ignored for GET. */
  body?: string;
  /** Raw query string for GET. */
  query?: string;
  unsignedPayload?: boolean;
}

/** Produces the `Authorization` header for a request, as a Tencent Cloud SDK would. */
export function signRequest(input: SignInput): string {
  const date = scopeDate(input.timestamp);
  const payload = input.unsignedPayload ? UNSIGNED_PAYLOAD : input.method === 'GET' ? '' : (input.body ?? '');
  const canonical = canonicalRequest({
    method: input.method,
    path: '/',
    query: input.method === 'GET' ? (input.query ?? '') : '',
    headers: [
      ['content-type', input.contentType],
      ['host', input.host],
    ],
    payloadHash: sha256Hex(payload),
  });
  const scope = `${date}/${input.service}/tc3_request`;
  const signature = signatureHex(deriveSigningKey(input.secretKey, date, input.service), stringToSign(input.timestamp, scope, canonical));
  return `${TC3_ALGORITHM} Credential=${input.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}
