import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniformly random alphanumeric string from the CSPRNG. */
export function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

/** A SecretId in Tencent's shape: `AKID` + 32 characters (36 in all). */
export function newSecretId(): string {
  return `AKID${randomAlnum(32)}`;
}

/** A 32-character SecretKey. */
export function newSecretKey(): string {
  return randomAlnum(32);
}

/** A bearer secret as 32 hex characters (128 bits), the shape of a TCCC SDK login token. */
export function newHexSecret(bytes = 16): string {
  return randomBytes(bytes).toString('hex');
}

/** Stored form of a bearer secret: its SHA-256. High-entropy secrets need no salt or slow hash. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A password a person can type: 16 characters from letters and digits (about 95 bits). */
export function newPassword(): string {
  return randomAlnum(16);
}
