import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeDate } from '@openccc/protocol/tc3';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectError, expectHealthy, expectOk } from './envelope.js';
import { signedFetch, type RawResponse, type SignedFetchOptions } from './signed-fetch.js';

/**
 * TC3-HMAC-SHA256 as the server verifies it, including the official SDKs'
 * quirks. The server clock is frozen so the ±300 s window is tested exactly.
 */
const FROZEN_MS = Date.now();
const NOW = Math.floor(FROZEN_MS / 1000);

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ clock: () => FROZEN_MS });
});

afterAll(async () => {
  await server?.close();
});

/** A signed DescribeStaffInfoList at the frozen time unless `options` say otherwise. */
function describeStaff(options: SignedFetchOptions = {}): Promise<RawResponse> {
  return signedFetch(server, {
    action: 'DescribeStaffInfoList',
    params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 },
    timestamp: NOW,
    ...options,
  });
}

function expectStaffList(res: RawResponse): void {
  const response = expectOk(res);
  expect(response['TotalCount']).toBeGreaterThanOrEqual(1);
  expect(response['StaffList']).toEqual(expect.arrayContaining([expect.objectContaining({ Mail: server.adminUser })]));
}

describe('timestamp window', () => {
  it('accepts a request signed now', async () => {
    expectStaffList(await describeStaff());
  });

  it.each([299, -299, 300, -300])('accepts a timestamp %i s from the server clock', async (skew) => {
    expectStaffList(await describeStaff({ timestamp: NOW + skew }));
  });

  it.each([301, -301])('answers AuthFailure.SignatureExpire for a timestamp %i s off', async (skew) => {
    expectError(await describeStaff({ timestamp: NOW + skew }), 'AuthFailure.SignatureExpire');
  });

  it('answers AuthFailure.SignatureFailure when the scope date is not the UTC date of the timestamp', async () => {
    const message = expectError(await describeStaff({ scopeDate: scopeDate(NOW - 86_400) }), 'AuthFailure.SignatureFailure');
    expect(message).toContain(scopeDate(NOW - 86_400));
  });
});

describe('what the signature covers', () => {
  it('answers AuthFailure.SignatureFailure for a body changed after signing', async () => {
    const sendBody = JSON.stringify({ SdkAppId: server.sdkAppId, PageSize: 11, PageNumber: 0 });
    expectError(await describeStaff({ sendBody }), 'AuthFailure.SignatureFailure');
  });

  it('answers AuthFailure.SignatureFailure for a GET query changed after signing', async () => {
    const signed = `SdkAppId=${server.sdkAppId}&PageSize=10&PageNumber=0`;
    const res = await describeStaff({ method: 'GET', query: signed, sendQuery: `SdkAppId=${server.sdkAppId}&PageSize=11&PageNumber=0` });
    expectError(res, 'AuthFailure.SignatureFailure');
  });

  it('answers AuthFailure.SignatureFailure for the wrong SecretKey', async () => {
    expectError(await describeStaff({ secretKey: `${server.secretKey}x` }), 'AuthFailure.SignatureFailure');
  });

  it('verifies extra signed headers, and rejects a signed header whose value changed', async () => {
    const signedHeaders = ['content-type', 'host', 'x-tc-action'];
    expectStaffList(await describeStaff({ signedHeaders }));
    const res = await describeStaff({ signedHeaders, signAs: { 'x-tc-action': 'DescribeSkillGroupInfoList' } });
    expectError(res, 'AuthFailure.SignatureFailure');
  });

  it('answers AuthFailure.SignatureFailure when a signed header is not sent', async () => {
    const res = await describeStaff({ signedHeaders: ['content-type', 'host', 'x-tc-region'], signAs: { 'x-tc-region': 'ap-guangzhou' } });
    expectError(res, 'AuthFailure.SignatureFailure');
  });
});

describe('service in the credential scope', () => {
  it('answers AuthFailure.SignatureFailure when the key was derived for ccc but the scope says cvm', async () => {
    expectError(await describeStaff({ service: 'cvm', signingService: 'ccc' }), 'AuthFailure.SignatureFailure');
  });

  it('accepts a consistent scope with service ccc (Go SDK, ccc.<domain> endpoints)', async () => {
    expectStaffList(await describeStaff({ service: 'ccc' }));
  });

  it('accepts a consistent scope with service 127 (Node SDK against 127.0.0.1)', async () => {
    expectStaffList(await describeStaff({ service: '127', signedHost: '127.0.0.1' }));
  });

  it('accepts the Node SDK against localhost:<port>: service localhost:<port>, host signed without the port', async () => {
    const host = `localhost:${server.port}`;
    expectStaffList(await describeStaff({ service: host, host, signedHost: 'localhost' }));
  });
});

