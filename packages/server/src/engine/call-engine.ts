/**
 * The call engine: the I/O shell around the pure cores. It joins the ACD
 * (`acd/`), the call sessions (`calls/`), the IVR (`ivr/`), the media plane
 * (`media/`), the agents' workbenches (`realtime/`) and the phone networks
 * (`lines.ts`).
 *
 * Design:
 * - One turn at a time. Everything that changes a core is posted as work and
 *   run by `drain`, in order, synchronously; commands a core returns may post
 *   more work (an ACD `connected` becomes a session `agentAccepted`, whose
 *   `releaseAgent` becomes an ACD `callEnded`…), which runs in the same drain.
 *   So the cores are never re-entered, and their decisions are never
 *   interleaved with other events.
 * - I/O is never awaited inside a turn. Media commands are sent in order and
 *   not awaited; status changes go through `StatusService`, which writes them
 *   in order per agent; records are written after the turn. Setting up a leg
 *   (`createLeg`) is awaited before the event that needs it is posted.
 * - A core that throws (a bug, or a race the cores do not absorb) fails that
 *   piece of work only: it is logged, and the engine goes on.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AgentCallView, IvrFlow, IvrPathStep, PhoneEndReason, ServerEvent } from '@openccc/protocol';
import { ivrReferences, parseIvrFlowText } from '@openccc/protocol';
import type { Logger } from 'pino';
import { Distributor } from '../acd/distributor.js';
import type { AcdCommand, AcdEvent, GroupConfig, HangupReason } from '../acd/types.js';
import { buildTelCdr } from '../calls/cdr.js';
import { recordingPath, recordingRef } from '../calls/recording-links.js';
import { CallControlError, type CallControl, type CallInMetrics, type CallOutRequest } from '../calls/call-control.js';
import { CallSessions } from '../calls/call-sessions.js';
import { recoverSessions } from '../calls/recovery.js';
import { parseSnapshot, snapshotOf, type SessionSnapshot } from '../calls/snapshot.js';
import type { AgentId, AgentInfo, CalleeFailure, LegId, SessionCommand, SessionEvent, SessionRecord, SystemReason } from '../calls/types.js';
import { IvrSession } from '../ivr/session.js';
import type { IvrHangupReason } from '../ivr/types.js';
import type { PromptLibrary } from '../ivr/prompt-library.js';
import type { MediaPlane } from '../media/media-plane.js';
import type { LegParams, LegReady, RecordingId } from '../media/protocol.js';
import { parseInstanceNumber } from '../numbers/number-format.js';
import type { AgentRef } from '../realtime/agent-connection.js';
import type { AgentSessions } from '../realtime/agent-sessions.js';
import type { Scheduler } from '../realtime/scheduler.js';
import type { Presence, StaffStatus } from '../staff/presence.js';
import type { StatusService } from '../staff/status-service.js';
import type { Store } from '../store/ports.js';
import { callView } from './agent-call-view.js';
import { AcdDirectory } from './acd-directory.js';
import { agentIdOf, agentRefOf } from './agent-id.js';
import { callInMetrics } from './call-in-metrics.js';
import { CallEngineEvents } from './engine-events.js';
import { EngineTimers } from './engine-timers.js';
import { IvrRun } from './ivr-run.js';
import type { CalleeLine, CalleeMedia, CallerLine, Dialer, InboundCall, InboundResult } from './lines.js';
import { MediaLegs } from './media-legs.js';

export interface CallEngineOptions {
  store: Store;
  presence: Presence;
  status: Pick<StatusService, 'record' | 'change'>;
  sessions: AgentSessions;
  media: MediaPlane;
  prompts: PromptLibrary;
  /** Uploaded prompts' files: `<data>/prompts`. */
  uploadedPromptFolder: string;
  /** The data folder: recordings are written under `<data>/recordings` (`recording-links.ts`). */
  dataDir: string;
  log: Logger;
  clock: () => number;
  scheduler: Scheduler;
  /** How often online agents' skill groups and the groups in use are re-read from the store. */
  refreshEveryMs?: number;
  /** How long an agent rung directly (an internal call, a transfer to them, an API call-out) rings. */
  directRingTimeoutMs?: number;
  /** Per-group routing settings (ring timeout, wait, overflow, wrap-up…) spread over the ACD defaults; read each time a group is (re)configured. */
  groupSettings?: (sdkAppId: number, groupId: number) => Promise<Partial<GroupConfig>>;
  newId?: () => string;
}

/** One call as the engine holds it, next to its session. */
interface CallContext {
  sessionId: string;
  sdkAppId: number;
  customerLeg: LegId;
  caller: CallerLine | null;
  callee: CalleeLine | null;
  ivr: IvrRun | null;
  /** The number's IVR flow and its prompts' files (the survey runs from it after the conversation). */
  flow: { flow: IvrFlow; prompts: Map<string, string> } | null;
  ivrPath: IvrPathStep[];
  /** Whether the ACD knows the call (queued, ringing from the queue, or connected through it). */
  inAcd: boolean;
  /** Agents rung or served outside the queues: the engine sets their status itself. */
  direct: Map<AgentId, { before: Before }>;
  agentLegs: Map<AgentId, LegId>;
  recording: { id: RecordingId; path: string; agents: Set<LegId>; started: Promise<RecordingId | null> } | null;
  recordingStopped: Promise<boolean> | null;
  accepts: Map<AgentId, { resolve: () => void; reject: (error: CallControlError) => void }>;
  startedAt: number;
}

/** The status an agent had before a call outside the queues, to go back to after it. */
interface Before {
  status: StaffStatus;
  reason: string;
}

type Work =
  | { kind: 'acd'; event: AcdEvent }
  | { kind: 'session'; sessionId: string; event: SessionEvent }
  | { kind: 'run'; what: string; run: () => void };

const DEFAULT_DIRECT_RING_MS = 30_000;

export class CallEngine implements CallControl {
  private readonly acd: Distributor;
  private readonly calls: CallSessions;
  private readonly legs: MediaLegs;
  private readonly timers: EngineTimers;
  private readonly contexts = new Map<string, CallContext>();
  private readonly directory: AcdDirectory;
  private readonly queue: Work[] = [];
  private draining = false;
  private dialer: Dialer | null = null;
  private refresh: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly unsubscribe: Array<() => void> = [];
  /** Record writes in flight; `close` waits for them. */
  private readonly writes = new Set<Promise<void>>();
  /** Sessions changed in this drain: their snapshots are journalled when it ends. */
  private readonly dirty = new Set<string>();
  /** Instances whose calls ended in this drain (their sessions are gone when it ends). */
  private readonly endedIn = new Set<number>();
  /** Records written and live calls changed, for data push and the live dashboard. */
  readonly events: CallEngineEvents;

  constructor(private readonly options: CallEngineOptions) {
    const { log } = options;
    this.events = new CallEngineEvents(log);
    this.acd = new Distributor({ onTransition: (t) => log.debug({ acd: t }, 'acd move') });
    this.calls = new CallSessions({
      onTransition: (t) => {
        this.dirty.add(t.sessionId);
        log.info({ sessionId: t.sessionId, from: t.from, to: t.to, event: t.event }, 'call moved');
      },
    });
    this.legs = new MediaLegs(options.media, log);
    this.timers = new EngineTimers(options.scheduler, options.clock);
    this.directory = new AcdDirectory({
      store: options.store,
      presence: options.presence,
      log,
      ...(options.groupSettings ? { groupSettings: options.groupSettings } : {}),
      feed: (what, events, before) =>
        this.turn(what, () => {
          before?.();
          for (const event of events) this.post({ kind: 'acd', event });
        }),
    });
    this.subscribe();
  }

