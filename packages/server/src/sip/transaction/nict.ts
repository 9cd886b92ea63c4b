import type { SipTimerValues } from '../types.js';
import { describeEvent, statusClass, TransactionStateError, type MachineBase, type TimerName, type TransactionAction, type Transition } from './machine.js';
import { timerIK, transactionTimeout } from './timers.js';

/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2).
 *
 * ```
 *   start ──send request, Timer E (UDP only), Timer F──▶ Trying
 *
 *   Trying     ── Timer E: resend, E = min(2·E, T2) ────────▶ Trying
 *   Trying     ── 1xx: up ──────────────────────────────────▶ Proceeding
 *   Trying     ── 200-699: up, Timer K ─────────────────────▶ Completed
 *   Trying     ── Timer F / transport error: fail ──────────▶ Terminated
 *   Proceeding ── Timer E: resend, E = T2 ──────────────────▶ Proceeding
 *   Proceeding ── 1xx: up ──────────────────────────────────▶ Proceeding
 *   Proceeding ── 200-699: up, Timer K ─────────────────────▶ Completed
 *   Proceeding ── Timer F / transport error: fail ──────────▶ Terminated
 *   Completed  ── any response: absorbed ───────────────────▶ Completed
 *   Completed  ── Timer K ──────────────────────────────────▶ Terminated
 * ```
 *
 * Over TCP there is no Timer E and Timer K is 0 (Completed is left at once).
 */
export type NictStateName = 'trying' | 'proceeding' | 'completed' | 'terminated';

export interface NictState extends MachineBase {
  name: NictStateName;
  /** The next Timer E interval. */
  timerE: number;
}

export type NictEvent = { type: 'response'; status: number } | { type: 'timer'; timer: TimerName } | { type: 'transportError' };

/** The state of a new non-INVITE client transaction and what to do to start it. */
export function startNict(timers: SipTimerValues, reliable: boolean): Transition<NictState> {
  const actions: TransactionAction[] = [{ type: 'send' }];
  if (!reliable) actions.push({ type: 'startTimer', timer: 'E', ms: timers.t1 });
  actions.push({ type: 'startTimer', timer: 'F', ms: transactionTimeout(timers) });
  return { state: { name: 'trying', reliable, timers, timerE: Math.min(2 * timers.t1, timers.t2) }, actions };
}

/** One checked step of the non-INVITE client transaction; throws `TransactionStateError` on a move the diagram lacks. */
export function nictTransition(state: NictState, event: NictEvent): Transition<NictState> {
  const next = step(state, event);
  if (!next) throw new TransactionStateError('NICT', state.name, describeEvent(event));
  return next;
}

function step(state: NictState, event: NictEvent): Transition<NictState> | null {
  const to = (name: NictStateName, actions: TransactionAction[], timerE = state.timerE): Transition<NictState> => ({ state: { ...state, name, timerE }, actions });
  const stopE: TransactionAction[] = state.reliable ? [] : [{ type: 'stopTimer', timer: 'E' }];
  const stopAll: TransactionAction[] = [...stopE, { type: 'stopTimer', timer: 'F' }];

  switch (state.name) {
    case 'trying':
    case 'proceeding':
      if (event.type === 'timer' && event.timer === 'E' && !state.reliable) {
        // Trying doubles E up to T2; Proceeding retransmits every T2 (§17.1.2.2).
        const interval = state.name === 'trying' ? state.timerE : state.timers.t2;
        return to(state.name, [{ type: 'send' }, { type: 'startTimer', timer: 'E', ms: interval }], Math.min(2 * interval, state.timers.t2));
      }
      if (event.type === 'timer' && event.timer === 'F') return to('terminated', [...stopE, { type: 'fail', failure: 'timeout' }, { type: 'terminate' }]);
      if (event.type === 'transportError') return to('terminated', [...stopAll, { type: 'fail', failure: 'transportError' }, { type: 'terminate' }]);
      if (event.type === 'response' && statusClass(event.status) === 'provisional') return to('proceeding', [{ type: 'passUp' }]);
      if (event.type === 'response') {
        const k = timerIK(state.timers, state.reliable);
        const wait: TransactionAction[] = k === 0 ? [{ type: 'terminate' }] : [{ type: 'startTimer', timer: 'K', ms: k }];
        return to(k === 0 ? 'terminated' : 'completed', [...stopAll, { type: 'passUp' }, ...wait]);
      }
      return null;
    case 'completed':
      if (event.type === 'response') return to('completed', []);
      if (event.type === 'timer' && event.timer === 'K') return to('terminated', [{ type: 'terminate' }]);
      return null;
    case 'terminated':
      return null;
  }
}
