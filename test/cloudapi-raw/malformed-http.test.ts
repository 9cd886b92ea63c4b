import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../packages/server/src/log.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectError, expectHealthy, expectOk } from './envelope.js';
import { rawExchange } from './raw-http.js';
import { buildSignedRequest, signedFetch } from './signed-fetch.js';

/**
 * The envelope promise at the HTTP layer: what Node's parser rejects, slow senders, other
 * methods, the TraceId echo, and how quietly aborted requests are logged.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** A request line and headers; the Host does not matter to any of these answers. */
function head(lines: string[]): string {
  return `${[...lines, 'Host: 127.0.0.1'].join('\r\n')}\r\n\r\n`;
}

/**
 * A correctly signed POST head (over UNSIGNED-PAYLOAD, so any body goes with it), for faults in
 * the body: a head that fails the header checks is answered before its body is read at all.
 */
function signedHead(target: { port: number; secretId: string; secretKey: string }, framing: string[]): string {
  const built = buildSignedRequest(target, { unsignedPayload: true, params: { SdkAppId: 1, PageSize: 10, PageNumber: 0 } });
  const lines = Object.entries(built.headers).map(([name, value]) => `${name}: ${value}`);
  return `${['POST / HTTP/1.1', ...lines, ...framing].join('\r\n')}\r\n\r\n`;
}

