import { describe, expect, it } from 'vitest';
import { routePolicyFromTccc, toPriority } from './defaults.js';

describe('reading TCCC skill-group fields', () => {
  it('RingAll wins over RoutePolicy; unknown and random policies read as longest-idle', () => {
    expect(routePolicyFromTccc('ROUTE_POLICY_RANDOM', true)).toBe('ringAll');
    expect(routePolicyFromTccc('ROUTE_POLICY_RANDOM', false)).toBe('longestIdle');
    expect(routePolicyFromTccc('roundRobin', false)).toBe('roundRobin');
    expect(routePolicyFromTccc('fewestCallsToday', false)).toBe('fewestCallsToday');
    expect(routePolicyFromTccc('', false)).toBe('longestIdle');
  });

  it('priorities are clamped to 1–5, and anything not a number is the default 3', () => {
    expect([toPriority(1), toPriority(5), toPriority(0), toPriority(9), toPriority(2.4), toPriority(Number.NaN)]).toEqual([1, 5, 1, 5, 2, 3]);
  });
});
