import type { Logger } from 'pino';
import { createResponse } from '../message/build.js';
import type { ScheduledHandle, Scheduler } from '../../realtime/scheduler.js';
import type { Endpoint, Received, ServerTransaction, SipRequest, SipResponse, SipTimerValues, SipTransport } from '../types.js';
import { istTransition, startIst, type IstEvent, type IstState } from './ist.js';
import type { TransactionAction } from './machine.js';
import { MachineRunner } from './machine-runner.js';
import { nistTransition, startNist, type NistEvent, type NistState } from './nist.js';
import { safely } from './safely.js';
import { TimerSet } from './timer-set.js';
import { transactionTimeout } from './timers.js';

/** What a server transaction needs from the layer that owns it. */
export interface ServerContext {
  transport: SipTransport;
  scheduler: Scheduler;
  timers: SipTimerValues;
  log: Logger;
  /** An ACK the INVITE server transaction passes up (RFC 6026 Accepted): for the dialog layer. */
  ackPassedUp(ack: SipRequest, received: Received): void;
  /** The transaction ended: the layer forgets it. */
  terminated(transaction: ServerTransactionRuntime): void;
}

type IstRunner = MachineRunner<IstState, IstEvent, SipResponse | Received>;
type NistRunner = MachineRunner<NistState, NistEvent, SipResponse | Received>;

/**
 * A request received and the state machine that answers it: the INVITE server transaction for
 * an INVITE, the non-INVITE one for anything else. Responses go to `target` over the request's
 * flow. The INVITE transaction sends 100 Trying itself when the TU has not answered in 200 ms.
 */
export class ServerTransactionRuntime implements ServerTransaction {
  readonly invite: boolean;
  private readonly startActions: TransactionAction[];
  private readonly machine: { ist: IstRunner; nist?: never } | { ist?: never; nist: NistRunner };
  private last: SipResponse | null = null;
  private readonly cancelHandlers: Array<() => void> = [];
  private cancelled = false;
  /** Set when the TU chose not to answer: the timer that forgets the transaction. */
  private dropped: ScheduledHandle | null = null;

  constructor(
    readonly key: string,
    /** The merged-request key this transaction holds (§8.2.2.2), if any. */
    readonly mergeKey: string | null,
    readonly request: SipRequest,
    readonly received: Received,
    readonly target: Endpoint,
    private readonly context: ServerContext,
  ) {
    this.invite = request.method === 'INVITE';
    const reliable = received.source.transport === 'tcp';
    const timers = new TimerSet(context.scheduler);
    const perform = (action: TransactionAction, message: SipResponse | Received | undefined): void => this.perform(action, message);
    if (this.invite) {
      const start = startIst(context.timers, reliable);
      const ist: IstRunner = new MachineRunner<IstState, IstEvent, SipResponse | Received>('IST', start.state, istTransition, (timer) => ({ type: 'timer', timer }), timers, perform, context.log);
      this.machine = { ist };
      this.startActions = start.actions;
    } else {
      const start = startNist(context.timers, reliable);
      const nist: NistRunner = new MachineRunner<NistState, NistEvent, SipResponse | Received>('NIST', start.state, nistTransition, (timer) => ({ type: 'timer', timer }), timers, perform, context.log);
      this.machine = { nist };
      this.startActions = start.actions;
    }
  }

  /** Performs the actions that start the machine; the layer calls it once it has registered the transaction. */
  start(): void {
    (this.machine.ist ?? this.machine.nist).start(this.startActions);
  }

  /** The state the machine is in. */
  get state(): IstState['name'] | NistState['name'] {
    return this.machine.ist ? this.machine.ist.name : this.machine.nist.name;
  }

  /** The last response sent (the To tag a CANCEL's 200 reuses). */
  get lastResponse(): SipResponse | null {
    return this.last;
  }

  respond(response: SipResponse): void {
    if (this.dropped) return;
    if (!Number.isInteger(response.status) || response.status < 100 || response.status > 699) {
      throw new RangeError(`a SIP response status is 100–699, not ${response.status}`);
    }
    this.fire({ type: 'respond', status: response.status }, response);
  }

  onCancel(handler: () => void): void {
    this.cancelHandlers.push(handler);
    // A CANCEL that came before the TU listened still asks for the 487.
    if (this.cancelled && this.state === 'proceeding') safely(this.context.log, 'cancel', handler);
  }

  /**
   * The TU will not answer (a scanner): no 100 Trying and no response, ever. Retransmissions are
   * absorbed for 64·T1, then the transaction is forgotten, so ignored requests cost no memory.
   */
  drop(): void {
    if (this.dropped) return;
    this.stop();
    this.dropped = this.context.scheduler.setTimeout(() => this.context.terminated(this), transactionTimeout(this.context.timers));
  }

  /** The request arrived again. */
  retransmitted(): void {
    if (this.dropped) return;
    this.fire({ type: 'request' });
  }

  /** An ACK matched this INVITE transaction. */
  acknowledged(ack: Received): void {
    this.machine.ist?.fire({ type: 'ack' }, ack);
  }

  /** A CANCEL matched this INVITE transaction (the layer has answered it): the TU is told once, while no final response went out. */
  cancel(): void {
    if (this.cancelled || !this.invite || this.dropped) return;
    this.cancelled = true;
    if (this.state !== 'proceeding') return;
    for (const handler of [...this.cancelHandlers]) safely(this.context.log, 'cancel', handler);
  }

  /** The transport could not send to this transaction's target. */
  transportFailed(): void {
    this.fire({ type: 'transportError' });
  }

  /** Stops the timers without a transition (the layer is closing). */
  stop(): void {
    (this.machine.ist ?? this.machine.nist).stop();
    if (this.dropped) this.context.scheduler.clearTimeout(this.dropped);
  }

  private fire(event: { type: 'respond'; status: number } | { type: 'request' } | { type: 'transportError' }, message?: SipResponse | Received): void {
    if (this.machine.ist) this.machine.ist.fire(event, message);
    else this.machine.nist.fire(event, message);
  }

  private perform(action: TransactionAction, message: SipResponse | Received | undefined): void {
    const { transport, log } = this.context;
    switch (action.type) {
      case 'send':
        if (message === undefined || !('kind' in message)) return;
        this.last = message;
        transport.send(message, this.target, this.received.flowId);
        return;
      case 'retransmit':
        if (this.last) transport.send(this.last, this.target, this.received.flowId);
        return;
      case 'sendTrying':
        this.last = createResponse(this.request, 100);
        transport.send(this.last, this.target, this.received.flowId);
        return;
      case 'passUp':
        if (message !== undefined && 'flowId' in message && message.message.kind === 'request') this.context.ackPassedUp(message.message, message);
        return;
      case 'terminate':
        this.context.terminated(this);
        return;
      default:
        log.warn({ action: action.type }, 'SIP server transaction: action not meant for a server');
    }
  }
}
