import type { SipTimerValues } from '../types.js';
import { describeEvent, statusClass, TransactionStateError, type MachineBase, type TimerName, type TransactionAction, type Transition } from './machine.js';
import { timerJ } from './timers.js';

/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2).
 *
 * ```
 *   start ──▶ Trying
 *
 *   Trying     ── request: absorbed ────────────────────────▶ Trying
 *   Trying     ── 1xx from TU: send ────────────────────────▶ Proceeding
 *   Trying     ── 200-699 from TU: send, Timer J ───────────▶ Completed
 *   Proceeding ── request: resend the last 1xx ─────────────▶ Proceeding
 *   Proceeding ── 1xx from TU: send ────────────────────────▶ Proceeding
 *   Proceeding ── 200-699 from TU: send, Timer J ───────────▶ Completed
 *   Proceeding ── transport error ──────────────────────────▶ Terminated
 *   Completed  ── request: resend the final ────────────────▶ Completed
 *   Completed  ── Timer J / transport error ────────────────▶ Terminated
 * ```
 *
 * Over TCP Timer J is 0 (Completed is left at once).
 */
export type NistStateName = 'trying' | 'proceeding' | 'completed' | 'terminated';

export interface NistState extends MachineBase {
  name: NistStateName;
}

export type NistEvent =
  /** The TU sends a response. */
  | { type: 'respond'; status: number }
  /** The request arrived again. */
  | { type: 'request' }
  | { type: 'timer'; timer: TimerName }
  | { type: 'transportError' };

/** The state of a new non-INVITE server transaction (it starts with nothing to do). */
export function startNist(timers: SipTimerValues, reliable: boolean): Transition<NistState> {
  return { state: { name: 'trying', reliable, timers }, actions: [] };
}

/** One checked step of the non-INVITE server transaction; throws `TransactionStateError` on a move the diagram lacks. */
export function nistTransition(state: NistState, event: NistEvent): Transition<NistState> {
  const next = step(state, event);
  if (!next) throw new TransactionStateError('NIST', state.name, describeEvent(event));
  return next;
}

function step(state: NistState, event: NistEvent): Transition<NistState> | null {
  const to = (name: NistStateName, actions: TransactionAction[]): Transition<NistState> => ({ state: { ...state, name }, actions });
  const final = (): Transition<NistState> => {
    const j = timerJ(state.timers, state.reliable);
    return j === 0 ? to('terminated', [{ type: 'send' }, { type: 'terminate' }]) : to('completed', [{ type: 'send' }, { type: 'startTimer', timer: 'J', ms: j }]);
  };

  switch (state.name) {
    case 'trying':
      if (event.type === 'request') return to('trying', []);
      if (event.type === 'respond') return statusClass(event.status) === 'provisional' ? to('proceeding', [{ type: 'send' }]) : final();
      return null;
    case 'proceeding':
      if (event.type === 'request') return to('proceeding', [{ type: 'retransmit' }]);
      if (event.type === 'respond') return statusClass(event.status) === 'provisional' ? to('proceeding', [{ type: 'send' }]) : final();
      if (event.type === 'transportError') return to('terminated', [{ type: 'terminate' }]);
      return null;
    case 'completed':
      if (event.type === 'request') return to('completed', [{ type: 'retransmit' }]);
      if (event.type === 'timer' && event.timer === 'J') return to('terminated', [{ type: 'terminate' }]);
      if (event.type === 'transportError') return to('terminated', [{ type: 'stopTimer', timer: 'J' }, { type: 'terminate' }]);
      return null;
    case 'terminated':
      return null;
  }
}
