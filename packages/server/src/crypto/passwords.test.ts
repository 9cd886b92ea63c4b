import { describe, expect, it } from 'vitest';
import { NO_PASSWORD_HASH, hashPassword, verifyPassword } from './passwords.js';

const FORMAT = /^scrypt\$32768\$8\$1\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/;

describe('hashPassword', () => {
  it('stores scrypt$N$r$p$salt$hash with a 16-byte salt and a 32-byte key', async () => {
    const stored = await hashPassword('correct horse battery staple');
    const match = FORMAT.exec(stored);
    expect(match).not.toBeNull();
    expect(Buffer.from(match?.[1] ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(match?.[2] ?? '', 'base64')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
  });
});

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('Secr3t!');
    expect(await verifyPassword('Secr3t!', stored)).toBe(true);
    expect(await verifyPassword('secr3t!', stored)).toBe(false);
    expect(await verifyPassword('Secr3t', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('compares passwords after NFKC normalisation', async () => {
    const stored = await hashPassword('pass');
    expect(await verifyPassword('ｐａｓｓ', stored)).toBe(true);
  });

  it('refuses a hash with a tampered key', async () => {
    const stored = await hashPassword('pw');
    const parts = stored.split('$');
    const key = Buffer.from(parts[5] ?? '', 'base64');
    key[0] = (key[0] ?? 0) ^ 1;
    parts[5] = key.toString('base64');
    expect(await verifyPassword('pw', parts.join('$'))).toBe(false);
    // A key of another length is a mismatch, not an exception.
    parts[5] = key.subarray(0, 16).toString('base64');
    expect(await verifyPassword('pw', parts.join('$'))).toBe(false);
  });

  it('honours the parameters stored in the hash', async () => {
    const stored = await hashPassword('pw');
    const parts = stored.split('$');
    parts[1] = '1024';
    expect(await verifyPassword('pw', parts.join('$'))).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['plain text', 'pw'],
    ['bcrypt', '$2b$10$abcdefghijklmnopqrstuu5kJ8k3gU9bH1Yk3Y6jH0oJXW0sX7lW2'],
    ['argon2', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'],
    ['too few fields', 'scrypt$32768$8$1$c2FsdA=='],
    ['too many fields', 'scrypt$32768$8$1$c2FsdA==$aGFzaA==$extra'],
    ['another scheme name', 'pbkdf2$32768$8$1$c2FsdA==$aGFzaA=='],
  ])('answers false for an unknown format (%s)', async (_name, stored) => {
    expect(await verifyPassword('pw', stored)).toBe(false);
  });
});

describe('verifyPassword with corrupt scrypt parameters', () => {
  it.each([
    ['N not a number', 'scrypt$x$8$1$c2FsdA==$aGFzaA=='],
    ['N not a power of two', 'scrypt$3$8$1$c2FsdA==$aGFzaA=='],
  ])('answers false (%s)', async (_name, stored) => {
    expect(await verifyPassword('pw', stored)).toBe(false);
  });
});

describe('staff without a password', () => {
  it('match no password, not even an empty one', async () => {
    for (const attempt of ['', 'x', 'scrypt', NO_PASSWORD_HASH]) expect(await verifyPassword(attempt, NO_PASSWORD_HASH)).toBe(false);
  });
});
