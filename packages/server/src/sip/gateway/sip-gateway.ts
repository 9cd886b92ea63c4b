/**
 * The SIP gateway: a back-to-back user agent between SIP peers and the call engine.
 *
 * - Carrier trunks: an INVITE from a trunk (by source address, or from its registrar) to one of the
 *   instance's numbers becomes an inbound call (`CallEngine.inbound`): IVR, queues, agents. The
 *   gateway is also the engine's `Dialer`: agents' outbound calls leave over the instance's trunk,
 *   within its dial plan and call cap; instances without a trunk keep the virtual network.
 * - Desk phones: extensions REGISTER with digest; an agent bound to a registered extension is rung
 *   on the phone for every call offered to them, and can call out from it.
 * - Every SIP leg is an RTP leg of the media plane; the engine bridges, records and plays to it.
 *
 * Requests pass the guards first: trusted carriers, flood control, scanners, brute force, rate
 * and concurrency caps (`security/`).
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallEngineEvents } from '../../engine/engine-events.js';
import type { CalleeEvents, CalleeLine, Dialer, InboundCall, InboundResult } from '../../engine/lines.js';
import type { LegParams } from '../../media/protocol.js';
import type { AgentRef } from '../../realtime/agent-connection.js';
import type { Scheduler } from '../../realtime/scheduler.js';
import type { DigestServer } from '../digest.js';
import { dialogProblem, Retransmit2xx } from '../dialog.js';
import { parseAuthHeader } from '../message/auth-params.js';
import { createResponse } from '../message/build.js';
import { parseNameAddr } from '../message/name-addr.js';
import { parseUri } from '../message/uri.js';
import { registerResponse, type Registrar } from '../registrar.js';
import type { AuthGuard } from '../security/auth-guard.js';
import { checkDialPlan, type ConcurrencyCaps } from '../security/dial-plan.js';
import type { CallRateCap } from '../security/global-cap.js';
import { isScannerUserAgent } from '../security/scanner.js';
import type { Received, ServerTransaction, SipRequest } from '../types.js';
import type { GatewayExtension, GatewayTrunk, SipDirectory } from './directory.js';
import { offerAudio } from '../sdp.js';
import { answerFor, legForOffer, sdpSessionIdOf, type OfferCheck } from './media-offer.js';
import { DIALOG_METHODS, endpointOfUri, type SipStack } from './sip-stack.js';
import { UacCall } from './uac-call.js';
import type { TrunkRegistrations } from './trunk-registrations.js';
import { UasCall } from './uas-call.js';

/** What the gateway needs of the call engine. */
export interface GatewayEngine {
  inbound(call: InboundCall): Promise<InboundResult>;
  callerHungUp(sessionId: string): void;
  accept(agent: AgentRef, sessionId: string, media: LegParams): Promise<{ sdp: string } | { rtp: { address: string; port: number } }>;
  hangUpByAgent(agent: AgentRef, sessionId: string): void;
  startOutbound(agent: AgentRef, request: { phoneNumber: string }, media: LegParams): Promise<{ sessionId: string; rtp?: { address: string; port: number } }>;
  readonly events: Pick<CallEngineEvents, 'on'>;
}

export interface SipGatewayOptions {
  stack: SipStack;
  directory: SipDirectory;
  registrar: Registrar;
  digest: (realm: string) => DigestServer;
  authGuard: AuthGuard;
  rateCap: CallRateCap;
  caps: ConcurrencyCaps;
  engine: GatewayEngine;
  /** Where calls go for instances without an outbound trunk (the virtual network), if anywhere. */
  fallbackDialer: Dialer | null;
  scheduler: Scheduler;
  now: () => number;
  log: Logger;
  /** Proxies (the SIP edge) whose `X-OpenCCC-Source-IP` header names the real source. */
  trustedProxies: (address: string) => boolean;
  /** How long a callee dialled over a trunk rings before the call gives up (default 60 s). */
  calleeRingMs?: number;
  /** Registration-based trunks: their registrars' calls are theirs. */
  registrations: Pick<TrunkRegistrations, 'trunkFrom'>;
}

/** The audio a SIP leg settled on: a re-INVITE that keeps it is answered with the same leg. */
interface LegMedia {
  codec: 'PCMU' | 'PCMA';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  sessionId: string;
  /** The o= version of our last SDP: every new SDP of the call counts up (RFC 3264 §8). */
  version: number;
}

