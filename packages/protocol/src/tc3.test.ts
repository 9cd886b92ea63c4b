import { createHash, createHmac } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import SignImport from 'tencentcloud-sdk-nodejs/tencentcloud/common/sign.js';
import {
  TC3_ALGORITHM,
  UNSIGNED_PAYLOAD,
  canonicalRequest,
  deriveSigningKey,
  hmacSha256,
  parseAuthorization,
  scopeDate,
  sha256Hex,
  signRequest,
  signatureHex,
  stringToSign,
} from './tc3.js';
import type { SignInput } from './tc3.js';

/** The part of the official SDK's signer these tests call. */
interface Sign3Input {
  method: string;
  url: string;
  payload: unknown;
  timestamp: number;
  service: string;
  secretId: string;
  secretKey: string;
  headers: Record<string, string>;
}
interface SdkSign {
  sign3(input: Sign3Input): string;
}

/**
 * `sign.js` is CommonJS with `exports.default = Sign`. Depending on the loader's
 * interop the default import is either the class or `module.exports`.
 */
function resolveSdkSign(imported: unknown): SdkSign {
  const hasSign3 = (v: unknown): v is SdkSign =>
    (typeof v === 'function' || (typeof v === 'object' && v !== null)) && typeof (v as { sign3?: unknown }).sign3 === 'function';
  if (hasSign3(imported)) return imported;
  const inner = (imported as { default?: unknown } | null)?.default;
  if (hasSign3(inner)) return inner;
  throw new Error('tencentcloud-sdk-nodejs Sign.sign3 not found');
}
const Sign = resolveSdkSign(SignImport);

const SECRET_ID = 'AKIDEXAMPLE';
const SECRET_KEY = 'EXAMPLEKEY';
const TIMESTAMP = 1700000000; // 2023-11-14T22:13:20Z
const HOST = 'ccc.example.com';
const BODY = '{"SdkAppId":1400000001,"SeatUserId":"a@b.c"}';
const QUERY = 'Action=DescribeStaffInfoList&SdkAppId=1400000001&PageSize=10&PageNumber=0';