  /** The network outbound calls are placed on. */
  setDialer(dialer: Dialer): void {
    this.dialer = dialer;
  }

  /** Starts the periodic directory refresh. */
  start(): void {
    const every = this.options.refreshEveryMs ?? 5_000;
    this.refresh = setInterval(() => {
      this.directory.refresh().catch((err: unknown) => this.options.log.warn({ err }, 'refreshing the ACD directory failed'));
    }, every);
    this.refresh.unref();
  }

  // ── Inbound calls ────────────────────────────────────────────────────────

  /** A caller on a phone network dials a number. */
  async inbound(call: InboundCall): Promise<InboundResult> {
    if (this.closed) return { ok: false, reason: 'shutdown', message: 'The server is stopping.' };
    const to = parseInstanceNumber(call.to);
    const from = parseInstanceNumber(call.from);
    if (!to.ok) return { ok: false, reason: 'noRoute', message: `${call.to} is not a valid number.` };
    const number = await this.options.store.numbers.find(to.number);
    if (!number || number.state !== 'enabled') return { ok: false, reason: 'noRoute', message: `No hotline answers ${to.number}.` };
    if (number.route.kind === 'none') return { ok: false, reason: 'noRoute', message: `${to.number} has no route: give it a skill group or an IVR.` };
    const sdkAppId = number.sdkAppId;
    let flow: IvrFlow | null = null;
    let prompts = new Map<string, string>();
    let groupId: number | null = null;
    if (number.route.kind === 'ivr') {
      flow = parseIvrFlowText(number.route.flow);
      prompts = await this.promptPaths(sdkAppId, flow);
    } else {
      groupId = number.route.skillGroupId;
      await this.directory.ensureGroup(sdkAppId, groupId);
    }
    const sessionId = (this.options.newId ?? randomUUID)();
    const customerLeg = this.legs.add(sessionId, call.media.kind);
    let ready: LegReady;
    try {
      ready = await this.legs.attach(customerLeg, call.media);
    } catch (err) {
      this.legs.close(customerLeg);
      this.options.log.warn({ err }, 'the caller leg could not be set up');
      return { ok: false, reason: 'error', message: 'The call audio could not be set up.' };
    }
    const now = this.options.clock();
    const context = this.newContext(sessionId, sdkAppId, customerLeg, now);
    context.caller = call.line;
    if (flow) context.flow = { flow, prompts };
    this.contexts.set(sessionId, context);
    this.turn('open inbound', () => {
      const opened = this.calls.open(
        {
          kind: 'inbound',
          channel: 'phone',
          caller: from.ok ? from.number : call.from,
          callee: to.number,
          customerLeg: { legId: customerLeg, kind: call.media.kind === 'webrtc' ? 'webrtc' : 'rtp' },
          survey: flow?.survey !== undefined,
        },
        now,
        sessionId,
      );
      this.runSession(opened.commands);
      call.line.answered('system');
      if (flow) this.startIvr(context, 'flow');
      else if (groupId !== null) this.enqueue(context, groupId);
    });
    return { ok: true, sessionId, media: ready };
  }

  /** The caller hung up (or their line went away). */
  callerHungUp(sessionId: string): void {
    const context = this.contexts.get(sessionId);
    if (!context) return;
    this.turn('caller hung up', () => {
      context.caller = null;
      context.ivr?.stop();
      this.post({ kind: 'session', sessionId, event: { type: 'hangup', side: 'user' } });
    });
  }

  // ── The agent's requests ─────────────────────────────────────────────────

  /** `Call.accept`: the agent's audio is set up (a browser's WebRTC offer, or a scripted agent's RTP socket), then the offer is taken (or refused if it is gone). */
  async accept(agent: AgentRef, sessionId: string, media: LegParams): Promise<{ sdp: string } | { rtp: { address: string; port: number } }> {
    const agentId = agentIdOf(agent);
    const context = this.contexts.get(sessionId);
    const session = this.calls.get(sessionId);
    if (!context || !session || context.sdkAppId !== agent.sdkAppId) throw new CallControlError('sessionNotFound', `There is no session ${sessionId}.`);
    const ringing = session.participants.find((p) => p.agent.agentId === agentId && p.outcome === 'ringing');
    if (!ringing) throw new CallControlError('notInControlState', `Session ${sessionId} is not ringing for this agent.`);
    if (context.accepts.has(agentId) || context.agentLegs.has(agentId)) throw new CallControlError('notInControlState', `Session ${sessionId} is being answered already.`);
    // Claimed before the leg is set up: a second accept meanwhile is refused, and a ring that ends meanwhile refuses this one.
    const accepted = new Promise<void>((resolve, reject) => context.accepts.set(agentId, { resolve, reject }));
    accepted.catch(() => undefined);
    const legId = this.legs.add(sessionId, media.kind);
    let ready: LegReady;
    try {
      ready = await this.legs.attach(legId, media);
    } catch (err) {
      this.legs.close(legId);
      this.settleAccept(context, agentId, new CallControlError('unavailable', 'The call audio could not be set up.'));
      this.options.log.warn({ err, sessionId }, 'the agent leg could not be set up');
      throw new CallControlError('unavailable', 'The call audio could not be set up.');
    }
    // The ring may have ended while the leg was set up: then `accepted` is already refused.
    if (context.accepts.has(agentId)) this.turn('accept', () => {
      context.agentLegs.set(agentId, legId);
      if (context.direct.has(agentId) || !context.inAcd) this.post({ kind: 'session', sessionId, event: { type: 'agentAccepted', agentId, leg: { legId, kind: media.kind } } });
      else this.post({ kind: 'acd', event: { type: 'offerAccepted', callId: sessionId, agentId } });
    });
    // A turn that neither connected nor refused the agent (the session ended meanwhile) refuses here.
    this.settleAccept(context, agentId, new CallControlError('notInControlState', `Session ${sessionId} is no longer ringing.`));
    try {
      await accepted;
    } catch (error) {
      if (context.agentLegs.get(agentId) === legId) context.agentLegs.delete(agentId);
      this.legs.close(legId);
      throw error;
    }
    return ready.kind === 'webrtc' ? { sdp: ready.answerSdp } : { rtp: { address: ready.localAddress, port: ready.localPort } };
  }

  /** `Call.hungUp`: declines a ringing offer, or leaves the call. */
  hangUpByAgent(agent: AgentRef, sessionId: string): void {
    const agentId = agentIdOf(agent);
    const session = this.requireSession(agent, sessionId);
    const context = this.contexts.get(sessionId)!;
    const ringing = session.participants.some((p) => p.agent.agentId === agentId && p.outcome === 'ringing');
    this.turn('agent hung up', () => {
      if (ringing && context.inAcd && !context.direct.has(agentId)) {
        // The session lets the ring go first (back to the queue when no other offer rings), then the ACD offers the call again.
        this.post({ kind: 'session', sessionId, event: { type: 'offerDeclined', agentId } });
        this.post({ kind: 'acd', event: { type: 'offerDeclined', callId: sessionId, agentId } });
      } else if (ringing) this.post({ kind: 'session', sessionId, event: { type: 'offerDeclined', agentId } });
      else this.post({ kind: 'session', sessionId, event: { type: 'hangup', side: 'seat', agentId } });
    });
  }

  /** `Call.hold`, `Call.unHold`, `Call.sendDigits`. */
  control(agent: AgentRef, sessionId: string, event: { type: 'hold' } | { type: 'unhold' } | { type: 'sendDigits'; digits: string }): void {
    this.requireSession(agent, sessionId);
    const agentId = agentIdOf(agent);
    this.strictTurn(() => this.calls.handle(sessionId, { ...event, agentId }, this.options.clock()));
  }

