import { describe, expect, it } from 'vitest';
import type { SipTimerValues } from '../types.js';
import { actionLabel } from '../test-support/action-label.js';
import { TransactionStateError } from './machine.js';
import { nictTransition, startNict, type NictEvent, type NictState, type NictStateName } from './nict.js';

const timers: SipTimerValues = { t1: 500, t2: 4_000, t4: 5_000 };
const at = (name: NictStateName, reliable = false): NictState => ({ name, reliable, timers, timerE: 1_000 });

describe('non-INVITE client transaction', () => {
  it('starts by sending with Timer E at T1 and Timer F at 64·T1 over UDP, without Timer E over TCP', () => {
    expect(startNict(timers, false)).toEqual({
      state: at('trying'),
      actions: [{ type: 'send' }, { type: 'startTimer', timer: 'E', ms: 500 }, { type: 'startTimer', timer: 'F', ms: 32_000 }],
    });
    expect(startNict(timers, true).actions.map(actionLabel)).toEqual(['send', 'startTimer:F']);
  });

  it('doubles Timer E up to T2 in Trying and keeps it at T2 in Proceeding', () => {
    let state = startNict(timers, false).state;
    const intervals: number[] = [];
    const fire = (): void => {
      const next = nictTransition(state, { type: 'timer', timer: 'E' });
      expect(next.actions[0]).toEqual({ type: 'send' });
      const start = next.actions[1];
      if (start?.type === 'startTimer') intervals.push(start.ms);
      state = next.state;
    };
    for (let i = 0; i < 5; i++) fire();
    expect(intervals).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);

    state = nictTransition(startNict(timers, false).state, { type: 'response', status: 100 }).state;
    intervals.length = 0;
    fire();
    expect(intervals).toEqual([4_000]);
  });

  const allowed: Array<[NictStateName, NictEvent, NictStateName, string[], boolean?]> = [
    ['trying', { type: 'timer', timer: 'E' }, 'trying', ['send', 'startTimer:E']],
    ['trying', { type: 'timer', timer: 'F' }, 'terminated', ['stopTimer:E', 'fail:timeout', 'terminate']],
    ['trying', { type: 'transportError' }, 'terminated', ['stopTimer:E', 'stopTimer:F', 'fail:transportError', 'terminate']],
    ['trying', { type: 'response', status: 100 }, 'proceeding', ['passUp']],
    ['trying', { type: 'response', status: 200 }, 'completed', ['stopTimer:E', 'stopTimer:F', 'passUp', 'startTimer:K']],
    ['trying', { type: 'response', status: 404 }, 'completed', ['stopTimer:E', 'stopTimer:F', 'passUp', 'startTimer:K']],
    ['trying', { type: 'response', status: 200 }, 'terminated', ['stopTimer:F', 'passUp', 'terminate'], true],
    ['proceeding', { type: 'timer', timer: 'E' }, 'proceeding', ['send', 'startTimer:E']],
    ['proceeding', { type: 'timer', timer: 'F' }, 'terminated', ['stopTimer:E', 'fail:timeout', 'terminate']],
    ['proceeding', { type: 'transportError' }, 'terminated', ['stopTimer:E', 'stopTimer:F', 'fail:transportError', 'terminate']],
    ['proceeding', { type: 'response', status: 180 }, 'proceeding', ['passUp']],
    ['proceeding', { type: 'response', status: 202 }, 'completed', ['stopTimer:E', 'stopTimer:F', 'passUp', 'startTimer:K']],
    ['completed', { type: 'response', status: 200 }, 'completed', []],
    ['completed', { type: 'response', status: 100 }, 'completed', []],
    ['completed', { type: 'timer', timer: 'K' }, 'terminated', ['terminate']],
  ];

  it.each(allowed)('%s + %j → %s', (from, event, to, actions, reliable = false) => {
    const next = nictTransition(at(from, reliable), event);
    expect(next.state.name).toBe(to);
    expect(next.actions.map(actionLabel)).toEqual(actions);
  });

  it('waits T4 in Completed over UDP', () => {
    expect(nictTransition(at('trying'), { type: 'response', status: 200 }).actions).toContainEqual({ type: 'startTimer', timer: 'K', ms: 5_000 });
  });

  const refused: Array<[NictStateName, NictEvent, boolean?]> = [
    ['trying', { type: 'timer', timer: 'E' }, true],
    ['trying', { type: 'timer', timer: 'K' }],
    ['completed', { type: 'timer', timer: 'E' }],
    ['completed', { type: 'timer', timer: 'F' }],
    ['completed', { type: 'transportError' }],
    ['terminated', { type: 'response', status: 200 }],
  ];

  it.each(refused)('refuses %s + %j', (from, event, reliable = false) => {
    expect(() => nictTransition(at(from, reliable), event)).toThrow(TransactionStateError);
  });
});
