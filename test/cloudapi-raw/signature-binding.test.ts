import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, type CreatedKey } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectError, expectOk } from './envelope.js';
import { buildSignedRequest, signedFetch, type RawResponse, type SignedFetchOptions, type Target } from './signed-fetch.js';

/**
 * Signed requests captured and sent again by hand: with another X-TC-Action, on
 * another connection or the same one, with the action signed or not.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

type Built = ReturnType<typeof buildSignedRequest>;

/** Sends a built request, with some headers replaced, through `agent` (a fresh connection when none). */
function send(built: Built, replace: Record<string, string> = {}, agent: Agent | false = false): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const body = built.body === undefined ? undefined : Buffer.from(built.body);
    const headers = { ...built.headers, ...replace, ...(body ? { 'content-length': String(body.length) } : {}) };
    const req = httpRequest({ host: '127.0.0.1', port: server.port, method: built.method, path: built.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const flat = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)]));
        resolve({ status: res.statusCode ?? 0, headers: flat, text, json: JSON.parse(text) as unknown });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function newStaff(mail: string): Promise<void> {
  const res = await signedFetch(server, { action: 'CreateStaff', params: { SdkAppId: server.sdkAppId, Staffs: [{ Name: 'Agent', Mail: mail, StaffNumber: '1' }] } });
  expect(expectOk(res)['ErrorStaffList']).toEqual([]);
}

const staffExists = async (mail: string) => (await server.folder.store.staff.get(server.sdkAppId, mail)) !== undefined;

describe('a captured request sent again with another X-TC-Action', () => {
  it('is refused from another connection, naming the first action and saying to sign again', async () => {
    const mail = `captured-${Date.now()}@example.com`;
    await newStaff(mail);
    const captured = buildSignedRequest(server, { action: 'DescribeStaffStatusMetrics', params: { SdkAppId: server.sdkAppId, StaffList: [mail] } });
    expectOk(await send(captured));
    const message = expectError(await send(captured, { 'x-tc-action': 'DeleteStaff' }), 'AuthFailure.SignatureFailure');
    expect(message).toContain('DescribeStaffStatusMetrics');
    expect(message).toContain('Sign the request again');
    expect(await staffExists(mail)).toBe(true);
    // And in Chinese when asked.
    expect(expectError(await send(captured, { 'x-tc-action': 'DeleteStaff', 'x-tc-language': 'zh-CN' }), 'AuthFailure.SignatureFailure')).toContain('重新签名');
  });

  it('is refused for CreateSDKLoginToken turned into CreateAdminURL, and back', async () => {
    const params = { SdkAppId: server.sdkAppId, SeatUserId: server.adminUser };
    // Two different seconds, so that the two requests have different signatures.
    const now = Math.floor(Date.now() / 1000);
    const token = buildSignedRequest(server, { action: 'CreateSDKLoginToken', params, timestamp: now - 5 });
    expect(expectOk(await send(token))['Token']).toMatch(/^[0-9a-f]{32}$/);
    expectError(await send(token, { 'x-tc-action': 'CreateAdminURL' }), 'AuthFailure.SignatureFailure');
    const link = buildSignedRequest(server, { action: 'CreateAdminURL', params, timestamp: now - 6 });
    expect(expectOk(await send(link))['URL']).toMatch(/^http/);
    expectError(await send(link, { 'x-tc-action': 'CreateSDKLoginToken' }), 'AuthFailure.SignatureFailure');
  });

  it('is accepted on the connection of the first use, whose sender could have changed the first request anyway', async () => {
    const mail = `same-connection-${Date.now()}@example.com`;
    await newStaff(mail);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const captured = buildSignedRequest(server, { action: 'ForceMemberOffline', params: { SdkAppId: server.sdkAppId, UserId: mail } });
      expectOk(await send(captured, {}, agent));
      expectOk(await send(captured, { 'x-tc-action': 'RestoreMemberOnline' }, agent));
      // Another connection still may not.
      expectError(await send(captured, { 'x-tc-action': 'DescribeStaffStatusMetrics' }), 'AuthFailure.SignatureFailure');
    } finally {
      agent.destroy();
    }
  });

  it('is refused when the first use was refused for its parameters, since that signature was still used', async () => {
    const params = { SdkAppId: server.sdkAppId, SeatUserId: 'nobody@example.com' };
    const captured = buildSignedRequest(server, { action: 'CreateSDKLoginToken', params });
    expectError(await send(captured), 'InvalidParameterValue.AccountNotExist');
    expectError(await send(captured, { 'x-tc-action': 'CreateAdminURL' }), 'AuthFailure.SignatureFailure');
  });
});

describe('X-TC-Action in SignedHeaders', () => {
  const signed = (action: string, signAs: string): SignedFetchOptions => ({
    action,
    params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 },
    signedHeaders: ['content-type', 'host', 'x-tc-action'],
    signAs: { 'x-tc-action': signAs },
  });

  it('accepts the action lower-cased in the canonical headers, as Tencent documents it', async () => {
    expectOk(await signedFetch(server, signed('DescribeStaffInfoList', 'describestaffinfolist')));
  });
});

describe('per-key options', () => {
  let strict: CreatedKey;
  let singleUse: CreatedKey;

  beforeAll(async () => {
    const { store, box } = server.folder;
    strict = await createApiKey(store, box, null, 'signed action required', Date.now(), { requireSignedAction: true });
    singleUse = await createApiKey(store, box, null, 'single-use signatures', Date.now(), { singleUseSignatures: true });
  });

  const target = (key: CreatedKey): Target => ({ port: server.port, ...key });
  const describeStaff: SignedFetchOptions = { action: 'DescribeStaffInfoList', params: { SdkAppId: 0, PageSize: 10, PageNumber: 0 } };

  it('require-signed-action refuses a request that does not sign X-TC-Action, and accepts one that does, in either case', async () => {
    const params = { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 };
    const message = expectError(await signedFetch(target(strict), { ...describeStaff, params }), 'AuthFailure.InvalidAuthorization');
    expect(message).toContain('x-tc-action');
    const signedHeaders = ['content-type', 'host', 'x-tc-action'];
    expectOk(await signedFetch(target(strict), { ...describeStaff, params, signedHeaders }));
    expectOk(await signedFetch(target(strict), { ...describeStaff, params: { ...params, PageSize: 11 }, signedHeaders, signAs: { 'x-tc-action': 'describestaffinfolist' } }));
  });

  it('single-use signatures refuse an identical second request, even on the same connection', async () => {
    const captured = buildSignedRequest(target(singleUse), { ...describeStaff, params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expectOk(await send(captured, {}, agent));
      expect(expectError(await send(captured, {}, agent), 'AuthFailure.SignatureFailure')).toContain('accepts each signature once');
      expectError(await send(captured), 'AuthFailure.SignatureFailure');
    } finally {
      agent.destroy();
    }
  });

});

describe('authentication before action support', () => {
  it.each(['DescribeTelCdr', 'CreateCallOutSession', 'RunInstances'])('answers a badly signed %s with the signature error', async (action) => {
    expectError(await signedFetch(server, { action, params: { SdkAppId: server.sdkAppId }, secretKey: 'wrong' }), 'AuthFailure.SignatureFailure');
  });

  it('answers an unknown SecretId before saying the action is not implemented', async () => {
    expectError(await signedFetch(server, { action: 'DescribeTelCdr', params: { SdkAppId: server.sdkAppId }, secretId: 'AKIDnobody' }), 'AuthFailure.SecretIdNotFound');
  });
});
