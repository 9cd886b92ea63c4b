/**
 * Verified request signatures, remembered while their timestamp is inside the
 * signature window, each with what its first use was bound to and who sent it.
 *
 * TC3 has no nonce: two identical requests in the same second carry the same
 * signature, and the official SDKs sign neither the action nor anything else
 * that tells two actions with byte-identical bodies apart. So a signature may be
 * used again for what it was first used for (its action, for TC3), and for
 * anything by the sender of its first use, on the same connection from the same
 * client address: whoever can put a request on that connection could as well
 * have changed the first one. Keys that opt into single-use signatures refuse
 * any second use.
 *
 * Memory: a signature is recorded only after it verified and its key's rate
 * limit admitted it, and it is forgotten once its timestamp leaves the window
 * (at most twice the window after it is recorded, for a timestamp from the
 * future). Entries per key are therefore at most the key's burst plus its rate
 * times twice the window. The ledger lives in memory: a restart forgets it.
 */
export type SignatureUse =
  /** Not seen while in its window. */
  | { kind: 'first' }
  /** Seen before, for the same binding or from the same origin. */
  | { kind: 'repeat' }
  /** Seen before, for another binding (`boundTo`), from another origin. */
  | { kind: 'rebound'; boundTo: string };

interface Entry {
  binding: string;
  origin: string | undefined;
}

export class SignatureLedger {
  /** signature → its first use. */
  private readonly entries = new Map<string, Entry>();
  /** last valid unix second → the signatures valid until then. */
  private readonly expiries = new Map<number, string[]>();
  private sweptBefore: number;

  /** `clock` gives unix milliseconds. */
  constructor(private readonly clock: () => number = Date.now) {
    this.sweptBefore = this.nowSeconds();
  }

  /** How many signatures are remembered. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * What a use of `signature` for `binding` from `origin` (the connection and client
   * address; undefined matches no other) would be. Records nothing.
   */
  check(signature: string, binding: string, origin: string | undefined): SignatureUse {
    this.sweep();
    const entry = this.entries.get(signature);
    if (entry === undefined) return { kind: 'first' };
    if (entry.binding === binding || (origin !== undefined && entry.origin === origin)) return { kind: 'repeat' };
    return { kind: 'rebound', boundTo: entry.binding };
  }

  /**
   * Remembers the first use of `signature` until `lastValidSecond` (unix seconds), the
   * last second its timestamp is inside the window. A signature already known keeps its
   * first use.
   */
  record(signature: string, binding: string, origin: string | undefined, lastValidSecond: number): void {
    this.sweep();
    if (lastValidSecond < this.sweptBefore || this.entries.has(signature)) return;
    this.entries.set(signature, { binding, origin });
    const bucket = this.expiries.get(lastValidSecond);
    if (bucket) bucket.push(signature);
    else this.expiries.set(lastValidSecond, [signature]);
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000);
  }

  /** Forgets every signature whose last valid second has passed. */
  private sweep(): void {
    const now = this.nowSeconds();
    if (now <= this.sweptBefore) return;
    // Walk second by second, unless the clock jumped further than there are buckets.
    if (now - this.sweptBefore <= this.expiries.size) {
      for (let second = this.sweptBefore; second < now; second++) this.forget(second);
    } else {
      for (const second of [...this.expiries.keys()]) if (second < now) this.forget(second);
    }
    this.sweptBefore = now;
  }

  private forget(second: number): void {
    const signatures = this.expiries.get(second);
    if (!signatures) return;
    for (const signature of signatures) this.entries.delete(signature);
    this.expiries.delete(second);
  }
}
