import { describe, expect, it } from 'vitest';
import { AuthGuard } from './auth-guard.js';

const HOUR = 60 * 60 * 1000;

function setup(options: { maxTracked?: number } = {}) {
  const clock = { ms: 0 };
  const guard = new AuthGuard({ now: () => clock.ms, ...options });
  return { clock, guard };
}

const fail = (guard: AuthGuard, ip: string, username: string, times: number) => {
  for (let i = 0; i < times; i++) guard.failed(ip, username);
};

describe('AuthGuard', () => {
  it('bans one username from one address after 5 failures, leaving other users behind the same NAT alone', () => {
    const { guard } = setup();
    fail(guard, '198.51.100.1', '1001', 4);
    expect(guard.check('198.51.100.1', '1001')).toBe('allow');
    guard.failed('198.51.100.1', '1001');
    expect(guard.check('198.51.100.1', '1001')).toBe('banned');
    expect(guard.check('198.51.100.1', '1002')).toBe('allow');
    expect(guard.check('198.51.100.2', '1001')).toBe('allow');
  });

  it('bans the whole address after 20 failures across usernames', () => {
    const { guard } = setup();
    for (let i = 0; i < 19; i++) guard.failed('198.51.100.1', `user${i}`);
    expect(guard.check('198.51.100.1', 'someone-else')).toBe('allow');
    guard.failed('198.51.100.1', 'user19');
    expect(guard.check('198.51.100.1', 'someone-else')).toBe('banned');
    expect(guard.check('198.51.100.9', 'user1')).toBe('allow');
  });

  it('counts failures per window, so slow failures never ban', () => {
    const { clock, guard } = setup();
    for (let i = 0; i < 50; i++) {
      fail(guard, '198.51.100.1', '1001', 4);
      clock.ms += 60_000;
    }
    expect(guard.check('198.51.100.1', '1001')).toBe('allow');
  });

  it('bans for 10 minutes, then 20, 40… capped at 24 hours, and starts over after a clean day', () => {
    const { clock, guard } = setup();
    const banLength = () => {
      fail(guard, '198.51.100.1', '1001', 5);
      const start = clock.ms;
      while (guard.check('198.51.100.1', '1001') === 'banned') clock.ms += 60_000;
      return clock.ms - start;
    };
    const lengths = Array.from({ length: 10 }, banLength).map((ms) => ms / 60_000);
    expect(lengths).toEqual([10, 20, 40, 80, 160, 320, 640, 1280, 1440, 1440]);
    clock.ms += 24 * HOUR;
    expect(banLength()).toBe(10 * 60_000);
  });

  it('ignores failures reported during a ban, so they do not extend it', () => {
    const { clock, guard } = setup();
    fail(guard, '198.51.100.1', '1001', 5);
    clock.ms += 9 * 60_000;
    fail(guard, '198.51.100.1', '1001', 10);
    clock.ms += 60_000;
    expect(guard.check('198.51.100.1', '1001')).toBe('allow');
  });

  it('clears the username count on success but keeps the address count', () => {
    const { guard } = setup();
    fail(guard, '198.51.100.1', '1001', 4);
    for (let i = 0; i < 14; i++) guard.failed('198.51.100.1', `guess${i}`);
    guard.succeeded('198.51.100.1', '1001');
    guard.failed('198.51.100.1', '1001');
    expect(guard.check('198.51.100.1', '1001')).toBe('allow');
    expect(guard.tracked.users).toBe(15);
    expect(guard.check('198.51.100.1', 'anyone')).toBe('allow');
    guard.failed('198.51.100.1', 'guess-last');
    expect(guard.check('198.51.100.1', 'anyone')).toBe('banned');
  });

  it('keeps each table within maxTracked, even with long usernames', () => {
    const { guard } = setup({ maxTracked: 100 });
    for (let i = 0; i < 2_000; i++) {
      guard.failed(`10.0.${i >> 8}.${i & 0xff}`, `${'x'.repeat(10_000)}${i}`);
      expect(guard.tracked.users).toBeLessThanOrEqual(100);
      expect(guard.tracked.ips).toBeLessThanOrEqual(100);
    }
  });
});
