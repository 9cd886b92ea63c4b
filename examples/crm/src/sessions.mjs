// Signed-in sessions of the CRM: a random id in an HttpOnly cookie (only its hash is kept), and a
// CSRF token derived from it that the page sends back in a header on every change.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'crm_session';
const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

/** @typedef {{ userId: string, expiresAt: number }} Session */

/** @param {string} id */
function keyOf(id) {
  return createHash('sha256').update(id).digest('hex');
}

/** @param {string} a @param {string} b */
export function safeEqual(a, b) {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export class Sessions {
  /** @type {Map<string, Session>} */
  #byKey = new Map();
  #csrfSecret = randomBytes(32);
  #clock;

  /** @param {() => number} [clock] */
  constructor(clock = Date.now) {
    this.#clock = clock;
  }

  /**
   * Opens a session for the user and returns the cookie value.
   * @param {string} userId
   */
  open(userId) {
    const id = randomBytes(32).toString('base64url');
    this.#byKey.set(keyOf(id), { userId, expiresAt: this.#clock() + SESSION_TTL_MS });
    return id;
  }

  /**
   * The live session named by a cookie value, if any.
   * @param {string | undefined} id
   */
  find(id) {
    if (!id) return undefined;
    const key = keyOf(id);
    const session = this.#byKey.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= this.#clock()) {
      this.#byKey.delete(key);
      return undefined;
    }
    return session;
  }

  /** @param {string | undefined} id */
  close(id) {
    if (id) this.#byKey.delete(keyOf(id));
  }

  /**
   * The CSRF token of a session: an HMAC of its id, so nothing more needs storing.
   * @param {string} id
   */
  csrfToken(id) {
    return createHmac('sha256', this.#csrfSecret).update(id).digest('base64url');
  }

  /**
   * @param {string} id
   * @param {unknown} token
   */
  checkCsrf(id, token) {
    return typeof token === 'string' && safeEqual(token, this.csrfToken(id));
  }
}
