import type { SipTimerValues } from '../types.js';
import { describeEvent, statusClass, TransactionStateError, type MachineBase, type TimerName, type TransactionAction, type Transition } from './machine.js';
import { timerD, transactionTimeout } from './timers.js';

/**
 * The INVITE client transaction (RFC 3261 §17.1.1, with RFC 6026's Accepted state).
 *
 * ```
 *   start ──send INVITE, Timer A (UDP only), Timer B──▶ Calling
 *
 *   Calling    ── Timer A: resend, A = 2·A ─────────────────▶ Calling
 *   Calling    ── 1xx: up ──────────────────────────────────▶ Proceeding
 *   Calling    ── 2xx: up, Timer M ─────────────────────────▶ Accepted
 *   Calling    ── 300-699: up, ACK, Timer D ────────────────▶ Completed
 *   Calling    ── Timer B / transport error: fail ──────────▶ Terminated
 *   Proceeding ── 1xx: up ──────────────────────────────────▶ Proceeding
 *   Proceeding ── CANCEL sent: Timer Cancel ────────────────▶ Proceeding
 *   Proceeding ── 2xx: up, Timer M ─────────────────────────▶ Accepted
 *   Proceeding ── 300-699: up, ACK, Timer D ────────────────▶ Completed
 *   Proceeding ── Timer Cancel: fail ───────────────────────▶ Terminated
 *   Accepted   ── 2xx (retransmitted or forked): up ────────▶ Accepted
 *   Accepted   ── Timer M ──────────────────────────────────▶ Terminated
 *   Completed  ── 300-699: ACK again ───────────────────────▶ Completed
 *   Completed  ── Timer D / transport error ────────────────▶ Terminated
 * ```
 *
 * Timer A doubles without a cap. Over TCP there is no Timer A and Timer D is 0 (Completed is
 * left at once). `Cancel` is RFC 3261 §9.1's rule: 64·T1 after a CANCEL without a final
 * response the INVITE is given up (otherwise a peer that never answers would leak it).
 */
export type IctStateName = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

export interface IctState extends MachineBase {
  name: IctStateName;
  /** The next Timer A interval. */
  timerA: number;
}

export type IctEvent =
  | { type: 'response'; status: number }
  | { type: 'timer'; timer: TimerName }
  | { type: 'cancelSent' }
  | { type: 'transportError' };

/** The state of a new INVITE client transaction and what to do to start it. */
export function startIct(timers: SipTimerValues, reliable: boolean): Transition<IctState> {
  const actions: TransactionAction[] = [{ type: 'send' }];
  if (!reliable) actions.push({ type: 'startTimer', timer: 'A', ms: timers.t1 });
  actions.push({ type: 'startTimer', timer: 'B', ms: transactionTimeout(timers) });
  return { state: { name: 'calling', reliable, timers, timerA: 2 * timers.t1 }, actions };
}

/** One checked step of the INVITE client transaction; throws `TransactionStateError` on a move the diagram lacks. */
export function ictTransition(state: IctState, event: IctEvent): Transition<IctState> {
  const next = step(state, event);
  if (!next) throw new TransactionStateError('ICT', state.name, describeEvent(event));
  return next;
}

function step(state: IctState, event: IctEvent): Transition<IctState> | null {
  const to = (name: IctStateName, actions: TransactionAction[], timerA = state.timerA): Transition<IctState> => ({ state: { ...state, name, timerA }, actions });
  const terminate: TransactionAction = { type: 'terminate' };
  const stopCalling: TransactionAction[] = state.reliable ? [{ type: 'stopTimer', timer: 'B' }] : [{ type: 'stopTimer', timer: 'A' }, { type: 'stopTimer', timer: 'B' }];

  switch (state.name) {
    case 'calling':
      if (event.type === 'timer' && event.timer === 'A' && !state.reliable) {
        return to('calling', [{ type: 'send' }, { type: 'startTimer', timer: 'A', ms: state.timerA }], state.timerA * 2);
      }
      if (event.type === 'timer' && event.timer === 'B') return to('terminated', [...stopCalling.slice(0, -1), { type: 'fail', failure: 'timeout' }, terminate]);
      if (event.type === 'transportError') return to('terminated', [...stopCalling, { type: 'fail', failure: 'transportError' }, terminate]);
      if (event.type === 'response') return onResponse(state, event.status, stopCalling, to);
      return null;
    case 'proceeding':
      if (event.type === 'response') return onResponse(state, event.status, [{ type: 'stopTimer', timer: 'Cancel' }], to);
      if (event.type === 'cancelSent') return to('proceeding', [{ type: 'startTimer', timer: 'Cancel', ms: transactionTimeout(state.timers) }]);
      if (event.type === 'timer' && event.timer === 'Cancel') return to('terminated', [{ type: 'fail', failure: 'timeout' }, terminate]);
      return null;
    case 'accepted':
      if (event.type === 'response' && statusClass(event.status) === 'success') return to('accepted', [{ type: 'passUp' }]);
      if (event.type === 'timer' && event.timer === 'M') return to('terminated', [terminate]);
      return null;
    case 'completed':
      if (event.type === 'response' && statusClass(event.status) === 'failure') return to('completed', [{ type: 'sendAck' }]);
      if (event.type === 'timer' && event.timer === 'D') return to('terminated', [terminate]);
      if (event.type === 'transportError') return to('terminated', [{ type: 'stopTimer', timer: 'D' }, terminate]);
      return null;
    case 'terminated':
      return null;
  }
}

function onResponse(
  state: IctState,
  status: number,
  stop: TransactionAction[],
  to: (name: IctStateName, actions: TransactionAction[]) => Transition<IctState>,
): Transition<IctState> {
  switch (statusClass(status)) {
    case 'provisional':
      // In Calling the timers stop; in Proceeding a provisional changes nothing but the TU's view.
      return to('proceeding', state.name === 'calling' ? [...stop, { type: 'passUp' }] : [{ type: 'passUp' }]);
    case 'success':
      return to('accepted', [...stop, { type: 'passUp' }, { type: 'startTimer', timer: 'M', ms: transactionTimeout(state.timers) }]);
    case 'failure': {
      const d = timerD(state.timers, state.reliable);
      const wait: TransactionAction[] = d === 0 ? [{ type: 'terminate' }] : [{ type: 'startTimer', timer: 'D', ms: d }];
      return to(d === 0 ? 'terminated' : 'completed', [...stop, { type: 'passUp' }, { type: 'sendAck' }, ...wait]);
    }
  }
}
