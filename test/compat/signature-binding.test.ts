import { Agent } from 'node:http';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { HEX32_RE, METHODS, createStaff, expectCloudError, uniqMail, type Method } from './helpers.js';

/**
 * The official SDK signs only content-type and host, so two requests with the same
 * body in the same second carry the same signature whatever their action. The
 * server clock and the SDK's clock (Date) are frozen together, so "the same second"
 * is a fact of the test, not a race.
 */

let server: TestServer;
let now = Math.floor(Date.now() / 1000) * 1000;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
});

afterAll(async () => {
  await server?.close();
});

/** Moves both clocks; each test starts on a second of its own. */
function setClock(ms: number): void {
  now = ms;
  vi.setSystemTime(ms);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  setClock(now + 10_000);
});

afterEach(() => {
  vi.useRealTimers();
});

/** A client that sends every request on a connection of its own, as someone replaying a captured request would. */
function elsewhere(method: Method, key: { secretId: string; secretKey: string } = server): CccClient {
  return new tencentcloud.ccc.v20200210.Client({
    credential: { secretId: key.secretId, secretKey: key.secretKey },
    region: '',
    profile: { httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', reqMethod: method, agent: new Agent({ keepAlive: false }) } },
  });
}

describe('identical requests in the same second', () => {
  it('all succeed, one after the other and at once, from one client or several', async () => {
    const client = officialClient(server);
    const request = { SdkAppId: server.sdkAppId, SeatUserId: server.adminUser };
    const tokens = [(await client.CreateSDKLoginToken(request)).Token, (await client.CreateSDKLoginToken(request)).Token];
    const together = await Promise.all(Array.from({ length: 5 }, () => client.CreateSDKLoginToken(request)));
    tokens.push(...together.map((res) => res.Token));
    // The same request from another connection is a replay of the same action: accepted, as documented.
    tokens.push((await elsewhere('POST').CreateSDKLoginToken(request)).Token);
    for (const token of tokens) expect(token).toMatch(HEX32_RE);
    expect(new Set(tokens).size).toBe(8);
  });
});

describe.each(METHODS)('a signature re-aimed at another action, over %s', (method) => {
  it('DescribeStaffStatusMetrics cannot become DeleteStaff; a request signed a second later can', async () => {
    const client = officialClient(server, { reqMethod: method });
    const mail = uniqMail('re-aimed');
    await createStaff(client, server.sdkAppId, [{ Mail: mail }]);
    setClock(now + 1000);
    const body = { SdkAppId: server.sdkAppId, StaffList: [mail] };
    expect((await client.DescribeStaffStatusMetrics(body)).Metrics).toHaveLength(1);

    const err = await expectCloudError(elsewhere(method).DeleteStaff(body), 'AuthFailure.SignatureFailure');
    expect(err.message).toContain('DescribeStaffStatusMetrics');
    expect(err.message).toContain('Sign the request again');
    expect(await server.folder.store.staff.get(server.sdkAppId, mail)).toBeDefined();

    setClock(now + 1000);
    await elsewhere(method).DeleteStaff(body);
    expect(await server.folder.store.staff.get(server.sdkAppId, mail)).toBeUndefined();
  });

  it('an agent-token request cannot become a console link, nor the other way round', async () => {
    const client = officialClient(server, { reqMethod: method });
    const body = { SdkAppId: server.sdkAppId, SeatUserId: server.adminUser };
    expect((await client.CreateSDKLoginToken(body)).Token).toMatch(HEX32_RE);
    await expectCloudError(elsewhere(method).CreateAdminURL(body), 'AuthFailure.SignatureFailure');

    setClock(now + 1000);
    expect((await client.CreateAdminURL(body)).URL).toMatch(/^http/);
    await expectCloudError(elsewhere(method).CreateSDKLoginToken(body), 'AuthFailure.SignatureFailure');
  });

  it('the sender of the first use may send it with another action on its own connection', async () => {
    const client = officialClient(server, { reqMethod: method });
    const mail = uniqMail('same-sender');
    await createStaff(client, server.sdkAppId, [{ Mail: mail }]);
    setClock(now + 1000);
    await client.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: mail });
    await client.RestoreMemberOnline({ SdkAppId: server.sdkAppId, UserId: mail });
    expect((await server.folder.store.staff.get(server.sdkAppId, mail))?.forcedOffline).toBe(false);
  });
});

describe('a key with single-use signatures', () => {
  it('refuses any repeat of a signature, even from its own sender; a request signed a second later passes', async () => {
    const key = await createApiKey(server.folder.store, server.folder.box, null, 'single use', now, { singleUseSignatures: true });
    const client = officialClient(server, key);
    const request = { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 };
    expect((await client.DescribeStaffInfoList(request)).TotalCount).toBeGreaterThan(0);
    const err = await expectCloudError(client.DescribeStaffInfoList(request), 'AuthFailure.SignatureFailure');
    expect(err.message).toContain('accepts each signature once');

    setClock(now + 1000);
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, () => client.DescribeStaffInfoList(request)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'AuthFailure.SignatureFailure' });
  });
});

describe('a key that requires X-TC-Action to be signed', () => {
  it('refuses the official SDK, which signs only content-type and host, saying what to sign', async () => {
    const key = await createApiKey(server.folder.store, server.folder.box, null, 'signed action', now, { requireSignedAction: true });
    const err = await expectCloudError(officialClient(server, key).DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: 0 }), 'AuthFailure.InvalidAuthorization');
    expect(err.message).toContain('x-tc-action');
  });
});

describe.each(METHODS)('authentication before action support, over %s', (method) => {
  it('an action OpenCCC does not implement answers the authentication error when the signature is wrong', async () => {
    const wrong = officialClient(server, { reqMethod: method, secretKey: 'x'.repeat(32) });
    await expectCloudError(wrong.DescribeAutoCalloutTasks({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 }), 'AuthFailure.SignatureFailure');
    await expectCloudError(wrong.request('DescribeWeather', { SdkAppId: server.sdkAppId }), 'AuthFailure.SignatureFailure');
    const stranger = officialClient(server, { reqMethod: method, secretId: `AKID${'0'.repeat(32)}` });
    await expectCloudError(stranger.DescribeAutoCalloutTasks({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 }), 'AuthFailure.SecretIdNotFound');
    // Correctly signed, the answers are as before.
    const client = officialClient(server, { reqMethod: method });
    await expectCloudError(client.DescribeAutoCalloutTasks({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 }), 'UnsupportedOperation');
    await expectCloudError(client.request('DescribeWeather', { SdkAppId: server.sdkAppId }), 'InvalidAction');
  });
});
