/**
 * A SIP gateway over an in-memory wire, for unit tests: the gateway with its real transaction
 * layer, registrar, digest and guards on side `b` (127.0.0.2), a peer transaction layer on side
 * `a` (127.0.0.1) that plays the carrier or the desk phone, a fake call engine that records what
 * it is asked, and one manual scheduler for every timer. No sockets, no real time.
 */
import { pino, type Logger } from 'pino';
import type { ServerEvent } from '@openccc/protocol';
import { CallEngineEvents } from '../../../engine/engine-events.js';
import type { CalleeEvents, CalleeMedia, Dialer, InboundCall, InboundResult } from '../../../engine/lines.js';
import type { CalleeFailure } from '../../../calls/types.js';
import type { LegParams, LegReady } from '../../../media/protocol.js';
import type { AgentRef } from '../../../realtime/agent-connection.js';
import { answerChallenge, DigestServer } from '../../digest.js';
import { createAck2xx, createInDialogRequest, dialogFromUacResponse, dialogFromUasInvite, type Dialog } from '../../dialog.js';
import { extensionHa1, instanceOfSipDomain, instanceSipDomain } from '../../extensions.js';
import { createResponse, newTag } from '../../message/build.js';
import { Registrar } from '../../registrar.js';
import { offerAudio, type MediaDirection } from '../../sdp.js';
import { AuthGuard, type AuthGuardOptions } from '../../security/auth-guard.js';
import { ConcurrencyCaps } from '../../security/dial-plan.js';
import { CallRateCap } from '../../security/global-cap.js';
import { ManualScheduler } from '../../test-support/manual-scheduler.js';
import { createMemoryTransportPair, type MemoryTransport, type MemoryWire } from '../../test-support/memory-transport.js';
import { TransactionLayer } from '../../transaction/transaction-layer.js';
import { SipHeaders, type ClientTransaction, type ClientTransactionFailure, type ServerTransaction, type SipMessage, type SipRequest, type SipResponse } from '../../types.js';
import type { GatewayExtension, GatewayTrunk, SipDirectorySource } from '../directory.js';
import { SipDirectory } from '../directory.js';
import { SipGateway, type GatewayEngine } from '../sip-gateway.js';
import { SipStack } from '../sip-stack.js';

/** The instance every harness serves, and its phones' domain (also the digest realm). */
export const SDK_APP_ID = 1400000001;
export const SIP_DOMAIN = 'sip.test';
export const REALM = instanceSipDomain(SDK_APP_ID, SIP_DOMAIN);
/** Wall-clock origin of the harness: `now()` is this plus the scheduler's time. */
export const EPOCH = Date.UTC(2026, 0, 1);

/** A trunk with the defaults a test overrides: an IP trunk trusting the peer (127.0.0.1), dialling it. */
export function trunkFixture(overrides: Partial<GatewayTrunk> = {}): GatewayTrunk {
  return {
    id: 1,
    sdkAppId: SDK_APP_ID,
    name: 'carrier',
    kind: 'ip',
    allow: ['127.0.0.1/32'],
    outbound: { host: '127.0.0.1', port: 5060, transport: 'udp' },
    register: null,
    callerIdNumbers: [],
    dialPlan: { allow: ['86'], deny: ['979'] },
    maxConcurrentCalls: 10,
    ...overrides,
  };
}

export interface ExtensionFixture {
  extensionId: string;
  password: string;
  /** The staff mail it is bound to; null for none. */
  relation: string | null;
}

