import { describe, expect, it } from 'vitest';
import type { SipTimerValues } from '../types.js';
import { actionLabel } from '../test-support/action-label.js';
import { istTransition, startIst, type IstEvent, type IstState, type IstStateName } from './ist.js';
import { TransactionStateError } from './machine.js';

const timers: SipTimerValues = { t1: 500, t2: 4_000, t4: 5_000 };
const at = (name: IstStateName, options: { reliable?: boolean; responded?: boolean } = {}): IstState => ({
  name,
  reliable: options.reliable ?? false,
  responded: options.responded ?? true,
  timers,
  timerG: 1_000,
});

describe('INVITE server transaction', () => {
  it('starts in Proceeding with the 200 ms wait for 100 Trying', () => {
    expect(startIst(timers, false)).toEqual({
      state: { ...at('proceeding', { responded: false }), timerG: 500 },
      actions: [{ type: 'startTimer', timer: 'Trying', ms: 200 }],
    });
  });

  it('doubles Timer G up to T2 while it retransmits the final response', () => {
    let state = istTransition(startIst(timers, false).state, { type: 'respond', status: 486 }).state;
    const intervals: number[] = [];
    for (let i = 0; i < 5; i++) {
      const next = istTransition(state, { type: 'timer', timer: 'G' });
      expect(next.actions[0]).toEqual({ type: 'retransmit' });
      const start = next.actions[1];
      if (start?.type === 'startTimer') intervals.push(start.ms);
      state = next.state;
    }
    expect(intervals).toEqual([1_000, 2_000, 4_000, 4_000, 4_000]);
  });

  const allowed: Array<[IstState, IstEvent, IstStateName, string[]]> = [
    [at('proceeding', { responded: false }), { type: 'timer', timer: 'Trying' }, 'proceeding', ['sendTrying']],
    [at('proceeding', { responded: false }), { type: 'request' }, 'proceeding', ['stopTimer:Trying', 'sendTrying']],
    [at('proceeding'), { type: 'request' }, 'proceeding', ['retransmit']],
    [at('proceeding', { responded: false }), { type: 'respond', status: 180 }, 'proceeding', ['stopTimer:Trying', 'send']],
    [at('proceeding'), { type: 'respond', status: 183 }, 'proceeding', ['send']],
    [at('proceeding'), { type: 'respond', status: 200 }, 'accepted', ['send', 'startTimer:L']],
    [at('proceeding', { responded: false }), { type: 'respond', status: 200 }, 'accepted', ['stopTimer:Trying', 'send', 'startTimer:L']],
    [at('proceeding'), { type: 'respond', status: 486 }, 'completed', ['send', 'startTimer:G', 'startTimer:H']],
    [at('proceeding', { reliable: true }), { type: 'respond', status: 486 }, 'completed', ['send', 'startTimer:H']],
    [at('proceeding'), { type: 'transportError' }, 'terminated', ['terminate']],
    [at('accepted'), { type: 'request' }, 'accepted', []],
    [at('accepted'), { type: 'respond', status: 200 }, 'accepted', ['send']],
    [at('accepted'), { type: 'ack' }, 'accepted', ['passUp']],
    [at('accepted'), { type: 'timer', timer: 'L' }, 'terminated', ['terminate']],
    [at('completed'), { type: 'request' }, 'completed', ['retransmit']],
    [at('completed'), { type: 'timer', timer: 'G' }, 'completed', ['retransmit', 'startTimer:G']],
    [at('completed'), { type: 'ack' }, 'confirmed', ['stopTimer:G', 'stopTimer:H', 'startTimer:I']],
    [at('completed', { reliable: true }), { type: 'ack' }, 'terminated', ['stopTimer:H', 'terminate']],
    [at('completed'), { type: 'timer', timer: 'H' }, 'terminated', ['stopTimer:G', 'terminate']],
    [at('completed'), { type: 'transportError' }, 'terminated', ['stopTimer:G', 'stopTimer:H', 'terminate']],
    [at('confirmed'), { type: 'ack' }, 'confirmed', []],
    [at('confirmed'), { type: 'request' }, 'confirmed', []],
    [at('confirmed'), { type: 'timer', timer: 'I' }, 'terminated', ['terminate']],
  ];

  it.each(allowed.map(([from, event, to, actions]) => [describeState(from), event, to, from, actions] as const))('%s + %j → %s', (_name, event, to, from, actions) => {
    const next = istTransition(from, event);
    expect(next.state.name).toBe(to);
    expect(next.actions.map(actionLabel)).toEqual(actions);
  });

  it('holds Accepted for 64·T1, Completed for 64·T1 (Timer H) and Confirmed for T4', () => {
    expect(istTransition(at('proceeding'), { type: 'respond', status: 200 }).actions).toContainEqual({ type: 'startTimer', timer: 'L', ms: 32_000 });
    expect(istTransition(at('proceeding'), { type: 'respond', status: 500 }).actions).toContainEqual({ type: 'startTimer', timer: 'H', ms: 32_000 });
    expect(istTransition(at('completed'), { type: 'ack' }).actions).toContainEqual({ type: 'startTimer', timer: 'I', ms: 5_000 });
  });

  const refused: Array<[IstState, IstEvent]> = [
    [at('proceeding'), { type: 'timer', timer: 'Trying' }],
    [at('proceeding'), { type: 'ack' }],
    [at('accepted'), { type: 'respond', status: 486 }],
    [at('accepted'), { type: 'respond', status: 180 }],
    [at('completed'), { type: 'respond', status: 200 }],
    [at('completed', { reliable: true }), { type: 'timer', timer: 'G' }],
    [at('confirmed'), { type: 'respond', status: 486 }],
    [at('terminated'), { type: 'ack' }],
  ];

  it.each(refused.map(([from, event]) => [describeState(from), event, from] as const))('refuses %s + %j', (_name, event, from) => {
    expect(() => istTransition(from, event)).toThrow(TransactionStateError);
  });
});

function describeState(state: IstState): string {
  return `${state.name}${state.responded ? '' : ' (nothing sent yet)'}${state.reliable ? ' over TCP' : ''}`;
}