describe('signed host', () => {
  it('accepts the host signed with its port (Go SDK)', async () => {
    expectStaffList(await describeStaff({ signedHost: `127.0.0.1:${server.port}` }));
  });

  it('accepts the host signed without its port (Node SDK)', async () => {
    expectStaffList(await describeStaff({ signedHost: '127.0.0.1' }));
  });

  it('accepts a named host, signed with or without the port it is sent with', async () => {
    const host = `ccc.example.com:${server.port}`;
    expectStaffList(await describeStaff({ host, signedHost: host }));
    expectStaffList(await describeStaff({ host, signedHost: 'ccc.example.com' }));
  });

  it.each(['ccc.example.com', '127.0.0.2', '127.0.0.1:1', 'localhost'])('answers AuthFailure.SignatureFailure for signed host %s', async (signedHost) => {
    expectError(await describeStaff({ signedHost }), 'AuthFailure.SignatureFailure');
  });

  it('accepts an IPv6 literal host signed without its port, as new URL().hostname gives it', async () => {
    expectStaffList(await describeStaff({ host: `[::1]:${server.port}`, signedHost: '[::1]', service: `[::1]:${server.port}` }));
  });

  it('answers AuthFailure.SignatureFailure when the Host sent is not the one signed', async () => {
    expectError(await describeStaff({ host: `evil.example.com:${server.port}`, signedHost: `ccc.example.com:${server.port}` }), 'AuthFailure.SignatureFailure');
  });
});

describe('content type and payload hash', () => {
  it('accepts application/json; charset=utf-8 signed exactly as sent', async () => {
    expectStaffList(await describeStaff({ contentType: 'application/json; charset=utf-8' }));
  });

  it('answers AuthFailure.SignatureFailure when the signed Content-Type differs from the one sent', async () => {
    const res = await describeStaff({ contentType: 'application/json; charset=utf-8', signAs: { 'content-type': 'application/json' } });
    expectError(res, 'AuthFailure.SignatureFailure');
  });

  it('accepts a Content-Type in unusual case, signed exactly as sent', async () => {
    expectStaffList(await describeStaff({ contentType: 'Application/JSON' }));
  });

  it('hashes the body as the bytes sent: non-ASCII JSON, unescaped and escaped', async () => {
    const res = await signedFetch(server, {
      action: 'CreateStaff',
      timestamp: NOW,
      body: `{"SdkAppId":${server.sdkAppId},"Staffs":[{"Name":"张三","Mail":"zhang@example.com","StaffNumber":"8"},{"Name":"\\u674e\\u56db","Mail":"li@example.com","StaffNumber":"9"}]}`,
    });
    expect(expectOk(res)['ErrorStaffList']).toEqual([]);
    const back = await describeStaff({ method: 'GET', params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: 'li@example.com' } });
    expect(expectOk(back)['StaffList']).toEqual([expect.objectContaining({ Name: '李四' })]);
  });

  it('accepts X-TC-Content-SHA256: UNSIGNED-PAYLOAD', async () => {
    expectStaffList(await describeStaff({ unsignedPayload: true }));
  });

  it('with UNSIGNED-PAYLOAD the body is not covered, so a changed body is still accepted', async () => {
    const sendBody = JSON.stringify({ SdkAppId: server.sdkAppId, PageSize: 11, PageNumber: 0 });
    expectStaffList(await describeStaff({ unsignedPayload: true, sendBody }));
  });

  it('answers AuthFailure.SignatureFailure when UNSIGNED-PAYLOAD was not signed but a client says so', async () => {
    const res = await describeStaff({ headers: { 'X-TC-Content-SHA256': 'UNSIGNED-PAYLOAD' } });
    expectError(res, 'AuthFailure.SignatureFailure');
  });
});

describe('GET with flattened parameters', () => {
  const mail = 'get-form@example.com';

  it('creates staff from Staffs.0.* parameters, signed with the hash of an empty body', async () => {
    const res = await signedFetch(server, {
      method: 'GET',
      action: 'CreateStaff',
      timestamp: NOW,
      params: {
        SdkAppId: server.sdkAppId,
        Staffs: [{ Name: 'Get Form', Mail: mail, StaffNumber: '1001', Role: 3 }],
        SendPassword: false,
      },
    });
    expect(expectOk(res)['ErrorStaffList']).toEqual([]);
  });

  it('reads the staff back with a GET query', async () => {
    const res = await describeStaff({ method: 'GET', params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: mail } });
    const response = expectOk(res);
    expect(response['TotalCount']).toBe(1);
    expect(response['StaffList']).toEqual([expect.objectContaining({ Mail: mail, Name: 'Get Form', StaffNumber: '1001' })]);
  });

  it('accepts the raw query exactly as sent, percent-encoding included', async () => {
    const query = `SdkAppId=${server.sdkAppId}&PageSize=10&PageNumber=0&StaffMail=${encodeURIComponent(mail)}`;
    expect(expectOk(await describeStaff({ method: 'GET', query }))['TotalCount']).toBe(1);
  });
});

describe('afterwards', () => {
  it('the server is still healthy', async () => {
    await expectHealthy(server.port);
  });
});
