/**
 * TC3-HMAC-SHA256 in the browser, with WebCrypto: the API Explorer signs its requests here, so the
 * SecretKey never leaves the page. The steps and their texts are returned too, for display; they
 * follow `@openccc/protocol`'s tc3.ts (the server's verifier), which the tests check against.
 */
export const TC3_ALGORITHM = 'TC3-HMAC-SHA256';

export interface Tc3Request {
  secretId: string;
  secretKey: string;
  /** Unix seconds; its UTC date is the credential scope's. */
  timestamp: number;
  service: string;
  method: 'POST';
  /** The JSON body, exactly as sent. */
  body: string;
  /** Lower-case header names in SignedHeaders order, with their values as sent. */
  headers: ReadonlyArray<readonly [name: string, value: string]>;
}

export interface Tc3Signature {
  canonicalRequest: string;
  stringToSign: string;
  credentialScope: string;
  signature: string;
  authorization: string;
}

const encoder = new TextEncoder();

function hex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

async function hmac(key: ArrayBuffer | Uint8Array<ArrayBuffer>, text: string): Promise<ArrayBuffer> {
  const imported = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', imported, encoder.encode(text));
}

/** UTC calendar date (YYYY-MM-DD) of a unix timestamp in seconds. */
export function scopeDate(timestamp: number): string {
  return new Date(timestamp * 1000).toISOString().slice(0, 10);
}

/** Signs a request: the canonical request, the string to sign and the `Authorization` header. */
export async function signTc3(request: Tc3Request): Promise<Tc3Signature> {
  const date = scopeDate(request.timestamp);
  const canonicalHeaders = request.headers.map(([name, value]) => `${name}:${value.trim()}\n`).join('');
  const signedHeaders = request.headers.map(([name]) => name).join(';');
  const canonicalRequest = `${request.method}\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${await sha256Hex(request.body)}`;
  const credentialScope = `${date}/${request.service}/tc3_request`;
  const stringToSign = `${TC3_ALGORITHM}\n${request.timestamp}\n${credentialScope}\n${await sha256Hex(canonicalRequest)}`;
  const kDate = await hmac(encoder.encode(`TC3${request.secretKey}`), date);
  const kService = await hmac(kDate, request.service);
  const kSigning = await hmac(kService, 'tc3_request');
  const signature = hex(await hmac(kSigning, stringToSign));
  const authorization = `${TC3_ALGORITHM} Credential=${request.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return { canonicalRequest, stringToSign, credentialScope, signature, authorization };
}