  /** `Call.transfer`: a blind transfer to an agent (by mail) or a skill group. */
  async transfer(agent: AgentRef, sessionId: string, target: { mail: string } | { groupId: number }): Promise<void> {
    const session = this.requireSession(agent, sessionId);
    const context = this.contexts.get(sessionId)!;
    const agentId = agentIdOf(agent);
    if (session.state !== 'talking' && session.state !== 'held') throw new CallControlError('notInControlState', 'Only a call in conversation can be transferred.');
    if ('groupId' in target) {
      const group = await this.directory.ensureGroup(agent.sdkAppId, target.groupId);
      if (!group) throw new CallControlError('groupNotFound', `There is no skill group ${target.groupId}.`);
      this.strictTurn(() => {
        const commands = this.calls.handle(sessionId, { type: 'transferRequested', agentId, target: { type: 'group', groupId: target.groupId, groupName: group.name } }, this.options.clock());
        this.runSession(commands);
        if (context.inAcd) this.post({ kind: 'acd', event: { type: 'callTransferred', callId: sessionId, groupId: target.groupId } });
        else this.enqueueAcd(context, target.groupId, session.caller);
        return [];
      });
      return;
    }
    const peer = await this.reserveDirect(agent.sdkAppId, target.mail, sessionId);
    try {
      this.transferToAgent(context, agentId, peer);
    } catch (error) {
      this.releaseDirect(agentRefOf(peer.info.agentId), peer.before, sessionId);
      throw error;
    }
  }

  private transferToAgent(context: CallContext, agentId: AgentId, peer: { info: AgentInfo; before: Before }): void {
    const { sessionId } = context;
    this.strictTurn(() => {
      const timeoutMs = this.options.directRingTimeoutMs ?? DEFAULT_DIRECT_RING_MS;
      context.direct.set(peer.info.agentId, { before: peer.before });
      const commands = this.calls.handle(sessionId, { type: 'transferRequested', agentId, target: { type: 'agent', agent: peer.info, timeoutMs } }, this.options.clock());
      if (context.inAcd) {
        // The ACD's part ends here: the transferring agent goes to wrap-up, the call is rung directly.
        context.inAcd = false;
        this.post({ kind: 'acd', event: { type: 'callEnded', callId: sessionId } });
      }
      this.runSession(commands);
      this.directRingTimer(context, peer.info.agentId, timeoutMs);
      return [];
    });
  }

  /**
   * `Call.startOutboundCall`: the agent's audio first, then the callee is dialled. The agent's audio is a
   * browser's WebRTC offer (`sdp`), or an RTP leg (a desk phone's call: `serverType` `staffExtensionSeat`).
   */
  async startOutbound(
    agent: AgentRef,
    request: { phoneNumber: string; callerPhoneNumber?: string; skillGroupId?: number; uui?: string; remark?: string },
    agentMedia: string | LegParams,
  ) {
    const media: LegParams = typeof agentMedia === 'string' ? { kind: 'webrtc', offerSdp: agentMedia } : agentMedia;
    const info = await this.directory.agentInfo(agent);
    if (!info) throw new CallControlError('agentNotFound', `There is no agent ${agent.mail}.`);
    const callee = parseInstanceNumber(request.phoneNumber);
    if (!callee.ok) throw new CallControlError('invalidNumber', `${request.phoneNumber} is not a valid phone number.`);
    const caller = await this.callerNumber(agent, request.callerPhoneNumber ? [request.callerPhoneNumber] : [], request.skillGroupId);
    const sessionId = (this.options.newId ?? randomUUID)();
    const before = this.takeForOwnCall(agent, sessionId);
    const agentLeg = this.legs.add(sessionId, media.kind);
    let ready: LegReady;
    try {
      ready = await this.legs.attach(agentLeg, media);
    } catch (err) {
      this.legs.close(agentLeg);
      this.releaseOwnCall(agent, before, sessionId);
      this.options.log.warn({ err }, 'the agent leg could not be set up');
      throw new CallControlError('unavailable', 'The call audio could not be set up.');
    }
    const customerLeg = this.legs.add(sessionId, 'rtp');
    const context = this.newContext(sessionId, agent.sdkAppId, customerLeg, this.options.clock());
    context.direct.set(info.agentId, { before });
    context.agentLegs.set(info.agentId, agentLeg);
    this.contexts.set(sessionId, context);
    this.strictTurn(() => {
      const now = this.options.clock();
      const opened = this.calls.open(
        { kind: 'outbound', agent: info, caller, callee: callee.number, customerLeg: { legId: customerLeg, kind: 'rtp' }, uui: request.uui ?? '', remark: request.remark ?? '' },
        now,
        sessionId,
      );
      this.runSession(opened.commands);
      this.runSession(this.calls.handle(sessionId, { type: 'agentAccepted', agentId: info.agentId, leg: { legId: agentLeg, kind: media.kind } }, now));
      return [];
    });
    const common = { sessionId, calleePhoneNumber: callee.number, callerPhoneNumber: caller, remark: request.remark ?? '' };
    return ready.kind === 'webrtc'
      ? { ...common, serverType: 'staffSeat' as const, sdp: ready.answerSdp }
      : { ...common, serverType: 'staffExtensionSeat' as const, sdp: '', rtp: { address: ready.localAddress, port: ready.localPort } };
  }

  /** `Call.startInternalCall`: rings another agent of the instance. */
  async startInternal(agent: AgentRef, calleeMail: string, sdp: string): Promise<{ sessionId: string; sdp: string }> {
    const info = await this.directory.agentInfo(agent);
    if (!info) throw new CallControlError('agentNotFound', `There is no agent ${agent.mail}.`);
    if (calleeMail.toLowerCase() === agent.mail.toLowerCase()) throw new CallControlError('invalidNumber', 'An agent cannot call themselves.');
    const sessionId = (this.options.newId ?? randomUUID)();
    const before = this.takeForOwnCall(agent, sessionId);
    let peer: { info: AgentInfo; before: Before };
    try {
      peer = await this.reserveDirect(agent.sdkAppId, calleeMail, sessionId);
    } catch (error) {
      this.releaseOwnCall(agent, before, sessionId);
      throw error;
    }
    const agentLeg = this.legs.add(sessionId, 'webrtc');
    let ready: LegReady;
    try {
      ready = await this.legs.attach(agentLeg, { kind: 'webrtc', offerSdp: sdp });
      if (ready.kind !== 'webrtc') throw new Error('a WebRTC leg answered without SDP');
    } catch (err) {
      this.legs.close(agentLeg);
      this.releaseOwnCall(agent, before, sessionId);
      this.releaseDirect(agentRefOf(peer.info.agentId), peer.before, sessionId);
      this.options.log.warn({ err }, 'the agent leg could not be set up');
      throw new CallControlError('unavailable', 'The call audio could not be set up.');
    }
    const context = this.newContext(sessionId, agent.sdkAppId, agentLeg, this.options.clock());
    context.direct.set(info.agentId, { before });
    context.direct.set(peer.info.agentId, { before: peer.before });
    context.agentLegs.set(info.agentId, agentLeg);
    this.contexts.set(sessionId, context);
    const timeoutMs = this.options.directRingTimeoutMs ?? DEFAULT_DIRECT_RING_MS;
    this.strictTurn(() => {
      const now = this.options.clock();
      const opened = this.calls.open({ kind: 'internal', agent: info, agentLeg: { legId: agentLeg, kind: 'webrtc' }, peer: peer.info }, now, sessionId);
      this.runSession(opened.commands);
      this.runSession(this.calls.handle(sessionId, { type: 'offered', agents: [peer.info], timeoutMs }, now));
      this.directRingTimer(context, peer.info.agentId, timeoutMs);
      return [];
    });
    return { sessionId, sdp: ready.answerSdp };
  }

