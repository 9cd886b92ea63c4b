import type { Logger } from 'pino';
import { describeEvent, TransactionStateError, type TimerName, type TransactionAction, type TransactionKind, type Transition } from './machine.js';
import type { TimerSet } from './timer-set.js';

/** What every machine event can be: the runner only needs its type to log it and build timer events. */
interface EventShape {
  type: string;
  status?: number;
  timer?: string;
}

/** Performs one action of a transition; `message` is the one the event carried (the response received, the TU's response, the ACK). */
export type ActionPerformer<M> = (action: TransactionAction, message: M | undefined) => void;

/**
 * Runs one transaction's state machine: applies each event through the pure transition,
 * performs the actions in order and owns the timers. Events raised while actions run (a TU
 * that answers from inside a callback) queue and run after them, so every transition sees the
 * state the previous one left. A refused event is logged and dropped.
 */
export class MachineRunner<S extends { name: string }, E extends EventShape, M> {
  private readonly queue: Array<{ event: E; message: M | undefined }> = [];
  private running = false;

  constructor(
    private readonly kind: TransactionKind,
    private state: S,
    private readonly transition: (state: S, event: E) => Transition<S>,
    private readonly timerEvent: (timer: TimerName) => E,
    private readonly timers: TimerSet,
    private readonly perform: ActionPerformer<M>,
    private readonly log: Logger,
  ) {}

  /** The current state's name. */
  get name(): S['name'] {
    return this.state.name;
  }

  /** Performs the actions that start the machine. */
  start(actions: TransactionAction[]): void {
    this.running = true;
    try {
      for (const action of actions) this.apply(action, undefined);
    } finally {
      this.running = false;
    }
    this.drain();
  }

  fire(event: E, message?: M): void {
    this.queue.push({ event, message });
    if (!this.running) this.drain();
  }

  /** Stops every timer without a transition (the layer is closing). */
  stop(): void {
    this.timers.clear();
    this.queue.length = 0;
  }

  private drain(): void {
    this.running = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.step(next.event, next.message);
    } finally {
      this.running = false;
    }
  }

  private step(event: E, message: M | undefined): void {
    let next: Transition<S>;
    try {
      next = this.transition(this.state, event);
    } catch (error) {
      if (!(error instanceof TransactionStateError)) throw error;
      // A transport error for a destination a finished transaction no longer uses is expected.
      const level = event.type === 'transportError' ? 'debug' : 'warn';
      this.log[level]({ transaction: this.kind, state: this.state.name, event: describeEvent(event) }, error.message);
      return;
    }
    const from = this.state.name;
    this.state = next.state;
    if (from !== next.state.name) this.log.debug({ transaction: this.kind, from, to: next.state.name, event: describeEvent(event) }, 'SIP transaction state');
    for (const action of next.actions) this.apply(action, message);
  }

  private apply(action: TransactionAction, message: M | undefined): void {
    switch (action.type) {
      case 'startTimer': {
        const timer = action.timer;
        this.timers.start(timer, action.ms, () => this.fire(this.timerEvent(timer)));
        return;
      }
      case 'stopTimer':
        this.timers.stop(action.timer);
        return;
      case 'terminate':
        this.timers.clear();
        this.queue.length = 0;
        this.perform(action, message);
        return;
      default:
        this.perform(action, message);
    }
  }
}
