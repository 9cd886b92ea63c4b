// Limits password attempts: token buckets per address and per address and account, so a guesser
// is slowed down without keeping a user out of other places.

/** @typedef {{ tokens: number, at: number }} Bucket */

const MAX_KEYS = 10_000;

class BucketMap {
  /** @type {Map<string, Bucket>} */
  #buckets = new Map();

  /** @param {number} burst @param {number} refillMs @param {() => number} clock */
  constructor(burst, refillMs, clock) {
    this.burst = burst;
    this.refillMs = refillMs;
    this.clock = clock;
  }

  /** Takes one token for `key`; false when there is none left. @param {string} key */
  take(key) {
    const now = this.clock();
    const old = this.#buckets.get(key);
    const tokens = old ? Math.min(this.burst, old.tokens + (now - old.at) / this.refillMs) : this.burst;
    this.#buckets.delete(key);
    // Oldest first: a Map keeps insertion order, and each use re-inserts the key.
    if (this.#buckets.size >= MAX_KEYS) this.#buckets.delete(/** @type {string} */ (this.#buckets.keys().next().value));
    if (tokens < 1) {
      this.#buckets.set(key, { tokens, at: now });
      return false;
    }
    this.#buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }
}

export class LoginLimiter {
  /** @param {() => number} [clock] */
  constructor(clock = Date.now) {
    // 5 attempts at one account from one address, then one every 12 s.
    this.perAccount = new BucketMap(5, 12_000, clock);
    // 20 attempts from one address over all accounts, then one every 6 s.
    this.perAddress = new BucketMap(20, 6_000, clock);
  }

  /**
   * Counts an attempt; false when it must be refused without checking the password.
   * @param {string} address
   * @param {string} account
   */
  allow(address, account) {
    const byAddress = this.perAddress.take(address);
    const byAccount = this.perAccount.take(`${address} ${account.toLowerCase()}`);
    return byAddress && byAccount;
  }
}
