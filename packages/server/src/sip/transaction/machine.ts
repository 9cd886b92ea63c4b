import type { ClientTransactionFailure, SipTimerValues } from '../types.js';

/**
 * The vocabulary the four transaction state machines share (RFC 3261 §17): timer names,
 * the actions a transition asks the layer to perform, and the error for a refused move.
 *
 * A machine is a pure function `(state, event) => { state, actions }`; the layer performs the
 * actions in order (sockets, timers, calls into the TU), so the machines run in unit tests
 * without I/O and without time.
 */

/**
 * RFC 3261 timers (A–K), RFC 6026 timers L and M, and two the RFC describes in prose:
 * `Trying` (a UAS sends 100 Trying when the TU has not answered within 200 ms, §17.2.1) and
 * `Cancel` (64·T1 after a CANCEL without a final answer the INVITE is given up, §9.1).
 */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying' | 'Cancel';

/** What a transition asks the layer to do, in order. */
export type TransactionAction =
  /** Client: (re)send the request. Server: send the response the TU just gave. */
  | { type: 'send' }
  /** Server: send again the last response sent. */
  | { type: 'retransmit' }
  /** INVITE client: send (again) the ACK of the non-2xx final response (§17.1.1.3). */
  | { type: 'sendAck' }
  /** INVITE server: send 100 Trying on the TU's behalf. */
  | { type: 'sendTrying' }
  | { type: 'startTimer'; timer: TimerName; ms: number }
  | { type: 'stopTimer'; timer: TimerName }
  /** Client: pass the response to the TU. INVITE server: pass the ACK to the TU. */
  | { type: 'passUp' }
  /** Client: tell the TU the transaction ended without a final response. */
  | { type: 'fail'; failure: ClientTransactionFailure }
  /** The transaction is over: free it. */
  | { type: 'terminate' };

export interface Transition<S> {
  state: S;
  actions: TransactionAction[];
}

/** What every machine state carries besides its name. */
export interface MachineBase {
  /** Over TCP nothing is retransmitted and the wait states last 0 s. */
  reliable: boolean;
  timers: SipTimerValues;
}

export type TransactionKind = 'ICT' | 'NICT' | 'IST' | 'NIST';

/** A move the RFC's state diagram does not have: a bug in the caller, or a message the layer must drop. */
export class TransactionStateError extends Error {
  constructor(
    readonly machine: TransactionKind,
    readonly from: string,
    readonly event: string,
  ) {
    super(`${machine}: no transition from '${from}' on ${event} (RFC 3261 §17 has none); the event is dropped`);
    this.name = 'TransactionStateError';
  }
}

/** A readable name of an event for errors and logs: `response 180`, `timer G`. */
export function describeEvent(event: { type: string; status?: number; timer?: string }): string {
  if (event.status !== undefined) return `${event.type} ${event.status}`;
  if (event.timer !== undefined) return `${event.type} ${event.timer}`;
  return event.type;
}

/** `1xx` → provisional, `2xx` → success, anything else final non-2xx. */
export function statusClass(status: number): 'provisional' | 'success' | 'failure' {
  if (status < 200) return 'provisional';
  if (status < 300) return 'success';
  return 'failure';
}