/** A call engine that records what the gateway asks and answers as the test says. */
export class FakeEngine implements GatewayEngine {
  readonly events: CallEngineEvents;
  /** Each `inbound` call, with the line the gateway gave. */
  readonly inboundCalls: InboundCall[] = [];
  readonly callerHungUps: string[] = [];
  readonly accepts: Array<{ agent: AgentRef; sessionId: string; media: LegParams }> = [];
  readonly agentHangUps: Array<{ agent: AgentRef; sessionId: string }> = [];
  readonly outbounds: Array<{ agent: AgentRef; phoneNumber: string; media: LegParams }> = [];
  /** How `inbound` answers; the default sets up an RTP leg. Return a promise to hold the answer back. */
  inboundAnswer: (call: InboundCall, n: number) => InboundResult | Promise<InboundResult> = (_call, n) => ({ ok: true, sessionId: `session-${n}`, media: rtpReady(n) });
  outboundAnswer: (n: number) => Promise<{ sessionId: string; rtp?: { address: string; port: number } }> = (n) =>
    Promise.resolve({ sessionId: `out-${n}`, rtp: { address: '127.0.0.2', port: 42_000 + 2 * n } });
  acceptAnswer: () => Promise<{ sdp: string } | { rtp: { address: string; port: number } }> = () => Promise.resolve({ rtp: { address: '127.0.0.2', port: 44_000 } });

  constructor(log: Logger) {
    this.events = new CallEngineEvents(log);
  }

  inbound(call: InboundCall): Promise<InboundResult> {
    this.inboundCalls.push(call);
    return Promise.resolve(this.inboundAnswer(call, this.inboundCalls.length));
  }

  callerHungUp(sessionId: string): void {
    this.callerHungUps.push(sessionId);
  }

  accept(agent: AgentRef, sessionId: string, media: LegParams): Promise<{ sdp: string } | { rtp: { address: string; port: number } }> {
    this.accepts.push({ agent, sessionId, media });
    return this.acceptAnswer();
  }

  hangUpByAgent(agent: AgentRef, sessionId: string): void {
    this.agentHangUps.push({ agent, sessionId });
  }

  startOutbound(agent: AgentRef, request: { phoneNumber: string }, media: LegParams): Promise<{ sessionId: string; rtp?: { address: string; port: number } }> {
    this.outbounds.push({ agent, phoneNumber: request.phoneNumber, media });
    return this.outboundAnswer(this.outbounds.length);
  }

  /** Tells the gateway an agent was told of a call (`callIn`, `userAccessed`, `autoTransfer`, `sessionEnded`). */
  notify(agent: AgentRef, sessionId: string, name: AgentEventName): void {
    this.events.emit('agentNotified', { agent, sessionId, event: agentEvent(name, sessionId) });
  }
}

/** The media plane's answer for the n-th leg: 127.0.0.2 on an even port. */
export function rtpReady(n: number): LegReady & { kind: 'rtp' } {
  return { kind: 'rtp', localAddress: '127.0.0.2', localPort: 40_000 + 2 * n };
}

/** The agent notifications the gateway acts on. */
export type AgentEventName = 'callIn' | 'userAccessed' | 'autoTransfer' | 'sessionEnded';

function agentEvent(name: AgentEventName, sessionId: string): ServerEvent {
  switch (name) {
    case 'callIn':
      return { type: 'event', name, payload: { sessionId, type: 'internal', timeout: 30, peerUserId: 'peer' } };
    case 'userAccessed':
    case 'autoTransfer':
      return { type: 'event', name, payload: { sessionId } };
    case 'sessionEnded':
      return { type: 'event', name, payload: { sessionId, closeBy: 'client', type: 'phone', duration: 0 } };
  }
}

/** What a callee dialled through the gateway's `Dialer` reported, in order. */
export class RecordingCallee implements CalleeEvents {
  readonly log: string[] = [];
  readonly failures: CalleeFailure[] = [];
  readonly answers: CalleeMedia[] = [];
  /** The leg the engine sets up for an answered callee. */
  ready: LegReady | null = { kind: 'rtp', localAddress: '127.0.0.2', localPort: 46_000 };

  ringing(): void {
    this.log.push('ringing');
  }

  answered(media: CalleeMedia): Promise<LegReady | null> {
    this.log.push('answered');
    this.answers.push(media);
    return Promise.resolve(this.ready);
  }

  failed(failure: CalleeFailure): void {
    this.log.push(`failed:${failure}`);
    this.failures.push(failure);
  }

  hungUp(): void {
    this.log.push('hungUp');
  }
}

