import { describe, expect, it } from 'vitest';
import type { SipTimerValues } from '../types.js';
import { actionLabel } from '../test-support/action-label.js';
import { TransactionStateError } from './machine.js';
import { nistTransition, startNist, type NistEvent, type NistState, type NistStateName } from './nist.js';

const timers: SipTimerValues = { t1: 500, t2: 4_000, t4: 5_000 };
const at = (name: NistStateName, reliable = false): NistState => ({ name, reliable, timers });

describe('non-INVITE server transaction', () => {
  it('starts in Trying with nothing to do', () => {
    expect(startNist(timers, false)).toEqual({ state: at('trying'), actions: [] });
  });

  const allowed: Array<[NistStateName, NistEvent, NistStateName, string[], boolean?]> = [
    ['trying', { type: 'request' }, 'trying', []],
    ['trying', { type: 'respond', status: 100 }, 'proceeding', ['send']],
    ['trying', { type: 'respond', status: 200 }, 'completed', ['send', 'startTimer:J']],
    ['trying', { type: 'respond', status: 200 }, 'terminated', ['send', 'terminate'], true],
    ['proceeding', { type: 'request' }, 'proceeding', ['retransmit']],
    ['proceeding', { type: 'respond', status: 183 }, 'proceeding', ['send']],
    ['proceeding', { type: 'respond', status: 481 }, 'completed', ['send', 'startTimer:J']],
    ['proceeding', { type: 'transportError' }, 'terminated', ['terminate']],
    ['completed', { type: 'request' }, 'completed', ['retransmit']],
    ['completed', { type: 'timer', timer: 'J' }, 'terminated', ['terminate']],
    ['completed', { type: 'transportError' }, 'terminated', ['stopTimer:J', 'terminate']],
  ];

  it.each(allowed)('%s + %j → %s', (from, event, to, actions, reliable = false) => {
    const next = nistTransition(at(from, reliable), event);
    expect(next.state.name).toBe(to);
    expect(next.actions.map(actionLabel)).toEqual(actions);
  });

  it('holds Completed for 64·T1 over UDP', () => {
    expect(nistTransition(at('trying'), { type: 'respond', status: 200 }).actions).toContainEqual({ type: 'startTimer', timer: 'J', ms: 32_000 });
  });

  const refused: Array<[NistStateName, NistEvent]> = [
    ['trying', { type: 'transportError' }],
    ['trying', { type: 'timer', timer: 'J' }],
    ['completed', { type: 'respond', status: 200 }],
    ['completed', { type: 'respond', status: 100 }],
    ['terminated', { type: 'request' }],
  ];

  it.each(refused)('refuses %s + %j', (from, event) => {
    expect(() => nistTransition(at(from), event)).toThrow(TransactionStateError);
  });
});
