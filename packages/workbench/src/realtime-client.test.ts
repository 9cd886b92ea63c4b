import { describe, expect, it } from 'vitest';
import { backoffDelay } from './realtime-client.js';

describe('reconnection backoff', () => {
  it('doubles from 0.5 s up to a 15 s cap, each delay jittered within its upper half', () => {
    const caps = [500, 1000, 2000, 4000, 8000, 15_000, 15_000];
    caps.forEach((cap, attempt) => {
      expect(backoffDelay(attempt, () => 0)).toBe(cap / 2);
      expect(backoffDelay(attempt, () => 1)).toBe(cap);
      expect(backoffDelay(attempt, () => 0.5)).toBe(Math.round(cap * 0.75));
    });
  });

  it('spreads clients apart: different random draws give different delays', () => {
    const draws = [0.1, 0.4, 0.9].map((r) => backoffDelay(3, () => r));
    expect(new Set(draws).size).toBe(3);
  });
});
