import type { Logger } from 'pino';
import type { ApiKeyRepo } from '../store/ports.js';

/** A key's last use is written at most this often: busy keys sign many requests a second. */
const WRITE_EVERY_MS = 60_000;

/**
 * When each API key last signed a request that passed verification, for the console's key list.
 * Kept in memory at once and written to the store at most once a minute per key, off the request's path.
 */
export class KeyUsage {
  private readonly seenAt = new Map<string, number>();
  private readonly writtenAt = new Map<string, number>();

  constructor(
    private readonly keys: ApiKeyRepo,
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {}

  seen(secretId: string): void {
    const now = this.clock();
    this.seenAt.set(secretId, now);
    if (now - (this.writtenAt.get(secretId) ?? 0) < WRITE_EVERY_MS) return;
    this.writtenAt.set(secretId, now);
    this.keys.touch(secretId, now).catch((err: unknown) => this.log.warn({ err }, 'recording when an API key was used failed'));
  }

  /** Each key's last use: the newer of the stored time and the one seen since. */
  async lastUsed(): Promise<Map<string, number>> {
    const stored = await this.keys.lastUsed();
    for (const [secretId, at] of this.seenAt) stored.set(secretId, Math.max(at, stored.get(secretId) ?? 0));
    return stored;
  }
}
