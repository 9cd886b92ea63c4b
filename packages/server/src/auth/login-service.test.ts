import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OriginPolicy } from '../staff/origins.js';
import { storePasswordChange } from '../staff/password-change.js';
import type { NewStaff } from '../store/ports.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { LoginService } from './login-service.js';
import { LoginThrottle } from './login-throttle.js';
import { NO_PASSWORD_HASH, hashPassword } from '../crypto/passwords.js';
import { SdkError } from './sdk-error.js';
import { WorkQueue } from './work-queue.js';

const APP = 1400000001;
const T0 = 1_700_000_000_000;
const PASSWORD = 'Correct-Horse-9';

let store: SqliteStore;

beforeEach(async () => {
  store = openSqliteStore(':memory:');
  await store.instances.create({ sdkAppId: APP, name: 'test', createdAt: T0 });
});

afterEach(async () => {
  await store.close();
});

function staff(mail: string, passwordHash: string): NewStaff {
  return { sdkAppId: APP, mail, name: mail, staffNumber: '', phone: '', nick: '', userId: '', role: 3, extensionNumber: '', passwordHash, useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null };
}

function loginService(passwordWork = new WorkQueue({ maxActive: 2, maxWaiting: 32 })): LoginService {
  return new LoginService(store, new OriginPolicy(store.origins, () => 'http://localhost:8080'), {
    ticketTtlSeconds: 3600,
    throttle: new LoginThrottle(() => T0),
    passwordWork,
    clock: () => T0,
    onLogin: () => undefined,
  });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.fail('expected a refusal'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SdkError);
  return (error as SdkError).code;
}

async function liveTickets(mail: string): Promise<number> {
  // Counts by revoking them all (revokeOthers keeps none): for the last assertion of a test only.
  return store.credentials.revokeOthers('login-ticket', APP, mail, '');
}

describe('LoginService.passwordLogin', () => {
  it('runs at most maxActive password checks at once, queues maxWaiting more and refuses the rest with rateLimited', async () => {
    const login = loginService(new WorkQueue({ maxActive: 1, maxWaiting: 2 }));
    const attempts = Array.from({ length: 5 }, (_, i) => refusal(login.passwordLogin({ mail: `nobody-${i}@example.com`, password: 'wrong' }, `192.0.2.${i}`)));
    const codes = await Promise.all(attempts);
    expect(codes.filter((c) => c === 'badCredentials')).toHaveLength(3);
    expect(codes.filter((c) => c === 'rateLimited')).toHaveLength(2);
  });

  it('lets no password sign in to staff created without one, and answers as for an unknown mail', async () => {
    await store.staff.createMany([staff('new@example.com', NO_PASSWORD_HASH)], [[]], T0);
    const login = loginService();
    for (const password of ['x', ' ', 'scrypt', PASSWORD]) {
      expect(await refusal(login.passwordLogin({ mail: 'new@example.com', password }, '192.0.2.1'))).toBe('badCredentials');
    }
    expect(await refusal(login.passwordLogin({ mail: 'unknown@example.com', password: 'x' }, '192.0.2.1'))).toBe('badCredentials');
  });

  it('issues no ticket when the password changes while the old one is being checked', async () => {
    await store.staff.createMany([staff('agent@example.com', await hashPassword(PASSWORD))], [[]], T0);
    const login = loginService();
    const newHash = await hashPassword('Another-Pass-7');
    const attempt = refusal(login.passwordLogin({ mail: 'agent@example.com', password: PASSWORD }, '192.0.2.1'));
    // Committed while scrypt checks the old password on the thread pool.
    await storePasswordChange(store, APP, 'agent@example.com', newHash, T0);
    expect(await attempt).toBe('badCredentials');
    expect(await liveTickets('agent@example.com')).toBe(0);
  });

  it('signs in with the right password', async () => {
    await store.staff.createMany([staff('agent@example.com', await hashPassword(PASSWORD))], [[]], T0);
    const success = await loginService().passwordLogin({ mail: 'agent@example.com', password: PASSWORD }, '192.0.2.1');
    expect(success.staff.mail).toBe('agent@example.com');
    expect(await liveTickets('agent@example.com')).toBe(1);
  });
});

describe('LoginService.exchangeToken', () => {
  it('refuses the 61st exchange from one address in a moment with rateLimited, before looking at the token', async () => {
    const login = loginService();
    const exchange = (address: string) => refusal(login.exchangeToken({ sdkAppId: APP, userId: 'agent@example.com', token: '0'.repeat(32), parentOrigin: 'http://localhost:8080' }, address));
    for (let i = 0; i < 60; i++) expect(await exchange('192.0.2.1')).toBe('tokenInvalid');
    expect(await exchange('192.0.2.1')).toBe('rateLimited');
    expect(await exchange('192.0.2.2')).toBe('tokenInvalid');
  });
});
