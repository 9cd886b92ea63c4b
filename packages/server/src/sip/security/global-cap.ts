/**
 * The gateway-wide cap on new calls: at most `maxPerSecond` calls started per second and at most
 * `maxConcurrent` calls at once. The rate is a token bucket holding one second's worth (at least
 * one call), so a burst of that size passes. A refused INVITE is answered 503 with `Retry-After`.
 */
export interface CallRateCapOptions {
  now: () => number;
  maxPerSecond: number;
  maxConcurrent: number;
}

export type CallStart = 'ok' | 'rate' | 'concurrent';

export class CallRateCap {
  private readonly now: () => number;
  private readonly maxPerSecond: number;
  private readonly maxConcurrent: number;
  /** At least one token, so that a rate below one per second still lets calls through. */
  private readonly capacity: number;
  private tokens: number;
  private refilledAt: number;
  private active = 0;

  constructor(options: CallRateCapOptions) {
    if (!(options.maxPerSecond > 0) || !(options.maxConcurrent >= 1)) {
      throw new RangeError(`CallRateCap: maxPerSecond (${options.maxPerSecond}) must be positive and maxConcurrent (${options.maxConcurrent}) at least 1.`);
    }
    this.now = options.now;
    this.maxPerSecond = options.maxPerSecond;
    this.maxConcurrent = Math.floor(options.maxConcurrent);
    this.capacity = Math.max(1, options.maxPerSecond);
    this.tokens = this.capacity;
    this.refilledAt = options.now();
  }

  /** Admits a new call ('ok', which the caller must pair with `end()`), or says which cap refused it. */
  tryStart(): CallStart {
    this.refill();
    if (this.active >= this.maxConcurrent) return 'concurrent';
    if (this.tokens < 1) return 'rate';
    this.tokens -= 1;
    this.active++;
    return 'ok';
  }

  /** A call admitted by `tryStart` ended. */
  end(): void {
    if (this.active === 0) throw new Error('CallRateCap.end() called with no call started: every end() must pair with a tryStart() that returned ok.');
    this.active--;
  }

  /** Calls admitted and not yet ended. */
  get concurrent(): number {
    return this.active;
  }

  /** Whole seconds until a call would pass the rate cap, at least 1: the value for `Retry-After`. */
  retryAfterSeconds(): number {
    this.refill();
    const missing = Math.max(0, 1 - this.tokens);
    return Math.max(1, Math.ceil(missing / this.maxPerSecond));
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.refilledAt);
    this.refilledAt = Math.max(this.refilledAt, now);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.maxPerSecond);
  }
}
