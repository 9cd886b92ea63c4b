import { ActionSchemas, CCC_CLIENT_ACTIONS } from '@openccc/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { expectEnvelope, expectHealthy, expectOk } from './envelope.js';
import { rawExchange } from './raw-http.js';
import { buildSignedRequest, nowSeconds, signedFetch, type RawResponse } from './signed-fetch.js';
import { seededRandom } from '../../packages/server/src/test-support/seeded-random.js';

/**
 * Seeded-random malformed Cloud API requests: every one is answered with the envelope (or, for a
 * GET without Cloud API headers, the landing page; for a connection the client cut short,
 * nothing), none with InternalError, and the server is healthy afterwards. A failure prints the
 * seed and the case; `OPENCCC_FUZZ_SEED=<seed>` replays the same requests (with today's timestamps).
 */
const SEED = Number(process.env['OPENCCC_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const FETCH_CASES = 1000;
const RAW_CASES = 1000;
const CONCURRENCY = 16;
/** A run takes a few seconds; the margin is for a machine busy with the rest of the suite. */
const TIMEOUT_MS = 120_000;


class Fuzz {
  constructor(readonly random: () => number) {}

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Printable ASCII, the only kind fetch lets through in header values. */
  ascii(max: number): string {
    return Array.from({ length: this.int(max + 1) }, () => String.fromCharCode(0x20 + this.int(95))).join('').trim();
  }

  bytes(max: number): Buffer {
    return Buffer.from(Array.from({ length: this.int(max + 1) }, () => this.int(256)));
  }

  /** A JSON value of any shape, sometimes of the shapes the schemas expect. */
  json(depth = 0): unknown {
    switch (this.int(depth > 3 ? 6 : 9)) {
      case 0:
        return this.pick([0, -1, 1, 2 ** 53, -(2 ** 53), 1e21, 1.5, 1400000000, 2 ** 31]);
      case 1:
        return this.ascii(40);
      case 2:
        return this.pick([true, false, null]);
      case 3:
        return this.pick(['a@example.com', 'ADMIN@OPENCCC.LOCAL', '', 'x'.repeat(300), '\u0000', '😀']);
      case 4:
        return this.pick(['free', 'rest', 'offline', 'busy', 'notReady']);
      case 5:
        return this.int(100);
      case 6:
      case 7:
        return Object.fromEntries(Array.from({ length: this.int(5) }, () => [this.pick([...FIELD_NAMES, this.ascii(10)]), this.json(depth + 1)]));
      default:
        return Array.from({ length: this.int(4) }, () => this.json(depth + 1));
    }
  }
}

const FIELD_NAMES = ['SdkAppId', 'SeatUserId', 'Staffs', 'Mail', 'Name', 'StaffList', 'PageSize', 'PageNumber', 'SkillGroupId', 'StaffEmail', 'Status', 'Password', 'OnlyOnce', 'Role'];
const IMPLEMENTED = Object.keys(ActionSchemas);
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  '*/*',
  ';;',
  'application/',
  'x',
];

interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | string | undefined;
}

function fuzzAuthorization(fuzz: Fuzz, target: TestServer): string {
  const date = new Date().toISOString().slice(0, 10);
  return fuzz.pick([
    () => fuzz.ascii(80),
    () => 'TC3-HMAC-SHA256',
    () => `TC3-HMAC-SHA256 Credential=${target.secretId}/${date}/ccc/tc3_request, SignedHeaders=content-type;host, Signature=${'0'.repeat(64)}`,
    () => `TC3-HMAC-SHA256 Credential=${fuzz.ascii(20)}/${fuzz.ascii(10)}/ccc/tc3_request, SignedHeaders=${fuzz.ascii(20)}, Signature=${fuzz.ascii(64)}`,
    () => `TC3-HMAC-SHA256 Credential=${target.secretId}/${date}/ccc/tc3_request, SignedHeaders=, Signature=`,
    () => `TC3-HMAC-SHA256 Credential=${target.secretId}/${date}/ccc/tc3_request, SignedHeaders=content-type;host;x-tc-action;${'x'.repeat(fuzz.int(3000))}, Signature=${'a'.repeat(64)}`,
    () => `HmacSHA256 ${fuzz.ascii(40)}`,
    () => 'Bearer x',
    () => `TC3-HMAC-SHA256 Credential=${target.secretId}, Credential=${target.secretId}`,
  ])();
}

