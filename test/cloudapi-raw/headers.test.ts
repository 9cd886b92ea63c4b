import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { CJK_RE, expectError, expectHealthy, expectOk } from './envelope.js';
import { signedFetch, type RawResponse, type SignedFetchOptions } from './signed-fetch.js';

/** The X-TC-* headers: action, version, timestamp, language, trace id; and the route itself. */
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

describe('X-TC-Action', () => {
  it('answers InvalidAction for an action ccc does not have', async () => {
    const message = expectError(await describeStaff({ action: 'DescribeInstances' }), 'InvalidAction');
    expect(message).toContain('DescribeInstances');
  });

  it('answers InvalidAction for an action in the wrong case', async () => {
    expectError(await describeStaff({ action: 'describestaffinfolist' }), 'InvalidAction');
  });

  it.each(['PlaySoundCall', 'CreateIVRSession', 'DescribeAutoCalloutTasks'])(
    'answers UnsupportedOperation for %s, an official ccc action OpenCCC does not implement',
    async (action) => {
      const message = expectError(await describeStaff({ action, params: { SdkAppId: server.sdkAppId } }), 'UnsupportedOperation');
      expect(message).toContain(action);
    },
  );

  it('answers MissingParameter naming X-TC-Action when it is missing', async () => {
    expect(expectError(await describeStaff({ action: null }), 'MissingParameter')).toContain('X-TC-Action');
  });
});

describe('X-TC-Version', () => {
  it.each(['2017-03-12', '2020-02-11', 'latest'])('answers NoSuchVersion for version %s', async (version) => {
    expectError(await describeStaff({ version }), 'NoSuchVersion');
  });

  it('answers MissingParameter naming X-TC-Version when it is missing', async () => {
    expect(expectError(await describeStaff({ version: null }), 'MissingParameter')).toContain('X-TC-Version');
  });
});

describe('X-TC-Timestamp', () => {
  it('answers MissingParameter naming X-TC-Timestamp when it is missing', async () => {
    expect(expectError(await describeStaff({ timestampHeader: null }), 'MissingParameter')).toContain('X-TC-Timestamp');
  });

  it.each(['abc', '1.7e9', '-1700000000', '1700000000.5', '0x6553F100'])('answers InvalidParameter for X-TC-Timestamp %s', async (timestampHeader) => {
    expectError(await describeStaff({ timestampHeader }), 'InvalidParameter');
  });
});

describe('X-TC-Language', () => {
  it('answers in Chinese for zh-CN', async () => {
    const auth = expectError(await describeStaff({ language: 'zh-CN', secretKey: 'wrong' }), 'AuthFailure.SignatureFailure');
    expect(auth).toMatch(CJK_RE);
    const action = expectError(await describeStaff({ language: 'zh-CN', action: 'DescribeInstances' }), 'InvalidAction');
    expect(action).toMatch(CJK_RE);
  });

  it('answers in English by default and for en-US', async () => {
    expect(expectError(await describeStaff({ secretKey: 'wrong' }), 'AuthFailure.SignatureFailure')).not.toMatch(CJK_RE);
    expect(expectError(await describeStaff({ language: 'en-US', secretKey: 'wrong' }), 'AuthFailure.SignatureFailure')).not.toMatch(CJK_RE);
  });
});

describe('Content-Type', () => {
  it('answers InvalidParameter for text/plain, even when signed', async () => {
    const message = expectError(await describeStaff({ contentType: 'text/plain' }), 'InvalidParameter');
    expect(message).toContain('text/plain');
  });

  it('answers AuthFailure.SignatureFailure for a POST without Content-Type: the signed content-type is absent', async () => {
    const message = expectError(await describeStaff({ contentType: null }), 'AuthFailure.SignatureFailure');
    expect(message).toContain('content-type');
  });

  it('accepts a form-encoded POST, as a legacy client sends', async () => {
    const body = `SdkAppId=${server.sdkAppId}&PageSize=10&PageNumber=0`;
    expectOk(await describeStaff({ contentType: 'application/x-www-form-urlencoded', body }));
  });
});

describe('X-TC-TraceId', () => {
  it('is echoed on success', async () => {
    const res = await describeStaff({ headers: { 'X-TC-TraceId': 'trace-ok-5f1c' } });
    expectOk(res);
    expect(res.headers['x-tc-traceid']).toBe('trace-ok-5f1c');
  });

  it('is echoed on an error', async () => {
    const res = await describeStaff({ secretKey: 'wrong', headers: { 'X-TC-TraceId': 'trace-err-9a2b' } });
    expectError(res, 'AuthFailure.SignatureFailure');
    expect(res.headers['x-tc-traceid']).toBe('trace-err-9a2b');
  });

  it('does not appear when none was sent', async () => {
    const res = await describeStaff();
    expectOk(res);
    expect(res.headers['x-tc-traceid']).toBeUndefined();
  });
});

describe('GET /', () => {
  it('without TC3 headers serves the landing page, not the API', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    expect(html).not.toContain('"Response"');
  });

  it('with only X-TC-Action is the API, answering in the envelope', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { 'X-TC-Action': 'DescribeStaffInfoList', 'X-TC-Version': '2020-02-10' } });
    const text = await res.text();
    expectError({ status: res.status, headers: Object.fromEntries(res.headers), text, json: JSON.parse(text) as unknown }, 'MissingParameter');
  });
});

describe('POST /', () => {
  it('without any TC3 header is still the API, answering MissingParameter in the envelope', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    const text = await res.text();
    expectError({ status: res.status, headers: Object.fromEntries(res.headers), text, json: JSON.parse(text) as unknown }, 'MissingParameter');
  });
});

describe('afterwards', () => {
  it('the server is still healthy', async () => {
    await expectHealthy(server.port);
  });
});