/** A request the peer received from the gateway, as its transaction layer handed it over. */
export interface PeerRequest {
  tx: ServerTransaction;
  request: SipRequest;
  cancelled: boolean;
}

/** What a peer's client transaction was told. */
export interface PeerCall {
  transaction: ClientTransaction;
  request: SipRequest;
  provisional: SipResponse[];
  finals: SipResponse[];
  failures: ClientTransactionFailure[];
}

export interface GatewayHarnessOptions {
  trunks?: GatewayTrunk[];
  extensions?: ExtensionFixture[];
  /** A registration trunk whose registrar is the peer (127.0.0.1). */
  registeredTrunk?: GatewayTrunk;
  fallbackDialer?: Dialer | null;
  maxCalls?: number;
  callsPerSecond?: number;
  calleeRingMs?: number;
  authGuard?: Partial<AuthGuardOptions>;
  /** Addresses whose `X-OpenCCC-Source-IP` is believed (the SIP edge). */
  trustedProxies?: string[];
  /** The instance each dialled number belongs to; default: every number is SDK_APP_ID's. */
  numberOwner?: (number: string) => number | null;
}

/** The gateway and its peer over one memory wire. */
export class GatewayHarness {
  readonly scheduler = new ManualScheduler();
  readonly wire: MemoryWire;
  /** The peer's side (carrier or phone), 127.0.0.1:5060. */
  readonly peerTransport: MemoryTransport;
  /** The gateway's side, 127.0.0.2:5060. */
  readonly gatewayTransport: MemoryTransport;
  readonly peer: TransactionLayer;
  readonly gatewayLayer: TransactionLayer;
  readonly engine: FakeEngine;
  readonly registrar: Registrar;
  readonly caps = new ConcurrencyCaps();
  readonly rateCap: CallRateCap;
  readonly gateway: SipGateway;
  readonly trunks: GatewayTrunk[];
  private readonly numberOwner: (number: string) => number | null;
  readonly extensions: ExtensionFixture[];
  /** Requests the peer received (not ACKs), in order. */
  readonly peerRequests: PeerRequest[] = [];
  /** ACKs of 2xx the peer received. */
  readonly peerAcks: SipRequest[] = [];
  /** Errors and warnings logged, as parsed pino records. */
  readonly logged: Array<Record<string, unknown>> = [];
  readonly now = (): number => EPOCH + this.scheduler.now;
  private readonly log: Logger;
  /** The To tags the peer answered with, per request received. */
  private readonly peerTags = new WeakMap<PeerRequest, string>();

  constructor(options: GatewayHarnessOptions = {}) {
    const { a, b, wire } = createMemoryTransportPair({ scheduler: this.scheduler });
    this.wire = wire;
    this.peerTransport = a;
    this.gatewayTransport = b;
    this.log = pino({ level: 'warn' }, { write: (line: string) => this.logged.push(JSON.parse(line) as Record<string, unknown>) });
    const layer = (side: MemoryTransport) => new TransactionLayer({ transport: side, scheduler: this.scheduler, log: this.log, responseTarget: (_r, received) => received.source });
    this.peer = layer(a);
    this.gatewayLayer = layer(b);
    this.trunks = options.trunks ?? [];
    this.numberOwner = options.numberOwner ?? (() => SDK_APP_ID);
    this.extensions = options.extensions ?? [];
    this.engine = new FakeEngine(this.log);
    this.registrar = new Registrar({ now: this.now, log: this.log });
    this.rateCap = new CallRateCap({ now: this.now, maxPerSecond: options.callsPerSecond ?? 1_000, maxConcurrent: options.maxCalls ?? 1_000 });
    const digests = new Map<string, DigestServer>();
    const secret = Buffer.alloc(32, 7);
    const registered = options.registeredTrunk ?? null;
    this.gateway = new SipGateway({
      stack: new SipStack(b, this.gatewayLayer),
      directory: new SipDirectory(this.source(), this.now),
      registrar: this.registrar,
      digest: (realm) => {
        let digest = digests.get(realm);
        if (!digest) digests.set(realm, (digest = new DigestServer({ realm, secret, now: this.now })));
        return digest;
      },
      authGuard: new AuthGuard({ now: this.now, ...options.authGuard }),
      rateCap: this.rateCap,
      caps: this.caps,
      engine: this.engine,
      fallbackDialer: options.fallbackDialer ?? null,
      scheduler: this.scheduler,
      now: this.now,
      log: this.log,
      trustedProxies: (address) => (options.trustedProxies ?? []).includes(address),
      ...(options.calleeRingMs !== undefined ? { calleeRingMs: options.calleeRingMs } : {}),
      registrations: { trunkFrom: (address) => (registered && address === '127.0.0.1' ? registered : null) },
    });
    this.peer.onRequest((tx) => {
      const seen: PeerRequest = { tx, request: tx.request, cancelled: false };
      tx.onCancel(() => (seen.cancelled = true));
      this.peerRequests.push(seen);
    });
    this.peer.onAck((ack) => this.peerAcks.push(ack));
  }

