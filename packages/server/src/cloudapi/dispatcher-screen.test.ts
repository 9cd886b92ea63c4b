import { CLOUD_API_VERSION } from '@openccc/protocol';
import { TC3_ALGORITHM, canonicalRequest, deriveSigningKey, scopeDate, sha256Hex, signatureHex, stringToSign } from '@openccc/protocol/tc3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, type CreatedKey } from '../bootstrap.js';
import { RateLimiter } from '../auth/rate-limiter.js';
import { RequestVerifier, type IncomingSignedRequest } from '../auth/request-verifier.js';
import { SignatureLedger } from '../auth/signature-ledger.js';
import { createLogger } from '../log.js';
import { startTestServer, type TestServer } from '../test-support/harness.js';
import { CloudApiDispatcher, type IncomingRequestHead } from './dispatcher.js';

/**
 * `screen` decides from the head alone; whenever it answers, `handle` must give the
 * same answer for that head, whatever the body. Checked over many heads and bodies.
 */

const NOW = 1_700_000_000;
const HOST = '127.0.0.1:8080';

let server: TestServer;
let disabled: CreatedKey;
let strict: CreatedKey;

beforeAll(async () => {
  server = await startTestServer({ clock: () => NOW * 1000 });
  const { store, box } = server.folder;
  disabled = await createApiKey(store, box, null, 'disabled', NOW * 1000);
  await store.apiKeys.setStatus(disabled.secretId, 'disabled');
  strict = await createApiKey(store, box, null, 'signed action required', NOW * 1000, { requireSignedAction: true });
});

afterAll(async () => {
  await server?.close();
});

function dispatcher(legacySignatures: boolean): CloudApiDispatcher {
  return new CloudApiDispatcher({
    services: server.server.services,
    verifier: new RequestVerifier(server.folder.store.apiKeys, server.folder.box),
    limiter: new RateLimiter(0, 0),
    ledger: new SignatureLedger(() => NOW * 1000),
    legacySignatures,
    log: createLogger('silent'),
  });
}

interface HeadOptions {
  action?: string | null;
  version?: string | null;
  timestamp?: string | null;
  signedTimestamp?: number;
  contentType?: string | null;
  signedHeaders?: string[];
  key?: CreatedKey;
  secretId?: string;
  date?: string;
  authorization?: string | null;
  extra?: Record<string, string>;
}

const BODY = JSON.stringify({ SdkAppId: 0, PageSize: 10, PageNumber: 0 });

/** A POST head signed over BODY, then altered as asked. */
function head(options: HeadOptions = {}): IncomingRequestHead {
  const timestamp = options.signedTimestamp ?? NOW;
  const headers: Record<string, string> = { host: HOST };
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  const action = options.action === undefined ? 'DescribeStaffInfoList' : options.action;
  if (action !== null) headers['x-tc-action'] = action;
  const version = options.version === undefined ? CLOUD_API_VERSION : options.version;
  if (version !== null) headers['x-tc-version'] = version;
  const timestampHeader = options.timestamp === undefined ? String(timestamp) : options.timestamp;
  if (timestampHeader !== null) headers['x-tc-timestamp'] = timestampHeader;
  Object.assign(headers, options.extra);
  const key = options.key ?? server;
  const date = options.date ?? scopeDate(timestamp);
  const signed = options.signedHeaders ?? ['content-type', 'host'];
  const canonical = canonicalRequest({
    method: 'POST',
    path: '/',
    query: '',
    headers: signed.map((name) => [name, headers[name] ?? ''] as const),
    payloadHash: sha256Hex(BODY),
  });
  const scope = `${date}/ccc/tc3_request`;
  const signature = signatureHex(deriveSigningKey(key.secretKey, date, 'ccc'), stringToSign(timestamp, scope, canonical));
  const authorization =
    options.authorization === undefined
      ? `${TC3_ALGORITHM} Credential=${options.secretId ?? key.secretId}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`
      : options.authorization;
  if (authorization !== null) headers['authorization'] = authorization;
  return { method: 'POST', path: '/', rawQuery: '', headers, origin: 'test' };
}

