import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RECORDING_KEY_FILE,
  RecordingLinks,
  isRecordingRef,
  loadRecordingKey,
  recordingDay,
  recordingPath,
  recordingRef,
  recordedSession,
  withRecordingUrls,
} from './recording-links.js';

const KEY = Buffer.alloc(32, 1);
const NOW = 1_767_225_600_000; // 2026-01-01T00:00:00Z
const SESSION = '9dc79b2c-9902-419c-b963-16bee762ae3a';
const ref = { sdkAppId: 1400000001, sessionId: SESSION, day: '2026-01-01' };

function parts(url: string): { path: string; expires: string | null; sig: string | null } {
  const u = new URL(url);
  return { path: u.pathname, expires: u.searchParams.get('expires'), sig: u.searchParams.get('sig') };
}

describe('recording files', () => {
  it('live under <data>/recordings/<SdkAppId>/<UTC day of the start>/<SessionId>.wav', () => {
    expect(recordingDay(1_767_225_599)).toBe('2025-12-31');
    expect(recordingDay(1_767_225_600)).toBe('2026-01-01');
    expect(recordingPath('/data', recordingRef(1400000001, SESSION, 1_767_225_600))).toBe(`/data/recordings/1400000001/2026-01-01/${SESSION}.wav`);
  });

  it('cannot name a file outside that folder', () => {
    for (const bad of [
      { ...ref, sessionId: '../master' },
      { ...ref, sessionId: '..' },
      { ...ref, sessionId: 'a/b' },
      { ...ref, sessionId: 'a\\b' },
      { ...ref, sessionId: '' },
      { ...ref, sessionId: 'x.wav' },
      { ...ref, day: '../2026-01-01' },
      { ...ref, day: '2026-1-1' },
      { ...ref, day: '' },
      { ...ref, sdkAppId: 0 },
      { ...ref, sdkAppId: -1 },
      { ...ref, sdkAppId: 1.5 },
    ]) {
      expect(isRecordingRef(bad)).toBe(false);
      expect(() => recordingPath('/data', bad)).toThrow();
    }
    expect(recordingDay(Number.MAX_SAFE_INTEGER)).toBe('');
  });
});

describe('RecordingLinks', () => {
  let now = NOW;
  const links = () => new RecordingLinks(KEY, { clock: () => now });

  beforeEach(() => {
    now = NOW;
  });

  it('signs <public-url>/recordings/v1/<SdkAppId>/<day>/<SessionId>.wav?expires=<unix s>&sig=<base64url>, valid for 7 days by default', () => {
    const url = links().url('https://ccc.example.com/', ref);
    expect(url).toMatch(new RegExp(`^https://ccc\\.example\\.com/recordings/v1/1400000001/2026-01-01/${SESSION}\\.wav\\?expires=${NOW / 1000 + 7 * 86_400}&sig=[A-Za-z0-9_-]{43}$`));
    const { expires, sig } = parts(url);
    expect(links().check(ref, expires, sig)).toBe('valid');
    now = NOW + 7 * 86_400_000 - 1000;
    expect(links().check(ref, expires, sig)).toBe('valid');
    now = NOW + 7 * 86_400_000;
    expect(links().check(ref, expires, sig)).toBe('expired');
  });

  it('takes another lifetime', () => {
    const { expires } = parts(new RecordingLinks(KEY, { clock: () => now, ttlSeconds: 3600 }).url('http://h', ref));
    expect(expires).toBe(String(NOW / 1000 + 3600));
    expect(() => new RecordingLinks(KEY, { ttlSeconds: 0 })).toThrow();
    expect(() => new RecordingLinks(Buffer.alloc(16))).toThrow();
  });

  it('refuses a link whose recording, expiry or signature was changed, or signed with another key', () => {
    const { expires, sig } = parts(links().url('http://h', ref));
    const signature = sig ?? '';
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(links().check({ ...ref, sessionId: `${SESSION.slice(0, -1)}b` }, expires, sig)).toBe('invalid');
    expect(links().check({ ...ref, sdkAppId: 1400000002 }, expires, sig)).toBe('invalid');
    expect(links().check({ ...ref, day: '2026-01-02' }, expires, sig)).toBe('invalid');
    expect(links().check(ref, String(Number(expires) + 1), sig)).toBe('invalid');
    expect(links().check(ref, expires, flipped)).toBe('invalid');
    expect(links().check(ref, expires, `${signature}=`)).toBe('invalid');
    expect(links().check(ref, expires, signature.slice(1))).toBe('invalid');
    expect(links().check(ref, expires, undefined)).toBe('invalid');
    expect(links().check(ref, undefined, sig)).toBe('invalid');
    expect(links().check(ref, [expires], sig)).toBe('invalid');
    expect(links().check(ref, `${expires}.0`, sig)).toBe('invalid');
    expect(new RecordingLinks(Buffer.alloc(32, 2), { clock: () => now }).check(ref, expires, sig)).toBe('invalid');
    // An expired link with a wrong signature is invalid, not expired: only a genuine link learns that it expired.
    now = NOW + 30 * 86_400_000;
    expect(links().check(ref, expires, flipped)).toBe('invalid');
  });
});

describe('the data folder key', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'openccc-reckey-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is made on first use (32 random bytes, mode 0600) and read back after', () => {
    const first = loadRecordingKey(dir);
    expect(first).toHaveLength(32);
    expect(statSync(join(dir, RECORDING_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadRecordingKey(dir).equals(first)).toBe(true);
    expect(readFileSync(join(dir, RECORDING_KEY_FILE), 'utf8').trim()).toBe(first.toString('hex'));
    const links = RecordingLinks.fromDataFolder(dir, { clock: () => NOW });
    const { expires, sig } = parts(links.url('http://h', ref));
    expect(RecordingLinks.fromDataFolder(dir, { clock: () => NOW }).check(ref, expires, sig)).toBe('valid');
  });

  it('refuses a damaged key file, saying how to recover', () => {
    writeFileSync(join(dir, RECORDING_KEY_FILE), 'not a key\n');
    expect(() => loadRecordingKey(dir)).toThrow(/delete it/);
  });
});

describe('records and their links', () => {
  const links = new RecordingLinks(KEY, { clock: () => NOW });
  const record = {
    SessionId: SESSION,
    StartTimestamp: NOW / 1000 + 5,
    RecordId: SESSION,
    RecordURL: '',
    ServeParticipants: [
      { Sequence: 0, Mail: 'a@example.com', RecordId: SESSION, RecordURL: '' },
      { Sequence: 1, Mail: 'b@example.com', RecordId: '', RecordURL: '' },
    ],
  };

  it('a record with a RecordId gets a fresh link, and so do its participants with one', () => {
    const answered = withRecordingUrls(record, 1400000001, links, 'https://ccc.example.com');
    expect(answered.RecordURL).toBe(links.url('https://ccc.example.com', ref));
    expect(answered.ServeParticipants?.map((p) => p.RecordURL)).toEqual([answered.RecordURL, '']);
    expect(record.RecordURL).toBe('');
  });

  it('a record without a RecordId, or a server without links, answers the record as stored', () => {
    const silent = { ...record, RecordId: '' };
    expect(withRecordingUrls(silent, 1400000001, links, 'https://ccc.example.com')).toBe(silent);
    expect(withRecordingUrls(record, 1400000001, undefined, 'https://ccc.example.com')).toBe(record);
    expect(recordedSession({ ...record, SessionId: '../x' }, 1400000001)).toBeNull();
  });
});
