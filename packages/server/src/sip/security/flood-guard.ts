import { LruMap } from '../../auth/lru-map.js';

/**
 * Per-source request flood control, as Kamailio's pike with an `ipban` table: each source address
 * has a sliding window of `maxRequests` per `windowMs`; a source over it is banned for `banMs` and
 * its requests are dropped silently (no answer, so a flood costs the flooder more than us).
 * Trusted sources (carrier trunks) are never counted.
 *
 * The window is the two-bucket sliding estimate: the previous window's count weighted by how much
 * of it still overlaps, plus the current window's. It needs two counters per source, not a list.
 */
export interface FloodGuardOptions {
  now: () => number;
  windowMs?: number;
  maxRequests?: number;
  banMs?: number;
  /** Bound on sources counted, and separately on sources banned; the least recently seen are forgotten. */
  maxTracked?: number;
  trusted: (address: string) => boolean;
}

export interface FloodGuardStats {
  /** Sources with a request count. */
  tracked: number;
  /** Ban entries held (some may have expired and not been looked at since). */
  banned: number;
  /** Requests refused since the guard started. */
  dropped: number;
  /** Bans imposed since the guard started. */
  bans: number;
}

interface Window {
  start: number;
  current: number;
  previous: number;
}

export class FloodGuard {
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly maxRequests: number;
  private readonly banMs: number;
  private readonly trusted: (address: string) => boolean;
  private readonly windows: LruMap<Window>;
  private readonly bannedUntil: LruMap<number>;
  private dropped = 0;
  private bans = 0;

  constructor(options: FloodGuardOptions) {
    this.now = options.now;
    this.windowMs = options.windowMs ?? 2_000;
    this.maxRequests = options.maxRequests ?? 16;
    this.banMs = options.banMs ?? 300_000;
    this.trusted = options.trusted;
    const maxTracked = options.maxTracked ?? 100_000;
    this.windows = new LruMap(maxTracked);
    this.bannedUntil = new LruMap(maxTracked);
  }

  /** Counts one request from `address`; false when it must be dropped (banned, or this request floods). */
  admit(address: string): boolean {
    if (this.trusted(address)) return true;
    if (this.banned(address)) {
      this.dropped++;
      return false;
    }
    const now = this.now();
    const window = this.windowAt(address, now);
    window.current++;
    const elapsed = (now - window.start) / this.windowMs;
    const estimate = window.previous * (1 - elapsed) + window.current;
    if (estimate <= this.maxRequests) return true;
    this.windows.delete(address);
    this.bannedUntil.set(address, now + this.banMs);
    this.bans++;
    this.dropped++;
    return false;
  }

  /** Whether `address` is banned now (an expired ban is forgotten). */
  banned(address: string): boolean {
    const until = this.bannedUntil.get(address);
    if (until === undefined) return false;
    if (this.now() < until) return true;
    this.bannedUntil.delete(address);
    return false;
  }

  stats(): FloodGuardStats {
    return { tracked: this.windows.size, banned: this.bannedUntil.size, dropped: this.dropped, bans: this.bans };
  }

  /** The source's window, rolled forward to the one containing `now`. */
  private windowAt(address: string, now: number): Window {
    const window = this.windows.get(address);
    if (!window) {
      const fresh = { start: now, current: 0, previous: 0 };
      this.windows.set(address, fresh);
      return fresh;
    }
    const windowsPassed = Math.floor((now - window.start) / this.windowMs);
    if (windowsPassed >= 1) {
      window.previous = windowsPassed === 1 ? window.current : 0;
      window.current = 0;
      window.start += windowsPassed * this.windowMs;
    }
    return window;
  }
}
