import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { CJK_RE, expectEnvelope, expectError, expectHealthy, expectOk } from './envelope.js';
import { signedFetch, type RawResponse, type SignedFetchOptions } from './signed-fetch.js';

/** Tencent's size limits, and the operational endpoints that watch the API. */
const MAX_POST_BYTES = 10 * 1024 * 1024;
const MAX_GET_QUERY_BYTES = 32 * 1024;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** A DescribeStaffInfoList body of exactly `bytes` bytes, padded in StaffMail. */
function paddedBody(bytes: number): string {
  const head = `{"SdkAppId":${server.sdkAppId},"PageSize":10,"PageNumber":0,"StaffMail":"`;
  const tail = '"}';
  const body = head + 'x'.repeat(bytes - head.length - tail.length) + tail;
  expect(Buffer.byteLength(body)).toBe(bytes);
  return body;
}

/** A DescribeStaffInfoList query of exactly `bytes` bytes, padded in StaffMail. */
function paddedQuery(bytes: number): string {
  const head = `SdkAppId=${server.sdkAppId}&PageSize=10&PageNumber=0&StaffMail=`;
  const query = head + 'x'.repeat(bytes - head.length);
  expect(Buffer.byteLength(query)).toBe(bytes);
  return query;
}

function describeStaff(options: SignedFetchOptions): Promise<RawResponse> {
  return signedFetch(server, { action: 'DescribeStaffInfoList', ...options });
}

describe('POST body size', () => {
  it('reads a body of exactly 10 MB (and then rejects the over-long StaffMail in it)', async () => {
    const message = expectError(await describeStaff({ body: paddedBody(MAX_POST_BYTES) }), 'InvalidParameterValue');
    expect(message).toContain('StaffMail');
  });

  it('answers RequestSizeLimitExceeded, in the envelope, for a body one byte over 10 MB', async () => {
    expectError(await describeStaff({ body: paddedBody(MAX_POST_BYTES + 1) }), 'RequestSizeLimitExceeded');
  });

  it('answers RequestSizeLimitExceeded for a chunked body over 10 MB (no Content-Length to go by)', async () => {
    const res = await describeStaff({ body: paddedBody(MAX_POST_BYTES + 64 * 1024), chunked: true, unsignedPayload: true });
    expectError(res, 'RequestSizeLimitExceeded');
  });

  it('accepts a small chunked body that is validly signed', async () => {
    const body = JSON.stringify({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 });
    expect(expectOk(await describeStaff({ body, chunked: true }))['TotalCount']).toBe(1);
  });

  it('answers RequestSizeLimitExceeded in Chinese for zh-CN', async () => {
    const message = expectError(await describeStaff({ body: paddedBody(MAX_POST_BYTES + 1), language: 'zh-CN' }), 'RequestSizeLimitExceeded');
    expect(message).toMatch(CJK_RE);
  });

  it('still answers normal requests afterwards', async () => {
    expectOk(await describeStaff({ params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 } }));
  });
});

describe('GET query size', () => {
  it('reads a query of exactly 32 KB (and then rejects the over-long StaffMail in it)', async () => {
    const message = expectError(await describeStaff({ method: 'GET', query: paddedQuery(MAX_GET_QUERY_BYTES) }), 'InvalidParameterValue');
    expect(message).toContain('StaffMail');
  });

  it('answers RequestSizeLimitExceeded for a query one byte over 32 KB', async () => {
    expectError(await describeStaff({ method: 'GET', query: paddedQuery(MAX_GET_QUERY_BYTES + 1) }), 'RequestSizeLimitExceeded');
  });

  it('answers RequestSizeLimitExceeded for a 60 KB query', async () => {
    expectError(await describeStaff({ method: 'GET', query: paddedQuery(60 * 1024) }), 'RequestSizeLimitExceeded');
  });

  it('answers RequestSizeLimitExceeded, in the envelope, for a 100 KB query', async () => {
    expectError(await describeStaff({ method: 'GET', query: paddedQuery(100 * 1024) }), 'RequestSizeLimitExceeded');
  });
});

