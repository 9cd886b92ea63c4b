import type { CredentialKind, CredentialRepo } from '../store/ports.js';
import { hashSecret, newHexSecret } from '../crypto/secrets.js';

export interface MintedSecret {
  /** The bearer secret, shown to the caller once; only its hash is stored. */
  secret: string;
  /** unix ms */
  expiresAt: number;
}

/** Short-lived bearer secrets bound to one staff of one instance: SDK login tokens and console links. */
export class LoginTokens {
  constructor(
    private readonly credentials: CredentialRepo,
    private readonly clock: () => number = Date.now,
  ) {}

  async mint(kind: CredentialKind, sdkAppId: number, mail: string, ttlSeconds: number, onlyOnce: boolean): Promise<MintedSecret> {
    const secret = newHexSecret();
    const now = this.clock();
    const expiresAt = now + ttlSeconds * 1000;
    await this.credentials.issue({ kind, hash: hashSecret(secret), sdkAppId, mail, onlyOnce, expiresAt, createdAt: now, usedAt: null });
    return { secret, expiresAt };
  }
}
