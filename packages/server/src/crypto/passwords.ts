import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (N=2^15, r=8, p=1: about 32 MiB and tens of
 * milliseconds per hash). Stored as `scrypt$N$r$p$salt$hash` in base64 so the
 * parameters can be raised later without breaking old hashes.
 */
const PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Salt of the stand-in derivation for staff without a password. */
const NO_SALT = Buffer.alloc(16);

/**
 * Stored for staff who have no password yet (created by CreateStaff): no
 * password verifies against it. Set one with ModifyStaffPassword or the CLI.
 */
export const NO_PASSWORD_HASH = '';

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 128 * options.N! * options.r! * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether `password` matches the stored hash. A missing or malformed hash
 * matches nothing, after the same scrypt work as a real check, so the time
 * taken does not tell which accounts have a password.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    await derive(password, NO_SALT, PARAMS);
    return false;
  }
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] as string, 'base64');
  const expected = Buffer.from(parts[5] as string, 'base64');
  let key: Buffer;
  try {
    key = await derive(password, salt, { N, r, p });
  } catch {
    // A corrupt stored hash matches no password.
    return false;
  }
  return key.length === expected.length && timingSafeEqual(key, expected);
}
