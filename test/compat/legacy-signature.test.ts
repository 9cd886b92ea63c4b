import tencentcloud from 'tencentcloud-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { CHINESE_RE, expectCloudError, uniqMail } from './helpers.js';

/** The official SDK configured with `signMethod` uses Tencent's older (v1) signature. */
function legacyClient(server: TestServer, signMethod: 'HmacSHA256' | 'HmacSHA1', reqMethod: 'POST' | 'GET', secretKey = server.secretKey) {
  return new tencentcloud.ccc.v20200210.Client({
    credential: { secretId: server.secretId, secretKey },
    region: '',
    profile: { signMethod, language: 'zh-CN', httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', reqMethod } },
  });
}

describe.each([
  ['HmacSHA256', 'POST'],
  ['HmacSHA256', 'GET'],
  ['HmacSHA1', 'POST'],
  ['HmacSHA1', 'GET'],
] as const)('legacy %s signatures over %s', (signMethod, reqMethod) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates staff with nested parameters and mints a token', async () => {
    const client = legacyClient(server, signMethod, reqMethod);
    const mail = uniqMail('legacy');
    const group = await client.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: `g-${mail}`, SkillGroupType: 0 });
    expect(group.SkillGroupId).toBeGreaterThan(0);
    const created = await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Name: '王五', Mail: mail, StaffNumber: '7', SkillGroupNameList: [`g-${mail}`] }] });
    expect(created.ErrorStaffList).toEqual([]);
    const list = await client.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: mail });
    expect(list.StaffList?.[0]).toMatchObject({ Mail: mail, Name: '王五', SkillGroupList: [{ SkillGroupName: `g-${mail}` }] });
    const token = await client.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail, OnlyOnce: true });
    expect(token.Token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses a wrong SecretKey with SignatureFailure, in Chinese when Language is zh-CN', async () => {
    const client = legacyClient(server, signMethod, reqMethod, 'x'.repeat(32));
    const error = await expectCloudError(client.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: 0 }), 'AuthFailure.SignatureFailure');
    expect(error.message).toMatch(CHINESE_RE);
  });

  it('validates parameters like any other request', async () => {
    const client = legacyClient(server, signMethod, reqMethod);
    await expectCloudError(client.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 0, PageNumber: 0 }), 'InvalidParameterValue');
    await expectCloudError(client.CreateSDKLoginToken({ SdkAppId: 1_400_000_000, SeatUserId: 'x@example.com' }), 'InvalidParameterValue.InstanceNotExist');
  });
});
