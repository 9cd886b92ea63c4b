import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectEnvelope, expectError, expectHealthy, expectOk } from './envelope.js';
import { signedFetch, type RawResponse } from './signed-fetch.js';

/**
 * Per-key token buckets: --rate-limit 3 gives 3 requests/s and a burst of 6.
 * Requests go back to back; at most a fraction of a token refills meanwhile.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ flags: { 'rate-limit': '3' } });
});

afterAll(async () => {
  await server?.close();
});

function describeStaff(key: { secretId: string; secretKey: string }): Promise<RawResponse> {
  return signedFetch(server, {
    action: 'DescribeStaffInfoList',
    params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 },
    secretId: key.secretId,
    secretKey: key.secretKey,
  });
}

function codeOf(res: RawResponse): string {
  const error = expectEnvelope(res)['Error'] as { Code: string } | undefined;
  return error?.Code ?? 'OK';
}

describe('rate limit 3/s, burst 6', () => {
  it('lets the first 6 requests of a key through, then answers RequestLimitExceeded', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push(codeOf(await describeStaff(server)));
    expect(codes.slice(0, 6)).toEqual(Array(6).fill('OK'));
    expect(codes).toContain('RequestLimitExceeded');
    for (const code of codes.slice(6)) expect(['OK', 'RequestLimitExceeded']).toContain(code);
  });

  it('answers RequestLimitExceeded in the envelope while the bucket is empty', async () => {
    let res = await describeStaff(server);
    for (let i = 0; i < 10 && codeOf(res) === 'OK'; i++) res = await describeStaff(server);
    const message = expectError(res, 'RequestLimitExceeded');
    expect(message.length).toBeGreaterThan(0);
  });

  it('does not limit another key', async () => {
    const other = await createApiKey(server.folder.store, server.folder.box, null, 'second key', Date.now());
    for (let i = 0; i < 6; i++) expectOk(await describeStaff(other));
  });

  it('counts limited requests in /metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(text).toMatch(/^openccc_cloudapi_requests_total\{action="DescribeStaffInfoList",code="RequestLimitExceeded"\} [1-9]\d*$/m);
  });
});

describe('afterwards', () => {
  it('the server is still healthy', async () => {
    await expectHealthy(server.port);
  });
});
