import { createHmac } from 'node:crypto';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { openRawRequest } from './raw-socket.js';
import { signedFetch } from './signed-fetch.js';

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
    expect((await legacyCall(server, { ...base(), Action: 'PlaySoundCall' })).Response.Error?.Code).toBe('UnsupportedOperation');
  });
});

describe('legacy v1 signatures are accepted once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  const staff = (mail: string) => ({
    SdkAppId: String(server.sdkAppId),
    'Staffs.0.Mail': mail,
    'Staffs.0.Name': 'Bob',
    'Staffs.0.Nick': 'Bobby',
    'Staffs.0.StaffNumber': '1',
  });

  it('refuses a request re-sent with its parameters re-split (Name=Bob&Nick=Bobby as one Name), which keeps the signature', async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const params = { ...staff('resplit@example.com'), Action: 'CreateStaff' };
    expect((await legacyCall(server, params, { timestamp })).Response).toMatchObject({ ErrorStaffList: [] });
    const resplit = await legacyCall(server, params, {
      timestamp,
      tamper: (p) => {
        p['Staffs.0.Name'] = 'Bob&Staffs.0.Nick=Bobby';
        delete p['Staffs.0.Nick'];
      },
    });
    expect(resplit.Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
    expect(resplit.Response.Error?.Message).toContain('Nonce');
    expect((await server.folder.store.staff.get(server.sdkAppId, 'resplit@example.com'))?.name).toBe('Bob');
  });

  it('refuses an identical second request, over POST and GET: a v1 request carries a Nonce for that', async () => {
    const timestamp = Math.floor(Date.now() / 1000) - 1;
    const params = { SdkAppId: String(server.sdkAppId), PageSize: '10', PageNumber: '0' };
    for (const method of ['POST', 'GET'] as const) {
      expect((await legacyCall(server, params, { method, timestamp })).Response.Error).toBeUndefined();
      expect((await legacyCall(server, params, { method, timestamp })).Response.Error?.Code).toBe('AuthFailure.SignatureFailure');
      // Another Nonce is another signature.
      expect((await legacyCall(server, { ...params, Nonce: '67890' }, { method, timestamp })).Response.Error).toBeUndefined();
    }
  });
});

describe('legacy v1 signatures turned off (--legacy-signatures off)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ flags: { 'legacy-signatures': 'off' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  const base = () => ({ SdkAppId: String(server.sdkAppId), PageSize: '10', PageNumber: '0' });

  it('refuses v1 requests over POST and GET with AuthFailure.InvalidAuthorization, saying how to sign instead, and still accepts TC3', async () => {
    for (const method of ['POST', 'GET'] as const) {
      const res = await legacyCall(server, base(), { method });
      expect(res.Response.Error?.Code).toBe('AuthFailure.InvalidAuthorization');
      expect(res.Response.Error?.Message).toContain('signMethod');
    }
    const res = await signedFetch(server, { action: 'DescribeStaffInfoList', params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 } });
    expect((res.json as Envelope).Response.Error).toBeUndefined();
  });

  it('refuses the official SDK configured with signMethod', async () => {
    const client = new tencentcloud.ccc.v20200210.Client({
      credential: { secretId: server.secretId, secretKey: server.secretKey },
      region: '',
      profile: { signMethod: 'HmacSHA256', httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', reqMethod: 'POST' } },
    });
    await expect(client.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: 0 })).rejects.toMatchObject({
      code: 'AuthFailure.InvalidAuthorization',
    });
  });

  it('answers a form POST without TC3 headers before reading its body', async () => {
    const request = openRawRequest(server.port, { headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(5 * 1024 * 1024) } });
    const answer = await request.answer;
    expect(answer?.status).toBe(200);
    expect(answer?.headers['connection']).toBe('keep-alive'); // the declared body (up to 10 MB) is discarded as it arrives
    expect(answer?.json).toMatchObject({ Response: { Error: { Code: 'AuthFailure.InvalidAuthorization' } } });
    request.close();
  });
});
