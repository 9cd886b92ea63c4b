import { describe, expect, it } from 'vitest';
import { CallRateCap } from './global-cap.js';

function setup(maxPerSecond: number, maxConcurrent: number) {
  const clock = { ms: 0 };
  return { clock, cap: new CallRateCap({ now: () => clock.ms, maxPerSecond, maxConcurrent }) };
}

describe('CallRateCap', () => {
  it('admits a burst of maxPerSecond, then refuses on rate until tokens refill', () => {
    const { clock, cap } = setup(5, 100);
    expect(Array.from({ length: 5 }, () => cap.tryStart())).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(cap.tryStart()).toBe('rate');
    expect(cap.retryAfterSeconds()).toBe(1);
    clock.ms += 199;
    expect(cap.tryStart()).toBe('rate');
    clock.ms += 1;
    expect(cap.tryStart()).toBe('ok');
    expect(cap.tryStart()).toBe('rate');
  });

  it('does not bank more than one second of tokens', () => {
    const { clock, cap } = setup(3, 100);
    clock.ms += 60_000;
    expect(Array.from({ length: 4 }, () => cap.tryStart())).toEqual(['ok', 'ok', 'ok', 'rate']);
  });

  it('refuses on concurrency until a call ends, without spending a token', () => {
    const { cap } = setup(10, 2);
    expect([cap.tryStart(), cap.tryStart(), cap.tryStart()]).toEqual(['ok', 'ok', 'concurrent']);
    cap.end();
    expect(cap.concurrent).toBe(1);
    expect(cap.tryStart()).toBe('ok');
    cap.end();
    cap.end();
    expect(Array.from({ length: 7 }, () => cap.tryStart()).filter((r) => r === 'ok')).toHaveLength(2);
  });

  it('lets a rate below one per second through and gives Retry-After in whole seconds', () => {
    const { clock, cap } = setup(0.25, 10);
    expect(cap.tryStart()).toBe('ok');
    expect(cap.tryStart()).toBe('rate');
    expect(cap.retryAfterSeconds()).toBe(4);
    clock.ms += 3_000;
    expect(cap.retryAfterSeconds()).toBe(1);
    clock.ms += 1_000;
    expect(cap.tryStart()).toBe('ok');
  });

  it('treats an unpaired end() and nonsense limits as bugs', () => {
    const { cap } = setup(1, 1);
    expect(() => cap.end()).toThrow(/pair with a tryStart/);
    expect(() => new CallRateCap({ now: () => 0, maxPerSecond: 0, maxConcurrent: 1 })).toThrow(RangeError);
    expect(() => new CallRateCap({ now: () => 0, maxPerSecond: 1, maxConcurrent: 0 })).toThrow(RangeError);
  });

  it('is not fooled by a clock that steps back', () => {
    const { clock, cap } = setup(1, 10);
    clock.ms = 10_000;
    expect(cap.tryStart()).toBe('ok');
    clock.ms = 5_000;
    expect(cap.tryStart()).toBe('rate');
    clock.ms = 10_999;
    expect(cap.tryStart()).toBe('rate');
    clock.ms = 11_000;
    expect(cap.tryStart()).toBe('ok');
  });
});
