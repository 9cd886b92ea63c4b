/**
 * A call we answer: an INVITE from a carrier trunk or a desk phone. It owns the server transaction,
 * then the dialog: provisional and final answers (Record-Route mirrored so that a proxy in front
 * keeps seeing the dialog), the 2xx retransmitted until its ACK (RFC 3261 §13.3.1.4), BYE either
 * way, and CANCEL while it is not answered.
 */
import { confirm, dialogFromUasInvite, Retransmit2xx, type Dialog } from '../dialog.js';
import { createResponse, newTag } from '../message/build.js';
import type { Scheduler } from '../../realtime/scheduler.js';
import { DEFAULT_TIMERS, type SipResponse, type ServerTransaction, type SipTimerValues } from '../types.js';
import { DIALOG_METHODS, type DialogPeer, type SipStack } from './sip-stack.js';

/** Why a call we answered ended on the other side (or could not go on). */
export type UasEnd = 'bye' | 'cancel' | 'ackTimeout';

export interface UasCallEvents {
  /** The caller hung up (BYE, CANCEL before the answer), or never acknowledged the answer. Called once. */
  ended(why: UasEnd): void;
}

type State = 'proceeding' | 'answered' | 'confirmed' | 'ended';

export class UasCall {
  readonly callId: string;
  readonly localTag = newTag();
  private state: State = 'proceeding';
  private dialog: Dialog | null = null;
  private retransmit: Retransmit2xx | null = null;
  private readonly timers: SipTimerValues;

  constructor(
    private readonly stack: SipStack,
    readonly transaction: ServerTransaction,
    private readonly scheduler: Scheduler,
    private readonly events: UasCallEvents,
    /** The user part of our Contact (the number or extension called). */
    private readonly contactUser: string,
    timers: Partial<SipTimerValues> = {},
  ) {
    this.timers = { ...DEFAULT_TIMERS, ...timers };
    this.callId = transaction.request.headers.get('Call-ID') ?? '';
    transaction.onCancel(() => {
      if (this.state !== 'proceeding') return;
      this.state = 'ended';
      this.respond(487, 'Request Terminated');
      this.events.ended('cancel');
    });
  }

  /** Where the dialog's requests go: where the INVITE came from (symmetric signalling works through NAT and through a proxy alike). */
  get peer(): DialogPeer {
    return { endpoint: this.transaction.received.source, flowId: this.transaction.received.flowId };
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  get answered(): boolean {
    return this.state === 'answered' || this.state === 'confirmed';
  }

  /** 180 Ringing. */
  ringing(): void {
    if (this.state === 'proceeding') this.respond(180, 'Ringing');
  }

  /** 200 OK with our SDP answer; retransmitted until the ACK comes. */
  accept(sdp: string): void {
    if (this.state !== 'proceeding') return;
    const response = this.build(200, 'OK', Buffer.from(sdp));
    this.dialog = dialogFromUasInvite(this.transaction.request, this.localTag);
    this.state = 'answered';
    this.transaction.respond(response);
    this.retransmit = new Retransmit2xx({
      scheduler: this.scheduler,
      timers: this.timers,
      resend: () => this.transaction.respond(response),
      onTimeout: () => {
        // No ACK: the caller is gone. End the call with a BYE (RFC 3261 §13.3.1.4).
        this.hangup();
        this.events.ended('ackTimeout');
      },
    });
    this.retransmit.start();
  }

  /** A final refusal before the answer (404, 486, 503…). */
  reject(status: number, reason: string, headers: Array<[string, string]> = []): void {
    if (this.state !== 'proceeding') return;
    this.state = 'ended';
    this.respond(status, reason, headers);
  }

  /** The ACK of our 2xx. */
  acknowledged(): void {
    if (this.state !== 'answered' || !this.dialog) return;
    this.stopRetransmit();
    this.dialog = confirm(this.dialog);
    this.state = 'confirmed';
  }

  /** A BYE from the caller (the transaction is answered here). */
  byeReceived(bye: ServerTransaction): void {
    bye.respond(createResponse(bye.request, 200, 'OK'));
    if (this.state === 'ended') return;
    this.finish();
    this.events.ended('bye');
  }

  /** We end the call: BYE once answered, else 480 (the caller's INVITE gets its final answer). */
  hangup(status = 480, reason = 'Temporarily Unavailable'): void {
    if (this.state === 'ended') return;
    if (this.state === 'proceeding') return this.reject(status, reason);
    const dialog = this.dialog;
    this.finish();
    if (dialog) this.stack.sendInDialog(dialog, this.peer, 'BYE', { final: () => undefined, failed: () => undefined });
  }

  private finish(): void {
    this.stopRetransmit();
    this.state = 'ended';
  }

  private respond(status: number, reason: string, headers: Array<[string, string]> = []): void {
    this.transaction.respond(this.build(status, reason, undefined, headers));
  }

  private build(status: number, reason: string, sdp?: Buffer, headers: Array<[string, string]> = []): SipResponse {
    const request = this.transaction.request;
    const withDialog = status > 100 && status < 300;
    const extra: Array<[string, string]> = [...headers];
    if (withDialog) {
      for (const rr of request.headers.getAll('Record-Route')) extra.push(['Record-Route', rr]);
      extra.push(['Contact', `<${this.stack.contactUri(this.contactUser, this.peer.endpoint.transport)}>`]);
      extra.push(['Allow', DIALOG_METHODS]);
    }
    return createResponse(request, status, reason, {
      ...(status > 100 ? { toTag: this.localTag } : {}),
      headers: extra,
      ...(sdp ? { body: sdp, contentType: 'application/sdp' } : {}),
    });
  }

  private stopRetransmit(): void {
    this.retransmit?.stop();
    this.retransmit = null;
  }
}