  /**
   * Lets everything in flight happen: messages on the wire (delivered at the scheduler's current
   * time) and the promises they start (directory reads, the engine's answers). Time stands still.
   */
  async flush(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      this.scheduler.advance(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!this.scheduler.delays().includes(0)) return;
    }
    throw new Error('the gateway harness did not settle in 50 rounds');
  }

  /** Moves time on by `ms` (running due timers), then flushes. */
  async advance(ms: number): Promise<void> {
    await this.flush();
    this.scheduler.advance(ms);
    await this.flush();
  }

  /** Sends a request from the peer in a client transaction, recording what comes back. */
  send(request: SipRequest): PeerCall {
    const call: PeerCall = { request, provisional: [], finals: [], failures: [], transaction: null as unknown as ClientTransaction };
    call.transaction = this.peer.request(request, this.gatewayTransport.endpoint, {
      provisional: (response) => call.provisional.push(response),
      final: (response) => call.finals.push(response),
      failed: (failure) => call.failures.push(failure),
    });
    return call;
  }

  /** Sends a request from the peer and flushes; resolves with what it got. */
  async request(request: SipRequest): Promise<PeerCall> {
    const call = this.send(request);
    await this.flush();
    return call;
  }

  /** Sends a message from the peer without a transaction (an ACK, a retransmission). */
  sendRaw(message: SipMessage): void {
    this.peerTransport.send(message, this.gatewayTransport.endpoint);
  }

  /** A new out-of-dialog request from the peer to the gateway. */
  newRequest(method: string, spec: { uri?: string; from?: string; to?: string; callId?: string; cseq?: number; headers?: Array<[string, string]>; sdp?: string } = {}): SipRequest {
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/UDP 127.0.0.1:5060;branch=${this.peer.newBranch()};rport`],
      ['Max-Forwards', '70'],
      ['From', `${spec.from ?? '<sip:02188880000@127.0.0.1>'};tag=${newTag()}`],
      ['To', spec.to ?? '<sip:4001@127.0.0.2>'],
      ['Call-ID', spec.callId ?? `${newTag()}@127.0.0.1`],
      ['CSeq', `${spec.cseq ?? 1} ${method}`],
      ['Contact', '<sip:peer@127.0.0.1:5060>'],
      ...(spec.headers ?? []),
    ]);
    const body = spec.sdp === undefined ? Buffer.alloc(0) : Buffer.from(spec.sdp);
    if (spec.sdp !== undefined) headers.set('Content-Type', 'application/sdp');
    return { kind: 'request', method, uri: spec.uri ?? 'sip:4001@127.0.0.2', headers, body };
  }

  /** A carrier's INVITE for `number` with an SDP offer. */
  trunkInvite(spec: { number?: string; sdp?: string; from?: string; to?: string; uri?: string; headers?: Array<[string, string]>; callId?: string } = {}): SipRequest {
    const number = spec.number ?? '4001';
    return this.newRequest('INVITE', {
      uri: spec.uri ?? `sip:${number}@127.0.0.2`,
      to: spec.to ?? `<sip:${number}@127.0.0.2>`,
      sdp: spec.sdp ?? sdpOffer(),
      ...(spec.from !== undefined ? { from: spec.from } : {}),
      ...(spec.headers !== undefined ? { headers: spec.headers } : {}),
      ...(spec.callId !== undefined ? { callId: spec.callId } : {}),
    });
  }

  /** The ACK of a 2xx the peer got for its INVITE, as the peer would send it. */
  ackFor(invite: SipRequest, ok: SipResponse, sdp?: string): SipRequest {
    const dialog = dialogFromUacResponse(invite, ok);
    return createAck2xx(dialog, invite, this.peerVia(), sdp === undefined ? undefined : Buffer.from(sdp));
  }

  /** A request in the dialog the peer's INVITE set up (BYE, a re-INVITE with `sdp`). */
  inDialog(dialog: Dialog, method: string, sdp?: string): { request: SipRequest; dialog: Dialog } {
    const built = createInDialogRequest(dialog, method, {
      via: this.peerVia(),
      contact: '<sip:peer@127.0.0.1:5060>',
      ...(sdp !== undefined ? { body: Buffer.from(sdp), contentType: 'application/sdp' } : {}),
    });
    return { request: built.request, dialog: built.dialog };
  }

  /** A Via for a new request from the peer. */
  peerVia(): string {
    return `SIP/2.0/UDP 127.0.0.1:5060;branch=${this.peer.newBranch()};rport`;
  }

  /** REGISTER of `extensionId` at the instance's domain, with credentials answering `challenge` when given. */
  register(extensionId: string, options: { challenge?: SipResponse; password?: string; aorUser?: string; domain?: string; username?: string; callId?: string; cseq?: number } = {}): SipRequest {
    const domain = options.domain ?? REALM;
    const aor = `<sip:${options.aorUser ?? extensionId}@${domain}>`;
    const request = this.newRequest('REGISTER', {
      uri: `sip:${domain}`,
      from: aor,
      to: aor,
      ...(options.callId !== undefined ? { callId: options.callId } : {}),
      ...(options.cseq !== undefined ? { cseq: options.cseq } : {}),
      headers: [['Expires', '600']],
    });
    request.headers.set('Contact', `<sip:${extensionId}@127.0.0.1:5060>`);
    if (options.challenge) {
      const challenge = options.challenge.headers.get('WWW-Authenticate') ?? '';
      request.headers.set('Authorization', answerChallenge(challenge, { username: options.username ?? extensionId, password: options.password ?? '' }, { method: 'REGISTER', uri: request.uri }));
    }
    return request;
  }

  /** Registers an extension with its password (challenge, then credentials); returns the final response. */
  async registerExtension(extensionId: string): Promise<SipResponse> {
    const password = this.extensions.find((e) => e.extensionId === extensionId)?.password ?? '';
    const callId = `reg-${extensionId}@127.0.0.1`;
    const first = await this.request(this.register(extensionId, { callId, cseq: 1 }));
    const challenge = first.finals[0];
    if (challenge?.status !== 401) throw new Error(`REGISTER was answered ${challenge?.status} instead of 401`);
    const second = await this.request(this.register(extensionId, { callId, cseq: 2, challenge, password }));
    const final = second.finals[0];
    if (!final) throw new Error('REGISTER with credentials got no final answer');
    return final;
  }

  /** The peer (as a phone or carrier) answers an INVITE it received. */
  answer(received: PeerRequest, status: number, options: { sdp?: string; headers?: Array<[string, string]> } = {}): SipResponse {
    const toTag = this.peerTags.get(received) ?? newTag();
    this.peerTags.set(received, toTag);
    const response = createResponse(received.request, status, undefined, {
      ...(status > 100 ? { toTag } : {}),
      headers: [...(status > 100 && status < 300 ? ([['Contact', '<sip:peer@127.0.0.1:5060>']] as Array<[string, string]>) : []), ...(options.headers ?? [])],
      ...(options.sdp !== undefined ? { body: Buffer.from(options.sdp), contentType: 'application/sdp' } : {}),
    });
    received.tx.respond(response);
    return response;
  }

  /** The dialog the peer is in after answering `received` with `ok` (for the BYE it sends). */
  uasDialog(received: PeerRequest): Dialog {
    const tag = this.peerTags.get(received);
    if (!tag) throw new Error('the peer has not answered this request');
    return dialogFromUasInvite(received.request, tag);
  }

  /** Requests of `method` the peer received. */
  peerReceived(method: string): PeerRequest[] {
    return this.peerRequests.filter((r) => r.request.method === method);
  }

  /** Responses the gateway sent with `status`, optionally for one Call-ID. */
  gatewaySent(status: number, callId?: string): SipResponse[] {
    return this.gatewayTransport.sent.filter((m): m is SipResponse => m.kind === 'response' && m.status === status && (callId === undefined || m.headers.get('Call-ID') === callId));
  }

  /** Requests of `method` the gateway sent. */
  gatewayRequests(method: string): SipRequest[] {
    return this.gatewayTransport.sent.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
  }

  /** Errors the harness logged (a request that failed with 500, a listener that threw). */
  errors(): Array<Record<string, unknown>> {
    return this.logged.filter((r) => typeof r['level'] === 'number' && r['level'] >= 50);
  }

  close(): void {
    this.gateway.close();
    this.peer.close();
    this.gatewayLayer.close();
  }

  private source(): SipDirectorySource {
    const find = (sdkAppId: number, test: (e: ExtensionFixture) => boolean): GatewayExtension | null => {
      if (sdkAppId !== SDK_APP_ID) return null;
      const found = this.extensions.find(test);
      return found ? { sdkAppId, extensionId: found.extensionId, ha1: extensionHa1(found.extensionId, REALM, found.password), relation: found.relation } : null;
    };
    return {
      trunks: () => Promise.resolve(this.trunks),
      extension: (sdkAppId, extensionId) => Promise.resolve(find(sdkAppId, (e) => e.extensionId === extensionId)),
      extensionOfStaff: (sdkAppId, mail) => Promise.resolve(find(sdkAppId, (e) => e.relation?.toLowerCase() === mail.toLowerCase())),
      numberOwner: (number) => Promise.resolve(this.numberOwner(number)),
      realmOf: (sdkAppId) => instanceSipDomain(sdkAppId, SIP_DOMAIN),
      instanceOfDomain: (host) => instanceOfSipDomain(host, SIP_DOMAIN),
    };
  }
}

/** An SDP offer of one audio stream (PCMU and PCMA, telephone-event 101 unless told). */
export function sdpOffer(spec: { address?: string; port?: number; codecs?: Array<'PCMU' | 'PCMA'>; telephoneEvent?: number | null; ptime?: number; direction?: MediaDirection } = {}): string {
  return offerAudio(
    { address: spec.address ?? '127.0.0.1', port: spec.port ?? 30_000 },
    {
      codecs: spec.codecs ?? ['PCMU', 'PCMA'],
      sessionId: '1',
      ...(spec.telephoneEvent !== undefined ? { telephoneEvent: spec.telephoneEvent } : {}),
      ...(spec.ptime !== undefined ? { ptime: spec.ptime } : {}),
      ...(spec.direction !== undefined ? { direction: spec.direction } : {}),
    },
  );
}

/** Where an SDP sends audio: its c= address, m=audio port and direction. */
export function sdpTarget(sdp: string): { address: string | undefined; port: number | undefined; direction: string | undefined; codecs: string | undefined } {
  const address = /^c=IN IP[46] (\S+)/m.exec(sdp)?.[1];
  const media = /^m=audio (\d+) \S+ ([^\r\n]*)/m.exec(sdp);
  const direction = /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(sdp)?.[1];
  return { address, port: media?.[1] ? Number(media[1]) : undefined, direction, codecs: media?.[2] };
}

/** The agent bound to extension 1001 in the fixtures. */
export const AGENT: AgentRef = { sdkAppId: SDK_APP_ID, mail: 'agent@example.com' };
