import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectError, expectHealthy } from './envelope.js';
import { openRawRequest, type RawAnswer } from './raw-socket.js';
import { buildSignedRequest, nowSeconds, signedFetch, type RawResponse, type SignedFetchOptions } from './signed-fetch.js';

/**
 * Cheap refusals first: a POST whose headers already fail is answered before its
 * body is read, and the bodies that are read share one byte budget.
 */

const MB = 1024 * 1024;
const FILLER = Buffer.alloc(MB, 'x');

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

function asResponse(answer: RawAnswer | null): RawResponse {
  expect(answer, 'the server closed the connection without an answer').not.toBeNull();
  return answer as RawAnswer;
}

/** The headers a client would send for `options`, without Host and with the given Content-Length. */
function headersFor(target: TestServer, options: SignedFetchOptions, contentLength: number): Record<string, string> {
  const { host: _host, ...headers } = buildSignedRequest(target, options).headers;
  return { ...headers, 'content-length': String(contentLength) };
}

const REFUSED_HEADS: Array<[string, () => Record<string, string>, string]> = [
  ['no TC3 header at all', () => ({ 'content-type': 'application/json', 'content-length': String(10 * MB) }), 'MissingParameter'],
  [
    'a garbled Authorization',
    () => headersFor(server, { authorization: 'TC3-HMAC-SHA256 Credential=garbage' }, 10 * MB),
    'AuthFailure.InvalidAuthorization',
  ],
  ['an unknown SecretId', () => headersFor(server, { secretId: `AKID${'9'.repeat(32)}` }, 10 * MB), 'AuthFailure.SecretIdNotFound'],
  ['a timestamp outside the window', () => headersFor(server, { timestamp: nowSeconds() - 3600 }, 10 * MB), 'AuthFailure.SignatureExpire'],
  ['an unknown version', () => headersFor(server, { version: '2017-03-12' }, 10 * MB), 'NoSuchVersion'],
  ['temporary credentials', () => headersFor(server, { headers: { 'X-TC-Token': 'sts' } }, 10 * MB), 'AuthFailure.TokenFailure'],
];

describe('refusals decided from the headers', () => {
  it.each(REFUSED_HEADS)('answers %s before a byte of the body is sent', async (_name, headers, code) => {
    const request = openRawRequest(server.port, { headers: headers() });
    // Nothing of the declared body is sent: the answer can only come from the headers.
    const res = asResponse(await request.answer);
    expectError(res, code);
    // A declared body a Cloud API request may have (up to 10 MB) is discarded as it arrives, so the
    // client reads the answer rather than a reset, and the connection stays usable.
    expect(res.headers['connection']).toBe('keep-alive');
    request.close();
  });

  it('closes the connection after refusing a body it would not read anyway: over 10 MB, or chunked', async () => {
    const over = openRawRequest(server.port, { headers: { 'content-type': 'application/json', 'content-length': String(10 * MB + 1) } });
    const overAnswer = asResponse(await over.answer);
    expect(overAnswer.headers['connection']).toBe('close');
    over.close();
    const chunked = openRawRequest(server.port, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    const chunkedAnswer = asResponse(await chunked.answer);
    expectError(chunkedAnswer, 'MissingParameter');
    expect(chunkedAnswer.headers['connection']).toBe('close');
    chunked.close();
  });

  it('echoes a sane X-TC-TraceId on such an answer', async () => {
    const request = openRawRequest(server.port, { headers: { 'content-type': 'application/json', 'content-length': String(MB), 'x-tc-traceid': 'trace-screened-1' } });
    const res = asResponse(await request.answer);
    expectError(res, 'MissingParameter');
    expect(res.headers['x-tc-traceid']).toBe('trace-screened-1');
    request.close();
  });

  it('answers a burst of 100 unauthenticated 1–10 MB POSTs with envelopes, without the server holding their bodies', async () => {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const heads: Array<Record<string, string>> = [
      { 'content-type': 'application/json' },
      { 'content-type': 'application/json', authorization: 'TC3-HMAC-SHA256 Credential=bogus', 'x-tc-action': 'DeleteStaff', 'x-tc-version': '2020-02-10', 'x-tc-timestamp': String(nowSeconds()) },
      { 'content-type': 'application/octet-stream', 'x-tc-action': 'CreateStaff' },
      headersFor(server, { secretId: 'AKIDnobody' }, 0),
    ];
    const answers = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const bytes = (1 + (i % 10)) * MB;
        const request = openRawRequest(server.port, { headers: { ...heads[i % heads.length], 'content-length': String(bytes) } });
        // The client sends its whole body; the server answers from the headers and discards the rest.
        void request.pump(bytes, FILLER);
        const answer = await request.answer;
        peak = Math.max(peak, process.memoryUsage().rss);
        request.close();
        return answer;
      }),
    );
    const codes = new Set(answers.map((answer) => ((asResponse(answer).json as { Response: { Error?: { Code: string } } }).Response.Error?.Code ?? 'OK')));
    expect([...codes].sort()).toEqual(['AuthFailure.InvalidAuthorization', 'AuthFailure.SecretIdNotFound', 'MissingParameter']);
    // 100 bodies of 5.5 MB on average are 550 MB; what this process holds must stay far below that.
    expect((peak - baseline) / MB).toBeLessThan(100);
    await expectHealthy(server.port);
  }, 60_000);
});

describe('the byte budget for bodies in flight', () => {
  let small: TestServer;

  beforeAll(async () => {
    small = await startTestServer({ flags: { 'body-budget': '10' } });
  });

  afterAll(async () => {
    await small?.close();
  });

  /** Headers that pass every check from the headers (signed with an unsigned payload), for a chunked body. */
  function chunkedHead(): Record<string, string> {
    const { host: _host, ...headers } = buildSignedRequest(small, { unsignedPayload: true }).headers;
    return { ...headers, 'transfer-encoding': 'chunked' };
  }

  it('refuses, with RequestLimitExceeded, the body that would take the bytes held past the budget, then holds nothing for it', async () => {
    const first = openRawRequest(small.port, { headers: chunkedHead() });
    const second = openRawRequest(small.port, { headers: chunkedHead() });
    // 6 MB and 5 MB of bodies that never end: only a refusal can answer one of them.
    const sending = [
      (async () => {
        for (let i = 0; i < 6; i++) if (!(await first.writeChunk(FILLER))) return;
      })(),
      (async () => {
        for (let i = 0; i < 5; i++) if (!(await second.writeChunk(FILLER))) return;
      })(),
    ];
    const refused = await Promise.race([first.answer.then((a) => ({ a, other: second })), second.answer.then((a) => ({ a, other: first }))]);
    const res = asResponse(refused.a);
    expectError(res, 'RequestLimitExceeded');
    expect(res.headers['connection']).toBe('close');
    await Promise.all(sending);

    // The other request goes on: its body is read to the end and answered from it.
    const { other } = refused;
    await other.writeChunk(Buffer.from('{}'));
    await other.endChunks();
    expectError(asResponse(await other.answer), 'InvalidParameter');
    other.close();

    // Everything was given back: a body of 9 MB fits again.
    const body = JSON.stringify({ SdkAppId: small.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: 'x'.repeat(9 * MB) });
    expect(expectError(await signedFetch(small, { body }), 'InvalidParameterValue')).toContain('StaffMail');
  }, 30_000);
});
