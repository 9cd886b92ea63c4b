import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box.js';

const KEY = Buffer.alloc(32, 7);
const HEX = KEY.toString('hex');

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openccc-box-'));
  folders.push(dir);
  return dir;
}

/** Flips one bit of a copy of the sealed buffer. */
function flip(sealed: Buffer, index: number): Buffer {
  const copy = Buffer.from(sealed);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

describe('SecretBox seal/open', () => {
  const box = SecretBox.fromEncoded(HEX);

  it('round-trips ASCII and Unicode secrets', () => {
    for (const secret of ['Abc123Abc123Abc123Abc123Abc123Ab', '', '密钥🔑 with spaces']) {
      expect(box.open(box.seal(secret, 'AKIDcontext'), 'AKIDcontext')).toBe(secret);
    }
  });

  it('has the layout version, 12-byte nonce, 16-byte tag, ciphertext', () => {
    const sealed = box.seal('0123456789', 'ctx');
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + 16 + 10);
  });

  it('uses a fresh nonce each time', () => {
    const a = box.seal('same', 'ctx');
    const b = box.seal('same', 'ctx');
    expect(a.equals(b)).toBe(false);
    expect(box.open(a, 'ctx')).toBe(box.open(b, 'ctx'));
  });

  it('refuses to open under another context (AAD)', () => {
    const sealed = box.seal('secret', 'AKIDone');
    expect(() => box.open(sealed, 'AKIDtwo')).toThrow();
    expect(() => box.open(sealed, '')).toThrow();
  });

  it('refuses to open with another key', () => {
    const other = SecretBox.fromEncoded(randomBytes(32).toString('hex'));
    expect(() => other.open(box.seal('secret', 'ctx'), 'ctx')).toThrow();
  });

  it('detects a tampered byte in the nonce, the tag or the ciphertext', () => {
    const sealed = box.seal('a secret key', 'ctx');
    for (const index of [1, 12, 13, 28, 29, sealed.length - 1]) {
      expect(() => box.open(flip(sealed, index), 'ctx'), `byte ${index}`).toThrow();
    }
  });

  it('detects a truncated ciphertext', () => {
    const sealed = box.seal('a secret key', 'ctx');
    expect(() => box.open(sealed.subarray(0, sealed.length - 1), 'ctx')).toThrow();
  });

  it('refuses an unknown version byte', () => {
    const sealed = box.seal('a secret key', 'ctx');
    const copy = Buffer.from(sealed);
    copy[0] = 2;
    expect(() => box.open(copy, 'ctx')).toThrow('Unknown sealed-secret version.');
  });
});

describe('SecretBox.fromEncoded', () => {
  it('accepts 64 hex characters (either case, surrounding whitespace) and base64 for the same key', () => {
    const sealed = SecretBox.fromEncoded(HEX).seal('secret', 'ctx');
    expect(SecretBox.fromEncoded(HEX.toUpperCase()).open(sealed, 'ctx')).toBe('secret');
    expect(SecretBox.fromEncoded(`  ${HEX}\n`).open(sealed, 'ctx')).toBe('secret');
    expect(SecretBox.fromEncoded(KEY.toString('base64')).open(sealed, 'ctx')).toBe('secret');
  });

  it.each([
    ['too short hex', 'ab'.repeat(31)],
    ['too long hex', 'ab'.repeat(33)],
    ['16-byte base64', Buffer.alloc(16, 1).toString('base64')],
    ['48-byte base64', Buffer.alloc(48, 1).toString('base64')],
    ['empty', ''],
  ])('rejects a key of the wrong length (%s)', (_name, encoded) => {
    expect(() => SecretBox.fromEncoded(encoded)).toThrow('The master key must be 32 bytes, given as 64 hex characters or base64.');
  });
});

describe('SecretBox.fromFile', () => {
  it('creates a 0600 key file once and reuses it', () => {
    const file = join(tempFolder(), 'master.key');
    expect(existsSync(file)).toBe(false);
    const first = SecretBox.fromFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const content = readFileSync(file, 'utf8');
    expect(content).toMatch(/^[0-9a-f]{64}\n$/);
    const sealed = first.seal('secret', 'ctx');

    const second = SecretBox.fromFile(file);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(second.open(sealed, 'ctx')).toBe('secret');
    // The file holds the key itself.
    expect(SecretBox.fromEncoded(content).open(sealed, 'ctx')).toBe('secret');
  });

  it('makes a different key in each new folder', () => {
    const a = SecretBox.fromFile(join(tempFolder(), 'master.key'));
    const b = SecretBox.fromFile(join(tempFolder(), 'master.key'));
    expect(() => b.open(a.seal('secret', 'ctx'), 'ctx')).toThrow();
  });
});
