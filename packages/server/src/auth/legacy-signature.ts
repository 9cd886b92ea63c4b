import { createHmac } from 'node:crypto';
import { cloudError } from '@openccc/protocol';
import type { IncomingSignedRequest } from './request-verifier.js';

/**
 * Tencent Cloud API's older signature (v1, `SignatureMethod` HmacSHA1 or
 * HmacSHA256), which the official SDKs still produce when configured with
 * `signMethod`. Everything travels as form parameters, in the query (GET) or a
 * form-encoded body (POST), next to the action's own flattened parameters.
 */
export const LEGACY_COMMON_PARAMS = new Set([
  'Action',
  'Version',
  'Timestamp',
  'Nonce',
  'SecretId',
  'Signature',
  'SignatureMethod',
  'Region',
  'Token',
  'Language',
  'RequestClient',
]);

export interface LegacyRequest {
  /** All parameters, decoded, in arrival order. */
  params: Array<[string, string]>;
  action: string;
  version: string;
  language: string;
}

function formParams(req: IncomingSignedRequest): URLSearchParams | null {
  if (req.method === 'GET') return new URLSearchParams(req.rawQuery);
  const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
  return contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(req.body.toString('utf8')) : null;
}

/**
 * Whether the head leaves room for a v1 request: no TC3 headers, and either a GET
 * whose query names `Action` and `Signature`, or a form-encoded POST (whose body
 * decides). False means the request is certainly not a v1 request.
 */
export function mayBeLegacyRequest(req: Omit<IncomingSignedRequest, 'body'>): boolean {
  if (req.headers['authorization'] !== undefined || req.headers['x-tc-action'] !== undefined) return false;
  if (req.method === 'GET') {
    const query = new URLSearchParams(req.rawQuery);
    return query.has('Signature') && query.has('Action');
  }
  return String(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** The request as a v1 request when it is one: no TC3 headers, and `Action` and `Signature` among its parameters. */
export function readLegacyRequest(req: IncomingSignedRequest): LegacyRequest | null {
  if (req.headers['authorization'] !== undefined || req.headers['x-tc-action'] !== undefined) return null;
  const form = formParams(req);
  if (!form || !form.has('Signature') || !form.has('Action')) return null;
  return { params: [...form.entries()], action: form.get('Action') ?? '', version: form.get('Version') ?? '', language: form.get('Language') ?? '' };
}

/** The action's own parameters, without the common ones. */
export function legacyActionParams(legacy: LegacyRequest): Array<[string, string]> {
  return legacy.params.filter(([name]) => !LEGACY_COMMON_PARAMS.has(name));
}

export interface LegacyCheck {
  secretId: string;
  timestamp: number;
  /** Computes the expected signature for a host (with or without port). */
  expected: (secretKey: string, host: string) => string;
  signature: string;
}

/** Validates the common parameters and prepares the signature check. */
export function prepareLegacyCheck(legacy: LegacyRequest, req: IncomingSignedRequest): LegacyCheck {
  const get = (name: string) => legacy.params.find(([k]) => k === name)?.[1];
  for (const name of ['Timestamp', 'Nonce', 'SecretId']) {
    if (!get(name)) throw cloudError('MissingParameter', `The required parameter \`${name}\` is missing.`, `缺少必填参数 \`${name}\`。`);
  }
  const method = get('SignatureMethod') ?? 'HmacSHA1';
  const algorithm = method === 'HmacSHA256' ? 'sha256' : method === 'HmacSHA1' ? 'sha1' : null;
  if (!algorithm) {
    throw cloudError('InvalidParameterValue', 'SignatureMethod must be HmacSHA1 or HmacSHA256.', 'SignatureMethod 应为 HmacSHA1 或 HmacSHA256。');
  }
  const timestampText = get('Timestamp') ?? '';
  if (!/^\d{1,12}$/.test(timestampText)) throw cloudError('InvalidParameter', 'Timestamp must be a unix time in seconds.', 'Timestamp 应为秒级 Unix 时间戳。');
  const sorted = legacy.params
    .filter(([name]) => name !== 'Signature')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return {
    secretId: get('SecretId') ?? '',
    timestamp: Number(timestampText),
    signature: get('Signature') ?? '',
    expected: (secretKey, host) => createHmac(algorithm, secretKey).update(`${req.method}${host}${req.path}?${sorted}`, 'utf8').digest('base64'),
  };
}