  /** The sessions an agent is in, for the workbench's welcome. */
  callsOf(agent: AgentRef): AgentCallView[] {
    const agentId = agentIdOf(agent);
    const views: AgentCallView[] = [];
    for (const session of this.calls.live()) {
      const me = session.participants.findLast((p) => p.agent.agentId === agentId && (p.outcome === 'ringing' || p.outcome === 'serving'));
      const initiator = session.initiator?.agentId === agentId;
      if (!me && !initiator) continue;
      views.push(callView(session, agentId, me?.outcome === 'ringing'));
    }
    return views;
  }

  // ── CallControl (Cloud API) ──────────────────────────────────────────────

  live(sdkAppId: number): ReadonlyArray<Readonly<SessionRecord>> {
    return this.calls.live().filter((s) => this.contexts.get(s.sessionId)?.sdkAppId === sdkAppId);
  }

  find(sdkAppId: number, sessionId: string): Readonly<SessionRecord> | undefined {
    return this.contexts.get(sessionId)?.sdkAppId === sdkAppId ? this.calls.get(sessionId) : undefined;
  }

  hangUp(sdkAppId: number, sessionId: string): Promise<void> {
    if (!this.find(sdkAppId, sessionId)) return Promise.reject(new CallControlError('sessionNotFound', `There is no session ${sessionId} in progress.`));
    this.turn('admin hang-up', () => this.post({ kind: 'session', sessionId, event: { type: 'hangup', side: 'admin' } }));
    return Promise.resolve();
  }

  async callOut(sdkAppId: number, request: CallOutRequest): Promise<{ sessionId: string }> {
    const agent = { sdkAppId, mail: request.mail };
    const info = await this.directory.agentInfo(agent);
    if (!info) throw new CallControlError('agentNotFound', `There is no agent ${request.mail}.`);
    const callee = parseInstanceNumber(request.callee);
    if (!callee.ok) throw new CallControlError('invalidNumber', `${request.callee} is not a valid phone number.`);
    const caller = await this.callerNumber(agent, request.callers);
    const sessionId = (this.options.newId ?? randomUUID)();
    const peer = await this.reserveDirect(sdkAppId, request.mail, sessionId);
    const customerLeg = this.legs.add(sessionId, 'rtp');
    const context = this.newContext(sessionId, sdkAppId, customerLeg, this.options.clock());
    context.direct.set(info.agentId, { before: peer.before });
    this.contexts.set(sessionId, context);
    const timeoutMs = this.options.directRingTimeoutMs ?? DEFAULT_DIRECT_RING_MS;
    this.strictTurn(() => {
      const now = this.options.clock();
      const opened = this.calls.open({ kind: 'outbound', agent: info, caller, callee: callee.number, customerLeg: { legId: customerLeg, kind: 'rtp' }, uui: request.uui }, now, sessionId);
      this.runSession(opened.commands);
      this.runSession(this.calls.handle(sessionId, { type: 'offered', agents: [info], timeoutMs }, now));
      this.directRingTimer(context, info.agentId, timeoutMs);
      return [];
    });
    return { sessionId };
  }

  async transferToGroup(sdkAppId: number, sessionId: string, skillGroupId: number): Promise<void> {
    const session = this.find(sdkAppId, sessionId);
    if (!session) throw new CallControlError('sessionNotFound', `There is no session ${sessionId} in progress.`);
    const context = this.contexts.get(sessionId)!;
    if (session.kind !== 'inbound' || (session.state !== 'ivr' && session.state !== 'created' && session.state !== 'queued')) {
      throw new CallControlError('notInControlState', 'Only an inbound call in the IVR or a queue can be transferred to a skill group this way.');
    }
    const group = await this.directory.ensureGroup(sdkAppId, skillGroupId);
    if (!group) throw new CallControlError('groupNotFound', `There is no skill group ${skillGroupId}.`);
    this.turn('transfer to manual', () => {
      if (context.ivr && !context.ivr.done) {
        context.ivr.stop();
        this.legs.stopSource(context.customerLeg);
      }
      if (context.inAcd) this.post({ kind: 'acd', event: { type: 'callEnded', callId: sessionId } });
      context.inAcd = false;
      this.enqueue(context, skillGroupId);
    });
  }

  metrics(sdkAppId: number): CallInMetrics {
    return callInMetrics(this.live(sdkAppId), this.options.clock());
  }

  /** Ends every call (the server is stopping) and waits for their records. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.refresh) clearInterval(this.refresh);
    for (const off of this.unsubscribe) off();
    for (const session of this.calls.live()) {
      this.turn('shutdown', () => this.post({ kind: 'session', sessionId: session.sessionId, event: { type: 'hangup', side: 'system', reason: 'reset' } }));
    }
    this.timers.cancelAll();
    await Promise.allSettled([...this.writes]);
  }

  /** Sessions in progress (tests, metrics). */
  get liveCount(): number {
    return this.calls.live().length;
  }

  // ── The turn loop ────────────────────────────────────────────────────────

  private post(work: Work): void {
    this.queue.push(work);
    if (!this.draining) this.drain();
  }

  /** Runs `run` as one piece of work of a turn, after whatever is queued. */
  private turn(what: string, run: () => void): void {
    this.post({ kind: 'run', what, run });
  }

  /** Runs a request's session event in a turn of its own and throws its refusal to the caller (an agent request out of place). */
  private strictTurn(run: () => SessionCommand[]): void {
    let failure: unknown;
    this.turn('request', () => {
      let commands: SessionCommand[];
      try {
        commands = run();
      } catch (error) {
        failure = error;
        return;
      }
      this.runSession(commands);
    });
    if (failure !== undefined) throw new CallControlError('notInControlState', failure instanceof Error ? failure.message : String(failure));
  }

  private drain(): void {
    this.draining = true;
    try {
      for (let work = this.queue.shift(); work; work = this.queue.shift()) {
        try {
          this.step(work);
        } catch (err) {
          this.options.log.error({ err, work: describeWork(work) }, 'call engine work failed');
        }
      }
    } finally {
      this.draining = false;
    }
    this.journal();
  }

  /** Journals the snapshots of the live sessions this drain changed (for recovery after a crash). */
  private journal(): void {
    if (this.dirty.size === 0 && this.endedIn.size === 0) return;
    const entries: Array<{ sessionId: string; sdkAppId: number; snapshot: string }> = [];
    const changed = new Set(this.endedIn);
    for (const sessionId of this.dirty) {
      const session = this.calls.get(sessionId);
      const context = this.contexts.get(sessionId);
      if (context) changed.add(context.sdkAppId);
      if (session && context) entries.push({ sessionId, sdkAppId: context.sdkAppId, snapshot: JSON.stringify(snapshotOf(session)) });
    }
    this.dirty.clear();
    this.endedIn.clear();
    for (const sdkAppId of changed) this.events.emit('callsChanged', { sdkAppId });
    if (entries.length === 0) return;
    this.options.store.callJournal.put(entries, this.options.clock()).catch((err: unknown) => this.options.log.error({ err }, 'journalling calls failed'));
  }

