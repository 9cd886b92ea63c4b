import type { Logger } from 'pino';
import type { Scheduler } from '../../realtime/scheduler.js';
import type { ClientTransaction, ClientTransactionHandlers, Endpoint, SipRequest, SipResponse, SipTimerValues, SipTransport } from '../types.js';
import { ictTransition, startIct, type IctEvent, type IctState } from './ict.js';
import type { TransactionAction } from './machine.js';
import { MachineRunner } from './machine-runner.js';
import { nictTransition, startNict, type NictEvent, type NictState } from './nict.js';
import { createCancel, createNon2xxAck } from './requests.js';
import { safely } from './safely.js';
import { TimerSet } from './timer-set.js';

/** What a client transaction needs from the layer that owns it. */
export interface ClientContext {
  transport: SipTransport;
  scheduler: Scheduler;
  timers: SipTimerValues;
  log: Logger;
  /** Sends the CANCEL of an INVITE as a transaction of its own. */
  sendCancel(cancel: SipRequest, to: Endpoint, flowId: string | undefined): void;
  /** The transaction ended: the layer forgets it. */
  terminated(transaction: ClientTransactionRuntime): void;
}

type IctRunner = MachineRunner<IctState, IctEvent, SipResponse>;
type NictRunner = MachineRunner<NictState, NictEvent, SipResponse>;

/**
 * A request sent and the state machine that waits for its answer: the INVITE client
 * transaction for an INVITE, the non-INVITE one for anything else. Responses reach it through
 * the layer's matching; it tells the TU through `handlers`.
 */
export class ClientTransactionRuntime implements ClientTransaction {
  readonly invite: boolean;
  private readonly startActions: TransactionAction[];
  private readonly machine: { ict: IctRunner; nict?: never } | { ict?: never; nict: NictRunner };
  /** Set when `cancel()` came before any provisional response: the CANCEL waits for one (RFC 3261 §9.1). */
  private pendingCancel: { reason: string | undefined } | null = null;
  private cancelRequested = false;

  constructor(
    readonly key: string,
    readonly branch: string,
    readonly request: SipRequest,
    readonly destination: Endpoint,
    readonly flowId: string | undefined,
    private readonly handlers: ClientTransactionHandlers,
    private readonly context: ClientContext,
  ) {
    this.invite = request.method === 'INVITE';
    const reliable = destination.transport === 'tcp';
    const timers = new TimerSet(context.scheduler);
    const log = context.log;
    const perform = (action: TransactionAction, response: SipResponse | undefined): void => this.perform(action, response);
    if (this.invite) {
      const start = startIct(context.timers, reliable);
      const ict: IctRunner = new MachineRunner<IctState, IctEvent, SipResponse>('ICT', start.state, ictTransition, (timer) => ({ type: 'timer', timer }), timers, perform, log);
      this.machine = { ict };
      this.startActions = start.actions;
    } else {
      const start = startNict(context.timers, reliable);
      const nict: NictRunner = new MachineRunner<NictState, NictEvent, SipResponse>('NICT', start.state, nictTransition, (timer) => ({ type: 'timer', timer }), timers, perform, log);
      this.machine = { nict };
      this.startActions = start.actions;
    }
  }

  /** Performs the actions that start the machine; the layer calls it once it has registered the transaction. */
  start(): void {
    (this.machine.ict ?? this.machine.nict).start(this.startActions);
  }

  /** The state the machine is in. */
  get state(): IctState['name'] | NictState['name'] {
    return this.machine.ict ? this.machine.ict.name : this.machine.nict.name;
  }

  /** A response the layer matched to this transaction. */
  receive(response: SipResponse): void {
    this.fire({ type: 'response', status: response.status }, response);
    if (this.pendingCancel && this.state === 'proceeding') {
      const { reason } = this.pendingCancel;
      this.pendingCancel = null;
      this.sendCancel(reason);
    }
  }

  /** The transport could not send to this transaction's destination. */
  transportFailed(): void {
    this.fire({ type: 'transportError' });
  }

  cancel(reason?: string): void {
    if (!this.invite || this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.state === 'calling') this.pendingCancel = { reason };
    else if (this.state === 'proceeding') this.sendCancel(reason);
    // Accepted, Completed or Terminated: the final response came first; nothing to cancel.
  }

  /** Stops the timers without telling the TU (the layer is closing). */
  stop(): void {
    (this.machine.ict ?? this.machine.nict).stop();
  }

  private fire(event: { type: 'response'; status: number } | { type: 'transportError' }, response?: SipResponse): void {
    if (this.machine.ict) this.machine.ict.fire(event, response);
    else this.machine.nict.fire(event, response);
  }

  private sendCancel(reason: string | undefined): void {
    this.context.sendCancel(createCancel(this.request, reason), this.destination, this.flowId);
    this.machine.ict?.fire({ type: 'cancelSent' });
  }

  private perform(action: TransactionAction, response: SipResponse | undefined): void {
    const { transport, log } = this.context;
    switch (action.type) {
      case 'send':
        transport.send(this.request, this.destination, this.flowId);
        return;
      case 'sendAck':
        if (response) transport.send(createNon2xxAck(this.request, response), this.destination, this.flowId);
        return;
      case 'passUp':
        if (!response) return;
        if (response.status < 200) {
          const provisional = this.handlers.provisional?.bind(this.handlers);
          if (provisional) safely(log, 'provisional', () => provisional(response));
        } else {
          safely(log, 'final', () => this.handlers.final(response));
        }
        return;
      case 'fail':
        log.info({ method: this.request.method, branch: this.branch, failure: action.failure }, 'SIP client transaction failed');
        safely(log, 'failed', () => this.handlers.failed(action.failure));
        return;
      case 'terminate':
        this.context.terminated(this);
        return;
      default:
        log.warn({ action: action.type }, 'SIP client transaction: action not meant for a client');
    }
  }
}
