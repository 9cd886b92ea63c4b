interface Entry<V> {
  key: string;
  value: V;
  /** Towards the least recently used entry. */
  older: Entry<V> | null;
  /** Towards the most recently used entry. */
  newer: Entry<V> | null;
}

/**
 * A map of at most `maxKeys` entries that forgets the least recently used one
 * to make room. Every operation does a constant amount of work: entries sit in
 * a `Map` and in a list ordered by last use, and nothing ever walks either.
 */
export class LruMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private newest: Entry<V> | null = null;
  private oldest: Entry<V> | null = null;
  readonly maxKeys: number;

  constructor(maxKeys: number) {
    this.maxKeys = Math.max(1, Math.floor(maxKeys));
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.unlink(entry);
    this.pushNewest(entry);
    return entry.value;
  }

  /** Sets `key` as the most recently used, forgetting the least recently used key when full. */
  set(key: string, value: V): void {
    const existing = this.entries.get(key);
    if (existing) {
      existing.value = value;
      this.unlink(existing);
      this.pushNewest(existing);
      return;
    }
    if (this.entries.size >= this.maxKeys && this.oldest) {
      this.entries.delete(this.oldest.key);
      this.unlink(this.oldest);
    }
    const entry: Entry<V> = { key, value, older: null, newer: null };
    this.entries.set(key, entry);
    this.pushNewest(entry);
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.unlink(entry);
  }

  private unlink(entry: Entry<V>): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }

  private pushNewest(entry: Entry<V>): void {
    entry.older = this.newest;
    if (this.newest) this.newest.newer = entry;
    this.newest = entry;
    this.oldest ??= entry;
  }
}
