import { request as httpRequest } from 'node:http';
import { CLOUD_API_VERSION } from '@openccc/protocol';
import {
  TC3_ALGORITHM,
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  deriveSigningKey,
  scopeDate,
  sha256Hex,
  signatureHex,
  stringToSign,
} from '@openccc/protocol/tc3';

/**
 * Builds Cloud API requests by hand, so tests can produce what no official SDK
 * sends: skewed clocks, inconsistent scopes, tampered bodies, foreign hosts.
 * Every knob defaults to what a well-behaved client does.
 */

/** Where to send and which key signs by default. */
export interface Target {
  port: number;
  secretId: string;
  secretKey: string;
}

export interface SignedFetchOptions {
  /** X-TC-Action; null leaves the header out. */
  action?: string | null;
  /** X-TC-Version, default 2020-02-10; null leaves the header out. */
  version?: string | null;
  method?: 'GET' | 'POST';
  /** POST: serialised as the JSON body; GET: flattened into the query (`Staffs.0.Name=…`). */
  params?: Record<string, unknown>;
  /** Raw POST body, signed and sent (instead of `params`). */
  body?: string;
  /** Raw GET query without `?` (instead of `params`). */
  query?: string;
  /** A body sent in place of the signed one: tampering after signing. */
  sendBody?: string;
  /** A GET query sent in place of the signed one. */
  sendQuery?: string;
  /** The timestamp signed (and sent unless `timestampHeader` says otherwise); default now. */
  timestamp?: number;
  /** X-TC-Timestamp as sent; null leaves the header out. */
  timestampHeader?: string | null;
  /** The date in the credential scope (and used to derive the key); default the timestamp's UTC date. */
  scopeDate?: string;
  /** The service named in the credential scope; default `ccc`. */
  service?: string;
  /** The service the signing key is derived for; default the scope's service. */
  signingService?: string;
  /** Content-Type sent and signed; default by method. null sends none (and signs an empty value). */
  contentType?: string | null;
  /** Host header sent; default `127.0.0.1:<port>`. Anything else goes out through node:http. */
  host?: string;
  /** The host that is signed; default the Host sent. */
  signedHost?: string;
  /** SignedHeaders, default content-type;host. Values are those sent unless `signAs` overrides them. */
  signedHeaders?: string[];
  /** Header values to sign instead of the ones sent (lower-case names). */
  signAs?: Record<string, string>;
  secretId?: string;
  secretKey?: string;
  /** X-TC-Language. */
  language?: string;
  /** Sign with `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`. */
  unsignedPayload?: boolean;
  /** Replaces the computed Authorization header; null leaves it out. */
  authorization?: string | null;
  /** Further headers to send (X-TC-Token, X-TC-TraceId, …). */
  headers?: Record<string, string>;
  /** Send the body with Transfer-Encoding: chunked in 64 KB pieces (node:http). */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

/** Current unix time in seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Flattens parameters the way Tencent's GET form does: `Staffs.0.Name=n`, all values strings. */
export function flattenParams(params: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    const name = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (typeof item === 'object' && item !== null) out.push(...flattenParams(item as Record<string, unknown>, `${name}.${i}`));
        else out.push([`${name}.${i}`, String(item)]);
      });
    } else if (typeof value === 'object') {
      out.push(...flattenParams(value as Record<string, unknown>, name));
    } else {
      out.push([name, String(value)]);
    }
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

