import { describe, expect, it } from 'vitest';
import { ManualScheduler } from './manual-scheduler.js';

describe('ManualScheduler', () => {
  it('runs due callbacks in time order, then insertion order, and moves time to each', () => {
    const scheduler = new ManualScheduler();
    const ran: string[] = [];
    scheduler.setTimeout(() => ran.push(`b@${scheduler.now}`), 20);
    scheduler.setTimeout(() => ran.push(`a@${scheduler.now}`), 10);
    scheduler.setTimeout(() => ran.push(`c@${scheduler.now}`), 20);
    scheduler.setTimeout(() => ran.push('late'), 31);
    scheduler.advance(30);
    expect(ran).toEqual(['a@10', 'b@20', 'c@20']);
    expect(scheduler.now).toBe(30);
    expect(scheduler.pending).toBe(1);
  });

  it('runs a callback set while advancing when it falls due within the same advance', () => {
    const scheduler = new ManualScheduler();
    const ran: number[] = [];
    scheduler.setTimeout(() => scheduler.setTimeout(() => ran.push(scheduler.now), 5), 5);
    scheduler.advance(9);
    expect(ran).toEqual([]);
    scheduler.advance(1);
    expect(ran).toEqual([10]);
  });

  it('never runs a cleared callback', () => {
    const scheduler = new ManualScheduler();
    let ran = false;
    const handle = scheduler.setTimeout(() => (ran = true), 1);
    scheduler.clearTimeout(handle);
    expect(scheduler.runAll()).toBe(0);
    expect(ran).toBe(false);
  });
});
