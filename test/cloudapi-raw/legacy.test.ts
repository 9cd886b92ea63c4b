import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';

interface Envelope {
  Response: { Error?: { Code: string; Message: string }; RequestId: string } & Record<string, unknown>;
}

/** A v1 request signed the way the official SDKs do it with `signMethod`, then optionally altered. */
async function legacyCall(
  server: TestServer,
  params: Record<string, string>,
  options: { method?: 'GET' | 'POST'; signMethod?: string; secretKey?: string; timestamp?: number; tamper?: (p: Record<string, string>) => void } = {},
): Promise<Envelope> {
  const method = options.method ?? 'POST';
  const all: Record<string, string> = {
    Action: 'DescribeSkillGroupInfoList',
    Version: '2020-02-10',
    Nonce: '12345',
    Timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    SecretId: server.secretId,
    SignatureMethod: options.signMethod ?? 'HmacSHA256',
    ...params,
  };
  const host = `127.0.0.1:${server.port}`;
  const sorted = Object.keys(all).sort().map((k) => `${k}=${all[k]}`).join('&');
  const algorithm = all['SignatureMethod'] === 'HmacSHA1' ? 'sha1' : 'sha256';
  all['Signature'] = createHmac(algorithm, options.secretKey ?? server.secretKey).update(`${method}${host}/?${sorted}`).digest('base64');
  options.tamper?.(all);
  const form = new URLSearchParams(all).toString();
  const response =
    method === 'GET'
      ? await fetch(`${server.url}/?${form}`)
      : await fetch(`${server.url}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  expect(response.status).toBe(200);
  return (await response.json()) as Envelope;
}

describe('legacy v1 signatures, raw', () => {
  let server: TestServer;
  const base = () => ({ SdkAppId: String(server.sdkAppId), PageSize: '10', PageNumber: '0' });
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('accepts a valid POST and GET', async () => {
    expect((await legacyCall(server, base())).Response.Error).toBeUndefined();
    expect((await legacyCall(server, base(), { method: 'GET' })).Response.Error).toBeUndefined();
  });

  it('refuses a parameter changed after signing', async () => {
    const res = await legacyCall(server, base(), { tamper: (p) => (p['PageSize'] = '11') });
    expect(res.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
  });

  it('refuses a timestamp outside ±300 s', async () => {
    const res = await legacyCall(server, base(), { timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect(res.Response.Error?.Code).toBe('AuthFailure.SignatureExpire');
  });

  it('names a missing common parameter', async () => {
    const res = await legacyCall(server, base(), { tamper: (p) => delete p['Nonce'] });
    expect(res.Response.Error).toMatchObject({ Code: 'MissingParameter' });
    expect(res.Response.Error?.Message).toContain('Nonce');
  });

  it('refuses an unknown SignatureMethod and temporary credentials', async () => {
    expect((await legacyCall(server, base(), { signMethod: 'HmacMD5' })).Response.Error?.Code).toBe('InvalidParameterValue');
    expect((await legacyCall(server, { ...base(), Token: 'sts-token' })).Response.Error?.Code).toBe('AuthFailure.TokenFailure');
  });

  it('refuses an unknown SecretId and reports unknown actions', async () => {
    expect((await legacyCall(server, base(), { tamper: (p) => (p['SecretId'] = 'AKIDnope') })).Response.Error?.Code).toBe('AuthFailure.SecretIdNotFound');
    expect((await legacyCall(server, { ...base(), Action: 'DescribeTelCdr' })).Response.Error?.Code).toBe('UnsupportedOperation');
  });
});
