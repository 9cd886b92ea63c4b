// Password hashing for the CRM's own users: scrypt with a random salt, compared in constant time.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = /** @type {(password: string, salt: Buffer, keylen: number, options: import('node:crypto').ScryptOptions) => Promise<Buffer>} */ (promisify(scrypt));

const PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;

/**
 * Hashes a new password as `scrypt$N$r$p$<salt b64>$<hash b64>`.
 * @param {string} password
 */
export async function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, KEY_LENGTH, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

// Checked for an unknown user too, so the answer's timing does not tell which users exist.
const DUMMY_HASH = await hashPassword(randomBytes(12).toString('hex'));

/**
 * True when `password` matches `stored`. With no stored hash (an unknown user) it does the same
 * work and answers false.
 * @param {string} password
 * @param {string | undefined} stored
 */
export async function verifyPassword(password, stored) {
  const parts = (stored ?? DUMMY_HASH).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts;
  const expected = Buffer.from(hash ?? '', 'base64');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt ?? '', 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: PARAMS.maxmem,
  });
  return stored !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected);
}
