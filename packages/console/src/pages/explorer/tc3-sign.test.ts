import { describe, expect, it } from 'vitest';
import { canonicalRequest, deriveSigningKey, sha256Hex, signatureHex, signRequest, stringToSign } from '@openccc/protocol/tc3';
import { signTc3 } from './tc3-sign.js';

// The fixed vector of packages/protocol/src/tc3.test.ts.
const SECRET_ID = 'AKIDEXAMPLE';
const SECRET_KEY = 'EXAMPLEKEY';
const TIMESTAMP = 1700000000;
const HOST = 'ccc.example.com';
const BODY = '{"SdkAppId":1400000001,"SeatUserId":"a@b.c"}';

describe('signTc3 (WebCrypto)', () => {
  it('signs the fixed POST vector exactly as the server’s tc3.ts does', async () => {
    const signed = await signTc3({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      timestamp: TIMESTAMP,
      service: 'ccc',
      method: 'POST',
      body: BODY,
      headers: [
        ['content-type', 'application/json'],
        ['host', HOST],
      ],
    });
    expect(signed.signature).toBe('c41aec99daae2fe5e2a0853a73972002a51a0fcd170b608f5bc0e431af8e298c');
    expect(signed.authorization).toBe(
      signRequest({ secretId: SECRET_ID, secretKey: SECRET_KEY, method: 'POST', host: HOST, service: 'ccc', timestamp: TIMESTAMP, contentType: 'application/json', body: BODY }),
    );
    expect(signed.credentialScope).toBe('2023-11-14/ccc/tc3_request');
  });

  it('signs X-TC-Action too, with the canonical request and string to sign the server computes', async () => {
    const headers = [
      ['content-type', 'application/json; charset=utf-8'],
      ['host', '127.0.0.1:8080'],
      ['x-tc-action', 'createsdklogintoken'],
    ] as const;
    const body = '{"SdkAppId":1400000001,"SeatUserId":"张三@example.com"}';
    const signed = await signTc3({ secretId: SECRET_ID, secretKey: SECRET_KEY, timestamp: TIMESTAMP, service: 'ccc', method: 'POST', body, headers });
    const canonical = canonicalRequest({ method: 'POST', path: '/', query: '', headers, payloadHash: sha256Hex(body) });
    const toSign = stringToSign(TIMESTAMP, '2023-11-14/ccc/tc3_request', canonical);
    expect(signed.canonicalRequest).toBe(canonical);
    expect(signed.stringToSign).toBe(toSign);
    expect(signed.signature).toBe(signatureHex(deriveSigningKey(SECRET_KEY, '2023-11-14', 'ccc'), toSign));
    expect(signed.authorization).toContain('SignedHeaders=content-type;host;x-tc-action, Signature=');
  });

  it('gives another signature for another key', async () => {
    const base = { secretId: SECRET_ID, timestamp: TIMESTAMP, service: 'ccc', method: 'POST' as const, body: BODY, headers: [['host', HOST]] as const };
    const one = await signTc3({ ...base, secretKey: SECRET_KEY });
    const other = await signTc3({ ...base, secretKey: `${SECRET_KEY}x` });
    expect(one.signature).not.toBe(other.signature);
    expect(one.canonicalRequest).toBe(other.canonicalRequest);
  });
});
