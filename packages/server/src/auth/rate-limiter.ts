import { LruMap } from './lru-map.js';

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

export interface RateLimiterOptions {
  /** How many keys are tracked at most; the least recently used one is forgotten beyond that. */
  maxKeys?: number;
}

export const DEFAULT_MAX_KEYS = 50_000;

/**
 * Per-key token buckets: `rate` requests per second sustained, bursts up to
 * `burst`. A rate of 0 disables limiting. Time is injected for tests.
 *
 * Every `take` does a constant amount of work (see `LruMap`). At most
 * `maxKeys` keys are tracked; a new key beyond that evicts the least recently
 * used one, whose next request then starts with a full bucket. Evicting a given key therefore takes `maxKeys`
 * requests for other, distinct keys since that key was last used, each of
 * which spends a token of its own: resetting a bucket costs far more requests
 * than the bucket holds.
 */
export class RateLimiter {
  private readonly buckets: LruMap<TokenBucket>;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    options: RateLimiterOptions = {},
  ) {
    this.buckets = new LruMap(options.maxKeys ?? DEFAULT_MAX_KEYS);
  }

  /** How many keys are tracked now (never more than `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }

  /** Takes one token for `key`; false when the bucket is empty. */
  take(key: string): boolean {
    if (this.rate <= 0) return true;
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.rate, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }
}
