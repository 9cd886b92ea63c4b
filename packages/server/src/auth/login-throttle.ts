import { LruMap } from './lru-map.js';
import { DEFAULT_MAX_KEYS, RateLimiter } from './rate-limiter.js';

/** One token bucket: `burst` attempts at once, refilled at `perMinute`. */
export interface BucketPolicy {
  burst: number;
  perMinute: number;
}

export interface LoginLimits {
  /** Password attempts from one address at one account. */
  pair: BucketPolicy;
  /** Password attempts from one address at any account. */
  address: BucketPolicy;
  /** Password attempts at one account from addresses it has not signed in from. */
  account: BucketPolicy;
  /** How long a successful sign-in makes its address known to the account. */
  knownForMs: number;
  /** SDK token exchanges (POST /sdk/v1/login) from one address. */
  tokenAddress: BucketPolicy;
  /** Keys each limiter (and the list of known addresses) tracks at most. */
  maxKeys: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  pair: { burst: 5, perMinute: 5 },
  address: { burst: 20, perMinute: 10 },
  account: { burst: 20, perMinute: 1 / 3 },
  knownForMs: 30 * 86_400_000,
  tokenAddress: { burst: 60, perMinute: 60 },
  maxKeys: DEFAULT_MAX_KEYS,
};

/**
 * Who may try to sign in now (see docs/sdk.md, "Security"). Password attempts
 * are limited per (address, account) pair, per address, and per account; the
 * per-account limit does not apply to an address the account has signed in
 * from within `knownForMs`, so guesses from elsewhere cannot lock an agent out
 * of their usual place of work.
 */
export class LoginThrottle {
  private readonly pair: RateLimiter;
  private readonly address: RateLimiter;
  private readonly account: RateLimiter;
  private readonly tokenAddress: RateLimiter;
  /** `address account` → when that address last signed in to that account. */
  private readonly known: LruMap<number>;

  constructor(
    private readonly clock: () => number,
    private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    const limiter = (policy: BucketPolicy) => new RateLimiter(policy.perMinute / 60, policy.burst, clock, { maxKeys: limits.maxKeys });
    this.pair = limiter(limits.pair);
    this.address = limiter(limits.address);
    this.account = limiter(limits.account);
    this.tokenAddress = limiter(limits.tokenAddress);
    this.known = new LruMap(limits.maxKeys);
  }

  /** Counts a password attempt; false when it must be refused. `account` is the lower-case mail. */
  admitPassword(address: string, account: string): boolean {
    const pairKey = `${address} ${account}`;
    if (!this.pair.take(pairKey) || !this.address.take(address)) return false;
    const knownAt = this.known.get(pairKey);
    if (knownAt !== undefined && this.clock() - knownAt < this.limits.knownForMs) return true;
    return this.account.take(account);
  }

  /** Remembers that `address` signed in to `account` with its password. */
  passwordSucceeded(address: string, account: string): void {
    this.known.set(`${address} ${account}`, this.clock());
  }

  /** Counts an SDK token exchange; false when it must be refused. */
  admitToken(address: string): boolean {
    return this.tokenAddress.take(address);
  }
}
