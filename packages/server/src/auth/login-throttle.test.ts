import { describe, expect, it } from 'vitest';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle } from './login-throttle.js';

function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const AGENT = 'agent@example.com';
const HOME = '192.0.2.10';

/** `count` attempts at `account`, each from an address of its own; how many were admitted. */
function fromManyAddresses(throttle: LoginThrottle, account: string, count: number, prefix = '203.0.113'): number {
  let admitted = 0;
  for (let i = 0; i < count; i++) if (throttle.admitPassword(`${prefix}.${i}`, account)) admitted++;
  return admitted;
}

describe('LoginThrottle, password attempts', () => {
  it('admits five attempts from one address at one account, then one every twelve seconds', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock.now);
    for (let i = 0; i < 5; i++) expect(throttle.admitPassword(HOME, AGENT)).toBe(true);
    expect(throttle.admitPassword(HOME, AGENT)).toBe(false);
    clock.advance(12_000);
    expect(throttle.admitPassword(HOME, AGENT)).toBe(true);
    expect(throttle.admitPassword(HOME, AGENT)).toBe(false);
    // Another account from the same address is not affected.
    expect(throttle.admitPassword(HOME, 'other@example.com')).toBe(true);
  });

  it('admits twenty attempts from one address across accounts, then ten a minute', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock.now);
    for (let i = 0; i < 20; i++) expect(throttle.admitPassword(HOME, `user-${i}@example.com`)).toBe(true);
    expect(throttle.admitPassword(HOME, 'user-20@example.com')).toBe(false);
    clock.advance(6_000);
    expect(throttle.admitPassword(HOME, 'user-21@example.com')).toBe(true);
    expect(throttle.admitPassword(HOME, 'user-22@example.com')).toBe(false);
  });

  it('limits one account to twenty attempts from unknown addresses, then one every three minutes', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock.now);
    expect(fromManyAddresses(throttle, AGENT, 25)).toBe(20);
    clock.advance(181_000);
    expect(fromManyAddresses(throttle, AGENT, 3, '198.51.100')).toBe(1);
  });

  it('still admits the agent from an address they signed in from, however many guesses come from elsewhere', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock.now);
    expect(throttle.admitPassword(HOME, AGENT)).toBe(true);
    throttle.passwordSucceeded(HOME, AGENT);
    // An attacker keeps the account's budget for unknown addresses empty, day after day.
    for (let day = 0; day < 3; day++) {
      fromManyAddresses(throttle, AGENT, 200, `10.${day}.0`);
      expect(fromManyAddresses(throttle, AGENT, 1, '198.51.100')).toBe(0);
      expect(throttle.admitPassword(HOME, AGENT)).toBe(true);
      clock.advance(86_400_000);
    }
  });

  it('forgets a known address after knownForMs', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock.now);
    throttle.passwordSucceeded(HOME, AGENT);
    fromManyAddresses(throttle, AGENT, 20);
    clock.advance(DEFAULT_LOGIN_LIMITS.knownForMs);
    fromManyAddresses(throttle, AGENT, 200, '10.1.0');
    expect(throttle.admitPassword(HOME, AGENT)).toBe(false);
  });
});

describe('LoginThrottle, SDK token exchanges', () => {
  it('admits sixty from one address at once, then one a second', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(clock.now);
    for (let i = 0; i < 60; i++) expect(throttle.admitToken(HOME)).toBe(true);
    expect(throttle.admitToken(HOME)).toBe(false);
    expect(throttle.admitToken('192.0.2.11')).toBe(true);
    clock.advance(1_000);
    expect(throttle.admitToken(HOME)).toBe(true);
    expect(throttle.admitToken(HOME)).toBe(false);
  });
});