/** A from-the-docs TC3 implementation, independent of tc3.ts, for the fixed vectors. */
function referenceSignature(opts: {
  method: string;
  query: string;
  contentType: string;
  host: string;
  payload: string;
  service: string;
  timestamp: number;
  secretKey: string;
}): string {
  const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
  const hmac = (key: string | Buffer, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest();
  const canonical = [
    opts.method,
    '/',
    opts.query,
    `content-type:${opts.contentType}\nhost:${opts.host}\n`,
    'content-type;host',
    hex(opts.payload),
  ].join('\n');
  const d = new Date(opts.timestamp * 1000);
  const date = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
  const toSign = ['TC3-HMAC-SHA256', String(opts.timestamp), `${date}/${opts.service}/tc3_request`, hex(canonical)].join('\n');
  const kSigning = hmac(hmac(hmac(`TC3${opts.secretKey}`, date), opts.service), 'tc3_request');
  return createHmac('sha256', kSigning).update(toSign, 'utf8').digest('hex');
}

function signatureOf(header: string): string {
  const parsed = parseAuthorization(header);
  if (!parsed) throw new Error(`unparseable Authorization header: ${header}`);
  return parsed.signature;
}

describe('signRequest vs. the official tencentcloud-sdk-nodejs signer', () => {
  it('POST JSON, service ccc', () => {
    const payload = { SdkAppId: 1400000001, Staffs: [{ Name: '张三', Mail: 'zs@example.com', StaffNumber: '007' }], SendPassword: false };
    const ours = signRequest({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'POST',
      host: HOST,
      service: 'ccc',
      timestamp: TIMESTAMP,
      contentType: 'application/json; charset=utf-8',
      body: JSON.stringify(payload),
    });
    const sdk = Sign.sign3({
      method: 'POST',
      url: `https://${HOST}/`,
      payload,
      timestamp: TIMESTAMP,
      service: 'ccc',
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(ours).toBe(sdk);
  });

  it('GET with a query string (payload ignored)', () => {
    const ours = signRequest({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'GET',
      host: HOST,
      service: 'ccc',
      timestamp: TIMESTAMP,
      contentType: 'application/x-www-form-urlencoded',
      query: 'a=1&b=2',
      body: '{"ignored":true}',
    });
    const sdk = Sign.sign3({
      method: 'GET',
      url: `https://${HOST}/?a=1&b=2`,
      payload: '',
      timestamp: TIMESTAMP,
      service: 'ccc',
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(ours).toBe(sdk);
  });

  it('GET with a realistic Cloud API query', () => {
    const input: SignInput = {
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'GET',
      host: HOST,
      service: 'ccc',
      timestamp: TIMESTAMP + 86_400 * 30,
      contentType: 'application/x-www-form-urlencoded',
      query: `${QUERY}&Staffs.0.Name=%E5%BC%A0%E4%B8%89&Staffs.0.SkillGroupNameList.0=g1`,
    };
    const sdk = Sign.sign3({
      method: 'GET',
      url: `https://${HOST}/?${input.query ?? ''}`,
      payload: '',
      timestamp: input.timestamp,
      service: 'ccc',
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(signRequest(input)).toBe(sdk);
  });

  it('service 127 with host 127.0.0.1 (local deployment)', () => {
    const payload = { SdkAppId: 1400000001, SeatUserId: 'a@b.c' };
    const ours = signRequest({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'POST',
      host: '127.0.0.1',
      service: '127',
      timestamp: TIMESTAMP,
      contentType: 'application/json',
      body: JSON.stringify(payload),
    });
    const sdk = Sign.sign3({
      method: 'POST',
      url: 'http://127.0.0.1/',
      payload,
      timestamp: TIMESTAMP,
      service: '127',
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(ours).toBe(sdk);
    expect(ours).toContain('/127/tc3_request');
  });

  it('the SDK signs the hostname without the port: host 127.0.0.1 matches url http://127.0.0.1:8080/', () => {
    const payload = { SdkAppId: 1 };
    const sdk = Sign.sign3({
      method: 'POST',
      url: 'http://127.0.0.1:8080/',
      payload,
      timestamp: TIMESTAMP,
      service: '127',
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      headers: { 'Content-Type': 'application/json' },
    });
    const withoutPort = signRequest({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'POST',
      host: '127.0.0.1',
      service: '127',
      timestamp: TIMESTAMP,
      contentType: 'application/json',
      body: JSON.stringify(payload),
    });
    const withPort = signRequest({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'POST',
      host: '127.0.0.1:8080',
      service: '127',
      timestamp: TIMESTAMP,
      contentType: 'application/json',
      body: JSON.stringify(payload),
    });
    expect(withoutPort).toBe(sdk);
    expect(withPort).not.toBe(sdk);
  });
});

describe('fixed vectors', () => {
  it('POST JSON vector', () => {
    const header = signRequest({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'POST',
      host: HOST,
      service: 'ccc',
      timestamp: TIMESTAMP,
      contentType: 'application/json',
      body: BODY,
    });
    const expected = 'c41aec99daae2fe5e2a0853a73972002a51a0fcd170b608f5bc0e431af8e298c';
    expect(header).toBe(
      `TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/ccc/tc3_request, SignedHeaders=content-type;host, Signature=${expected}`,
    );
    expect(
      referenceSignature({
        method: 'POST',
        query: '',
        contentType: 'application/json',
        host: HOST,
        payload: BODY,
        service: 'ccc',
        timestamp: TIMESTAMP,
        secretKey: SECRET_KEY,
      }),
    ).toBe(expected);
  });

  it('GET vector', () => {
    const header = signRequest({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'GET',
      host: HOST,
      service: 'ccc',
      timestamp: TIMESTAMP,
      contentType: 'application/x-www-form-urlencoded',
      query: QUERY,
    });
    const expected = '149ca0b4651fbc6634ca44b405deca0ccdb58c8ee92d82a7c983c467c477d25e';
    expect(header).toBe(
      `TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/ccc/tc3_request, SignedHeaders=content-type;host, Signature=${expected}`,
    );
    expect(
      referenceSignature({
        method: 'GET',
        query: QUERY,
        contentType: 'application/x-www-form-urlencoded',
        host: HOST,
        payload: '',
        service: 'ccc',
        timestamp: TIMESTAMP,
        secretKey: SECRET_KEY,
      }),
    ).toBe(expected);
  });

  it('the signature changes with every signed input', () => {
    const base: SignInput = {
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'POST',
      host: HOST,
      service: 'ccc',
      timestamp: TIMESTAMP,
      contentType: 'application/json',
      body: BODY,
    };
    const sig = signatureOf(signRequest(base));
    const variants: Partial<SignInput>[] = [
      { secretKey: 'EXAMPLEKEY2' },
      { host: 'ccc2.example.com' },
      { service: 'cvm' },
      { timestamp: TIMESTAMP + 1 },
      { contentType: 'application/json; charset=utf-8' },
      { body: BODY.replace('a@b.c', 'a@b.d') },
      { method: 'GET', query: '' },
    ];
    for (const v of variants) expect(signatureOf(signRequest({ ...base, ...v }))).not.toBe(sig);
    // The secret id is not part of the signature, only of the credential.
    expect(signatureOf(signRequest({ ...base, secretId: 'AKIDOTHER' }))).toBe(sig);
  });
});

describe('parseAuthorization', () => {
  const sig = 'c41aec99daae2fe5e2a0853a73972002a51a0fcd170b608f5bc0e431af8e298c';
  const valid = `TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/ccc/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`;

  it('parses a well-formed header', () => {
    expect(parseAuthorization(valid)).toEqual({
      secretId: 'AKIDEXAMPLE',
      date: '2023-11-14',
      service: 'ccc',
      signedHeaders: ['content-type', 'host'],
      signature: sig,
    });
  });

  it('round-trips what signRequest produces', () => {
    const header = signRequest({
      secretId: 'AKID-local_1',
      secretKey: SECRET_KEY,
      method: 'POST',
      host: '127.0.0.1',
      service: '127',
      timestamp: TIMESTAMP,
      contentType: 'application/json',
      body: '{}',
    });
    const parsed = parseAuthorization(header);
    expect(parsed).not.toBeNull();
    expect(parsed?.secretId).toBe('AKID-local_1');
    expect(parsed?.service).toBe('127');
    expect(parsed?.date).toBe('2023-11-14');
    expect(parsed?.signedHeaders).toEqual(['content-type', 'host']);
    expect(parsed?.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tolerates surrounding whitespace and missing spaces after commas', () => {
    expect(parseAuthorization(`  ${valid}  `)?.secretId).toBe('AKIDEXAMPLE');
    expect(parseAuthorization(valid.replaceAll(', ', ','))?.signature).toBe(sig);
  });

  it.each([
    ['empty', ''],
    ['wrong algorithm', valid.replace('TC3-HMAC-SHA256', 'TC3-HMAC-SHA1')],
    ['lower-case algorithm', valid.replace('TC3-HMAC-SHA256', 'tc3-hmac-sha256')],
    ['legacy HmacSHA256 signature', `HmacSHA256 Credential=AKIDEXAMPLE/2023-11-14/ccc/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`],
    ['missing Credential', `TC3-HMAC-SHA256 SignedHeaders=content-type;host, Signature=${sig}`],
    ['missing SignedHeaders', `TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/ccc/tc3_request, Signature=${sig}`],
    ['missing Signature', 'TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/ccc/tc3_request, SignedHeaders=content-type;host'],
    ['empty Signature', 'TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/2023-11-14/ccc/tc3_request, SignedHeaders=content-type;host, Signature='],
    ['missing secret id', valid.replace('AKIDEXAMPLE/', '/')],
    ['missing service', valid.replace('/ccc/', '//')],
    ['missing tc3_request', valid.replace('/tc3_request', '')],
    ['wrong terminator', valid.replace('tc3_request', 'tc4_request')],
    ['upper-case hex signature', valid.replace(sig, sig.toUpperCase())],
    ['short signature', valid.replace(sig, sig.slice(1))],
    ['long signature', valid.replace(sig, `${sig}0`)],
    ['non-hex signature', valid.replace(sig, `${sig.slice(0, 63)}g`)],
    ['compact date', valid.replace('2023-11-14', '20231114')],
    ['short date', valid.replace('2023-11-14', '2023-1-14')],
    ['date with time', valid.replace('2023-11-14', '2023-11-14T00:00:00Z')],
    ['upper-case signed headers', valid.replace('content-type;host', 'Content-Type;Host')],
    ['trailing garbage', `${valid}, Extra=1`],
  ])('returns null for %s', (_name, header) => {
    expect(parseAuthorization(header)).toBeNull();
  });
});

describe('scopeDate', () => {
  it('is the UTC calendar date around midnight', () => {
    const midnight = Date.UTC(2024, 0, 2) / 1000; // 2024-01-02T00:00:00Z
    expect(scopeDate(midnight - 1)).toBe('2024-01-01');
    expect(scopeDate(midnight)).toBe('2024-01-02');
    expect(scopeDate(midnight + 1)).toBe('2024-01-02');
    expect(scopeDate(midnight + 86_399)).toBe('2024-01-02');
    expect(scopeDate(midnight + 86_400)).toBe('2024-01-03');
  });

  it('crosses month and year boundaries, including leap days', () => {
    expect(scopeDate(Date.UTC(2024, 0, 1) / 1000 - 1)).toBe('2023-12-31');
    expect(scopeDate(Date.UTC(2024, 2, 1) / 1000 - 1)).toBe('2024-02-29');
    expect(scopeDate(Date.UTC(2023, 2, 1) / 1000 - 1)).toBe('2023-02-28');
  });

  it('matches the fixed-vector timestamp and the epoch', () => {
    expect(scopeDate(TIMESTAMP)).toBe('2023-11-14');
    expect(scopeDate(0)).toBe('1970-01-01');
  });
});

describe('deriveSigningKey', () => {
  const chain = (key: string, date: string, service: string): Buffer => {
    const kDate = createHmac('sha256', `TC3${key}`).update(date).digest();
    const kService = createHmac('sha256', kDate).update(service).digest();
    return createHmac('sha256', kService).update('tc3_request').digest();
  };

  it.each([
    [SECRET_KEY, '2023-11-14', 'ccc'],
    ['Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', '2019-02-25', 'cvm'],
    ['本地密钥', '2024-02-29', '127'],
  ])('equals HMAC(HMAC(HMAC("TC3"+key, date), service), "tc3_request") for %s / %s / %s', (key, date, service) => {
    const derived = deriveSigningKey(key, date, service);
    expect(derived.length).toBe(32);
    expect(derived.equals(chain(key, date, service))).toBe(true);
  });

  it('differs by date and by service', () => {
    const a = deriveSigningKey(SECRET_KEY, '2023-11-14', 'ccc');
    expect(a.equals(deriveSigningKey(SECRET_KEY, '2023-11-15', 'ccc'))).toBe(false);
    expect(a.equals(deriveSigningKey(SECRET_KEY, '2023-11-14', '127'))).toBe(false);
  });
});

describe('UNSIGNED-PAYLOAD', () => {
  it('signs sha256("UNSIGNED-PAYLOAD") as the payload hash, whatever the body', () => {
    const base: SignInput = {
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      method: 'POST',
      host: HOST,
      service: 'ccc',
      timestamp: TIMESTAMP,
      contentType: 'application/json',
      body: BODY,
      unsignedPayload: true,
    };
    const header = signRequest(base);
    const canonical = canonicalRequest({
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['content-type', 'application/json'],
        ['host', HOST],
      ],
      payloadHash: sha256Hex('UNSIGNED-PAYLOAD'),
    });
    const expected = signatureHex(
      deriveSigningKey(SECRET_KEY, '2023-11-14', 'ccc'),
      stringToSign(TIMESTAMP, '2023-11-14/ccc/tc3_request', canonical),
    );
    expect(signatureOf(header)).toBe(expected);
    expect(
      referenceSignature({
        method: 'POST',
        query: '',
        contentType: 'application/json',
        host: HOST,
        payload: 'UNSIGNED-PAYLOAD',
        service: 'ccc',
        timestamp: TIMESTAMP,
        secretKey: SECRET_KEY,
      }),
    ).toBe(expected);
    // The body is not covered.
    expect(signRequest({ ...base, body: '{"tampered":true}' })).toBe(header);
    // And it differs from signing the body.
    expect(signRequest({ ...base, unsignedPayload: false })).not.toBe(header);
    expect(UNSIGNED_PAYLOAD).toBe('UNSIGNED-PAYLOAD');
  });
});

describe('building blocks', () => {
  it('sha256Hex and hmacSha256 match node:crypto', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
    expect(hmacSha256('k', '数据').equals(createHmac('sha256', 'k').update('数据', 'utf8').digest())).toBe(true);
  });

  it('canonicalRequest joins the documented lines', () => {
    const c = canonicalRequest({
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['content-type', ' application/json '],
        ['host', 'ccc.tencentcloudapi.com'],
      ],
      payloadHash: 'h',
    });
    expect(c).toBe('POST\n/\n\ncontent-type:application/json\nhost:ccc.tencentcloudapi.com\n\ncontent-type;host\nh');
  });

  it('stringToSign uses the algorithm, timestamp, scope and hashed canonical request', () => {
    expect(stringToSign(1, 's', 'c')).toBe(`${TC3_ALGORITHM}\n1\ns\n${sha256Hex('c')}`);
  });
});