/** A SIP call leg joined to an engine session. */
type Leg = (
  | { kind: 'trunkIn'; call: UasCall; sessionId: string | null; trunk: GatewayTrunk; capKey: string }
  | { kind: 'trunkOut'; call: UacCall; trunk: GatewayTrunk; capKey: string }
  | { kind: 'phoneRing'; call: UacCall; agent: AgentRef; sessionId: string }
  | { kind: 'phoneOut'; call: UasCall; agent: AgentRef; sessionId: string | null }
) & { media?: LegMedia };

const ALLOW = `${DIALOG_METHODS}, REGISTER`;
const DEFAULT_CALLEE_RING_MS = 60_000;
const MEDIA_KEPT = '399 openccc "The call keeps its media: a new address or codec is not taken mid-call"';

export class SipGateway implements Dialer {
  /** Calls by Call-ID (a call's dialog and media live on this node, found by Call-ID). */
  private readonly legs = new Map<string, Leg>();
  /** Phones ringing or talking per engine session. */
  private readonly phoneBySession = new Map<string, string>();
  /** 2xx answers to re-INVITEs, sent again until their ACK (by Call-ID). */
  private readonly reInviteAnswers = new Map<string, { cseq: string; retransmit: Retransmit2xx }>();
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(private readonly options: SipGatewayOptions) {
    const { stack, engine } = options;
    stack.transactions.onRequest((tx) => {
      this.onRequest(tx).catch((err: unknown) => {
        options.log.error({ err, method: tx.request.method }, 'a SIP request failed');
        tx.respond(createResponse(tx.request, 500, 'Server Internal Error'));
      });
    });
    stack.transactions.onAck((ack) => {
      const callId = ack.headers.get('Call-ID') ?? '';
      const pending = this.reInviteAnswers.get(callId);
      if (pending && ack.headers.get('CSeq')?.trim().split(/\s+/)[0] === pending.cseq) {
        pending.retransmit.acked();
        this.reInviteAnswers.delete(callId);
        return;
      }
      const leg = this.legs.get(callId);
      if (leg && (leg.kind === 'trunkIn' || leg.kind === 'phoneOut')) leg.call.acknowledged();
    });
    this.unsubscribe.push(engine.events.on('agentNotified', ({ agent, sessionId, event }) => this.agentNotified(agent, sessionId, event.name)));
  }

