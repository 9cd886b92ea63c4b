import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Encryption at rest for API SecretKeys: AES-256-GCM under a master key kept
 * in the data folder (`master.key`, mode 0600) or given as OPENCCC_MASTER_KEY.
 * Sealed form: version byte, 12-byte nonce, 16-byte tag, ciphertext.
 */
const VERSION = 1;

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** Accepts a 32-byte key as 64 hex characters or base64. */
  static fromEncoded(encoded: string): SecretBox {
    const text = encoded.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    if (key.length !== 32) throw new Error('The master key must be 32 bytes, given as 64 hex characters or base64.');
    return new SecretBox(key);
  }

  /** Loads the data folder's master key, creating it on first use. */
  static fromFile(file: string): SecretBox {
    if (!existsSync(file)) {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    return SecretBox.fromEncoded(readFileSync(file, 'utf8'));
  }

  seal(plaintext: string, context: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    // The context (the SecretId) is bound as associated data: a sealed key cannot be moved to another id.
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, context: string): string {
    if (sealed[0] !== VERSION) throw new Error('Unknown sealed-secret version.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }
}