function fuzzCase(fuzz: Fuzz, target: TestServer): FuzzCase {
  // A fifth are correctly signed, so the parameter parsing and the actions themselves get fuzzed too.
  if (fuzz.chance(0.2)) {
    const method = fuzz.chance(0.8) ? 'POST' : 'GET';
    const params = fuzz.json(1);
    const built = buildSignedRequest(target, {
      method,
      action: fuzz.pick(IMPLEMENTED),
      ...(method === 'POST' && fuzz.chance(0.3) ? { body: JSON.stringify(params).slice(0, fuzz.int(200)) } : { params: (typeof params === 'object' && params && !Array.isArray(params) ? params : { SdkAppId: params }) as Record<string, unknown> }),
      ...(fuzz.chance(0.2) ? { language: 'zh-CN' } : {}),
    });
    return { method: built.method, path: built.path, headers: built.headers, body: built.body };
  }
  const method = fuzz.pick(['POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);
  const headers: Record<string, string> = {};
  if (fuzz.chance(0.7)) headers['content-type'] = fuzz.chance(0.9) ? fuzz.pick(CONTENT_TYPES) : fuzz.ascii(30);
  if (fuzz.chance(0.8)) headers['x-tc-action'] = fuzz.pick([() => fuzz.pick(IMPLEMENTED), () => fuzz.pick(CCC_CLIENT_ACTIONS), () => fuzz.ascii(30), () => '', () => 'describestaffinfolist'])();
  if (fuzz.chance(0.8)) headers['x-tc-version'] = fuzz.pick(['2020-02-10', '2020-02-10 ', '2017-03-12', fuzz.ascii(12)]);
  if (fuzz.chance(0.8)) {
    const now = nowSeconds();
    headers['x-tc-timestamp'] = fuzz.pick([String(now), String(now - 301), String(now + 1000), '0', '-1', '1e3', 'abc', String(2 ** 53), '9'.repeat(40), `${now}.5`, ` ${now}`]);
  }
  if (fuzz.chance(0.8)) headers['authorization'] = fuzzAuthorization(fuzz, target);
  if (fuzz.chance(0.2)) headers['x-tc-language'] = fuzz.pick(['zh-CN', 'en-US', fuzz.ascii(8)]);
  if (fuzz.chance(0.1)) headers['x-tc-token'] = fuzz.ascii(20);
  if (fuzz.chance(0.2)) headers['x-tc-traceid'] = fuzz.ascii(fuzz.pick([10, 200, 4000]));
  if (fuzz.chance(0.1)) headers['x-tc-content-sha256'] = fuzz.pick(['UNSIGNED-PAYLOAD', fuzz.ascii(64)]);
  for (let i = fuzz.int(3); i > 0; i--) headers[`x-${fuzz.pick(['tc-', 'a', 'fuzz-'])}${fuzz.int(1000)}`] = fuzz.ascii(50);

  const query = fuzz.chance(0.5) ? '' : `?${fuzz.pick([() => fuzz.ascii(60).replace(/[# ]/g, '&'), () => `SdkAppId=${fuzz.ascii(10)}&Staffs.0.Mail=a@b.c&Staffs.2.Mail=x`, () => 'Action=X&Signature=Y', () => `a=${'%'.repeat(fuzz.int(5))}`])()}`;
  const body =
    method === 'GET' || method === 'OPTIONS' || fuzz.chance(0.1)
      ? undefined
      : fuzz.pick([
          () => fuzz.bytes(300),
          () => JSON.stringify(fuzz.json()),
          () => JSON.stringify(fuzz.json()).slice(0, fuzz.int(50)),
          () => '{"SdkAppId":1e21,"PageSize":9007199254740993}',
          () => '['.repeat(fuzz.int(2000)),
          () => `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`,
          () => 'SdkAppId=1&Staffs.0.Mail=x',
          () => '',
        ])();
  return { method, path: `/${query}`, headers, body };
}

/**
 * The envelope, never InternalError. A GET on `/` is the Cloud API only with its headers (or a
 * legacy query), which garbled headers may not show: then the landing page is the right answer.
 */
function expectAnswer(res: RawResponse, c: Pick<FuzzCase, 'method'>, label: string): void {
  if (c.method === 'GET' && (res.headers['content-type'] ?? '').startsWith('text/html')) {
    expect(res.status, label).toBe(200);
    return;
  }
  expect(res.status, `${label}\n${res.text}`).toBe(200);
  const response = expectEnvelope(res);
  const error = response['Error'] as { Code?: string } | undefined;
  expect(error?.Code, `${label}\n${res.text}`).not.toBe('InternalError');
}

async function inBatches<T>(items: T[], size: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const index = next++;
        await run(items[index] as T, index);
      }
    }),
  );
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
  console.log(`cloud api fuzz seed: ${SEED} (replay with OPENCCC_FUZZ_SEED=${SEED})`);
});

afterAll(async () => {
  await server?.close();
});

function describeCase(c: FuzzCase, index: number): string {
  const body = c.body === undefined ? '' : (Buffer.isBuffer(c.body) ? c.body.toString('latin1') : c.body).slice(0, 200);
  return `seed ${SEED}, case ${index}: ${c.method} ${c.path.slice(0, 200)} ${JSON.stringify(c.headers).slice(0, 600)} ${JSON.stringify(body)}`;
}

