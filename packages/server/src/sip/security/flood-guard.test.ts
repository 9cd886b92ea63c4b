import { describe, expect, it } from 'vitest';
import { FloodGuard } from './flood-guard.js';

function setup(options: { maxTracked?: number; trusted?: (address: string) => boolean } = {}) {
  const clock = { ms: 1_000_000 };
  const guard = new FloodGuard({ now: () => clock.ms, trusted: options.trusted ?? (() => false), ...(options.maxTracked ? { maxTracked: options.maxTracked } : {}) });
  return { clock, guard };
}

const admitMany = (guard: FloodGuard, address: string, count: number) => Array.from({ length: count }, () => guard.admit(address));

describe('FloodGuard', () => {
  it('admits 16 requests in 2 s and bans the source at the 17th', () => {
    const { guard } = setup();
    expect(admitMany(guard, '192.0.2.1', 16).every(Boolean)).toBe(true);
    expect(guard.admit('192.0.2.1')).toBe(false);
    expect(guard.banned('192.0.2.1')).toBe(true);
    expect(guard.admit('192.0.2.2')).toBe(true);
    expect(guard.stats()).toMatchObject({ bans: 1, dropped: 1 });
  });

  it('keeps the ban for 300 s, dropping everything meanwhile, then forgets it', () => {
    const { clock, guard } = setup();
    admitMany(guard, '192.0.2.1', 17);
    clock.ms += 299_999;
    expect(guard.admit('192.0.2.1')).toBe(false);
    clock.ms += 1;
    expect(guard.banned('192.0.2.1')).toBe(false);
    expect(guard.admit('192.0.2.1')).toBe(true);
    expect(guard.stats()).toMatchObject({ banned: 0, dropped: 2 });
  });

  it('lets a steady rate under the limit through indefinitely', () => {
    const { clock, guard } = setup();
    for (let i = 0; i < 200; i++) {
      expect(guard.admit('192.0.2.1')).toBe(true);
      clock.ms += 150; // 6.7 requests per second, 13.3 per window
    }
  });

  it('counts the previous window, so a burst straddling a window edge is caught', () => {
    const { clock, guard } = setup();
    expect(guard.admit('192.0.2.1')).toBe(true);
    clock.ms += 1_900; // late in the first window: 15 more
    expect(admitMany(guard, '192.0.2.1', 15).every(Boolean)).toBe(true);
    clock.ms += 400; // 300 ms into the next window, the previous 16 still weigh 85 %: 13.6
    expect(admitMany(guard, '192.0.2.1', 3)).toEqual([true, true, false]);
  });

  it('forgets the old window after a quiet period', () => {
    const { clock, guard } = setup();
    admitMany(guard, '192.0.2.1', 16);
    clock.ms += 4_000;
    expect(admitMany(guard, '192.0.2.1', 16).every(Boolean)).toBe(true);
  });

  it('never counts or bans trusted sources', () => {
    const { guard } = setup({ trusted: (address) => address === '203.0.113.5' });
    expect(admitMany(guard, '203.0.113.5', 1_000).every(Boolean)).toBe(true);
    expect(guard.stats()).toEqual({ tracked: 0, banned: 0, dropped: 0, bans: 0 });
  });

  it('tracks at most maxTracked sources and bans', () => {
    const { guard } = setup({ maxTracked: 50 });
    for (let i = 0; i < 500; i++) {
      admitMany(guard, `10.0.${i >> 8}.${i & 0xff}`, i % 2 === 0 ? 20 : 1);
      const stats = guard.stats();
      expect(stats.tracked).toBeLessThanOrEqual(50);
      expect(stats.banned).toBeLessThanOrEqual(50);
    }
    expect(guard.stats().bans).toBe(250);
  });
});
