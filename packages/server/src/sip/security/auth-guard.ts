import { LruMap } from '../../auth/lru-map.js';

/**
 * Limits digest password guessing. Failures are counted per (source IP, username), so one guessed
 * account is locked without locking out every phone behind the same NAT, and per source IP, so
 * trying many usernames from one address is caught too. Reaching a limit bans that key for
 * `banMs`, doubled for each ban in the last 24 hours and capped at 24 hours.
 *
 * Callers `check` before verifying credentials (and answer a ban as they answer a wrong password,
 * or drop it), then report `failed` or `succeeded`.
 */
export interface FailureLimit {
  failures: number;
  windowMs: number;
}

export interface AuthGuardOptions {
  now: () => number;
  /** Default 5 failures per minute for one username from one address. */
  perUser?: FailureLimit;
  /** Default 20 failures per minute from one address, whatever the usernames. */
  perIp?: FailureLimit;
  /** The first ban; default 10 minutes. */
  banMs?: number;
  /** Bound on each of the two tables; the least recently used entries are forgotten. Default 100,000. */
  maxTracked?: number;
}

export type AuthCheck = 'allow' | 'banned';

interface FailureRecord {
  failures: number;
  windowStart: number;
  bannedUntil: number;
  /** Bans in a row, each less than a day after the previous one ended. */
  strikes: number;
}

const MAX_BAN_MS = 24 * 60 * 60 * 1000;
/** Usernames are cut to this length in keys, so a long one cannot inflate memory. */
const MAX_USERNAME_KEY = 128;

export class AuthGuard {
  private readonly now: () => number;
  private readonly perUser: FailureLimit;
  private readonly perIp: FailureLimit;
  private readonly banMs: number;
  private readonly byUser: LruMap<FailureRecord>;
  private readonly byIp: LruMap<FailureRecord>;

  constructor(options: AuthGuardOptions) {
    this.now = options.now;
    this.perUser = options.perUser ?? { failures: 5, windowMs: 60_000 };
    this.perIp = options.perIp ?? { failures: 20, windowMs: 60_000 };
    this.banMs = Math.min(options.banMs ?? 600_000, MAX_BAN_MS);
    const maxTracked = options.maxTracked ?? 100_000;
    this.byUser = new LruMap(maxTracked);
    this.byIp = new LruMap(maxTracked);
  }

  /** Whether credentials from `ip` for `username` may be checked now. */
  check(ip: string, username: string): AuthCheck {
    const now = this.now();
    const banned = (record: FailureRecord | undefined) => record !== undefined && now < record.bannedUntil;
    return banned(this.byIp.get(ip)) || banned(this.byUser.get(userKey(ip, username))) ? 'banned' : 'allow';
  }

  /** Credentials from `ip` for `username` were wrong (or named an unknown user). */
  failed(ip: string, username: string): void {
    const now = this.now();
    this.count(this.byUser, userKey(ip, username), this.perUser, now);
    this.count(this.byIp, ip, this.perIp, now);
  }

  /** Credentials were right: the (IP, username) count starts again. The IP's count stays, so one known account cannot clear the guesses at others. */
  succeeded(ip: string, username: string): void {
    this.byUser.delete(userKey(ip, username));
  }

  /** Entries held per table, each at most `maxTracked`. */
  get tracked(): { users: number; ips: number } {
    return { users: this.byUser.size, ips: this.byIp.size };
  }

  private count(table: LruMap<FailureRecord>, key: string, limit: FailureLimit, now: number): void {
    let record = table.get(key);
    if (!record) {
      record = { failures: 0, windowStart: now, bannedUntil: 0, strikes: 0 };
      table.set(key, record);
    }
    if (now < record.bannedUntil) return;
    if (now - record.windowStart >= limit.windowMs) {
      record.failures = 0;
      record.windowStart = now;
    }
    record.failures++;
    if (record.failures < limit.failures) return;
    if (record.strikes > 0 && now - record.bannedUntil >= MAX_BAN_MS) record.strikes = 0;
    record.bannedUntil = now + Math.min(this.banMs * 2 ** record.strikes, MAX_BAN_MS);
    record.strikes++;
    record.failures = 0;
    record.windowStart = now;
  }
}

function userKey(ip: string, username: string): string {
  return `${ip}\u0000${username.slice(0, MAX_USERNAME_KEY)}`;
}
