import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordingLinks, recordingPath, type RecordingRef } from '../calls/recording-links.js';
import { parseRange, registerRecordingRoutes } from './recording-routes.js';

const NOW = 1_767_225_600_000;
const SESSION = '9dc79b2c-9902-419c-b963-16bee762ae3a';
const ref: RecordingRef = { sdkAppId: 1400000001, sessionId: SESSION, day: '2026-01-01' };
/** 44 bytes of header and 1000 bytes of "audio", each byte its offset modulo 251. */
const WAV = Buffer.from(Array.from({ length: 1044 }, (_, i) => i % 251));

let dir: string;
let app: FastifyInstance;
let now = NOW;
const links = new RecordingLinks(Buffer.alloc(32, 3), { clock: () => now });

/** The path and query of a fresh link. */
function link(r: RecordingRef = ref): string {
  const url = new URL(links.url('http://ccc.example.com', r));
  return `${url.pathname}${url.search}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openccc-recordings-'));
  const file = recordingPath(dir, ref);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, WAV);
  // A secret next to the data folder, and a folder where a recording would be.
  writeFileSync(join(dir, 'master.key'), 'secret');
  mkdirSync(recordingPath(dir, { ...ref, sessionId: 'a-folder' }), { recursive: true });
  app = Fastify();
  registerRecordingRoutes(app, { links, dataDir: dir });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /recordings/v1/…', () => {
  it('serves the recording for a valid link: audio/wav, private, the whole file', async () => {
    now = NOW;
    const res = await app.inject({ method: 'GET', url: link() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('audio/wav');
    expect(res.headers['cache-control']).toBe('private');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-length']).toBe(String(WAV.length));
    expect(res.headers['content-disposition']).toBe(`inline; filename="${SESSION}.wav"`);
    expect(res.rawPayload.equals(WAV)).toBe(true);
  });

  it('serves byte ranges: a-b, a- and the last n bytes, with 206 and Content-Range', async () => {
    const url = link();
    const part = await app.inject({ method: 'GET', url, headers: { range: 'bytes=44-99' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 44-99/${WAV.length}`);
    expect(part.headers['content-length']).toBe('56');
    expect(part.rawPayload.equals(WAV.subarray(44, 100))).toBe(true);
    const tail = await app.inject({ method: 'GET', url, headers: { range: 'bytes=1000-' } });
    expect(tail.rawPayload.equals(WAV.subarray(1000))).toBe(true);
    const last = await app.inject({ method: 'GET', url, headers: { range: 'bytes=-4' } });
    expect(last.headers['content-range']).toBe(`bytes 1040-1043/${WAV.length}`);
    expect(last.rawPayload.equals(WAV.subarray(1040))).toBe(true);
    const beyond = await app.inject({ method: 'GET', url, headers: { range: 'bytes=2000-' } });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe(`bytes */${WAV.length}`);
    // Several ranges, or an If-Range that no longer matches: the whole file.
    const several = await app.inject({ method: 'GET', url, headers: { range: 'bytes=0-1,5-6' } });
    expect([several.statusCode, several.rawPayload.length]).toEqual([200, WAV.length]);
    const stale = await app.inject({ method: 'GET', url, headers: { range: 'bytes=0-1', 'if-range': '"old"' } });
    expect([stale.statusCode, stale.rawPayload.length]).toEqual([200, WAV.length]);
    const fresh = await app.inject({ method: 'GET', url, headers: { range: 'bytes=0-1', 'if-range': String(part.headers.etag) } });
    expect([fresh.statusCode, fresh.rawPayload.length]).toEqual([206, 2]);
  });

  it('answers HEAD with the headers alone', async () => {
    const res = await app.inject({ method: 'HEAD', url: link() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe(String(WAV.length));
    expect(res.rawPayload.length).toBe(0);
  });

  it('answers 403 for an expired link, saying so', async () => {
    now = NOW;
    const url = link();
    now = NOW + 7 * 86_400_000;
    const res = await app.inject({ method: 'GET', url });
    now = NOW;
    expect(res.statusCode).toBe(403);
    expect(res.json<{ message: string }>().message).toContain('expired');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
  });

  it('answers 403 for a tampered link or one without a signature, before looking at the file', async () => {
    const url = new URL(`http://h${link()}`);
    const sig = url.searchParams.get('sig') ?? '';
    const tampered = [
      url.pathname.replace('1400000001', '1400000002') + url.search,
      url.pathname.replace('2026-01-01', '2026-01-02') + url.search,
      url.pathname.replace(SESSION, SESSION.replace('9d', '8d')) + url.search,
      `${url.pathname}?expires=${Number(url.searchParams.get('expires')) + 60}&sig=${sig}`,
      `${url.pathname}?expires=${url.searchParams.get('expires')}&sig=${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`,
      `${url.pathname}?expires=${url.searchParams.get('expires')}`,
      url.pathname,
      `${url.pathname}?expires=${url.searchParams.get('expires')}&sig=${sig}&sig=${sig}`,
    ];
    for (const path of tampered) {
      const res = await app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(403);
      expect(res.json<{ message: string }>().message).toContain('not valid');
    }
    // A valid link to another, missing, recording is refused as invalid too when the signature is for this one.
    const other = await app.inject({ method: 'GET', url: url.pathname.replace(SESSION, 'missing') + url.search });
    expect(other.statusCode).toBe(403);
  });

  it('answers 404 for a valid link to a recording that is not on disk (or is not a file)', async () => {
    const missing = await app.inject({ method: 'GET', url: link({ ...ref, sessionId: '00000000-0000-4000-8000-000000000000' }) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<{ message: string }>().message).toBe('No such recording.');
    const folder = await app.inject({ method: 'GET', url: link({ ...ref, sessionId: 'a-folder' }) });
    expect(folder.statusCode).toBe(404);
  });

  it('cannot be led outside the recordings folder', async () => {
    const { search } = new URL(`http://h${link()}`);
    for (const path of [
      `/recordings/v1/1400000001/2026-01-01/..%2F..%2F..%2Fmaster.key${search}`,
      `/recordings/v1/1400000001/..%2F..%2F/master.key.wav${search}`,
      `/recordings/v1/1400000001/2026-01-01/../../../master.key${search}`,
      `/recordings/v1/1400000001/2026-01-01/%2e%2e.wav${search}`,
      `/recordings/v1/..%2F..%2Fmaster/2026-01-01/${SESSION}.wav${search}`,
      `/recordings/v1/1400000001/2026-01-01/${SESSION}${search}`,
      `/recordings/v1/1400000001/2026-01-01/${SESSION}.mp3${search}`,
    ]) {
      const res = await app.inject({ method: 'GET', url: path });
      expect(res.statusCode, path).toBe(404);
      expect(res.body).not.toContain('secret');
    }
  });

  it('does not follow a symbolic link planted where a recording would be', async () => {
    const planted = { ...ref, sessionId: 'planted' };
    symlinkSync(join(dir, 'master.key'), recordingPath(dir, planted));
    const res = await app.inject({ method: 'GET', url: link(planted) });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('secret');
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-0', { start: 0, end: 0 }],
    ['bytes=10-', { start: 10, end: 99 }],
    ['bytes=90-200', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-200', { start: 0, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=5-4', null],
    ['bytes=-', null],
    ['items=0-1', null],
    ['bytes=0-1,3-4', null],
    ['bytes= 0-1', null],
  ] as const)('%s of 100 bytes → %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });

  it('finds nothing to send in an empty file', () => {
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange('bytes=-1', 0)).toBe('unsatisfiable');
  });
});
