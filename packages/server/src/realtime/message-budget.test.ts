import { describe, expect, it } from 'vitest';
import { MessageBudget } from './message-budget.js';

function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

const POLICY = { burst: 3, perSecond: 2, refusals: 2, refusalRefillSeconds: 10 };

describe('MessageBudget', () => {
  it('accepts a burst, refuses what follows, then closes on sustained abuse', () => {
    const clock = manualClock();
    const budget = new MessageBudget(clock.now, POLICY);
    expect(Array.from({ length: 6 }, () => budget.admit())).toEqual(['accept', 'accept', 'accept', 'refuse', 'refuse', 'close']);
  });

  it('refills messages at perSecond and forgives refusals slowly', () => {
    const clock = manualClock();
    const budget = new MessageBudget(clock.now, POLICY);
    for (let i = 0; i < 3; i++) expect(budget.admit()).toBe('accept');
    expect(budget.admit()).toBe('refuse');
    clock.advance(500);
    expect(budget.admit()).toBe('accept');
    expect(budget.admit()).toBe('refuse');
    // Both refusals are spent; ten seconds give one back (and the message bucket is full again).
    clock.advance(10_000);
    for (let i = 0; i < 3; i++) expect(budget.admit()).toBe('accept');
    expect(budget.admit()).toBe('refuse');
    expect(budget.admit()).toBe('close');
  });

  it('lets a workbench ping every 15 s and click freely for ever', () => {
    const clock = manualClock();
    const budget = new MessageBudget(clock.now);
    for (let minute = 0; minute < 60; minute++) {
      for (let i = 0; i < 4; i++) {
        expect(budget.admit()).toBe('accept');
        clock.advance(15_000);
      }
      // Ten status clicks in a row once a minute.
      for (let i = 0; i < 10; i++) expect(budget.admit()).toBe('accept');
    }
  });
});
