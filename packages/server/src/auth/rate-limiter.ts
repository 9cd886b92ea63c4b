/** A token bucket: `rate` tokens per second sustained, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Takes one token; false (and nothing taken) when fewer than one is left. */
  take(now: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface Entry {
  key: string;
  bucket: TokenBucket;
  /** Towards the least recently used entry. */
  older: Entry | null;
  /** Towards the most recently used entry. */
  newer: Entry | null;
}

export interface RateLimiterOptions {
  /** How many keys are tracked at most; the least recently used one is forgotten beyond that. */
  maxKeys?: number;
}

export const DEFAULT_MAX_KEYS = 50_000;

/**
 * Per-key token buckets: `rate` requests per second sustained, bursts up to
 * `burst`. A rate of 0 disables limiting. Time is injected for tests.
 *
 * Every `take` does a constant amount of work: the buckets sit in a map and in
 * a list ordered by last use. At most `maxKeys` keys are tracked; a new key
 * beyond that evicts the least recently used one, whose next request then
 * starts with a full bucket. Evicting a given key therefore takes `maxKeys`
 * requests for other, distinct keys since that key was last used, each of
 * which spends a token of its own: resetting a bucket costs far more requests
 * than the bucket holds.
 */
export class RateLimiter {
  private readonly entries = new Map<string, Entry>();
  private newest: Entry | null = null;
  private oldest: Entry | null = null;
  private readonly maxKeys: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    options: RateLimiterOptions = {},
  ) {
    this.maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_KEYS);
  }

  /** How many keys are tracked now (never more than `maxKeys`). */
  get size(): number {
    return this.entries.size;
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    if (this.rate <= 0) return true;
    const now = this.now();
    let entry = this.entries.get(key);
    if (entry) {
      this.unlink(entry);
    } else {
      if (this.entries.size >= this.maxKeys && this.oldest) {
        this.entries.delete(this.oldest.key);
        this.unlink(this.oldest);
      }
      entry = { key, bucket: new TokenBucket(this.rate, this.burst, now), older: null, newer: null };
      this.entries.set(key, entry);
    }
    this.pushNewest(entry);
    return entry.bucket.take(now);
  }

  private unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }

  private pushNewest(entry: Entry): void {
    entry.older = this.newest;
    if (this.newest) this.newest.newer = entry;
    this.newest = entry;
    this.oldest ??= entry;
  }
}
