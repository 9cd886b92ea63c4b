import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, createInstance, type CreatedInstance, type CreatedKey } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectError, expectHealthy, expectOk } from './envelope.js';
import { signedFetch, type RawResponse, type SignedFetchOptions } from './signed-fetch.js';

/** Sub-account keys: an action allow-list and an instance allow-list. */
let server: TestServer;
let second: CreatedInstance;
/** May call Describe* on the first instance only. */
let describer: CreatedKey;
/** May call CreateSDKLoginToken on any instance. */
let tokenMinter: CreatedKey;

beforeAll(async () => {
  server = await startTestServer();
  const { store, box } = server.folder;
  second = await createInstance(store, 'second', Date.now());
  describer = await createApiKey(store, box, { actions: ['Describe*'], sdkAppIds: [server.sdkAppId] }, 'describe only', Date.now());
  tokenMinter = await createApiKey(store, box, { actions: ['CreateSDKLoginToken'], sdkAppIds: null }, 'tokens only', Date.now());
});

afterAll(async () => {
  await server?.close();
});

function as(key: CreatedKey, options: SignedFetchOptions): Promise<RawResponse> {
  return signedFetch(server, { ...options, secretId: key.secretId, secretKey: key.secretKey });
}

const describeStaff = (sdkAppId: number): SignedFetchOptions => ({
  action: 'DescribeStaffInfoList',
  params: { SdkAppId: sdkAppId, PageSize: 10, PageNumber: 0 },
});

const loginToken = (sdkAppId: number, seatUserId: string): SignedFetchOptions => ({
  action: 'CreateSDKLoginToken',
  params: { SdkAppId: sdkAppId, SeatUserId: seatUserId },
});

describe('a Describe* key limited to one instance', () => {
  it('can call DescribeStaffInfoList on its instance', async () => {
    const response = expectOk(await as(describer, describeStaff(server.sdkAppId)));
    expect(response['StaffList']).toEqual([expect.objectContaining({ Mail: server.adminUser })]);
  });

  it('can call any other Describe action on its instance', async () => {
    // Not the previous test's body: signed in the same second, it would carry the same signature, bound to DescribeStaffInfoList.
    const res = await as(describer, { action: 'DescribeSkillGroupInfoList', params: { SdkAppId: server.sdkAppId, PageSize: 20, PageNumber: 0 } });
    expect(expectOk(res)['TotalCount']).toBe(0);
  });

  it('answers AuthFailure.UnauthorizedOperation for CreateSDKLoginToken', async () => {
    const message = expectError(await as(describer, loginToken(server.sdkAppId, server.adminUser)), 'AuthFailure.UnauthorizedOperation');
    expect(message).toContain('CreateSDKLoginToken');
  });

  it('answers AuthFailure.UnauthorizedOperation for a forbidden action before looking at its parameters', async () => {
    const res = await as(describer, { action: 'CreateStaff', params: { SdkAppId: 'not a number', Bogus: true } });
    expectError(res, 'AuthFailure.UnauthorizedOperation');
  });

  it('answers AuthFailure.UnauthorizedOperation for a Describe on another SdkAppId', async () => {
    const message = expectError(await as(describer, describeStaff(second.sdkAppId)), 'AuthFailure.UnauthorizedOperation');
    expect(message).toContain(String(second.sdkAppId));
  });

  it('answers AuthFailure.UnauthorizedOperation for a GET Describe on another SdkAppId', async () => {
    expectError(await as(describer, { ...describeStaff(second.sdkAppId), method: 'GET' }), 'AuthFailure.UnauthorizedOperation');
  });

  it('answers AuthFailure.UnauthorizedOperation for an SdkAppId that does not exist', async () => {
    expectError(await as(describer, describeStaff(second.sdkAppId + 1)), 'AuthFailure.UnauthorizedOperation');
  });
});

describe('a CreateSDKLoginToken key for every instance', () => {
  it('can mint tokens on both instances', async () => {
    expect(expectOk(await as(tokenMinter, loginToken(server.sdkAppId, server.adminUser)))['Token']).toMatch(/^[0-9a-f]{32}$/);
    expect(expectOk(await as(tokenMinter, loginToken(second.sdkAppId, second.adminUser)))['Token']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers AuthFailure.UnauthorizedOperation for DescribeStaffInfoList', async () => {
    expectError(await as(tokenMinter, describeStaff(server.sdkAppId)), 'AuthFailure.UnauthorizedOperation');
  });
});

describe('the main-account key', () => {
  it('acts on every instance', async () => {
    expect(expectOk(await signedFetch(server, describeStaff(second.sdkAppId)))['TotalCount']).toBe(1);
    expectOk(await signedFetch(server, loginToken(second.sdkAppId, second.adminUser)));
  });
});

describe('afterwards', () => {
  it('the server is still healthy', async () => {
    await expectHealthy(server.port);
  });
});