describe(`Cloud API fuzz (seed ${SEED})`, () => {
  it(`answers ${FETCH_CASES} random requests sent with fetch`, async () => {
    const fuzz = new Fuzz(seededRandom(SEED));
    const cases = Array.from({ length: FETCH_CASES }, () => fuzzCase(fuzz, server));
    await inBatches(cases, CONCURRENCY, async (c, index) => {
      const label = describeCase(c, index);
      const { host: _host, ...headers } = c.headers;
      let res: Response;
      try {
        res = await fetch(`http://127.0.0.1:${server.port}${c.path}`, { method: c.method, headers, body: c.body });
      } catch (error) {
        throw new Error(`${label}\nfetch failed: ${String(error)}`, { cause: error });
      }
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text) as unknown;
      } catch {
        json = undefined;
      }
      expectAnswer({ status: res.status, headers: Object.fromEntries(res.headers), text, json }, c, label);
    });
  }, TIMEOUT_MS);

  it(`answers ${RAW_CASES} malformed HTTP requests written on raw sockets`, async () => {
    const fuzz = new Fuzz(seededRandom(SEED ^ 0x5eed));
    const cases = Array.from({ length: RAW_CASES }, () => {
      const c = fuzzCase(fuzz, server);
      const method = fuzz.chance(0.9) ? c.method : fuzz.pick(['P0ST', 'GET\u0000', 'PROPFIND', 'BREW', '', fuzz.ascii(8)]);
      const target = fuzz.chance(0.95) ? c.path : fuzz.ascii(20);
      const lines = [`${method} ${target} ${fuzz.pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 x'])}`];
      lines.push(`Host: ${fuzz.chance(0.9) ? `127.0.0.1:${server.port}` : fuzz.ascii(20)}`);
      for (const [name, value] of Object.entries(c.headers)) if (name !== 'host') lines.push(`${name}: ${value}`);
      // A header line with bytes a header may not hold.
      if (fuzz.chance(0.15)) lines.push(fuzz.pick(['Bad Header: x', 'X-A: \u0001', ': empty-name', 'X-Folded: a\r\n b', `X-Latin: ${String.fromCharCode(0xe9)}`, 'NoColon']));
      const body = c.body === undefined ? Buffer.alloc(0) : Buffer.from(c.body);
      let payload: Buffer = body;
      // A request that ends before its declared body does: the client closed its side, so no answer is owed.
      let truncated = false;
      switch (fuzz.int(7)) {
        case 0:
          lines.push(`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`);
          break;
        case 1:
          lines.push(`Content-Length: ${body.length}`, 'Transfer-Encoding: chunked');
          break;
        case 2: {
          lines.push('Transfer-Encoding: chunked');
          const end = fuzz.pick(['\r\n0\r\n\r\n', '\r\n', 'xx0\r\n\r\n', '\r\n0\r\nTrailer: x\r\n\r\n']);
          truncated = end === '\r\n';
          payload = Buffer.concat([Buffer.from(`${fuzz.pick([body.length.toString(16), 'zz', '-1', 'ffffffffffffffffff', `${body.length.toString(16)};ext=1`])}\r\n`), body, Buffer.from(end)]);
          break;
        }
        case 3:
          lines.push(`Transfer-Encoding: ${fuzz.pick(['gzip', 'chunked, chunked', 'identity', 'chunked;q=1'])}`, `Content-Length: ${body.length}`);
          break;
        case 4: {
          const length = fuzz.pick(['-1', 'abc', '1e3', ' 5', '99999999999999999999']);
          truncated = length === ' 5' && body.length < 5;
          lines.push(`Content-Length: ${length}`);
          break;
        }
        default:
          lines.push(`Content-Length: ${body.length}`);
      }
      lines.push('Connection: close');
      return { method, target, truncated, bytes: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]) };
    });
    await inBatches(cases, CONCURRENCY, async ({ method, target, truncated, bytes }, index) => {
      const label = `seed ${SEED} (raw sockets), case ${index}: ${JSON.stringify(bytes.toString('latin1').slice(0, 800))}`;
      const { response, bytes: received } = await rawExchange(server.port, [bytes]);
      if (!response && truncated) return;
      expect(response, `${label}\nreceived ${JSON.stringify(received.slice(0, 300))}`).toBeDefined();
      if (!response) return;
      // A request line naming another path is not a Cloud API call (a plain 400, or that path's answer).
      if (target !== '/' && !target.startsWith('/?')) {
        expect(response.status, label).toBeLessThan(500);
        return;
      }
      expectAnswer(response, { method }, label);
    });
  }, TIMEOUT_MS);

  it('leaves the server healthy, without a single InternalError, and still serving signed requests', async () => {
    await expectHealthy(server.port);
    expectOk(await signedFetch(server, { params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0 } }));
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).not.toMatch(/^openccc_cloudapi_requests_total\{[^}]*code="InternalError"\}/m);
  });
});
