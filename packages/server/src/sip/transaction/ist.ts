import type { SipTimerValues } from '../types.js';
import { describeEvent, statusClass, TransactionStateError, type MachineBase, type TimerName, type TransactionAction, type Transition } from './machine.js';
import { timerIK, transactionTimeout, TRYING_DELAY_MS } from './timers.js';

/**
 * The INVITE server transaction (RFC 3261 §17.2.1, with RFC 6026's Accepted state).
 *
 * ```
 *   start ──Timer Trying (200 ms)──▶ Proceeding
 *
 *   Proceeding ── Timer Trying (TU silent): send 100 ───────▶ Proceeding
 *   Proceeding ── INVITE: resend the last 1xx (or 100 now) ─▶ Proceeding
 *   Proceeding ── 1xx from TU: send ────────────────────────▶ Proceeding
 *   Proceeding ── 2xx from TU: send, Timer L ───────────────▶ Accepted
 *   Proceeding ── 300-699 from TU: send, Timer G (UDP), H ──▶ Completed
 *   Proceeding ── transport error ──────────────────────────▶ Terminated
 *   Accepted   ── INVITE: absorbed ─────────────────────────▶ Accepted
 *   Accepted   ── 2xx from TU: send ────────────────────────▶ Accepted
 *   Accepted   ── ACK: up to the TU ────────────────────────▶ Accepted
 *   Accepted   ── Timer L ──────────────────────────────────▶ Terminated
 *   Completed  ── INVITE: resend the final ─────────────────▶ Completed
 *   Completed  ── Timer G: resend, G = min(2·G, T2) ────────▶ Completed
 *   Completed  ── ACK: Timer I ─────────────────────────────▶ Confirmed
 *   Completed  ── Timer H / transport error ────────────────▶ Terminated
 *   Confirmed  ── ACK, INVITE: absorbed ────────────────────▶ Confirmed
 *   Confirmed  ── Timer I ──────────────────────────────────▶ Terminated
 * ```
 *
 * After a 2xx the transaction stays in Accepted for 64·T1 (RFC 6026) so a retransmitted
 * INVITE is absorbed instead of looking new; the TU retransmits the 2xx until its ACK, which
 * passes up. A late INVITE in Confirmed is absorbed like a late ACK. Over TCP there is no
 * Timer G and Timer I is 0. A transport error in Proceeding or Completed ends the transaction.
 */
export type IstStateName = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

export interface IstState extends MachineBase {
  name: IstStateName;
  /** Whether a response (the layer's 100 Trying or the TU's) has been sent, so there is one to resend. */
  responded: boolean;
  /** The next Timer G interval. */
  timerG: number;
}

export type IstEvent =
  /** The TU sends a response. */
  | { type: 'respond'; status: number }
  /** The INVITE arrived again. */
  | { type: 'request' }
  | { type: 'ack' }
  | { type: 'timer'; timer: TimerName }
  | { type: 'transportError' };

/** The state of a new INVITE server transaction and what to do to start it. */
export function startIst(timers: SipTimerValues, reliable: boolean): Transition<IstState> {
  return {
    state: { name: 'proceeding', reliable, timers, responded: false, timerG: timers.t1 },
    actions: [{ type: 'startTimer', timer: 'Trying', ms: TRYING_DELAY_MS }],
  };
}

/** One checked step of the INVITE server transaction; throws `TransactionStateError` on a move the diagram lacks. */
export function istTransition(state: IstState, event: IstEvent): Transition<IstState> {
  const next = step(state, event);
  if (!next) throw new TransactionStateError('IST', state.name, describeEvent(event));
  return next;
}

function step(state: IstState, event: IstEvent): Transition<IstState> | null {
  const to = (name: IstStateName, actions: TransactionAction[], change: Partial<IstState> = {}): Transition<IstState> => ({ state: { ...state, ...change, name }, actions });
  const stopTrying: TransactionAction[] = state.responded ? [] : [{ type: 'stopTimer', timer: 'Trying' }];

  switch (state.name) {
    case 'proceeding':
      if (event.type === 'timer' && event.timer === 'Trying' && !state.responded) return to('proceeding', [{ type: 'sendTrying' }], { responded: true });
      if (event.type === 'request') {
        return state.responded ? to('proceeding', [{ type: 'retransmit' }]) : to('proceeding', [...stopTrying, { type: 'sendTrying' }], { responded: true });
      }
      if (event.type === 'transportError') return to('terminated', [...stopTrying, { type: 'terminate' }]);
      if (event.type !== 'respond') return null;
      switch (statusClass(event.status)) {
        case 'provisional':
          return to('proceeding', [...stopTrying, { type: 'send' }], { responded: true });
        case 'success':
          return to('accepted', [...stopTrying, { type: 'send' }, { type: 'startTimer', timer: 'L', ms: transactionTimeout(state.timers) }], { responded: true });
        case 'failure': {
          const g: TransactionAction[] = state.reliable ? [] : [{ type: 'startTimer', timer: 'G', ms: state.timers.t1 }];
          return to('completed', [...stopTrying, { type: 'send' }, ...g, { type: 'startTimer', timer: 'H', ms: transactionTimeout(state.timers) }], {
            responded: true,
            timerG: Math.min(2 * state.timers.t1, state.timers.t2),
          });
        }
      }
      return null;
    case 'accepted':
      if (event.type === 'request') return to('accepted', []);
      if (event.type === 'respond' && statusClass(event.status) === 'success') return to('accepted', [{ type: 'send' }]);
      if (event.type === 'ack') return to('accepted', [{ type: 'passUp' }]);
      if (event.type === 'timer' && event.timer === 'L') return to('terminated', [{ type: 'terminate' }]);
      return null;
    case 'completed':
      if (event.type === 'request') return to('completed', [{ type: 'retransmit' }]);
      if (event.type === 'timer' && event.timer === 'G' && !state.reliable) {
        return to('completed', [{ type: 'retransmit' }, { type: 'startTimer', timer: 'G', ms: state.timerG }], { timerG: Math.min(2 * state.timerG, state.timers.t2) });
      }
      if (event.type === 'ack') {
        const stop: TransactionAction[] = state.reliable ? [{ type: 'stopTimer', timer: 'H' }] : [{ type: 'stopTimer', timer: 'G' }, { type: 'stopTimer', timer: 'H' }];
        const i = timerIK(state.timers, state.reliable);
        return i === 0 ? to('terminated', [...stop, { type: 'terminate' }]) : to('confirmed', [...stop, { type: 'startTimer', timer: 'I', ms: i }]);
      }
      if ((event.type === 'timer' && event.timer === 'H') || event.type === 'transportError') {
        const stop: TransactionAction[] = state.reliable ? [] : [{ type: 'stopTimer', timer: 'G' }];
        return to('terminated', event.type === 'transportError' ? [...stop, { type: 'stopTimer', timer: 'H' }, { type: 'terminate' }] : [...stop, { type: 'terminate' }]);
      }
      return null;
    case 'confirmed':
      if (event.type === 'ack' || event.type === 'request') return to('confirmed', []);
      if (event.type === 'timer' && event.timer === 'I') return to('terminated', [{ type: 'terminate' }]);
      return null;
    case 'terminated':
      return null;
  }
}
