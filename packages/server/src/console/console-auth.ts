import { createHmac } from 'node:crypto';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { WorkQueue } from '../auth/work-queue.js';
import { NO_PASSWORD_HASH, verifyPassword } from '../crypto/passwords.js';
import { hashSecret, newHexSecret, safeEqual } from '../crypto/secrets.js';
import type { Staff, Store } from '../store/ports.js';
import { ConsoleError } from './console-error.js';

/** Staff roles (TCCC's `Role`): administrators manage the instance, QA staff read it; agents have no console. */
export const ROLE_ADMIN = 1;
export const ROLE_QA = 2;

/** Who a console request comes from, re-read from the store on every request. */
export interface ConsoleUser {
  sdkAppId: number;
  mail: string;
  name: string;
  role: number;
}

export interface ConsoleSession {
  /** The cookie's value: shown to the browser once, stored only as its hash. */
  secret: string;
  user: ConsoleUser;
  csrfToken: string;
  expiresAt: number;
}

export interface ConsoleAuthOptions {
  store: Store;
  throttle: LoginThrottle;
  passwordWork: WorkQueue;
  clock: () => number;
  /** How long a session lives without use; each use extends it. */
  idleMs?: number;
}

const DEFAULT_IDLE_MS = 8 * 3600_000;
/** Sessions are extended at most this often, so that reading pages does not write on every request. */
const EXTEND_AFTER_MS = 5 * 60_000;

/**
 * Console sign-in and sessions. A session is a random secret in an HttpOnly cookie; the store holds
 * only its SHA-256 (`credentials`, kind `console-session`). The CSRF token is an HMAC of the secret,
 * so it needs no storage and cannot be derived without the cookie.
 */
export class ConsoleAuth {
  private readonly idleMs: number;

  constructor(private readonly options: ConsoleAuthOptions) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /** Mail + password → session. Failures say only that the credentials are wrong. */
  async signIn(mail: string, password: string, sdkAppId: number | undefined, clientAddress: string): Promise<ConsoleSession> {
    const account = mail.toLowerCase();
    if (!this.options.throttle.admitPassword(clientAddress, account)) {
      throw new ConsoleError(429, 'rate-limited', 'Too many sign-in attempts; wait a minute and try again.');
    }
    const store = this.options.store;
    const instances = sdkAppId !== undefined ? [sdkAppId] : (await store.instances.list()).map((i) => i.sdkAppId);
    const candidates: Staff[] = [];
    for (const id of instances) {
      const staff = await store.staff.get(id, mail);
      if (staff && consoleRole(staff.role)) candidates.push(staff);
    }
    const matches = await this.options.passwordWork.run(async () => {
      // Without candidates, the same scrypt work as a real check, so timing does not reveal which accounts exist.
      if (candidates.length === 0) await verifyPassword(password, NO_PASSWORD_HASH);
      const found: Staff[] = [];
      for (const staff of candidates) if (await verifyPassword(password, staff.passwordHash)) found.push(staff);
      return found;
    });
    if (matches.length === 0) throw new ConsoleError(401, 'bad-credentials', 'Wrong email or password, or the account is not an administrator or QA account.');
    if (matches.length > 1) throw new ConsoleError(400, 'instance-required', 'This account exists in several instances; enter the SdkAppId too.');
    this.options.throttle.passwordSucceeded(clientAddress, account);
    return this.open(matches[0] as Staff);
  }

  /** A one-time link made by CreateAdminURL → session. */
  async redeemLink(code: string): Promise<ConsoleSession> {
    const now = this.options.clock();
    const redeemed = /^[0-9a-f]{32}$/.test(code) ? await this.options.store.credentials.redeem('admin-link', hashSecret(code), now) : undefined;
    if (!redeemed) throw new ConsoleError(404, 'link-invalid', 'This console link is not valid.');
    if (redeemed.credential.expiresAt < now) throw new ConsoleError(410, 'link-expired', 'This console link has expired; create a new one with CreateAdminURL.');
    if (!redeemed.firstUse) throw new ConsoleError(410, 'link-used', 'This console link was already used; each link works once.');
    const staff = await this.options.store.staff.get(redeemed.credential.sdkAppId, redeemed.credential.mail);
    if (!staff || !consoleRole(staff.role)) throw new ConsoleError(403, 'forbidden', 'This account may not use the console.');
    return this.open(staff);
  }

  /** The session a cookie names, with its user as the store has them now; null when there is none. */
  async session(secret: string | undefined): Promise<ConsoleSession | null> {
    if (!secret || !/^[0-9a-f]{64}$/.test(secret)) return null;
    const hash = hashSecret(secret);
    const store = this.options.store;
    const credential = await store.credentials.find('console-session', hash);
    const now = this.options.clock();
    if (!credential || credential.expiresAt <= now) return null;
    const staff = await store.staff.get(credential.sdkAppId, credential.mail);
    if (!staff || !consoleRole(staff.role) || staff.forcedOffline) return null;
    let expiresAt = credential.expiresAt;
    if (expiresAt - now < this.idleMs - EXTEND_AFTER_MS) {
      expiresAt = now + this.idleMs;
      await store.credentials.extend('console-session', hash, expiresAt);
    }
    return { secret, user: userOf(staff), csrfToken: csrfTokenOf(secret), expiresAt };
  }

  async signOut(secret: string | undefined): Promise<void> {
    if (secret && /^[0-9a-f]{64}$/.test(secret)) await this.options.store.credentials.revoke('console-session', hashSecret(secret));
  }

  /** Whether a request's CSRF header belongs to its session (constant time). */
  static csrfMatches(session: ConsoleSession, header: string | undefined): boolean {
    return typeof header === 'string' && safeEqual(header, session.csrfToken);
  }

  private async open(staff: Staff): Promise<ConsoleSession> {
    const secret = newHexSecret(32);
    const now = this.options.clock();
    const expiresAt = now + this.idleMs;
    await this.options.store.credentials.issue({ kind: 'console-session', hash: hashSecret(secret), sdkAppId: staff.sdkAppId, mail: staff.mail, onlyOnce: false, expiresAt, createdAt: now, usedAt: null });
    return { secret, user: userOf(staff), csrfToken: csrfTokenOf(secret), expiresAt };
  }
}

function consoleRole(role: number): boolean {
  return role === ROLE_ADMIN || role === ROLE_QA;
}

function userOf(staff: Staff): ConsoleUser {
  return { sdkAppId: staff.sdkAppId, mail: staff.mail, name: staff.name, role: staff.role };
}

function csrfTokenOf(secret: string): string {
  return createHmac('sha256', secret).update('openccc-console-csrf').digest('base64url');
}