/** The value of one `openccc_cloudapi_requests_total` series, 0 when absent. */
async function requestCount(action: string, code: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const prefix = `openccc_cloudapi_requests_total{action="${action}",code="${code}"} `;
  const line = (await res.text()).split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}

describe('/metrics', () => {
  it('counts a successful CreateSDKLoginToken under code OK', async () => {
    const before = await requestCount('CreateSDKLoginToken', 'OK');
    const res = await signedFetch(server, { action: 'CreateSDKLoginToken', params: { SdkAppId: server.sdkAppId, SeatUserId: server.adminUser } });
    expect(expectOk(res)['Token']).toMatch(/^[0-9a-f]{32}$/);
    expect(await requestCount('CreateSDKLoginToken', 'OK')).toBe(before + 1);
  });

  it('counts failures under their Tencent code', async () => {
    const before = await requestCount('CreateSDKLoginToken', 'AuthFailure.SignatureFailure');
    const res = await signedFetch(server, { action: 'CreateSDKLoginToken', params: { SdkAppId: server.sdkAppId, SeatUserId: server.adminUser }, secretKey: 'wrong' });
    expectError(res, 'AuthFailure.SignatureFailure');
    expect(await requestCount('CreateSDKLoginToken', 'AuthFailure.SignatureFailure')).toBe(before + 1);
  });

  it('counts unknown actions under action="unknown", so labels stay bounded', async () => {
    const before = await requestCount('unknown', 'InvalidAction');
    expectError(await describeStaff({ action: 'RunInstances' }), 'InvalidAction');
    expect(await requestCount('unknown', 'InvalidAction')).toBe(before + 1);
  });

  it('counts bodies rejected before dispatch', async () => {
    expect(await requestCount('unknown', 'RequestSizeLimitExceeded')).toBeGreaterThanOrEqual(3);
  });

  it('the text exposition has a histogram for the same series', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(text).toContain('# TYPE openccc_cloudapi_requests_total counter');
    expect(text).toContain('openccc_cloudapi_request_duration_seconds_count{action="CreateSDKLoginToken",code="OK"}');
  });
});

/** Writes raw bytes on a socket and waits until the server closes it or answers. */
function rawSocket(data: string, { end }: { end: boolean }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(data);
      if (end) socket.end();
      else socket.destroy();
    });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
  });
}

describe('abuse', () => {
  it('survives a client that hangs up in the middle of a body', async () => {
    const head = `POST / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nX-TC-Action: DescribeStaffInfoList\r\nContent-Length: 1000\r\n\r\n{"SdkAppId":`;
    await rawSocket(head, { end: false });
    await expectHealthy(server.port);
  });

  it('survives bytes that are not HTTP at all', async () => {
    await rawSocket('\u0000\u0001GARBAGE / HTTP/9.9\r\n\r\n', { end: true });
    await expectHealthy(server.port);
  });

  it('answers every one of many concurrent bad requests with an envelope', async () => {
    const bad: SignedFetchOptions[] = [
      { body: '{' },
      { secretKey: 'wrong' },
      { action: 'Nope' },
      { version: '1999-01-01' },
      { authorization: 'SKIP' },
      { body: paddedBody(MAX_POST_BYTES + 1) },
    ];
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => describeStaff(bad[i % bad.length] as SignedFetchOptions)));
    const codes = answers.map((res) => (expectEnvelope(res)['Error'] as { Code: string } | undefined)?.Code);
    expect(new Set(codes)).toEqual(
      new Set(['InvalidParameter', 'AuthFailure.SignatureFailure', 'InvalidAction', 'NoSuchVersion', 'AuthFailure.InvalidAuthorization', 'RequestSizeLimitExceeded']),
    );
  });
});

describe('afterwards', () => {
  it('the server is still healthy', async () => {
    await expectHealthy(server.port);
  });
});
