import { ActionSchemas } from '@openccc/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { CHINESE_RE, METHODS, clientFor, expectCloudError } from './helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const IMPLEMENTED = new Set(Object.keys(ActionSchemas));

describe.each(METHODS)('actions OpenCCC does not implement, over %s', (method) => {
  const client = () => clientFor(server, method);

  it('PlaySoundCall answers UnsupportedOperation naming the action', async () => {
    const err = await expectCloudError(client().PlaySoundCall({ SdkAppId: server.sdkAppId, SessionId: '00000000-0000-4000-8000-000000000001', FileId: 1 }), 'UnsupportedOperation');
    expect(err.message).toContain('PlaySoundCall');
  });

  it('CreateIVRSession answers UnsupportedOperation naming the action', async () => {
    const err = await expectCloudError(client().CreateIVRSession({ SdkAppId: server.sdkAppId, Callee: '008613800000000', IVRId: 1 }), 'UnsupportedOperation');
    expect(err.message).toContain('CreateIVRSession');
  });

  it('DescribeAutoCalloutTasks and DescribeProtectedTelCdr answer UnsupportedOperation naming the action', async () => {
    const c = client();
    expect((await expectCloudError(c.DescribeAutoCalloutTasks({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 }), 'UnsupportedOperation')).message).toContain('DescribeAutoCalloutTasks');
    expect(
      (await expectCloudError(c.DescribeProtectedTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: 0, EndTimeStamp: 1, PageSize: 10, PageNumber: 0 }), 'UnsupportedOperation')).message,
    ).toContain('DescribeProtectedTelCdr');
  });

  it('answers UnsupportedOperation in Chinese when asked for zh-CN', async () => {
    const err = await expectCloudError(clientFor(server, method, 'zh-CN').DescribeAutoCalloutTasks({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 }), 'UnsupportedOperation');
    expect(err.message).toMatch(CHINESE_RE);
    expect(err.message).toContain('DescribeAutoCalloutTasks');
  });

  it('every other action of the official client answers UnsupportedOperation, never InvalidAction', async () => {
    const c = client();
    const actions = Object.getOwnPropertyNames(Object.getPrototypeOf(c)).filter((name) => /^[A-Z]/.test(name));
    expect(actions.length).toBeGreaterThan(50);
    for (const name of IMPLEMENTED) expect(actions).toContain(name);
    const unsupported = actions.filter((name) => !IMPLEMENTED.has(name));
    const outcomes = await Promise.all(
      unsupported.map((name) =>
        c.request(name, { SdkAppId: server.sdkAppId }).then(
          () => `${name}: succeeded`,
          (e: { code?: string; message: string }) => (e.code === 'UnsupportedOperation' && e.message.includes(name) ? 'ok' : `${name}: ${e.code} ${e.message}`),
        ),
      ),
    );
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
  });

  it('an action that does not exist in ccc answers InvalidAction naming it', async () => {
    const err = await expectCloudError(client().request('DescribeWeather', { SdkAppId: server.sdkAppId }), 'InvalidAction');
    expect(err.message).toContain('DescribeWeather');
  });

  it('a request signed with the wrong SecretKey answers AuthFailure.SignatureFailure', async () => {
    const wrong = officialClient(server, { reqMethod: method, secretKey: `${server.secretKey.slice(1)}x` });
    await expectCloudError(wrong.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: 0 }), 'AuthFailure.SignatureFailure');
  });

  it('a request signed with an unknown SecretId answers AuthFailure.SecretIdNotFound', async () => {
    const stranger = officialClient(server, { reqMethod: method, secretId: `AKID${'0'.repeat(32)}` });
    await expectCloudError(stranger.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: server.adminUser }), 'AuthFailure.SecretIdNotFound');
  });
});