/** Heads, and whether `screen` must decide them (true) or leave them to `handle` (false). */
const HEADS: Array<[string, () => IncomingRequestHead, boolean]> = [
  ['a well-signed head', () => head(), false],
  ['no TC3 header at all', () => head({ action: null, version: null, timestamp: null, authorization: null }), true],
  ['no X-TC-Action', () => head({ action: null }), true],
  ['an action in the wrong case', () => head({ action: 'describestaffinfolist' }), false],
  ['an action ccc does not have', () => head({ action: 'RunInstances' }), false],
  ['an action OpenCCC does not implement', () => head({ action: 'DescribeTelCdr' }), false],
  ['no X-TC-Version', () => head({ version: null }), true],
  ['another version', () => head({ version: '2017-03-12' }), true],
  ['no X-TC-Timestamp', () => head({ timestamp: null }), true],
  ['a timestamp that is not a number', () => head({ timestamp: 'abc' }), true],
  ['a timestamp 301 s old', () => head({ signedTimestamp: NOW - 301 }), true],
  ['a timestamp 301 s ahead', () => head({ signedTimestamp: NOW + 301 }), true],
  ['temporary credentials', () => head({ extra: { 'x-tc-token': 'sts' } }), true],
  ['no Authorization', () => head({ authorization: null }), true],
  ['a garbled Authorization', () => head({ authorization: 'TC3-HMAC-SHA256 nonsense' }), true],
  ['an HMAC-SHA1 Authorization', () => head({ authorization: 'HMAC-SHA1 Credential=x' }), true],
  ['SignedHeaders without host', () => head({ signedHeaders: ['content-type'] }), true],
  ['a scope date that is not the timestamp date', () => head({ date: scopeDate(NOW - 86_400) }), true],
  ['an unknown SecretId', () => head({ secretId: `AKID${'0'.repeat(32)}` }), true],
  ['a disabled key', () => head({ key: disabled }), true],
  ['a key that requires a signed action, unsigned', () => head({ key: strict }), true],
  ['a key that requires a signed action, signed', () => head({ key: strict, signedHeaders: ['content-type', 'host', 'x-tc-action'] }), false],
  ['a signed header that is not sent', () => head({ signedHeaders: ['content-type', 'host', 'x-tc-region'] }), true],
  ['no Content-Type, though signed', () => head({ contentType: null }), true],
  ['text/plain', () => head({ contentType: 'text/plain' }), false],
  ['a form POST with TC3 headers', () => head({ contentType: 'application/x-www-form-urlencoded' }), false],
  ['a form POST without TC3 headers (maybe v1)', () => head({ contentType: 'application/x-www-form-urlencoded', action: null, authorization: null }), false],
];

describe('CloudApiDispatcher.screen, body size', () => {
  it('answers a POST declaring more than 10 MB first, as the framework does before dispatch, counted under unknown', async () => {
    const d = dispatcher(true);
    for (const headers of [{}, head().headers, head({ authorization: null }).headers]) {
      const screened = await d.screen({ method: 'POST', path: '/', rawQuery: '', headers: { ...headers, 'content-length': String(10 * 1024 * 1024 + 1) } });
      expect(screened).toMatchObject({ code: 'RequestSizeLimitExceeded', action: 'unknown' });
    }
    expect(await d.screen({ ...head(), headers: { ...head().headers, 'content-length': String(10 * 1024 * 1024) } })).toBeNull();
  });
});

const BODIES = [BODY, '{}', 'not json', '', 'Action=DescribeStaffInfoList&Signature=x&Version=2020-02-10'];

describe.each([true, false])('CloudApiDispatcher.screen, v1 signatures %s', (legacySignatures) => {
  it.each(HEADS)('%s', async (_name, make, decided) => {
    const d = dispatcher(legacySignatures);
    const screened = await d.screen(make());
    // With v1 signatures off, a form POST without TC3 headers is decided from its head.
    const isForm = make().headers['content-type'] === 'application/x-www-form-urlencoded' && make().headers['authorization'] === undefined;
    expect(screened !== null).toBe(decided || (!legacySignatures && isForm));
    for (const body of BODIES) {
      const request: IncomingSignedRequest = { ...make(), body: Buffer.from(body) };
      const full = await d.handle(request);
      if (screened) {
        expect({ body, code: screened.code, action: screened.action }).toEqual({ body, code: full.code, action: full.action });
        expect(JSON.parse(screened.body)).toMatchObject({ Response: { Error: JSON.parse(full.body).Response.Error } });
      }
    }
  });
});