  /**
   * Closes the calls a previous run left in the journal (it was killed or crashed): each gets its
   * record (EndStatus 211, see docs/engine.md). Run before the server takes calls.
   */
  async recover(): Promise<number> {
    const rows = await this.options.store.callJournal.all();
    const snapshots: Array<{ snapshot: SessionSnapshot; sdkAppId: number }> = [];
    for (const row of rows) {
      try {
        snapshots.push({ snapshot: parseSnapshot(JSON.parse(row.snapshot)), sdkAppId: row.sdkAppId });
      } catch (err) {
        this.options.log.error({ err, sessionId: row.sessionId }, 'an unreadable call journal entry was dropped');
        await this.options.store.callJournal.delete(row.sessionId);
      }
    }
    if (snapshots.length === 0) return 0;
    const sdkAppIds = new Map(snapshots.map(({ snapshot, sdkAppId }) => [snapshot.session.sessionId, sdkAppId]));
    const recovery = recoverSessions(
      snapshots.map((s) => s.snapshot),
      this.options.clock(),
    );
    for (const session of recovery.records) {
      const sdkAppId = sdkAppIds.get(session.sessionId)!;
      const record = { ...buildTelCdr(session), SessionId: session.sessionId };
      const added = this.options.store.callRecords.add(sdkAppId, record);
      this.events.emit('recordWritten', { sdkAppId, record, recorded: false });
      await added;
      await this.options.store.callJournal.delete(session.sessionId);
    }
    this.options.log.warn({ calls: recovery.records.length }, 'calls cut by the previous run were closed with a record');
    return recovery.records.length;
  }

  private step(work: Work): void {
    this.options.log.trace({ work: describeWork(work) }, 'engine step');
    const now = this.options.clock();
    switch (work.kind) {
      case 'acd':
        for (const command of this.acd.handle(work.event, now)) this.runAcd(command);
        return;
      case 'session': {
        if (!this.calls.get(work.sessionId)) return;
        this.dirty.add(work.sessionId);
        const commands = this.calls.handle(work.sessionId, work.event, now);
        if (work.event.type === 'agentAccepted') this.settleAccept(this.contexts.get(work.sessionId), work.event.agentId, null);
        this.runSession(commands);
        return;
      }
      case 'run':
        work.run();
        return;
    }
  }

  // ── ACD commands ─────────────────────────────────────────────────────────

  private runAcd(command: AcdCommand): void {
    switch (command.type) {
      case 'offer': {
        const agents = command.agentIds.map((id) => this.directory.agents.get(id)).filter((a): a is AgentInfo => a !== undefined);
        const group = this.directory.groups.get(command.groupId);
        if (agents.length === 0) return;
        this.post({ kind: 'session', sessionId: command.callId, event: { type: 'offered', agents, timeoutMs: command.timeoutMs, groupId: command.groupId, groupName: group?.name ?? '' } });
        this.contexts.get(command.callId)?.caller?.ringing();
        return;
      }
      case 'autoTransfer':
        return this.post({ kind: 'session', sessionId: command.callId, event: { type: 'offerTimedOut', agentIds: command.agentIds } });
      case 'cancelOffer': {
        const reason = command.reason === 'answeredElsewhere' || command.reason === 'agentGone' ? command.reason : 'agentUnavailable';
        if (command.reason === 'callGone' || command.reason === 'reset') {
          if (command.reason === 'reset') this.post({ kind: 'session', sessionId: command.callId, event: { type: 'hangup', side: 'system', reason: 'reset' } });
          return;
        }
        return this.post({ kind: 'session', sessionId: command.callId, event: { type: 'offerCancelled', agentIds: command.agentIds, reason } });
      }
      case 'acceptRefused':
        return this.settleAccept(this.contexts.get(command.callId), command.agentId, new CallControlError('notInControlState', 'The call is no longer offered to this agent.'));
      case 'connected': {
        const context = this.contexts.get(command.callId);
        const legId = context?.agentLegs.get(command.agentId);
        if (!context || !legId) return;
        this.post({ kind: 'session', sessionId: command.callId, event: { type: 'agentAccepted', agentId: command.agentId, leg: { legId, kind: this.legs.get(legId)?.kind === 'rtp' ? 'rtp' : 'webrtc' } } });
        const ref = agentRefOf(command.agentId);
        this.recordStatus(ref, 'busy', command.callId);
        return;
      }
      case 'overflow': {
        const group = this.directory.groups.get(command.toGroupId);
        return this.post({ kind: 'session', sessionId: command.callId, event: { type: 'queued', groupId: command.toGroupId, groupName: group?.name ?? '' } });
      }
      case 'hangup': {
        const context = this.contexts.get(command.callId);
        if (context) context.inAcd = false;
        return this.post({ kind: 'session', sessionId: command.callId, event: { type: 'hangup', side: 'system', reason: systemReason(command.reason) } });
      }
      case 'wrapUp':
        this.recordStatus(agentRefOf(command.agentId), 'afterCallWork', command.callId, command.until);
        return;
      case 'agentFree': {
        const ref = agentRefOf(command.agentId);
        void this.options.status
          .change(ref.sdkAppId, ref.mail, (current) => (current && (current.status === 'busy' || current.status === 'afterCallWork') ? { status: 'free', reason: '' } : null))
          .catch((err: unknown) => this.options.log.warn({ err }, 'recording an agent free failed'));
        return;
      }
      case 'schedule':
        return this.timers.schedule(command.timerId, command.at, () => this.post({ kind: 'acd', event: { type: 'timerFired', timerId: command.timerId } }));
      case 'cancelTimer':
        return this.timers.cancel(command.timerId);
    }
  }

  // ── Session commands ─────────────────────────────────────────────────────

  private runSession(commands: SessionCommand[]): void {
    for (const command of commands) {
      try {
        this.runSessionCommand(command);
      } catch (err) {
        this.options.log.error({ err, command: command.type, sessionId: sessionOf(command) }, 'a session command failed');
      }
    }
  }

  private runSessionCommand(command: SessionCommand): void {
    const context = this.contexts.get(sessionOf(command));
    switch (command.type) {
      case 'play':
        return this.legs.play(command.legId, command.media);
      case 'stopMedia':
        return this.legs.stop(command.legId);
      case 'bridge':
        this.legs.bridge(...command.legIds);
        if (context) this.startRecording(context, command.legIds);
        return;
      case 'unbridge':
        return this.legs.unbridge(...command.legIds);
      case 'dial':
        if (context) this.dial(context, command.from, command.to);
        return;
      case 'sendDigits':
        return this.legs.sendDigits(command.legId, command.digits);
      case 'setMute':
        // The workbench mutes its own microphone; the server has nothing to change.
        return;
      case 'runSurvey':
        if (context?.flow?.flow.survey) this.startIvr(context, 'survey');
        else this.post({ kind: 'session', sessionId: command.sessionId, event: { type: 'hangup', side: 'system' } });
        return;
      case 'closeLeg':
        if (context?.recording && !context.recordingStopped) context.recordingStopped = this.finishRecording(context.recording);
        return this.legs.close(command.legId);
      case 'notifyAgent': {
        const event = { type: 'event', name: command.event, payload: command.payload } as ServerEvent;
        this.options.sessions.notify(agentRefOf(command.agentId), event);
        this.events.emit('agentNotified', { agent: agentRefOf(command.agentId), sessionId: sessionOf(command), event });
        if (command.event === 'userAccessed' && context?.caller) context.caller.answered(agentRefOf(command.agentId).mail);
        return;
      }
      case 'releaseAgent':
        if (context) this.releaseAgent(context, command.agentId, command.phase);
        return;
      case 'writeRecord':
        if (context) this.finish(context, command.session);
        return;
    }
  }