  /** Calls in progress over SIP. */
  get callCount(): number {
    return this.legs.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe.splice(0)) off();
    for (const leg of this.legs.values()) leg.call.hangup();
    this.legs.clear();
  }

  // ── Requests ─────────────────────────────────────────────────────────────

  private async onRequest(tx: ServerTransaction): Promise<void> {
    const { request } = tx;
    // Scanners get no answer at all: nothing tells them a SIP server is here.
    if (isScannerUserAgent(request.headers.get('User-Agent'))) return tx.drop();
    const maxForwards = Number(request.headers.get('Max-Forwards') ?? '70');
    if (!Number.isInteger(maxForwards) || maxForwards <= 0) return tx.respond(createResponse(request, 483, 'Too Many Hops'));
    const required = request.headers.getAll('Require').filter((r) => r.trim() !== '');
    if (required.length > 0 && request.method !== 'CANCEL' && request.method !== 'ACK') {
      return tx.respond(createResponse(request, 420, 'Bad Extension', { headers: [['Unsupported', required.join(', ')]] }));
    }
    if (this.closed) return tx.respond(createResponse(request, 503, 'Service Unavailable'));
    const inDialog = parseNameAddr(request.headers.get('To') ?? '')?.params['tag'];
    switch (request.method) {
      case 'OPTIONS':
        return tx.respond(createResponse(request, 200, 'OK', { headers: [['Allow', ALLOW], ['Accept', 'application/sdp']] }));
      case 'REGISTER':
        return this.register(tx);
      case 'INVITE':
        if (inDialog) return this.reInvite(tx);
        return this.invite(tx);
      case 'BYE':
        return this.bye(tx);
      case 'UPDATE':
        return this.update(tx);
      case 'INFO':
        // In-dialog INFO (DTMF relay, keep-alives) keeps the call as it is.
        return tx.respond(createResponse(request, this.legs.has(request.headers.get('Call-ID') ?? '') ? 200 : 481, this.legs.has(request.headers.get('Call-ID') ?? '') ? 'OK' : 'Call/Transaction Does Not Exist'));
      default:
        return tx.respond(createResponse(request, 405, 'Method Not Allowed', { headers: [['Allow', ALLOW]] }));
    }
  }

  /** The source address of a request: the edge's header when it comes through a trusted proxy. */
  private sourceOf(request: SipRequest, received: Received): string {
    const forwarded = request.headers.get('X-OpenCCC-Source-IP');
    if (forwarded && this.options.trustedProxies(received.source.address)) return forwarded.trim();
    return received.source.address;
  }

  private async invite(tx: ServerTransaction): Promise<void> {
    const { request, received } = tx;
    const callId = request.headers.get('Call-ID') ?? '';
    if (this.legs.has(callId)) return tx.respond(createResponse(request, 482, 'Loop Detected'));
    // Checked before the engine hears of the call: an INVITE that cannot make a dialog is refused here.
    const problem = dialogProblem(request);
    if (problem) return tx.respond(createResponse(request, 400, problem));
    const source = this.sourceOf(request, received);
    const trunks = await this.options.directory.trunksFrom(source);
    if (trunks.length > 0) return this.trunkInvite(tx, trunks, 'requestUri');
    const registered = this.options.registrations.trunkFrom(source);
    // A carrier we registered with calls our Contact: the number dialled is in To.
    if (registered) return this.trunkInvite(tx, [registered], 'to');
    return this.phoneInvite(tx);
  }

  // ── Inbound calls from trunks ────────────────────────────────────────────

  private async trunkInvite(tx: ServerTransaction, trunks: GatewayTrunk[], numberIn: 'requestUri' | 'to'): Promise<void> {
    const { request } = tx;
    const dialled = dialledNumber(request, numberIn);
    const from = callerNumber(request);
    if (!dialled) return tx.respond(createResponse(request, 404, 'Not Found'));
    const offer = legForOffer(request.body.toString('utf8'));
    if (!offer.ok) return tx.respond(createResponse(request, offer.status, 'Not Acceptable Here', { headers: [['Warning', `399 openccc "${offer.reason}"`]] }));
    // The trunk of the instance that owns the number (one carrier may serve several instances); a
    // trunk never brings calls to another instance's numbers.
    const owner = await this.options.directory.source.numberOwner(dialled);
    const trunk = trunks.find((t) => t.sdkAppId === owner);
    if (!trunk) return tx.respond(createResponse(request, 404, 'Not Found'));
    const rate = this.options.rateCap.tryStart();
    if (rate !== 'ok') return tx.respond(createResponse(request, 503, 'Service Unavailable', { headers: [['Retry-After', '5']] }));
    const capKey = `trunk:${trunk.id}`;
    if (!this.options.caps.tryAcquire(capKey, trunk.maxConcurrentCalls)) {
      this.options.rateCap.end();
      return tx.respond(createResponse(request, 503, 'Service Unavailable', { headers: [['Retry-After', '5']] }));
    }
    const callId = request.headers.get('Call-ID') ?? '';
    const leg: Leg = {
      kind: 'trunkIn',
      trunk,
      capKey,
      sessionId: null,
      call: new UasCall(this.options.stack, tx, this.options.scheduler, { ended: () => this.trunkInEnded(callId) }, dialled),
    };
    this.legs.set(callId, leg);
    const result = await this.options.engine.inbound({
      from,
      to: dialled,
      media: offer.params,
      line: {
        ringing: () => undefined,
        answered: () => undefined,
        ended: () => {
          this.release(callId);
          leg.call.hangup(480, 'Temporarily Unavailable');
        },
      },
    }).catch((err: unknown): InboundResult => {
      // The call's leg and caps are released below, as for any call the engine refused.
      this.options.log.error({ err, callId }, 'the engine could not take a SIP call');
      return { ok: false, reason: 'error', message: 'the engine failed' };
    });
    if (!result.ok) {
      this.release(callId);
      const [status, reason] = endStatus(result.reason);
      leg.call.reject(status, reason, status === 503 ? [['Retry-After', '5']] : []);
      return;
    }
    leg.sessionId = result.sessionId;
    if (leg.call.ended) {
      // The caller gave up while the call was set up.
      this.options.engine.callerHungUp(result.sessionId);
      return;
    }
    if (result.media.kind !== 'rtp') throw new Error('a SIP leg was set up as WebRTC');
    leg.media = mediaOf(offer, { address: result.media.localAddress, port: result.media.localPort }, result.sessionId);
    leg.call.accept(answerFor(offer.offer, leg.media.codec, leg.media.local, result.sessionId));
  }

  private trunkInEnded(callId: string): void {
    const leg = this.legs.get(callId);
    this.release(callId);
    if (leg?.kind === 'trunkIn' && leg.sessionId) this.options.engine.callerHungUp(leg.sessionId);
  }

  // ── Outbound calls over trunks (the engine's dialer) ─────────────────────

  dial(call: { sessionId: string; sdkAppId: number; from: string; to: string }, events: CalleeEvents): CalleeLine {
    let line: CalleeLine | null = null;
    let hungUp = false;
    this.options.directory.outboundTrunk(call.sdkAppId).then(
      (trunk) => {
        if (hungUp) return;
        if (!trunk) {
          if (this.options.fallbackDialer) line = this.options.fallbackDialer.dial(call, events);
          else events.failed('notInService');
          return;
        }
        const target = trunk.outbound;
        if (!target) return events.failed('notInService');
        return endpointOfUri(`sip:${target.host}:${target.port}`).then((endpoint) => {
          if (hungUp) return;
          if (!endpoint) {
            this.options.log.warn({ trunk: trunk.id, host: target.host }, 'a trunk outbound host could not be resolved');
            return events.failed('notInService');
          }
          line = this.dialTrunk(trunk, endpoint.address, call, events);
        });
      },
      (err: unknown) => {
        this.options.log.error({ err }, 'reading the trunks failed');
        events.failed('notInService');
      },
    );
    return {
      hangup: () => {
        hungUp = true;
        line?.hangup();
      },
    };
  }

  private dialTrunk(trunk: GatewayTrunk, address: string, call: { sessionId: string; from: string; to: string }, events: CalleeEvents): CalleeLine {
    const plan = checkDialPlan(trunk.dialPlan, call.to);
    const capKey = `trunk:${trunk.id}`;
    if (!plan.ok) {
      this.options.log.warn({ trunk: trunk.id, reason: plan.reason }, 'an outbound call was refused by the dial plan');
      events.failed('notInService');
      return { hangup: () => undefined };
    }
    if (!trunk.outbound || !this.options.caps.tryAcquire(capKey, trunk.maxConcurrentCalls)) {
      events.failed('busy');
      return { hangup: () => undefined };
    }
    const target = trunk.outbound;
    const host = target.port === 5060 ? target.host : `${target.host}:${target.port}`;
    // A trunk limited to some numbers presents one of them (the engine chose among all the instance's).
    const from = trunk.callerIdNumbers.length === 0 || trunk.callerIdNumbers.includes(call.from) ? call.from : trunk.callerIdNumbers[0]!;
    const callId = randomUUID();
    const ourHost = this.options.stack.host(target.transport);
    const leg: { media?: LegMedia } = {};
    // An INVITE transaction has no timeout once it rings: the callee gets this long to answer.
    let settled = false;
    const settle = () => {
      settled = true;
      this.options.scheduler.clearTimeout(noAnswer);
    };
    const noAnswer = this.options.scheduler.setTimeout(() => {
      if (settled) return;
      settled = true;
      this.release(callId);
      uac.hangup();
      events.failed('notAnswer');
    }, this.options.calleeRingMs ?? DEFAULT_CALLEE_RING_MS);
    const uac = new UacCall(
      this.options.stack,
      {
        requestUri: `sip:${call.to}@${host}${target.transport === 'tcp' ? ';transport=tcp' : ''}`,
        fromUri: `sip:${from}@${ourHost}`,
        toUri: `sip:${call.to}@${host}`,
        peer: { endpoint: { transport: target.transport, address: address, port: target.port } },
        contactUser: from,
        headers: [['P-Asserted-Identity', `<sip:${from}@${ourHost}>`]],
        ...(trunk.register ? { credentials: { username: trunk.register.username, password: trunk.register.password } } : {}),
      },
      {
        ringing: () => events.ringing(),
        answered: async (sdp) => {
          if (settled) return null;
          settle();
          const offer = legForOffer(sdp);
          if (!offer.ok) {
            // Answered with audio we cannot take: the callee gets a BYE and the call fails.
            this.release(callId);
            events.failed('notInService');
            return null;
          }
          const ready = await events.answered({ kind: 'leg', params: offer.params });
          if (!ready || ready.kind !== 'rtp') {
            // The engine took the answer but has no leg for it: the callee gets a BYE, the engine a hang-up.
            this.release(callId);
            events.hungUp();
            return null;
          }
          leg.media = mediaOf(offer, { address: ready.localAddress, port: ready.localPort }, call.sessionId);
          return answerFor(offer.offer, leg.media.codec, leg.media.local, call.sessionId);
        },
        failed: (status) => {
          this.release(callId);
          if (settled) return;
          settle();
          events.failed(calleeFailure(status));
        },
        hungUp: () => {
          this.release(callId);
          events.hungUp();
        },
      },
      callId,
    );
    this.legs.set(callId, Object.assign(leg, { kind: 'trunkOut' as const, call: uac, trunk, capKey }));
    uac.start();
    return {
      hangup: () => {
        settle();
        this.release(callId);
        uac.hangup();
      },
    };
  }

  // ── Desk phones ──────────────────────────────────────────────────────────

  private async register(tx: ServerTransaction): Promise<void> {
    const { request, received } = tx;
    const to = parseNameAddr(request.headers.get('To') ?? '');
    const aorUri = to && parseUri(to.uri);
    const sdkAppId = aorUri ? this.options.directory.source.instanceOfDomain(aorUri.host) : null;
    if (!aorUri || !aorUri.user || sdkAppId === null) return tx.respond(createResponse(request, 404, 'Not Found'));
    const extension = await this.authenticate(tx, sdkAppId, 'Authorization', 401);
    if (!extension) return;
    if (extension.extensionId !== aorUri.user) return tx.respond(createResponse(request, 403, 'Forbidden'));
    const result = this.options.registrar.handle(request, received, aorKey(sdkAppId, extension.extensionId));
    tx.respond(registerResponse(request, result, this.options.now()));
  }

  /**
   * Checks a request's digest credentials against the instance's extensions. Answers the request
   * itself when they are missing or wrong (the same 401/407 for unknown and known users), and
   * returns the extension when they are right.
   */
  private async authenticate(tx: ServerTransaction, sdkAppId: number, header: 'Authorization' | 'Proxy-Authorization', status: 401 | 407): Promise<GatewayExtension | null> {
    const { request, received } = tx;
    const realm = this.options.directory.source.realmOf(sdkAppId);
    const digest = this.options.digest(realm);
    const challengeHeader = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const ip = this.sourceOf(request, received);
    const authorization = request.headers.get(header);
    const claimed = (authorization && parseAuthHeader(authorization)?.params['username']) || '';
    const challenge = (stale: boolean) =>
      tx.respond(createResponse(request, status, status === 401 ? 'Unauthorized' : 'Proxy Authentication Required', { headers: [[challengeHeader, digest.challenge({ stale })]] }));
    // A banned source gets the same challenge as a wrong password, and is never let in.
    if (authorization && this.options.authGuard.check(ip, claimed) === 'banned') {
      challenge(false);
      return null;
    }
    // The extension is read first: digest verification needs its HA1 synchronously.
    const extension = claimed ? await this.options.directory.source.extension(sdkAppId, claimed) : null;
    const verdict = digest.verify({ method: request.method, authorization }, (username) => (extension && username === extension.extensionId ? extension.ha1 : undefined));
    if (verdict.result === 'ok' && extension) {
      this.options.authGuard.succeeded(ip, claimed);
      return extension;
    }
    if (verdict.result !== 'missing' && verdict.result !== 'stale') this.options.authGuard.failed(ip, claimed);
    challenge(verdict.result === 'stale');
    return null;
  }

  /** An INVITE from a desk phone: the agent bound to it calls out. */
  private async phoneInvite(tx: ServerTransaction): Promise<void> {
    const { request } = tx;
    const uri = parseUri(request.uri);
    const instance = uri ? this.options.directory.source.instanceOfDomain(uri.host) : null;
    if (!uri || instance === null) return tx.respond(createResponse(request, 404, 'Not Found'));
    const extension = await this.authenticate(tx, instance, 'Proxy-Authorization', 407);
    if (!extension) return;
    if (!extension.relation) return tx.respond(createResponse(request, 403, 'Forbidden', { headers: [['Warning', '399 openccc "The extension is not bound to an agent"']] }));
    const dialled = uri.user ? normaliseDialled(uri.user) : null;
    if (!dialled) return tx.respond(createResponse(request, 404, 'Not Found'));
    const offer = legForOffer(request.body.toString('utf8'), undefined, tx.received.source.address);
    if (!offer.ok) return tx.respond(createResponse(request, offer.status, 'Not Acceptable Here'));
    const callId = request.headers.get('Call-ID') ?? '';
    const agent = { sdkAppId: instance, mail: extension.relation };
    const leg: Leg = {
      kind: 'phoneOut',
      agent,
      sessionId: null,
      call: new UasCall(this.options.stack, tx, this.options.scheduler, { ended: () => this.phoneOutEnded(callId) }, extension.extensionId),
    };
    this.legs.set(callId, leg);
    try {
      const started = await this.options.engine.startOutbound(agent, { phoneNumber: dialled }, offer.params);
      leg.sessionId = started.sessionId;
      if (leg.call.ended) return this.options.engine.hangUpByAgent(agent, started.sessionId);
      this.phoneBySession.set(started.sessionId, callId);
      if (!started.rtp) throw new Error('the desk phone leg was not set up as RTP');
      leg.media = mediaOf(offer, started.rtp, started.sessionId);
      leg.call.accept(answerFor(offer.offer, leg.media.codec, leg.media.local, started.sessionId));
    } catch (err) {
      this.release(callId);
      const message = err instanceof Error ? err.message : String(err);
      leg.call.reject(403, 'Forbidden', [['Warning', `399 openccc "${message.replace(/"/g, "'").slice(0, 200)}"`]]);
    }
  }

  private phoneOutEnded(callId: string): void {
    const leg = this.legs.get(callId);
    this.release(callId);
    if (leg?.kind === 'phoneOut' && leg.sessionId) this.options.engine.hangUpByAgent(leg.agent, leg.sessionId);
  }

  /** The engine told an agent of a call: ring their desk phone, or stop it. */
  private agentNotified(agent: AgentRef, sessionId: string, name: string): void {
    if (name === 'callIn') {
      this.ringPhone(agent, sessionId).catch((err: unknown) => this.options.log.warn({ err, sessionId }, 'ringing a desk phone failed'));
      return;
    }
    // The call ended for the agent, its ring timed out and went to someone else, or the agent answered it (on the phone, or elsewhere).
    if (name !== 'sessionEnded' && name !== 'autoTransfer' && name !== 'userAccessed') return;
    const callId = this.phoneBySession.get(sessionId);
    const leg = callId ? this.legs.get(callId) : undefined;
    if (!callId || !leg || (leg.kind !== 'phoneRing' && leg.kind !== 'phoneOut') || leg.agent.mail.toLowerCase() !== agent.mail.toLowerCase()) return;
    // Answered on the workbench: a phone still ringing stops; the phone's own answer goes on.
    if (name === 'userAccessed' && (leg.kind !== 'phoneRing' || leg.call.answered || leg.call.ended)) return;
    this.release(callId);
    leg.call.hangup();
  }

  private async ringPhone(agent: AgentRef, sessionId: string): Promise<void> {
    const extension = await this.options.directory.source.extensionOfStaff(agent.sdkAppId, agent.mail);
    if (!extension) return;
    const binding = this.options.registrar.lookup(aorKey(agent.sdkAppId, extension.extensionId))[0];
    if (!binding || this.phoneBySession.has(sessionId)) return;
    const callId = randomUUID();
    const ourHost = this.options.stack.host(binding.source.transport);
    const leg: { media?: LegMedia } = {};
    const uac = new UacCall(
      this.options.stack,
      {
        requestUri: binding.contact,
        fromUri: `sip:openccc@${ourHost}`,
        toUri: `sip:${extension.extensionId}@${this.options.directory.source.realmOf(agent.sdkAppId)}`,
        peer: { endpoint: binding.source, flowId: binding.flowId },
        contactUser: 'openccc',
      },
      {
        ringing: () => undefined,
        answered: async (sdp) => {
          const offer = legForOffer(sdp, undefined, binding.source.address);
          const accepted = offer.ok
            ? await this.options.engine.accept(agent, sessionId, offer.params).catch((err: unknown) => {
                this.options.log.debug({ err, sessionId }, 'the engine refused a desk phone answer');
                return 'refused' as const;
              })
            : null;
          if (offer.ok && accepted && accepted !== 'refused' && 'rtp' in accepted) {
            leg.media = mediaOf(offer, accepted.rtp, sessionId);
            return answerFor(offer.offer, leg.media.codec, leg.media.local, sessionId);
          }
          // The phone answered but the call cannot go on here: the phone gets a BYE. Unless the engine
          // refused the answer (the call is gone, or answered elsewhere), the agent's part ends too.
          this.release(callId);
          if (accepted !== 'refused') this.safely(() => this.options.engine.hangUpByAgent(agent, sessionId));
          return null;
        },
        failed: (status) => {
          // Still ringing for the engine (not stopped by it): the phone declined or did not answer, so the offer is declined and the queue goes on.
          const ringing = this.legs.has(callId);
          this.release(callId);
          if (ringing && status !== 487) this.safely(() => this.options.engine.hangUpByAgent(agent, sessionId));
        },
        hungUp: () => {
          this.release(callId);
          this.safely(() => this.options.engine.hangUpByAgent(agent, sessionId));
        },
      },
      callId,
    );
    this.legs.set(callId, Object.assign(leg, { kind: 'phoneRing' as const, call: uac, agent, sessionId }));
    this.phoneBySession.set(sessionId, callId);
    uac.start();
  }

  // ── In-dialog requests ───────────────────────────────────────────────────

  private bye(tx: ServerTransaction): void {
    const callId = tx.request.headers.get('Call-ID') ?? '';
    const leg = this.legs.get(callId);
    if (!leg) return tx.respond(createResponse(tx.request, 481, 'Call/Transaction Does Not Exist'));
    leg.call.byeReceived(tx);
  }

  /**
   * A re-INVITE: a session refresh, or hold and resume from a desk phone. See `midCallAnswer`; the
   * 2xx is sent again until its ACK.
   */
  private reInvite(tx: ServerTransaction): void {
    const { request } = tx;
    const callId = request.headers.get('Call-ID') ?? '';
    const leg = this.legs.get(callId);
    if (!leg || leg.call.ended) return tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
    const sdp = this.midCallAnswer(leg, request.body);
    if (sdp === null) return tx.respond(createResponse(request, 488, 'Not Acceptable Here', { headers: [['Warning', MEDIA_KEPT]] }));
    const response = createResponse(request, 200, 'OK', {
      headers: [['Contact', `<${this.options.stack.contactUri('openccc', tx.received.source.transport)}>`]],
      body: Buffer.from(sdp),
      contentType: 'application/sdp',
    });
    tx.respond(response);
    this.reInviteAnswers.get(callId)?.retransmit.stop();
    const retransmit = new Retransmit2xx({
      scheduler: this.options.scheduler,
      resend: () => tx.respond(response),
      onTimeout: () => this.reInviteAnswers.delete(callId),
    });
    this.reInviteAnswers.set(callId, { cseq: request.headers.get('CSeq')?.trim().split(/\s+/)[0] ?? '', retransmit });
    retransmit.start();
  }

  /** An UPDATE (RFC 3311): a session refresh, with or without an offer; an offer is answered as a re-INVITE's is. */
  private update(tx: ServerTransaction): void {
    const { request } = tx;
    const leg = this.legs.get(request.headers.get('Call-ID') ?? '');
    if (!leg || leg.call.ended) return tx.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
    if (request.body.length === 0) return tx.respond(createResponse(request, 200, 'OK'));
    const sdp = this.midCallAnswer(leg, request.body);
    if (sdp === null) return tx.respond(createResponse(request, 488, 'Not Acceptable Here', { headers: [['Warning', MEDIA_KEPT]] }));
    tx.respond(createResponse(request, 200, 'OK', { body: Buffer.from(sdp), contentType: 'application/sdp' }));
  }

  /**
   * Our SDP for an offer mid-call, from the leg the call already has: an answer mirroring the
   * direction (a phone that holds gets `recvonly`) when the peer keeps its address and our codec,
   * or our offer when the request had none (a refresh without SDP; the ACK carries the answer,
   * which can only confirm the same media). Null when the peer wants other media: the call goes on
   * as it was (RFC 3261 §14.2).
   */
  private midCallAnswer(leg: Leg, body: Buffer): string | null {
    const media = leg.media;
    if (!media) return null;
    if (body.length === 0) return offerAudio(media.local, { codecs: [media.codec], sessionId: sdpSessionIdOf(media.sessionId), sessionVersion: ++media.version });
    const offer = legForOffer(body.toString('utf8'), [media.codec]);
    if (!offer.ok) return null;
    const held = offer.offer.address === '0.0.0.0' || offer.offer.direction === 'inactive' || offer.offer.direction === 'sendonly';
    if (!held && (offer.offer.address !== media.remote.address || offer.offer.port !== media.remote.port)) return null;
    return answerFor(offer.offer, media.codec, media.local, media.sessionId, ++media.version);
  }

  private release(callId: string): void {
    const leg = this.legs.get(callId);
    if (!leg) return;
    this.legs.delete(callId);
    this.reInviteAnswers.get(callId)?.retransmit.stop();
    this.reInviteAnswers.delete(callId);
    if (leg.kind === 'trunkIn' || leg.kind === 'trunkOut') {
      this.options.caps.release(leg.capKey);
      if (leg.kind === 'trunkIn') this.options.rateCap.end();
    }
    if ((leg.kind === 'phoneRing' || leg.kind === 'phoneOut') && leg.sessionId && this.phoneBySession.get(leg.sessionId) === callId) this.phoneBySession.delete(leg.sessionId);
  }

  private safely(run: () => void): void {
    try {
      run();
    } catch (err) {
      this.options.log.debug({ err }, 'the engine refused a desk phone request');
    }
  }
}

