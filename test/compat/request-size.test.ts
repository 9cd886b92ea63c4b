import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { clientFor, createStaff, expectCloudError, uniqMail } from './helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** `count` long staff accounts (about 120 characters each; ~130 bytes each once flattened into a GET query). */
function longMails(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${'x'.repeat(100)}-${i}@example.com`);
}

describe('request size limits of Tencent Cloud API 3.0', () => {
  it('POST carries a large parameter list', async () => {
    const mail = uniqMail('big-post');
    await createStaff(clientFor(server, 'POST'), server.sdkAppId, [{ Mail: mail }]);
    const res = await clientFor(server, 'POST').DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [...longMails(999), mail] });
    expect(res.Metrics?.map((m) => m.Email)).toEqual([mail]);
  });

  it('GET carries up to 32 KB of parameters (here about 24 KB)', async () => {
    const mail = uniqMail('big-get');
    await createStaff(clientFor(server, 'GET'), server.sdkAppId, [{ Mail: mail }]);
    const res = await clientFor(server, 'GET').DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [...longMails(180), mail] });
    expect(res.Metrics?.map((m) => m.Email)).toEqual([mail]);
  });

  it('GET over 32 KB answers RequestSizeLimitExceeded (about 40 KB)', async () => {
    const err = await expectCloudError(
      clientFor(server, 'GET').DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: longMails(300) }),
      'RequestSizeLimitExceeded',
    );
    expect(err.message).toContain('32 KB');
  });

  // Node rejects a request head over the server's limit before routing; the answer must still be the envelope.
  it('GET far over 32 KB still answers the RequestSizeLimitExceeded envelope (about 130 KB)', async () => {
    await expectCloudError(
      clientFor(server, 'GET').DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: longMails(1000) }),
      'RequestSizeLimitExceeded',
    );
  });
});