  private releaseAgent(context: CallContext, agentId: AgentId, phase: 'ringing' | 'serving'): void {
    this.timers.cancel(directTimerId(context.sessionId, agentId));
    this.settleAccept(context, agentId, new CallControlError('notInControlState', 'The call is no longer offered to this agent.'));
    const direct = context.direct.get(agentId);
    const legId = context.agentLegs.get(agentId);
    if (legId && phase === 'ringing') {
      context.agentLegs.delete(agentId);
      this.legs.close(legId);
    }
    if (direct) {
      context.direct.delete(agentId);
      this.releaseDirect(agentRefOf(agentId), direct.before, context.sessionId);
      return;
    }
    // Served through the queue: the ACD releases the agent (wrap-up) when the call ends there.
    const session = this.calls.get(context.sessionId);
    if (phase === 'serving' && context.inAcd && (!session || session.state === 'ended')) {
      context.inAcd = false;
      this.post({ kind: 'acd', event: { type: 'callEnded', callId: context.sessionId } });
    }
  }

  private finish(context: CallContext, session: SessionRecord): void {
    this.contexts.delete(context.sessionId);
    this.endedIn.add(context.sdkAppId);
    this.timers.cancel(`ivr-${context.sessionId}`);
    context.ivr?.stop();
    for (const [agentId] of context.accepts) this.settleAccept(context, agentId, new CallControlError('notInControlState', 'The call has ended.'));
    if (context.inAcd) {
      context.inAcd = false;
      this.post({ kind: 'acd', event: { type: 'callEnded', callId: context.sessionId } });
    }
    for (const [agentId, direct] of context.direct) this.releaseDirect(agentRefOf(agentId), direct.before, context.sessionId);
    context.direct.clear();
    context.callee?.hangup();
    context.callee = null;
    if (context.caller) {
      const end = session.end;
      const reason: PhoneEndReason = end?.cause === 'hangup' && end.side === 'user' ? 'hangup' : 'remoteHangup';
      context.caller.ended(reason, end?.cause === 'hangup' && end.reason ? end.reason : '');
      context.caller = null;
    }
    const recording = context.recording;
    const stopped = recording ? (context.recordingStopped ?? this.finishRecording(recording)) : Promise.resolve(false);
    const write = (async () => {
      const recorded = await stopped;
      const record = { ...buildTelCdr(session, recorded ? { recordId: session.sessionId } : {}), SessionId: session.sessionId };
      const added = this.options.store.callRecords.add(context.sdkAppId, record);
      // In the same turn as the record's write: what listeners write (the push outbox) commits with it.
      this.events.emit('recordWritten', { sdkAppId: context.sdkAppId, record, recorded });
      await added;
      await this.options.store.callJournal.delete(session.sessionId);
    })()
      .catch((err: unknown) => this.options.log.error({ err, sessionId: session.sessionId }, 'writing a call record failed'))
      .finally(() => this.writes.delete(write));
    this.writes.add(write);
  }

  // ── Inbound routing ──────────────────────────────────────────────────────

  /** Runs the number's IVR flow for the caller, or (`survey`) its satisfaction survey after the conversation. */
  private startIvr(context: CallContext, mode: 'flow' | 'survey'): void {
    const { sessionId } = context;
    if (!context.flow) return;
    const { flow, prompts } = context.flow;
    if (mode === 'flow') this.post({ kind: 'session', sessionId, event: { type: 'ivrStarted' } });
    const ivr = new IvrSession({ sessionId, flow, mode, clock: this.options.clock });
    const run = new IvrRun(ivr, (id) => prompts.get(id), {
      playFile: (path) => {
        const started = this.legs.playSource(context.customerLeg, { kind: 'file', path });
        started?.catch((err: unknown) => {
          this.options.log.warn({ err, path }, 'an IVR prompt could not be played');
          this.turn('prompt failed', () => run.promptEnded(true));
        });
      },
      stopFile: () => this.legs.stopSource(context.customerLeg),
      schedule: (timerId, at) => this.timers.schedule(timerId, at, () => this.turn('ivr timer', () => run.handle({ type: 'timerFired', timerId }))),
      cancelTimer: (timerId) => this.timers.cancel(timerId),
      keyPressed: (record, step) => {
        if (mode === 'flow') context.ivrPath.push(step);
        this.post({ kind: 'session', sessionId, event: { type: 'ivrKey', key: record.Key, label: record.Label, nodeLabel: record.NodeLabel } });
      },
      queue: (skillGroupId) => {
        void this.directory.ensureGroup(context.sdkAppId, skillGroupId).then(
          () => this.turn('ivr queued', () => this.enqueue(context, skillGroupId)),
          (err: unknown) => {
            this.options.log.error({ err }, 'loading a skill group failed');
            this.turn('ivr queue failed', () => this.post({ kind: 'session', sessionId, event: { type: 'hangup', side: 'system', reason: 'noSuchGroup' } }));
          },
        );
      },
      hangup: (reason) => this.post({ kind: 'session', sessionId, event: { type: 'hangup', side: 'system', reason: ivrReason(reason) } }),
    });
    context.ivr = run;
    run.handle({ type: 'started' });
  }

  /** Queues a call in a group whose configuration the ACD has (see `ensureGroup`). */
  private enqueue(context: CallContext, groupId: number): void {
    const session = this.calls.get(context.sessionId);
    if (!session || session.state === 'ended') return;
    const group = this.directory.groups.get(groupId);
    this.post({ kind: 'session', sessionId: context.sessionId, event: { type: 'queued', groupId, groupName: group?.name ?? '' } });
    this.enqueueAcd(context, groupId, session.caller);
  }

  private enqueueAcd(context: CallContext, groupId: number, callerNumber: string): void {
    context.inAcd = true;
    this.post({ kind: 'acd', event: { type: 'callQueued', callId: context.sessionId, groupId, callerNumber } });
  }

  // ── Outbound dialling ────────────────────────────────────────────────────

  private dial(context: CallContext, from: string, to: string): void {
    const { sessionId } = context;
    if (!this.dialer) {
      this.post({ kind: 'session', sessionId, event: { type: 'calleeFailed', failure: 'notInService' } });
      return;
    }
    let settled = false;
    context.callee = this.dialer.dial(
      { sessionId, sdkAppId: context.sdkAppId, from, to },
      {
        ringing: () => this.turn('callee ringing', () => this.post({ kind: 'session', sessionId, event: { type: 'calleeRinging' } })),
        answered: (media: CalleeMedia) => this.calleeAnswered(context, media),
        failed: (failure: CalleeFailure) => {
          if (settled) return;
          settled = true;
          this.turn('callee failed', () => {
            context.callee = null;
            this.post({ kind: 'session', sessionId, event: { type: 'calleeFailed', failure } });
          });
        },
        hungUp: () =>
          this.turn('callee hung up', () => {
            context.callee = null;
            this.post({ kind: 'session', sessionId, event: { type: 'hangup', side: 'user' } });
          }),
      },
    );
  }

  private async calleeAnswered(context: CallContext, media: CalleeMedia): Promise<LegReady | null> {
    let ready: LegReady | null = null;
    if (media.kind === 'leg') {
      ready = await this.legs.attach(context.customerLeg, media.params);
    } else {
      // A scripted callee: a leg with no audio of its own, whose voice the agent hears once bridged.
      this.legs.setVoice(context.customerLeg, media.voice);
    }
    this.turn('callee answered', () => this.post({ kind: 'session', sessionId: context.sessionId, event: { type: 'calleeAnswered' } }));
    return ready;
  }

