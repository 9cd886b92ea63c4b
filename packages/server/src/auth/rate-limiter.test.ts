import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_KEYS, RateLimiter } from './rate-limiter.js';

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

  it('keeps at most maxKeys keys and never walks its table, at 60,000 distinct keys', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(5 / 60, 5, clock.now);
    let refused = 0;
    let largest = 0;
    const iterations = countMapIterations(() => {
      for (let i = 0; i < 60_000; i++) {
        if (!limiter.take(`ip:10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`)) refused++;
        largest = Math.max(largest, limiter.size);
      }
    });
    expect(refused).toBe(0);
    expect(largest).toBe(DEFAULT_MAX_KEYS);
    // The old limiter pruned by walking every bucket once 10,000 were tracked: that is the work counted here.
    expect(iterations).toBe(0);
    expect(limiter.size).toBe(DEFAULT_MAX_KEYS);
  });

  it('forgets the least recently used key when full, and only that one', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(1, 2, clock.now, { maxKeys: 3 });
    expect(takeMany(limiter, 'a', 3)).toEqual([true, true, false]);
    expect(takeMany(limiter, 'b', 3)).toEqual([true, true, false]);
    expect(takeMany(limiter, 'c', 3)).toEqual([true, true, false]);
    // 'a' is used again, so 'b' is now the least recently used.
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('d')).toBe(true);
    expect(limiter.size).toBe(3);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('c')).toBe(false);
    // 'b' was forgotten: it starts again with a full bucket.
    expect(takeMany(limiter, 'b', 3)).toEqual([true, true, false]);
  });

  it('keeps an emptied bucket until maxKeys other keys were used after it', () => {
    const clock = manualClock();
    const maxKeys = 1000;
    const limiter = new RateLimiter(5 / 60, 5, clock.now, { maxKeys });
    expect(takeMany(limiter, 'attacker', 6)).toEqual([true, true, true, true, true, false]);
    for (let i = 0; i < maxKeys - 1; i++) limiter.take(`other-${i}`);
    expect(limiter.take('attacker')).toBe(false);
    // Resetting it takes another maxKeys distinct keys, each a request of its own.
    for (let i = 0; i < maxKeys; i++) limiter.take(`more-${i}`);
    expect(limiter.take('attacker')).toBe(true);
  });
});

/** Counts iterations over any Map while `run` runs. */
function countMapIterations(run: () => void): number {
  const proto = Map.prototype as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;
  const names: Array<string | symbol> = [Symbol.iterator, 'entries', 'keys', 'values', 'forEach'];
  const originals = names.map((name) => proto[name]);
  let count = 0;
  names.forEach((name, i) => {
    const original = originals[i] as (...args: unknown[]) => unknown;
    proto[name] = function (this: unknown, ...args: unknown[]) {
      count++;
      return original.apply(this, args);
    };
  });
  try {
    run();
  } finally {
    names.forEach((name, i) => (proto[name] = originals[i] as (...args: unknown[]) => unknown));
  }
  return count;
}
