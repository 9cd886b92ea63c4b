import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectError, expectHealthy, expectOk } from './envelope.js';
import { buildSignedRequest, signedFetch, type RawResponse, type SignedFetchOptions } from './signed-fetch.js';

/** Which key signs, and what the Authorization header looks like. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

function describeStaff(options: SignedFetchOptions = {}): Promise<RawResponse> {
  return signedFetch(server, {
    action: 'DescribeStaffInfoList',
    params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 },
    ...options,
  });
}

async function newKey(description: string): Promise<{ secretId: string; secretKey: string }> {
  return createApiKey(server.folder.store, server.folder.box, null, description, Date.now());
}

/** A valid Authorization header for the default request, to mangle. */
function validAuthorization(): string {
  const header = buildSignedRequest(server, { params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 } }).headers['authorization'];
  if (!header) throw new Error('no Authorization built');
  return header;
}

describe('SecretId lookup', () => {
  it('answers AuthFailure.SecretIdNotFound for an unknown SecretId', async () => {
    const message = expectError(await describeStaff({ secretId: 'AKIDunknownunknownunknownunknown00', secretKey: 'whatever' }), 'AuthFailure.SecretIdNotFound');
    expect(message).toContain('AKIDunknownunknownunknownunknown00');
  });

  it('a disabled key answers AuthFailure.SecretIdNotFound, and works again as soon as it is enabled', async () => {
    const key = await newKey('disable me');
    expectOk(await describeStaff(key));

    expect(await server.folder.store.apiKeys.setStatus(key.secretId, 'disabled')).toBe(true);
    expectError(await describeStaff(key), 'AuthFailure.SecretIdNotFound');

    expect(await server.folder.store.apiKeys.setStatus(key.secretId, 'enabled')).toBe(true);
    expectOk(await describeStaff(key));
  });

  it('a deleted key answers AuthFailure.SecretIdNotFound', async () => {
    const key = await newKey('delete me');
    expectOk(await describeStaff(key));
    expect(await server.folder.store.apiKeys.delete(key.secretId)).toBe(true);
    expectError(await describeStaff(key), 'AuthFailure.SecretIdNotFound');
  });

  it("answers AuthFailure.SignatureFailure for another key's SecretKey", async () => {
    const other = await newKey('other');
    expectError(await describeStaff({ secretKey: other.secretKey }), 'AuthFailure.SignatureFailure');
  });

  it('the other keys keep working', async () => {
    expectOk(await describeStaff());
  });
});

describe('Authorization header', () => {
  it('answers AuthFailure.InvalidAuthorization when it is missing', async () => {
    expectError(await describeStaff({ authorization: null }), 'AuthFailure.InvalidAuthorization');
  });

  it('answers AuthFailure.InvalidAuthorization for Authorization: SKIP', async () => {
    expectError(await describeStaff({ authorization: 'SKIP' }), 'AuthFailure.InvalidAuthorization');
  });

  it.each([
    ['another scheme', () => 'Bearer abcdef'],
    ['an empty value', () => ''],
    ['the legacy algorithm name', () => validAuthorization().replace('TC3-HMAC-SHA256', 'HmacSHA256')],
    ['no Signature', () => validAuthorization().replace(/, Signature=[0-9a-f]+$/, '')],
    ['a short Signature', () => validAuthorization().replace(/Signature=([0-9a-f]+)$/, (_m, sig: string) => `Signature=${sig.slice(2)}`)],
    ['a non-hex Signature', () => validAuthorization().replace(/Signature=([0-9a-f]{4})/, 'Signature=zzzz')],
    ['a scope without tc3_request', () => validAuthorization().replace('/tc3_request', '/tc4_request')],
    ['a scope without a date', () => validAuthorization().replace(/\/\d{4}-\d{2}-\d{2}\//, '/')],
    ['no SignedHeaders', () => validAuthorization().replace(/ SignedHeaders=[a-z;-]+,/, '')],
  ])('answers AuthFailure.InvalidAuthorization for %s', async (_label, make) => {
    expectError(await describeStaff({ authorization: make() }), 'AuthFailure.InvalidAuthorization');
  });

  it('answers AuthFailure.InvalidAuthorization when SignedHeaders leaves out host', async () => {
    const message = expectError(await describeStaff({ signedHeaders: ['content-type'] }), 'AuthFailure.InvalidAuthorization');
    expect(message).toContain('host');
  });

  it('answers AuthFailure.InvalidAuthorization when SignedHeaders leaves out content-type', async () => {
    expectError(await describeStaff({ signedHeaders: ['host'] }), 'AuthFailure.InvalidAuthorization');
  });

  it('answers AuthFailure.TokenFailure when X-TC-Token (temporary credentials) is sent', async () => {
    expectError(await describeStaff({ headers: { 'X-TC-Token': 'temporary-session-token' } }), 'AuthFailure.TokenFailure');
  });

  it("ignores an empty X-TC-Token (the Node SDK sends one for credential.token: '')", async () => {
    expectOk(await describeStaff({ headers: { 'X-TC-Token': '' } }));
  });
});

describe('afterwards', () => {
  it('the server is still healthy', async () => {
    await expectHealthy(server.port);
  });
});