  /** The number an outbound call shows: one asked for (if the instance owns it), else one bound to the agent's groups, else the instance's first. */
  private async callerNumber(agent: AgentRef, wanted: string[], groupId?: number): Promise<string> {
    const owned = (await this.options.store.numbers.list(agent.sdkAppId, { limit: 10_000, offset: 0 })).items.filter((n) => n.state === 'enabled');
    for (const raw of wanted) {
      const parsed = parseInstanceNumber(raw);
      const match = parsed.ok ? owned.find((n) => n.number === parsed.number) : undefined;
      if (match) return match.number;
    }
    if (wanted.length > 0) throw new CallControlError('noCallerNumber', `None of ${wanted.join(', ')} is a number of this instance.`);
    const groups = groupId !== undefined ? [groupId] : ((await this.options.store.staff.memberships(agent.sdkAppId, [agent.mail])).get(agent.mail.toLowerCase()) ?? []).map((m) => m.skillGroupId);
    const bound = owned.find((n) => n.callOutSkillGroupIds.some((id) => groups.includes(id)));
    const chosen = bound ?? owned[0];
    if (!chosen) throw new CallControlError('noCallerNumber', 'The instance has no number to call out with; add one with `openccc number add`.');
    return chosen.number;
  }

  // ── Agents outside the queues ────────────────────────────────────────────

  /** Takes an agent for a call they place themselves (reserved for it at once, so that a second request cannot start another); returns the status to go back to. */
  private takeForOwnCall(agent: AgentRef, sessionId: string): Before {
    const agentId = agentIdOf(agent);
    const status = this.options.presence.statusOf(agent.sdkAppId, agent.mail);
    if (status === 'offline') throw new CallControlError('notInControlState', 'The agent is offline: go online first.');
    if (status === 'busy') throw new CallControlError('notInControlState', 'The agent is already in a call.');
    const reservation = this.acd.reservationOf(agentId);
    if (reservation && (reservation.offer !== null || reservation.sessions.length > 0)) throw new CallControlError('notInControlState', 'A call is ringing for the agent.');
    if (!this.options.sessions.reserve(agent, sessionId)) throw new CallControlError('notInControlState', 'The agent is already in a call.');
    this.turn('agent busy', () => this.post({ kind: 'acd', event: { type: 'agentStatus', agentId, status: 'busy' } }));
    this.recordStatus(agent, 'busy', '');
    return { status, reason: this.options.presence.get(agent.sdkAppId, agent.mail)?.reason ?? '' };
  }

  private releaseOwnCall(agent: AgentRef, before: Before, sessionId: string): void {
    this.releaseDirect(agent, before, sessionId);
  }

  /** Reserves a signed-in, available agent to be rung outside the queues. */
  private async reserveDirect(sdkAppId: number, mail: string, sessionId: string): Promise<{ info: AgentInfo; before: Before }> {
    const ref = { sdkAppId, mail };
    const info = await this.directory.agentInfo(ref);
    if (!info) throw new CallControlError('agentNotFound', `There is no agent ${mail}.`);
    if (!this.options.sessions.isSignedIn(ref)) throw new CallControlError('agentOffline', `${mail} is not signed in.`);
    const status = this.options.presence.statusOf(sdkAppId, mail);
    if (status !== 'free') throw new CallControlError(status === 'offline' ? 'agentOffline' : 'agentBusy', `${mail} is ${status}.`);
    const reservation = this.acd.reservationOf(info.agentId);
    if (reservation && (reservation.offer !== null || reservation.sessions.length > 0 || reservation.phase !== 'idle')) throw new CallControlError('agentBusy', `${mail} is taken by another call.`);
    if (!this.options.sessions.reserve(ref, sessionId)) throw new CallControlError('agentBusy', `${mail} is taken by another call.`);
    this.turn('agent busy', () => this.post({ kind: 'acd', event: { type: 'agentStatus', agentId: info.agentId, status: 'busy' } }));
    this.recordStatus(ref, 'busy', sessionId);
    return { info, before: { status, reason: '' } };
  }

  /** An agent's direct call is over: back to the status they had (free after a call they were rung for). */
  private releaseDirect(agent: AgentRef, before: Before, sessionId: string): void {
    if (sessionId) this.options.sessions.release(agent, sessionId);
    const back: StaffStatus = before.status === 'rest' || before.status === 'notReady' || before.status === 'afterCallWork' ? before.status : 'free';
    void this.options.status
      .change(agent.sdkAppId, agent.mail, (current) => (current?.status === 'busy' ? { status: back, reason: back === 'rest' ? before.reason : '' } : null))
      .catch((err: unknown) => this.options.log.warn({ err }, 'recording the end of a call failed'));
  }


  private directRingTimer(context: CallContext, agentId: AgentId, timeoutMs: number): void {
    if (timeoutMs <= 0) return;
    this.timers.schedule(directTimerId(context.sessionId, agentId), this.options.clock() + timeoutMs, () =>
      this.post({ kind: 'session', sessionId: context.sessionId, event: { type: 'offerTimedOut', agentIds: [agentId] } }),
    );
  }

