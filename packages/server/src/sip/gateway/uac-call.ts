/**
 * A call we place: to a carrier over a trunk, or to a desk phone for its agent. The INVITE carries
 * no SDP (a late offer, RFC 3261 §13.2.1): the callee's 2xx holds the offer and our ACK the answer,
 * so the engine sets up the call's audio only once it is answered, exactly as for any other callee.
 * A 401/407 is answered once with the trunk's credentials.
 */
import { answerChallenge } from '../digest.js';
import { createAck2xx, dialogFromUacResponse, type Dialog } from '../dialog.js';
import { newTag } from '../message/build.js';
import { SipHeaders, type ClientTransaction, type ServerTransaction, type SipRequest, type SipResponse } from '../types.js';
import { createResponse } from '../message/build.js';
import { DIALOG_METHODS, type DialogPeer, type SipStack } from './sip-stack.js';

export interface UacCallEvents {
  /** 180/183 (once). */
  ringing(): void;
  /** The callee answered with this SDP offer: resolves with our answer, or null to end the call at once. */
  answered(offerSdp: string): Promise<string | null>;
  /** No answer: the final status (0 when nothing answered at all). */
  failed(status: number, reason: string): void;
  /** The callee hung up after answering. */
  hungUp(): void;
}

export interface UacCallSpec {
  /** The Request-URI, e.g. `sip:008613912345678@carrier.example.com`. */
  requestUri: string;
  /** The From identity: `sip:<number>@<our host>`; a display name is optional. */
  fromUri: string;
  toUri: string;
  /** Where the INVITE goes (the trunk's proxy, the phone's registered flow). */
  peer: DialogPeer;
  contactUser: string;
  headers?: Array<[string, string]>;
  /** Credentials for a trunk that challenges. */
  credentials?: { username: string; password: string };
}

type State = 'calling' | 'answered' | 'ended';

export class UacCall {
  readonly callId: string;
  private readonly localTag = newTag();
  private state: State = 'calling';
  private transaction: ClientTransaction | null = null;
  private invite: SipRequest | null = null;
  private cseq = 1;
  private rang = false;
  private authTried = false;
  private dialog: Dialog | null = null;
  private ack: SipRequest | null = null;
  private cancelled = false;

  constructor(
    private readonly stack: SipStack,
    private readonly spec: UacCallSpec,
    private readonly events: UacCallEvents,
    callId: string,
  ) {
    this.callId = callId;
  }

  get peer(): DialogPeer {
    return this.spec.peer;
  }

  get ended(): boolean {
    return this.state === 'ended';
  }

  /** The callee answered (its 2xx came) and the call has not ended. */
  get answered(): boolean {
    return this.state === 'answered';
  }

  start(): void {
    this.send(null);
  }

  /** We end the call: CANCEL while it rings, BYE once answered. */
  hangup(): void {
    if (this.state === 'ended') return;
    if (this.state === 'calling') {
      this.cancelled = true;
      this.transaction?.cancel();
      return;
    }
    this.state = 'ended';
    if (this.dialog) this.stack.sendInDialog(this.dialog, this.peer, 'BYE', { final: () => undefined, failed: () => undefined });
  }

  /** A BYE from the callee. */
  byeReceived(bye: ServerTransaction): void {
    bye.respond(createResponse(bye.request, 200, 'OK'));
    if (this.state !== 'answered') return;
    this.state = 'ended';
    this.events.hungUp();
  }

  private send(authorization: [string, string] | null): void {
    const headers = new SipHeaders([
      ['Via', this.stack.via(this.peer.endpoint.transport)],
      ['Max-Forwards', '70'],
      ['From', `<${this.spec.fromUri}>;tag=${this.localTag}`],
      ['To', `<${this.spec.toUri}>`],
      ['Call-ID', this.callId],
      ['CSeq', `${this.cseq} INVITE`],
      ['Contact', `<${this.stack.contactUri(this.spec.contactUser, this.peer.endpoint.transport)}>`],
      ['Allow', DIALOG_METHODS],
      ['Supported', 'replaces'],
      ['User-Agent', 'OpenCCC'],
      ...(this.spec.headers ?? []),
    ]);
    if (authorization) headers.append(...authorization);
    const invite: SipRequest = { kind: 'request', method: 'INVITE', uri: this.spec.requestUri, headers, body: Buffer.alloc(0) };
    this.invite = invite;
    this.transaction = this.stack.transactions.request(invite, this.peer.endpoint, {
      provisional: (response) => {
        if (response.status > 100 && !this.rang && this.state === 'calling') {
          this.rang = true;
          this.events.ringing();
        }
      },
      final: (response) => this.final(invite, response),
      failed: (failure) => {
        if (this.state !== 'calling' || this.invite !== invite) return;
        this.state = 'ended';
        this.events.failed(failure === 'timeout' ? 408 : 503, failure === 'timeout' ? 'Request Timeout' : 'Service Unavailable');
      },
    }, this.peer.flowId);
    if (this.cancelled) this.transaction.cancel();
  }

  private final(invite: SipRequest, response: SipResponse): void {
    if (response.status >= 200 && response.status < 300) return this.answeredBy(invite, response);
    if (this.state !== 'calling' || this.invite !== invite) return;
    if ((response.status === 401 || response.status === 407) && this.spec.credentials && !this.authTried && !this.cancelled) {
      const challenge = response.headers.get(response.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
      if (challenge) {
        this.authTried = true;
        this.cseq += 1;
        const value = answerChallenge(challenge, this.spec.credentials, { method: 'INVITE', uri: this.spec.requestUri });
        this.send([response.status === 401 ? 'Authorization' : 'Proxy-Authorization', value]);
        return;
      }
    }
    this.state = 'ended';
    this.events.failed(response.status, response.reason);
  }

  private answeredBy(invite: SipRequest, response: SipResponse): void {
    // A retransmitted 2xx: its ACK went missing, send it again.
    if (this.ack && response.headers.get('To')?.includes(this.dialog?.remoteTag ?? '\u0000')) {
      this.stack.sendStateless(this.ack, this.peer);
      return;
    }
    if (this.dialog) return;
    const dialog = dialogFromUacResponse(invite, response);
    this.dialog = dialog;
    if (this.state !== 'calling' || this.cancelled) {
      // Answered after we gave up (the 2xx crossed our CANCEL, or came after a timeout): acknowledge and end it.
      this.state = 'ended';
      this.acknowledge(dialog, invite, null);
      this.stack.sendInDialog(dialog, this.peer, 'BYE', { final: () => undefined, failed: () => undefined });
      return;
    }
    this.state = 'answered';
    this.events.answered(response.body.toString('utf8')).then(
      (answer) => {
        this.acknowledge(dialog, invite, answer);
        if (answer === null) this.hangup();
      },
      () => {
        this.acknowledge(dialog, invite, null);
        this.hangup();
      },
    );
  }

  private acknowledge(dialog: Dialog, invite: SipRequest, sdp: string | null): void {
    this.ack = createAck2xx(dialog, invite, this.stack.via(this.peer.endpoint.transport), sdp ? Buffer.from(sdp) : undefined);
    if (sdp) this.ack.headers.set('Content-Type', 'application/sdp');
    this.stack.sendStateless(this.ack, this.peer);
  }
}