describe('HTTP parse errors in a signed request’s body', () => {
  it.each([
    ['a bad chunk size', ['Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n'],
    ['a bad chunk size after a good chunk', ['Transfer-Encoding: chunked'], '2\r\n{}\r\nqq\r\n'],
    ['a chunk longer than it said', ['Transfer-Encoding: chunked'], '1\r\n{}\r\n0\r\n\r\n'],
  ])('answers %s with HTTP 200 and an InvalidRequest envelope naming the fault', async (_name, framing, body) => {
    const { response } = await rawExchange(server.port, [signedHead(server, framing), body]);
    expect(response).toBeDefined();
    if (!response) return;
    expect(expectError(response, 'InvalidRequest')).toMatch(/not valid HTTP\/1\.1 \(.+\)/);
    expect(response.headers['connection']).toBe('close');
  });
});

describe('HTTP parse errors on the Cloud API route', () => {
  it.each([
    ['an invalid chunked encoding', head(['POST / HTTP/1.1', 'Transfer-Encoding: chunked, gzip']) + '2\r\n{}\r\n0\r\n\r\n', 'Transfer-Encoding'],
    ['Content-Length with Transfer-Encoding', head(['POST / HTTP/1.1', 'Content-Type: application/json', 'Content-Length: 2', 'Transfer-Encoding: chunked']) + '2\r\n{}\r\n0\r\n\r\n', 'Content-Length'],
    ['a duplicate Content-Length', head(['POST / HTTP/1.1', 'Content-Type: application/json', 'Content-Length: 2', 'Content-Length: 3']) + '{}', 'Content-Length'],
    ['an invalid header name', head(['POST / HTTP/1.1', 'Bad Header: x']), 'header'],
    ['an unknown Transfer-Encoding with a length', head(['POST /?x=1 HTTP/1.1', 'Transfer-Encoding: gzip', 'Content-Length: 2']) + '{}', 'Transfer-Encoding'],
    ['bytes that are not a method', '\u0000\u0001GARBAGE / HTTP/9.9\r\n\r\n', 'method'],
  ])('answers %s with HTTP 200, an InvalidRequest envelope naming the fault, and closes', async (_name, bytes, fault) => {
    const { response } = await rawExchange(server.port, [bytes]);
    expect(response).toBeDefined();
    if (!response) return;
    expect(expectError(response, 'InvalidRequest')).toMatch(new RegExp(`not valid HTTP/1\\.1 \\(.*${fault}.*\\)`, 'i'));
    expect(response.headers['connection']).toBe('close');
  });

  it('answers a request line and headers over 64 KB with RequestSizeLimitExceeded', async () => {
    const { response } = await rawExchange(server.port, [head(['POST / HTTP/1.1', `X-Pad: ${'p'.repeat(70 * 1024)}`])]);
    expect(response).toBeDefined();
    if (response) expectError(response, 'RequestSizeLimitExceeded');
  });

  it('answers a parse error on another path with a plain 400: it is not a Cloud API call', async () => {
    const { response } = await rawExchange(server.port, [head(['GET /healthz HTTP/1.1', 'Content-Length: 1', 'Content-Length: 2'])]);
    expect(response?.status).toBe(400);
    expect(response?.json).toEqual({ error: 'Bad Request', statusCode: 400 });
  });

  it('counts the refusals in /metrics and stays healthy', async () => {
    const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(Number(/^openccc_cloudapi_requests_total\{action="unknown",code="InvalidRequest"\} (\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(9);
    await expectHealthy(server.port);
    expectOk(await signedFetch(server, { params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 } }));
  });
});

describe('other methods on /', () => {
  it.each(['PUT', 'DELETE', 'PATCH', 'OPTIONS'])('answers %s with UnsupportedProtocol in the envelope', async (method) => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { method, headers: { 'content-type': 'application/json' }, body: method === 'OPTIONS' ? undefined : '{' });
    const text = await res.text();
    const message = expectError({ status: res.status, headers: Object.fromEntries(res.headers), text, json: JSON.parse(text) as unknown }, 'UnsupportedProtocol');
    expect(message).toContain(method);
  });

  it('answers a method the framework has no table for (PROPFIND) with UnsupportedProtocol too', async () => {
    const { response } = await rawExchange(server.port, [head(['PROPFIND / HTTP/1.1', 'Connection: close'])]);
    expect(response).toBeDefined();
    if (response) expect(expectError(response, 'UnsupportedProtocol')).toContain('PROPFIND');
  });

  it('still answers 404 for unknown paths', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/no-such-page`);
    expect(res.status).toBe(404);
  });
});

describe('X-TC-TraceId', () => {
  const describeStaff = (traceId: string) => signedFetch(server, { params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 }, headers: { 'X-TC-TraceId': traceId } });

  it('echoes a UUID and an id of exactly 128 visible characters', async () => {
    const uuid = '5f0e8c1a-0b7d-4c3e-9a2b-1f2e3d4c5b6a';
    expect((await describeStaff(uuid)).headers['x-tc-traceid']).toBe(uuid);
    const longest = 'T'.repeat(128);
    expect((await describeStaff(longest)).headers['x-tc-traceid']).toBe(longest);
  });

  it('does not echo one of 129 characters, or one with spaces', async () => {
    const tooLong = await describeStaff('T'.repeat(129));
    expectOk(tooLong);
    expect(tooLong.headers['x-tc-traceid']).toBeUndefined();
    expect((await describeStaff('a b')).headers['x-tc-traceid']).toBeUndefined();
  });

  it('answers a 60 KB TraceId in a way Node’s own HTTP client can read', async () => {
    const built = buildSignedRequest(server, { params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 }, headers: { 'X-TC-TraceId': 'x'.repeat(60 * 1024) } });
    const answer = await new Promise<{ status: number; traceId: unknown; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/', headers: built.headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, traceId: res.headers['x-tc-traceid'], body }));
      });
      req.on('error', reject);
      req.end(built.body);
    });
    expect(answer.status).toBe(200);
    expect(answer.traceId).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({ Response: { TotalCount: 1 } });
  });
});

describe('/metrics from the start', () => {
  it('shows memory and event-loop lag on a server that has answered nothing yet', async () => {
    const fresh = await startTestServer();
    try {
      const res = await fetch(`http://127.0.0.1:${fresh.port}/metrics`);
      expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      const text = await res.text();
      expect(Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
      expect(Number(/^nodejs_heap_size_used_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
      expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \S+$/m);
      expect(text).not.toMatch(/^openccc_cloudapi_requests_total\{/m);
    } finally {
      await fresh.close();
    }
  });
});

/** A pino destination that keeps parsed lines and lets a test await one. */
class LogCapture extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  private readonly waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const text of chunk.toString('utf8').split('\n')) {
      if (!text) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      this.lines.push(line);
      for (const waiter of this.waiters.filter((w) => w.match(line))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
    callback();
  }

  next(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const seen = this.lines.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

describe('logging of aborted and malformed requests', () => {
  let logged: TestServer;
  const capture = new LogCapture();

  beforeAll(async () => {
    logged = await startTestServer({ log: createLogger('debug', capture) });
  });

  afterAll(async () => {
    await logged?.close();
  });

  it.each([
    ['hangs up', { hangUp: true }],
    ['closes its side', {}],
  ])('logs a client that %s mid-body as one debug line, without a stack', async (_how, options) => {
    const before = capture.lines.length;
    const aborted = capture.next((line) => line['msg'] === 'cloud api request aborted by the client' && capture.lines.indexOf(line) >= before);
    await rawExchange(logged.port, [signedHead(logged, ['Content-Length: 1000']), '{"SdkAppId":'], options);
    const line = await aborted;
    expect(line['level']).toBe(20);
    expect(JSON.stringify(line)).not.toContain('stack');
    const lines = capture.lines.slice(before);
    expect(lines.filter((l) => (l['level'] as number) >= 40)).toEqual([]);
    expect(lines).toEqual([line]);
  });

  it('logs a parse error as one debug line, without a stack', async () => {
    const before = capture.lines.length;
    const answered = capture.next((line) => line['code'] === 'HPE_UNEXPECTED_CONTENT_LENGTH');
    await rawExchange(logged.port, [`POST / HTTP/1.1\r\nHost: 127.0.0.1:${logged.port}\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`]);
    const line = await answered;
    expect(line).toMatchObject({ level: 20, code: 'HPE_UNEXPECTED_CONTENT_LENGTH', answer: 'InvalidRequest' });
    expect(JSON.stringify(capture.lines.slice(before))).not.toContain('stack');
  });
});

describe('slow senders', () => {
  let slow: TestServer;

  beforeAll(async () => {
    slow = await startTestServer();
    // Short limits, so the test waits well under two seconds; Node checks connections once a second.
    slow.server.app.server.headersTimeout = 300;
    slow.server.app.server.requestTimeout = 600;
  });

  afterAll(async () => {
    await slow?.close();
  });

  it('answers headers that never finish with an InvalidRequest envelope that states the limits', async () => {
    const { response } = await rawExchange(slow.port, [`POST / HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nX-TC-Action: Describe`], { keepOpen: true });
    expect(response).toBeDefined();
    if (response) expect(expectError(response, 'InvalidRequest')).toBe('The request did not arrive in time: send the headers within 0.3 s and the whole request within 0.6 s.');
  });

  it('answers a body that never finishes the same way', async () => {
    const { response } = await rawExchange(slow.port, [signedHead(slow, ['Content-Length: 100']), '{"SdkAppId":'], { keepOpen: true });
    expect(response).toBeDefined();
    if (response) expect(expectError(response, 'InvalidRequest')).toContain('did not arrive in time');
    await expectHealthy(slow.port);
  });
});