interface BuiltRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Computes every header and the Authorization for `options`, without sending anything. */
export function buildSignedRequest(target: Target, options: SignedFetchOptions = {}): BuiltRequest {
  const method = options.method ?? 'POST';
  const timestamp = options.timestamp ?? nowSeconds();
  const query = method === 'GET' ? (options.query ?? new URLSearchParams(flattenParams(options.params ?? {})).toString()) : '';
  const signedBody = method === 'POST' ? (options.body ?? JSON.stringify(options.params ?? {})) : '';
  const contentType = options.contentType === undefined ? (method === 'GET' ? 'application/x-www-form-urlencoded' : 'application/json') : options.contentType;
  const host = options.host ?? `127.0.0.1:${target.port}`;

  const headers: Record<string, string> = { host };
  if (contentType !== null) headers['content-type'] = contentType;
  const action = options.action === undefined ? 'DescribeStaffInfoList' : options.action;
  if (action !== null) headers['x-tc-action'] = action;
  const version = options.version === undefined ? CLOUD_API_VERSION : options.version;
  if (version !== null) headers['x-tc-version'] = version;
  const timestampHeader = options.timestampHeader === undefined ? String(timestamp) : options.timestampHeader;
  if (timestampHeader !== null) headers['x-tc-timestamp'] = timestampHeader;
  if (options.language) headers['x-tc-language'] = options.language;
  if (options.unsignedPayload) headers['x-tc-content-sha256'] = UNSIGNED_PAYLOAD;
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;

  const date = options.scopeDate ?? scopeDate(timestamp);
  const service = options.service ?? 'ccc';
  const signAs: Record<string, string> = { ...options.signAs };
  if (options.signedHost !== undefined) signAs['host'] = options.signedHost;
  const signedNames = options.signedHeaders ?? ['content-type', 'host'];
  const canonical = canonicalRequest({
    method,
    path: '/',
    query,
    headers: signedNames.map((name) => [name, signAs[name] ?? headers[name] ?? ''] as const),
    payloadHash: sha256Hex(options.unsignedPayload ? UNSIGNED_PAYLOAD : signedBody),
  });
  const scope = `${date}/${service}/tc3_request`;
  const signingKey = deriveSigningKey(options.secretKey ?? target.secretKey, date, options.signingService ?? service);
  const signature = signatureHex(signingKey, stringToSign(timestamp, scope, canonical));
  const secretId = options.secretId ?? target.secretId;
  const authorization =
    options.authorization === undefined
      ? `${TC3_ALGORITHM} Credential=${secretId}/${scope}, SignedHeaders=${signedNames.join(';')}, Signature=${signature}`
      : options.authorization;
  if (authorization !== null) headers['authorization'] = authorization;

  const body = method === 'POST' ? (options.sendBody ?? signedBody) : undefined;
  const sentQuery = options.sendQuery ?? query;
  return { method, path: sentQuery ? `/?${sentQuery}` : '/', headers, body };
}

/** Sends a hand-signed Cloud API request and returns the raw answer. */
export async function signedFetch(target: Target, options: SignedFetchOptions = {}): Promise<RawResponse> {
  const built = buildSignedRequest(target, options);
  const defaultHost = `127.0.0.1:${target.port}`;
  // fetch would add its own Content-Type to a body sent without one.
  const needsNodeHttp = options.chunked || built.headers['host'] !== defaultHost || (built.body !== undefined && built.headers['content-type'] === undefined);
  if (needsNodeHttp) return sendWithNodeHttp(target.port, built, options.chunked ?? false);
  const { host: _host, ...headers } = built.headers;
  const res = await fetch(`http://${defaultHost}${built.path}`, { method: built.method, headers, body: built.body });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), text, json: parseJson(text) };
}

/** node:http for what fetch cannot do: a Host of our choosing, a chunked body. */
function sendWithNodeHttp(port: number, built: BuiltRequest, chunked: boolean): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = built.body === undefined ? undefined : Buffer.from(built.body, 'utf8');
    const headers: Record<string, string> = { ...built.headers };
    if (body && !chunked) headers['content-length'] = String(body.length);
    if (chunked) headers['transfer-encoding'] = 'chunked';
    let answered = false;
    const req = httpRequest({ host: '127.0.0.1', port, method: built.method, path: built.path, headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
        resolve({ status: res.statusCode ?? 0, headers: flat, text, json: parseJson(text) });
      });
    });
    // A server that answers before reading the whole body may reset the socket; the answer is what counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (!body) {
      req.end();
      return;
    }
    if (!chunked) {
      req.end(body);
      return;
    }
    const piece = 64 * 1024;
    let offset = 0;
    const pump = (): void => {
      while (offset < body.length && !answered && !req.destroyed) {
        const next = body.subarray(offset, offset + piece);
        offset += next.length;
        if (!req.write(next)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered && !req.destroyed) req.end();
    };
    pump();
  });
}
