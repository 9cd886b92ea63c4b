import { describe, expect, it } from 'vitest';
import type { SipTimerValues } from '../types.js';
import { ictTransition, startIct, type IctEvent, type IctState, type IctStateName } from './ict.js';
import { TransactionStateError } from './machine.js';
import { actionLabel } from '../test-support/action-label.js';

const timers: SipTimerValues = { t1: 500, t2: 4_000, t4: 5_000 };
const at = (name: IctStateName, reliable = false): IctState => ({ name, reliable, timers, timerA: 1_000 });

describe('INVITE client transaction', () => {
  it('starts by sending with Timer A at T1 and Timer B at 64·T1 over UDP, without Timer A over TCP', () => {
    expect(startIct(timers, false)).toEqual({
      state: at('calling'),
      actions: [{ type: 'send' }, { type: 'startTimer', timer: 'A', ms: 500 }, { type: 'startTimer', timer: 'B', ms: 32_000 }],
    });
    expect(startIct(timers, true).actions).toEqual([{ type: 'send' }, { type: 'startTimer', timer: 'B', ms: 32_000 }]);
  });

  it('doubles Timer A without a cap', () => {
    let state = startIct(timers, false).state;
    const intervals: number[] = [];
    for (let i = 0; i < 6; i++) {
      const next = ictTransition(state, { type: 'timer', timer: 'A' });
      expect(next.actions[0]).toEqual({ type: 'send' });
      const start = next.actions[1];
      if (start?.type === 'startTimer') intervals.push(start.ms);
      state = next.state;
    }
    expect(intervals).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
  });

  const allowed: Array<[IctStateName, IctEvent, IctStateName, string[], boolean?]> = [
    ['calling', { type: 'timer', timer: 'A' }, 'calling', ['send', 'startTimer:A']],
    ['calling', { type: 'timer', timer: 'B' }, 'terminated', ['stopTimer:A', 'fail:timeout', 'terminate']],
    ['calling', { type: 'transportError' }, 'terminated', ['stopTimer:A', 'stopTimer:B', 'fail:transportError', 'terminate']],
    ['calling', { type: 'response', status: 180 }, 'proceeding', ['stopTimer:A', 'stopTimer:B', 'passUp']],
    ['calling', { type: 'response', status: 200 }, 'accepted', ['stopTimer:A', 'stopTimer:B', 'passUp', 'startTimer:M']],
    ['calling', { type: 'response', status: 486 }, 'completed', ['stopTimer:A', 'stopTimer:B', 'passUp', 'sendAck', 'startTimer:D']],
    ['calling', { type: 'response', status: 486 }, 'terminated', ['stopTimer:B', 'passUp', 'sendAck', 'terminate'], true],
    ['proceeding', { type: 'response', status: 183 }, 'proceeding', ['passUp']],
    ['proceeding', { type: 'response', status: 200 }, 'accepted', ['stopTimer:Cancel', 'passUp', 'startTimer:M']],
    ['proceeding', { type: 'response', status: 603 }, 'completed', ['stopTimer:Cancel', 'passUp', 'sendAck', 'startTimer:D']],
    ['proceeding', { type: 'cancelSent' }, 'proceeding', ['startTimer:Cancel']],
    ['proceeding', { type: 'timer', timer: 'Cancel' }, 'terminated', ['fail:timeout', 'terminate']],
    ['accepted', { type: 'response', status: 200 }, 'accepted', ['passUp']],
    ['accepted', { type: 'timer', timer: 'M' }, 'terminated', ['terminate']],
    ['completed', { type: 'response', status: 486 }, 'completed', ['sendAck']],
    ['completed', { type: 'timer', timer: 'D' }, 'terminated', ['terminate']],
    ['completed', { type: 'transportError' }, 'terminated', ['stopTimer:D', 'terminate']],
  ];

  it.each(allowed)('%s + %j → %s', (from, event, to, actions, reliable = false) => {
    const next = ictTransition(at(from, reliable), event);
    expect(next.state.name).toBe(to);
    expect(next.actions.map(actionLabel)).toEqual(actions);
  });

  it('waits 32 s in Completed over UDP and leaves it at once over TCP', () => {
    const udp = ictTransition(at('calling'), { type: 'response', status: 404 });
    expect(udp.actions).toContainEqual({ type: 'startTimer', timer: 'D', ms: 32_000 });
    expect(ictTransition(at('proceeding', true), { type: 'response', status: 404 }).state.name).toBe('terminated');
  });

  it('gives up 64·T1 after a CANCEL', () => {
    expect(ictTransition(at('proceeding'), { type: 'cancelSent' }).actions).toEqual([{ type: 'startTimer', timer: 'Cancel', ms: 32_000 }]);
  });

  const refused: Array<[IctStateName, IctEvent, boolean?]> = [
    ['calling', { type: 'timer', timer: 'A' }, true],
    ['calling', { type: 'cancelSent' }],
    ['calling', { type: 'timer', timer: 'D' }],
    ['proceeding', { type: 'timer', timer: 'A' }],
    ['accepted', { type: 'response', status: 180 }],
    ['accepted', { type: 'response', status: 486 }],
    ['completed', { type: 'response', status: 200 }],
    ['completed', { type: 'response', status: 180 }],
    ['terminated', { type: 'response', status: 200 }],
    ['terminated', { type: 'timer', timer: 'B' }],
  ];

  it.each(refused)('refuses %s + %j', (from, event, reliable = false) => {
    expect(() => ictTransition(at(from, reliable), event)).toThrow(TransactionStateError);
  });

  it('names the machine, state and event in the refusal', () => {
    expect(() => ictTransition(at('completed'), { type: 'response', status: 200 })).toThrow("ICT: no transition from 'completed' on response 200");
  });
});

