import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.js';

/** A clock the tests move by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function takeMany(limiter: RateLimiter, key: string, n: number): boolean[] {
  return Array.from({ length: n }, () => limiter.take(key));
}

describe('RateLimiter', () => {
  it('allows a burst of `burst` requests at once, then refuses', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 3, clock.now);
    expect(takeMany(limiter, 'k', 4)).toEqual([true, true, true, false]);
    expect(limiter.take('k')).toBe(false);
  });

  it('refills at `rate` tokens per second', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(2, 3, clock.now);
    expect(takeMany(limiter, 'k', 3)).toEqual([true, true, true]);
    expect(limiter.take('k')).toBe(false);
    clock.advance(499);
    expect(limiter.take('k')).toBe(false);
    clock.advance(1);
    // 500 ms at 2/s is one token (the refused takes spent nothing).
    expect(limiter.take('k')).toBe(true);
    expect(limiter.take('k')).toBe(false);
    clock.advance(1000);
    expect(takeMany(limiter, 'k', 3)).toEqual([true, true, false]);
  });

  it('never refills beyond the burst', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(10, 2, clock.now);
    expect(takeMany(limiter, 'k', 2)).toEqual([true, true]);
    clock.advance(3_600_000);
    expect(takeMany(limiter, 'k', 3)).toEqual([true, true, false]);
  });

  it('supports fractional rates (five a minute)', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(5 / 60, 5, clock.now);
    expect(takeMany(limiter, 'mail:a', 6)).toEqual([true, true, true, true, true, false]);
    clock.advance(11_000);
    expect(limiter.take('mail:a')).toBe(false);
    clock.advance(1_000);
    expect(limiter.take('mail:a')).toBe(true);
    expect(limiter.take('mail:a')).toBe(false);
    clock.advance(60_000);
    expect(takeMany(limiter, 'mail:a', 6)).toEqual([true, true, true, true, true, false]);
  });

  it('keeps one bucket per key', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 1, clock.now);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
    expect(limiter.take('b')).toBe(false);
    clock.advance(1000);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('b')).toBe(true);
  });

  it('treats a rate of 0 as unlimited', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(0, 1, clock.now);
    expect(takeMany(limiter, 'k', 1000).every(Boolean)).toBe(true);
    const negative = new RateLimiter(-1, 0, clock.now);
    expect(takeMany(negative, 'k', 10).every(Boolean)).toBe(true);
  });

  it('uses Date.now when no clock is given', () => {
    const limiter = new RateLimiter(1, 1);
    expect(limiter.take('k')).toBe(true);
    expect(limiter.take('k')).toBe(false);
  });
});