/** The registrar's key for an extension. */
export function aorKey(sdkAppId: number, extensionId: string): string {
  return `${sdkAppId}:${extensionId}`;
}

/** The number a carrier's INVITE dials: the Request-URI's user (IP trunks) or the To URI's (registration trunks call our Contact), else the other. */
function dialledNumber(request: SipRequest, first: 'requestUri' | 'to'): string | null {
  const fromUri = parseUri(request.uri)?.user;
  const fromTo = parseUri(parseNameAddr(request.headers.get('To') ?? '')?.uri ?? '')?.user;
  const [a, b] = first === 'requestUri' ? [fromUri, fromTo] : [fromTo, fromUri];
  return (a && normaliseDialled(a)) || (b && normaliseDialled(b)) || null;
}

function mediaOf(offer: Extract<OfferCheck, { ok: true }>, local: { address: string; port: number }, sessionId: string): LegMedia {
  return { codec: offer.params.codec ?? 'PCMU', local, remote: { address: offer.offer.address, port: offer.offer.port }, sessionId, version: 1 };
}

/** The caller's number: P-Asserted-Identity first (RFC 3325, from a trusted carrier), else From. */
function callerNumber(request: SipRequest): string {
  for (const header of ['P-Asserted-Identity', 'From']) {
    const value = request.headers.get(header);
    const user = value ? parseUri(parseNameAddr(value)?.uri ?? '')?.user : undefined;
    if (user) return normaliseDialled(user) ?? user;
  }
  return 'anonymous';
}

/** Digits with an optional leading `+` (visual separators dropped), as OpenCCC's number parser takes them. */
function normaliseDialled(user: string): string | null {
  const decoded = decodeURIComponent(user).replace(/[\s().-]/g, '');
  return /^\+?[0-9*#]{1,32}$/.test(decoded) ? decoded : null;
}

function endStatus(reason: string): [number, string] {
  switch (reason) {
    case 'noRoute':
      return [404, 'Not Found'];
    case 'busy':
      return [486, 'Busy Here'];
    // The audio could not be set up (media ports exhausted, a worker down) or the server is
    // stopping: temporary, so that a carrier or the SIP edge tries another node.
    case 'shutdown':
    case 'error':
      return [503, 'Service Unavailable'];
    default:
      return [500, 'Server Internal Error'];
  }
}

function calleeFailure(status: number): 'notAnswer' | 'userReject' | 'numberNotExist' | 'busy' | 'notInService' {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603 || status === 487) return 'userReject';
  if (status === 404 || status === 484 || status === 604) return 'numberNotExist';
  if (status === 408 || status === 480) return 'notAnswer';
  return 'notInService';
}
