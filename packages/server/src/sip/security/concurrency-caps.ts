/**
 * Concurrent-call caps per key (an agent, an extension, a trunk): the gateway acquires a slot
 * before placing a call and releases it when the call ends. Only keys with calls in progress are
 * held, so memory follows the calls, not the number of keys ever seen.
 */
export class ConcurrencyCaps {
  private readonly inUse = new Map<string, number>();

  /** Takes a slot for `key` when fewer than `limit` are taken; false when the cap is reached. */
  tryAcquire(key: string, limit: number): boolean {
    const used = this.inUse.get(key) ?? 0;
    if (used >= limit) return false;
    this.inUse.set(key, used + 1);
    return true;
  }

  /** Gives back a slot taken by `tryAcquire`. */
  release(key: string): void {
    const used = this.inUse.get(key);
    if (used === undefined) throw new Error(`ConcurrencyCaps.release(${JSON.stringify(key)}) without a slot taken: every release must pair with a tryAcquire that returned true.`);
    if (used <= 1) this.inUse.delete(key);
    else this.inUse.set(key, used - 1);
  }

  /** Slots taken for `key`. */
  count(key: string): number {
    return this.inUse.get(key) ?? 0;
  }

  /** Keys with at least one slot taken. */
  get size(): number {
    return this.inUse.size;
  }
}
