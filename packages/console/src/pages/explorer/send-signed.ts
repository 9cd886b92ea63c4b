import { signTc3, type Tc3Signature } from './tc3-sign.js';

/** The Cloud API version OpenCCC speaks (TCCC's `ccc` 2020-02-10). */
export const API_VERSION = '2020-02-10';
const SERVICE = 'ccc';
const CONTENT_TYPE = 'application/json; charset=utf-8';

export interface SignedExchange {
  endpoint: string;
  /** The headers sent, in order; `Host` is set by the browser to the value signed. */
  headers: Array<[name: string, value: string]>;
  body: string;
  signature: Tc3Signature;
  /** The answer; absent when the request could not be sent. */
  status?: number;
  response?: unknown;
  /** Why the request could not be sent, or why its answer could not be read. */
  failure?: string;
}

export interface SignedCall {
  action: string;
  body: string;
  secretId: string;
  secretKey: string;
  language: 'zh-CN' | 'en-US';
  /** Where the Cloud API is: this page's own origin. */
  origin: string;
  now?: () => number;
}

/**
 * Signs a Cloud API request in the page and sends it to `POST /` as any API client would: the
 * server sees only the signed request. The SecretKey is used for the signature and then dropped.
 */
export async function sendSigned(call: SignedCall): Promise<SignedExchange> {
  const url = new URL('/', call.origin);
  const timestamp = Math.floor((call.now ?? Date.now)() / 1000);
  const signature = await signTc3({
    secretId: call.secretId,
    secretKey: call.secretKey,
    timestamp,
    service: SERVICE,
    method: 'POST',
    body: call.body,
    headers: [
      ['content-type', CONTENT_TYPE],
      ['host', url.host],
      // Lower-cased, as Tencent's documentation signs it: keys that require a signed action accept it.
      ['x-tc-action', call.action.toLowerCase()],
    ],
  });
  const headers: Array<[string, string]> = [
    ['Content-Type', CONTENT_TYPE],
    ['Host', url.host],
    ['X-TC-Action', call.action],
    ['X-TC-Version', API_VERSION],
    ['X-TC-Timestamp', String(timestamp)],
    ['X-TC-Language', call.language],
    ['Authorization', signature.authorization],
  ];
  const exchange: SignedExchange = { endpoint: `POST ${url.href}`, headers, body: call.body, signature };
  let response: Response;
  try {
    response = await fetch(url.href, {
      method: 'POST',
      // Host is the browser's to set (it is the one signed); the rest go as shown.
      headers: headers.filter(([name]) => name !== 'Host'),
      body: call.body,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    return { ...exchange, failure: error instanceof Error ? error.message : String(error) };
  }
  const textBody = await response.text();
  try {
    return { ...exchange, status: response.status, response: JSON.parse(textBody) as unknown };
  } catch {
    return { ...exchange, status: response.status, response: textBody };
  }
}

/** The same call with the official Node.js SDK; the keys come from the environment, never from the page. */
export function nodeSnippet(action: string, body: unknown, origin: string): string {
  const url = new URL(origin);
  const params = JSON.stringify(body, null, 2);
  return [
    "import tencentcloud from 'tencentcloud-sdk-nodejs';",
    '',
    '// CCC_SECRET_ID=… CCC_SECRET_KEY=… node example.mjs',
    'const client = new tencentcloud.ccc.v20200210.Client({',
    '  credential: { secretId: process.env.CCC_SECRET_ID, secretKey: process.env.CCC_SECRET_KEY },',
    "  region: '',",
    `  profile: { httpProfile: { endpoint: '${url.host}', protocol: '${url.protocol}//' } },`,
    '});',
    '',
    `const response = await client.${action}(${params});`,
    'console.log(response);',
  ].join('\n');
}