  private settleAccept(context: CallContext | undefined, agentId: AgentId, error: CallControlError | null): void {
    const waiter = context?.accepts.get(agentId);
    if (!waiter || !context) return;
    context.accepts.delete(agentId);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  // ── Recording ────────────────────────────────────────────────────────────

  private startRecording(context: CallContext, legIds: [LegId, LegId]): void {
    const customer = legIds.includes(context.customerLeg) ? context.customerLeg : null;
    const agentLeg = legIds.find((id) => id !== context.customerLeg);
    const kind = agentLeg === undefined ? undefined : this.legs.get(agentLeg)?.kind;
    if (!customer || !agentLeg || (kind !== 'webrtc' && kind !== 'rtp')) return;
    if (context.recording) {
      if (!context.recording.agents.has(agentLeg)) {
        context.recording.agents.add(agentLeg);
        const media = this.legs.mediaOf(agentLeg);
        if (media) {
          context.recording.started
            .then((id) => (id ? this.options.media.addToRecording(id, media, 1) : null))
            .catch((err: unknown) => this.options.log.warn({ err }, 'adding a leg to a recording failed'));
        }
      }
      return;
    }
    const path = recordingPath(this.options.dataDir, recordingRef(context.sdkAppId, context.sessionId, Math.floor(context.startedAt / 1000)));
    const recording = { id: '', path, agents: new Set([agentLeg]), started: Promise.resolve<RecordingId | null>(null) };
    recording.started = this.legs.record(customer, agentLeg, path).then(
      (id) => {
        if (id !== null) recording.id = id;
        return id;
      },
      (err: unknown) => {
        this.options.log.warn({ err }, 'a recording could not start');
        return null;
      },
    );
    context.recording = recording;
  }

  /** Stops a call's recording once it has started (a call may end before its recording's start is confirmed). */
  private finishRecording(recording: NonNullable<CallContext['recording']>): Promise<boolean> {
    // Known already: stopped now, so the stop reaches the worker before the legs' destruction that follows.
    if (recording.id) return this.stopRecording(recording.id);
    return recording.started.then((id) => (id ? this.stopRecording(id) : false));
  }

  private stopRecording(id: RecordingId): Promise<boolean> {
    if (!id) return Promise.resolve(false);
    return this.options.media.stopRecord(id).then(
      () => true,
      (err: unknown) => {
        this.options.log.warn({ err }, 'a recording could not be finished');
        return false;
      },
    );
  }

  // ── Directory: groups, memberships, agents ───────────────────────────────

  private subscribe(): void {
    const { presence, sessions, media } = this.options;
    const onChanged = (sdkAppId: number, mail: string, entry: { status: StaffStatus }) => {
      const agentId = agentIdOf({ sdkAppId, mail });
      if (entry.status === 'offline') {
        this.turn('agent offline', () => this.post({ kind: 'acd', event: { type: 'agentStatus', agentId, status: 'offline' } }));
        return;
      }
      if (!this.directory.agents.has(agentId)) {
        this.directory.loadAgent({ sdkAppId, mail }).catch((err: unknown) => this.options.log.warn({ err }, 'loading an agent for the ACD failed'));
        return;
      }
      this.turn('agent status', () => this.post({ kind: 'acd', event: { type: 'agentStatus', agentId, status: entry.status } }));
    };
    presence.on('changed', onChanged);
    this.unsubscribe.push(() => presence.off('changed', onChanged));
    const onConnected = (connection: { agent: AgentRef }) => {
      this.directory.loadAgent(connection.agent).catch((err: unknown) => this.options.log.warn({ err }, 'loading an agent for the ACD failed'));
    };
    sessions.on('connected', onConnected);
    this.unsubscribe.push(() => sessions.off('connected', onConnected));
    // The agent's workbench is gone for good (grace over, signed out): their calls cannot go on.
    const onEnded = (agent: AgentRef, reason: string) => {
      if (reason !== 'shutdown') this.turn('agent gone', () => this.agentGone(agentIdOf(agent)));
    };
    sessions.on('ended', onEnded);
    this.unsubscribe.push(() => sessions.off('ended', onEnded));
    this.unsubscribe.push(
      media.on('dtmf', (event) => {
        const leg = this.legs.fromMedia(event.leg);
        const context = leg && this.contexts.get(leg.sessionId);
        if (leg && context?.ivr && !context.ivr.done && leg.id === context.customerLeg) this.turn('dtmf', () => context.ivr?.handle({ type: 'dtmf', digit: event.digit }));
      }),
      media.on('playDone', (event) => {
        const leg = this.legs.fromMedia(event.leg);
        const context = leg && this.contexts.get(leg.sessionId);
        if (leg && context?.ivr && !context.ivr.done && leg.id === context.customerLeg) this.turn('prompt done', () => context.ivr?.promptEnded(event.reason === 'finished'));
      }),
      media.on('mediaTimeout', (event) => this.legLost(event.leg, 'timeout')),
      media.on('legClosed', (event) => {
        if (event.reason !== 'destroyed' && event.reason !== 'planeClosed') this.legLost(event.leg, 'closed');
      }),
    );
  }

  /** Ends the agent's part in every call: a call they talk in fails (211), a ring for them stops. */
  private agentGone(agentId: AgentId): void {
    for (const session of this.calls.live()) {
      const context = this.contexts.get(session.sessionId);
      const part = session.participants.findLast((p) => p.agent.agentId === agentId && (p.outcome === 'ringing' || p.outcome === 'serving'));
      if (!context || !part) continue;
      const { sessionId } = session;
      if (part.outcome === 'serving') this.post({ kind: 'session', sessionId, event: { type: 'clientFailed', side: 'seat', failure: 'clientError' } });
      // A ring from a queue is withdrawn by the ACD when the agent goes offline.
      else if (context.direct.has(agentId) || !context.inAcd) this.post({ kind: 'session', sessionId, event: { type: 'offerCancelled', agentIds: [agentId], reason: 'agentGone' } });
    }
  }

  private legLost(mediaLeg: string, how: 'timeout' | 'closed'): void {
    const leg = this.legs.fromMedia(mediaLeg);
    if (!leg) return;
    if (how === 'closed') this.legs.lost(mediaLeg);
    const context = this.contexts.get(leg.sessionId);
    const session = this.calls.get(leg.sessionId);
    if (!context || !session) return;
    const side = leg.id === context.customerLeg ? 'user' : 'seat';
    if (side === 'seat') {
      // An agent who already left (a transfer, the survey) takes the call down with nothing.
      const participant = session.participants.find((p) => p.legId === leg.id);
      if (!participant || (participant.outcome !== 'serving' && participant.outcome !== 'ringing')) return;
    }
    this.options.log.warn({ sessionId: leg.sessionId, side, how }, 'a call leg lost its audio');
    this.turn('leg lost', () =>
      this.post({
        kind: 'session',
        sessionId: leg.sessionId,
        event: how === 'timeout' ? { type: 'mediaTimeout', side } : side === 'user' ? { type: 'hangup', side: 'user' } : { type: 'clientFailed', side: 'seat', failure: 'clientError' },
      }),
    );
  }

  /** Staff's skill groups changed (API, console): the ACD gets the online ones' new memberships now. */
  membershipsChanged(sdkAppId: number, mails: string[]): void {
    this.directory.membershipsChanged(sdkAppId, mails);
  }

  /** A skill group changed or was deleted: the ACD gets it now, if it uses it. */
  groupChanged(sdkAppId: number, groupId: number): void {
    this.directory.groupChanged(sdkAppId, groupId);
  }

  private async promptPaths(sdkAppId: number, flow: IvrFlow): Promise<Map<string, string>> {
    const ids = new Set(ivrReferences(flow).prompts.map((ref) => ref.value));
    const paths = new Map<string, string>();
    const uploaded: number[] = [];
    for (const id of ids) {
      const entry = this.options.prompts.get(id);
      if (entry) paths.set(id, entry.path);
      else if (id.startsWith('uploaded/')) uploaded.push(Number(id.slice('uploaded/'.length)));
    }
    if (uploaded.length > 0) {
      const found = await this.options.store.prompts.list(sdkAppId, { ids: uploaded, limit: uploaded.length, offset: 0 });
      for (const prompt of found.items) paths.set(`uploaded/${prompt.id}`, join(this.options.uploadedPromptFolder, prompt.storedFile));
    }
    return paths;
  }

  private requireSession(agent: AgentRef, sessionId: string): Readonly<SessionRecord> {
    const session = this.calls.get(sessionId);
    const context = this.contexts.get(sessionId);
    if (!session || !context || context.sdkAppId !== agent.sdkAppId) throw new CallControlError('sessionNotFound', `There is no session ${sessionId}.`);
    const agentId = agentIdOf(agent);
    const takesPart = session.initiator?.agentId === agentId || session.participants.some((p) => p.agent.agentId === agentId && (p.outcome === 'ringing' || p.outcome === 'serving'));
    if (!takesPart) throw new CallControlError('sessionNotFound', `The agent takes no part in session ${sessionId}.`);
    return session;
  }

  private newContext(sessionId: string, sdkAppId: number, customerLeg: LegId, now: number): CallContext {
    return {
      sessionId,
      sdkAppId,
      customerLeg,
      caller: null,
      callee: null,
      ivr: null,
      flow: null,
      ivrPath: [],
      inAcd: false,
      direct: new Map(),
      agentLegs: new Map(),
      recording: null,
      recordingStopped: null,
      accepts: new Map(),
      startedAt: now,
    };
  }

  private recordStatus(agent: AgentRef, status: StaffStatus, sessionId: string, until?: number): void {
    void this.options.status
      .change(agent.sdkAppId, agent.mail, (current) => {
        if (!current || current.status === 'offline') return null;
        return until === undefined ? { status, reason: '', sessionId } : { status, reason: '', sessionId, until };
      })
      .catch((err: unknown) => this.options.log.warn({ err, status }, 'recording an agent status failed'));
  }
}

function directTimerId(sessionId: string, agentId: AgentId): string {
  return `direct-${sessionId}-${agentId}`;
}

function systemReason(reason: HangupReason): SystemReason {
  return reason;
}

function ivrReason(reason: IvrHangupReason): SystemReason {
  return reason === 'notWorkTime' ? 'notWorkTime' : 'ivrEnd';
}

/** The session a command is for (an agent notification carries it in its payload). */
function sessionOf(command: SessionCommand): string {
  return command.type === 'notifyAgent' ? command.payload.sessionId : command.sessionId;
}

function describeWork(work: Work): string {
  return work.kind === 'acd' ? `acd ${work.event.type}` : work.kind === 'session' ? `session ${work.event.type}` : work.what;
}
