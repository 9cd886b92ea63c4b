/**
 * Call sessions: what happened on each call, and what the engine must do next.
 *
 * Design:
 * - Pure. No I/O, no timers, no clock: the engine hands in each event with the
 *   time it happened (`handle(sessionId, event, now)`) and carries out the
 *   commands it gets back, in order. Session ids come from an injected
 *   generator (UUID v4 by default).
 * - One state machine (`session-state.ts`), one checked move function
 *   (`move`). Every move, and every in-place event (a key, mute, DTMF), is a
 *   timestamped history entry; the record and its EndStatus are derived from
 *   that history.
 * - The ACD decides who is offered a queued call; the engine turns its
 *   commands into session events (`offer` → `offered`, `autoTransfer` →
 *   `offerTimedOut`, `cancelOffer` → `offerCancelled`, `connected` →
 *   `agentAccepted`, `hangup` → `hangup` with side `system`). The session
 *   answers with media commands and the TCCC events the agents receive.
 * - Races the engine cannot avoid (a second hang-up, an ACD cancellation
 *   after the session ended) are ignored. Anything else out of place is a bug
 *   and throws `CallStateError`.
 * - A session is forgotten once it ends: its last command is `writeRecord`
 *   with the final record.
 */
import { randomUUID } from 'node:crypto';
import { deriveEndStatus } from './end-status.js';
import { CallStateError } from './errors.js';
import { closeByOf, customerLeg, expectedTaker, newParticipant, newSession, sessionType } from './session-record.js';
import { assertSessionMove, type SessionState } from './session-state.js';
import type {
  AgentId,
  AgentInfo,
  AgentNotifications,
  HangupSide,
  Leg,
  NewLeg,
  Participant,
  SessionCommand,
  SessionEnd,
  SessionEvent,
  SessionEventType,
  SessionId,
  SessionRecord,
  SessionSpec,
  TransferTarget,
} from './types.js';

/** One move of a session, for the engine's log (one line at info). */
export interface SessionTransition {
  sessionId: SessionId;
  from: SessionState | null;
  to: SessionState;
  event: SessionEventType | 'created';
}

export interface CallSessionsOptions {
  /** New session ids: UUID v4. */
  newId: () => string;
  /** Called on every move; a throwing observer cannot break the sessions. */
  onTransition: (transition: SessionTransition) => void;
}

/** Events that may arrive after a session ended, and are then ignored. */
const LATE_EVENTS: ReadonlySet<SessionEventType> = new Set([
  'hangup',
  'mediaTimeout',
  'clientFailed',
  'offerCancelled',
  'offerTimedOut',
  'offerDeclined',
  'nodeCrashed',
]);

/** The live call sessions of this node: open one, feed it events, carry out its commands. */
export class CallSessions {
  private readonly sessions = new Map<SessionId, SessionRecord>();
  private readonly newId: () => string;
  private readonly onTransition: ((transition: SessionTransition) => void) | undefined;
  private now = 0;
  private out: SessionCommand[] = [];
  private busy = false;

  constructor(options: Partial<CallSessionsOptions> = {}) {
    this.newId = options.newId ?? randomUUID;
    this.onTransition = options.onTransition;
  }

  /** Starts a session at `now` (unix ms); returns its id and the commands to carry out. The id is new unless the engine chose it (its legs are placed by it before the session opens). */
  open(spec: SessionSpec, now: number, id?: SessionId): { sessionId: SessionId; commands: SessionCommand[] } {
    const sessionId = id ?? this.newId();
    if (this.sessions.has(sessionId)) throw new CallStateError(`Session id ${sessionId} is already in use.`);
    const session = newSession(sessionId, spec, now);
    this.sessions.set(sessionId, session);
    this.now = now;
    this.out = [];
    this.observe({ sessionId, from: null, to: session.state, event: 'created' });
    if (spec.kind === 'internal') {
      session.participants.push(newParticipant(session, spec.agent, now, { acceptedAt: now, legId: spec.agentLeg.legId, outcome: 'serving' }));
    }
    return { sessionId, commands: this.flush() };
  }

  /**
   * Takes over a session from a snapshot (recovery, or another node's
   * journal). It is live again, as it was when the snapshot was taken.
   */
  adopt(session: SessionRecord): void {
    if (this.sessions.has(session.sessionId)) throw new CallStateError(`Session ${session.sessionId} is already live here.`);
    if (session.state === 'ended') throw new CallStateError(`Session ${session.sessionId} has ended; write its record instead of adopting it.`);
    this.sessions.set(session.sessionId, session);
  }

  /** Applies one event at `now` (unix ms) and returns the commands for the engine, in order. */
  handle(sessionId: SessionId, event: SessionEvent, now: number): SessionCommand[] {
    const session = this.sessions.get(sessionId);
    if (!session) {
      if (LATE_EVENTS.has(event.type)) return [];
      throw new CallStateError(`Session ${sessionId} is not live on this node; ${event.type} cannot be applied.`);
    }
    if (this.busy) throw new CallStateError(`CallSessions.handle(${event.type}) was called from inside another event.`);
    // A clock that steps back (NTP) must not put the history out of order.
    this.now = Math.max(now, session.history.at(-1)?.at ?? now);
    this.out = [];
    this.busy = true;
    try {
      this.apply(session, event);
      return this.flush();
    } finally {
      this.out = [];
      this.busy = false;
    }
  }

  /** A live session, read-only. */
  get(sessionId: SessionId): Readonly<SessionRecord> | undefined {
    return this.sessions.get(sessionId);
  }

  /** Every live session (for DescribePSTNActiveSessionList and the journal). */
  live(): ReadonlyArray<Readonly<SessionRecord>> {
    return [...this.sessions.values()];
  }

  private flush(): SessionCommand[] {
    const commands = this.out;
    this.out = [];
    return commands;
  }

  private apply(s: SessionRecord, event: SessionEvent): void {
    switch (event.type) {
      case 'ivrStarted':
        this.expect(s, event.type, ['created'], 'inbound');
        return this.move(s, 'ivr', event.type);
      case 'ivrKey':
        return this.ivrKey(s, event);
      case 'queued':
        return this.queued(s, event.groupId, event.groupName);
      case 'offered':
        return this.offered(s, event);
      case 'offerTimedOut':
        return this.offersEnded(s, event.type, event.agentIds, 'missed');
      case 'offerDeclined':
        return this.offersEnded(s, event.type, [event.agentId], 'declined');
      case 'offerCancelled':
        return this.offerCancelled(s, event.agentIds, event.reason);
      case 'agentAccepted':
        return this.agentAccepted(s, event.agentId, event.leg);
      case 'calleeRinging':
        this.expect(s, event.type, ['dialing'], 'outbound');
        this.out.push({ type: 'play', sessionId: s.sessionId, legId: this.agentLegOf(s, this.servingParticipant(s)).legId, media: 'ringback' });
        return this.move(s, 'calleeRinging', event.type);
      case 'calleeAnswered':
        return this.calleeAnswered(s);
      case 'calleeFailed':
        this.expect(s, event.type, ['dialing', 'calleeRinging'], 'outbound');
        return this.end(s, event.type, { at: this.now, cause: 'calleeFailed', failure: event.failure });
      case 'hold':
        return this.hold(s, event.agentId);
      case 'unhold':
        return this.unhold(s, event.agentId);
      case 'mute':
      case 'unmute':
        return this.mute(s, event.type, event.agentId);
      case 'sendDigits':
        return this.sendDigits(s, event.agentId, event.digits);
      case 'transferRequested':
        return this.transfer(s, event.agentId, event.target);
      case 'hangup':
        return this.hangup(s, event.side, event.reason ?? null);
      case 'mediaTimeout':
        return this.end(s, event.type, { at: this.now, cause: 'mediaTimeout', side: event.side });
      case 'clientFailed':
        return this.end(s, event.type, { at: this.now, cause: 'clientFailed', side: event.side, failure: event.failure });
      case 'nodeCrashed':
        return this.end(s, event.type, { at: this.now, cause: 'nodeCrashed' });
    }
  }

  // ── The one checked move ───────────────────────────────────────────────

  /** Moves the session to another state: checked against the table, recorded, observed. */
  private move(s: SessionRecord, to: SessionState, event: SessionEventType): void {
    const from = s.state;
    assertSessionMove(s.sessionId, from, to);
    s.state = to;
    s.history.push({ at: this.now, event, from, to });
    this.observe({ sessionId: s.sessionId, from, to, event });
  }

  /** Records an event that changes no state. */
  private inPlace(s: SessionRecord, event: SessionEventType): void {
    s.history.push({ at: this.now, event, from: s.state, to: s.state });
  }

  private observe(transition: SessionTransition): void {
    try {
      this.onTransition?.(transition);
    } catch {
      // An observer is for logging; its failure must not change what happens to the call.
    }
  }

  private expect(s: SessionRecord, event: SessionEventType, states: readonly SessionState[], kind?: SessionRecord['kind']): void {
    if (!states.includes(s.state)) {
      throw new CallStateError(`Session ${s.sessionId} cannot handle ${event} while ${s.state} (only while ${states.join(' or ')}).`);
    }
    if (kind !== undefined && s.kind !== kind) throw new CallStateError(`Session ${s.sessionId} is ${s.kind}; ${event} applies to ${kind} calls only.`);
  }

  // ── IVR and queue ──────────────────────────────────────────────────────

  private ivrKey(s: SessionRecord, event: Extract<SessionEvent, { type: 'ivrKey' }>): void {
    this.expect(s, event.type, ['ivr', 'survey'], 'inbound');
    const key = { key: event.key, label: event.label, nodeLabel: event.nodeLabel, at: this.now };
    (s.state === 'survey' ? s.postIvrKeys : s.ivrKeys).push(key);
    this.inPlace(s, event.type);
  }

  private queued(s: SessionRecord, groupId: number, groupName: string): void {
    this.expect(s, 'queued', ['created', 'ivr', 'queued'], 'inbound');
    const arriving = s.state !== 'queued';
    s.group = { groupId, groupName };
    s.queuedGroup ??= { groupId, groupName };
    if (arriving) this.out.push({ type: 'play', sessionId: s.sessionId, legId: customerLeg(s).legId, media: 'queueMusic' });
    this.move(s, 'queued', 'queued');
  }

  // ── Offers ─────────────────────────────────────────────────────────────

  private offered(s: SessionRecord, event: Extract<SessionEvent, { type: 'offered' }>): void {
    // An inbound call, or an outbound call transferred to a skill group, is offered from its queue;
    // a new outbound or internal call is offered straight to the agent it is for.
    const fromQueue = s.kind === 'inbound' || s.state === 'queued';
    if (fromQueue) this.expect(s, event.type, ['queued']);
    else this.expect(s, event.type, ['created']);
    if (event.agents.length === 0) throw new CallStateError(`Session ${s.sessionId} was offered to nobody.`);
    if (!fromQueue && (event.agents.length !== 1 || event.agents[0]!.agentId !== expectedTaker(s).agentId)) {
      throw new CallStateError(`Session ${s.sessionId} (${s.kind}) can only be offered to ${expectedTaker(s).agentId}.`);
    }
    const agentIds = event.agents.map((agent) => agent.agentId);
    const twice = agentIds.find((agentId, index) => agentIds.indexOf(agentId) !== index || this.ringingOf(s, agentId));
    if (twice !== undefined) throw new CallStateError(`Session ${s.sessionId} would ring ${twice} twice.`);
    s.offerSource = fromQueue ? 'queue' : 'direct';
    const group = event.groupId === undefined ? s.group : { groupId: event.groupId, groupName: event.groupName ?? '' };
    for (const agent of event.agents) this.ring(s, agent, group, event.timeoutMs);
    if (s.kind === 'internal') this.out.push({ type: 'play', sessionId: s.sessionId, legId: this.agentLegOf(s, s.participants[0]!).legId, media: 'ringback' });
    this.move(s, 'offering', event.type);
  }

  private ring(s: SessionRecord, agent: AgentInfo, group: SessionRecord['group'], timeoutMs: number): void {
    const participant = newParticipant(s, agent, this.now, { ringAt: this.now, outcome: 'ringing' });
    participant.groupId = group?.groupId ?? null;
    participant.groupName = group?.groupName ?? '';
    participant.transferFrom = s.pendingTransferFrom;
    s.participants.push(participant);
    // Until someone answers, a transfer points at the last agent it rang.
    if (s.pendingTransferFrom !== null) s.participants[s.pendingTransferFrom]!.transferTo = participant.sequence;
    this.notify(agent.agentId, 'callIn', this.callInPayload(s, agent, timeoutMs));
  }

  private callInPayload(s: SessionRecord, agent: AgentInfo, timeoutMs: number): AgentNotifications['callIn'] {
    const timeout = Math.round(timeoutMs / 1000);
    if (s.kind === 'internal') return { sessionId: s.sessionId, type: 'internal', timeout, peerUserId: s.initiator?.mail ?? '' };
    return {
      sessionId: s.sessionId,
      type: s.channel === 'voip' ? 'voip' : 'phone',
      timeout,
      calleePhoneNumber: s.callee,
      callerPhoneNumber: s.caller,
      callerLocation: '',
      remark: s.remark,
      ivrPath: s.ivrKeys.map((key) => ({ key: key.key, label: key.label })),
      protectedCaller: '',
      protectedCallee: '',
      serverType: agent.seatType,
    };
  }

  /** Offers that timed out or were declined; when none is left ringing, the call goes back to its queue or ends. */
  private offersEnded(s: SessionRecord, event: 'offerTimedOut' | 'offerDeclined', agentIds: readonly AgentId[], outcome: 'missed' | 'declined'): void {
    this.expect(s, event, ['offering']);
    const notRinging = agentIds.find((agentId) => !this.ringingOf(s, agentId));
    if (notRinging !== undefined) throw new CallStateError(`Session ${s.sessionId} is not ringing ${notRinging}; ${event} cannot apply.`);
    for (const agentId of agentIds) {
      const participant = this.ringingOf(s, agentId)!;
      participant.outcome = outcome;
      participant.endedAt = this.now;
      if (outcome === 'missed') this.notify(agentId, 'autoTransfer', { sessionId: s.sessionId });
      this.out.push({ type: 'releaseAgent', sessionId: s.sessionId, agentId, phase: 'ringing' });
    }
    this.afterOffers(s, event, outcome === 'declined');
  }

  private offerCancelled(s: SessionRecord, agentIds: readonly AgentId[], reason: string): void {
    for (const agentId of agentIds) {
      const participant = this.ringingOf(s, agentId);
      // The ACD may withdraw an offer the session already closed (the call was answered or moved on).
      if (!participant) continue;
      participant.outcome = 'withdrawn';
      participant.endedAt = this.now;
      this.notify(agentId, 'sessionEnded', { sessionId: s.sessionId, closeBy: 'timer', mainReason: reason, type: sessionType(s), duration: 0 });
      this.out.push({ type: 'releaseAgent', sessionId: s.sessionId, agentId, phase: 'ringing' });
    }
    this.inPlace(s, 'offerCancelled');
    if (reason !== 'answeredElsewhere') this.afterOffers(s, 'offerCancelled', false);
  }

  private afterOffers(s: SessionRecord, event: SessionEventType, declined: boolean): void {
    if (s.state !== 'offering' || s.participants.some((p) => p.outcome === 'ringing')) return;
    if (s.offerSource === 'queue') return this.move(s, 'queued', event);
    if (s.history.some((entry) => entry.to === 'talking')) return this.end(s, event, { at: this.now, cause: 'hangup', side: 'system', reason: 'transferFailed' });
    this.end(s, event, { at: this.now, cause: 'noAnswer', declined });
  }

  private agentAccepted(s: SessionRecord, agentId: AgentId, leg: NewLeg): void {
    if (s.state === 'created') {
      this.expect(s, 'agentAccepted', ['created'], 'outbound');
      if (agentId !== expectedTaker(s).agentId) throw new CallStateError(`Session ${s.sessionId} was placed by ${expectedTaker(s).agentId}, not ${agentId}.`);
      s.participants.push(newParticipant(s, expectedTaker(s), this.now, { outcome: 'ringing' }));
    } else {
      this.expect(s, 'agentAccepted', ['offering']);
    }
    const participant = this.ringingOf(s, agentId);
    if (!participant) throw new CallStateError(`Session ${s.sessionId} is not ringing ${agentId}; the ACD or the engine let an accept through.`);
    participant.outcome = 'serving';
    participant.acceptedAt = this.now;
    participant.legId = leg.legId;
    // An agent whose audio is an RTP leg took the call on a desk phone (a SIP extension), not in the browser.
    if (leg.kind === 'rtp') participant.agent = { ...participant.agent, seatType: 'staffExtensionSeat' };
    s.legs.push({ legId: leg.legId, kind: leg.kind, role: 'agent', agentId, muted: false, open: true });
    if (s.pendingTransferFrom !== null) {
      const from = s.participants[s.pendingTransferFrom];
      if (from) from.transferTo = participant.sequence;
      s.pendingTransferFrom = null;
    }
    // The agent of a new outbound call has answered their own leg: now the callee is dialled. Someone
    // taking over an outbound call by a transfer joins the customer, who is already on the line.
    if (s.kind === 'outbound' && !s.history.some((entry) => entry.to === 'talking')) {
      this.notify(agentId, 'callOuted', { sessionId: s.sessionId, calleePhoneNumber: s.callee, callerPhoneNumber: s.caller, protectedCallee: '', remark: s.remark });
      this.out.push({ type: 'dial', sessionId: s.sessionId, legId: customerLeg(s).legId, from: s.caller, to: s.callee });
      return this.move(s, 'dialing', 'agentAccepted');
    }
    const far = this.farLegOf(s, participant);
    this.out.push({ type: 'stopMedia', sessionId: s.sessionId, legId: far.legId });
    this.out.push({ type: 'bridge', sessionId: s.sessionId, legIds: [far.legId, leg.legId] });
    this.notify(agentId, 'userAccessed', { sessionId: s.sessionId });
    if (s.kind === 'internal') this.notify(s.participants[0]!.agent.agentId, 'userAccessed', { sessionId: s.sessionId });
    this.move(s, 'talking', 'agentAccepted');
  }

  private calleeAnswered(s: SessionRecord): void {
    this.expect(s, 'calleeAnswered', ['dialing', 'calleeRinging'], 'outbound');
    const agent = this.servingParticipant(s);
    const agentLeg = this.agentLegOf(s, agent);
    if (s.state === 'calleeRinging') this.out.push({ type: 'stopMedia', sessionId: s.sessionId, legId: agentLeg.legId });
    this.out.push({ type: 'bridge', sessionId: s.sessionId, legIds: [customerLeg(s).legId, agentLeg.legId] });
    this.notify(agent.agent.agentId, 'calloutAccepted', { sessionId: s.sessionId });
    this.move(s, 'talking', 'calleeAnswered');
  }

  // ── In a conversation ──────────────────────────────────────────────────

  private hold(s: SessionRecord, agentId: AgentId): void {
    this.expect(s, 'hold', ['talking']);
    const participant = this.servingAgent(s, agentId, 'hold');
    const far = this.farLegOf(s, participant);
    this.out.push({ type: 'unbridge', sessionId: s.sessionId, legIds: [far.legId, this.agentLegOf(s, participant).legId] });
    this.out.push({ type: 'play', sessionId: s.sessionId, legId: far.legId, media: 'holdMusic' });
    this.move(s, 'held', 'hold');
  }

  private unhold(s: SessionRecord, agentId: AgentId): void {
    this.expect(s, 'unhold', ['held']);
    const participant = this.servingAgent(s, agentId, 'unhold');
    const far = this.farLegOf(s, participant);
    this.out.push({ type: 'stopMedia', sessionId: s.sessionId, legId: far.legId });
    this.out.push({ type: 'bridge', sessionId: s.sessionId, legIds: [far.legId, this.agentLegOf(s, participant).legId] });
    this.move(s, 'talking', 'unhold');
  }

  private mute(s: SessionRecord, event: 'mute' | 'unmute', agentId: AgentId): void {
    this.expect(s, event, ['dialing', 'calleeRinging', 'talking', 'held']);
    const leg = this.agentLegOf(s, this.servingAgent(s, agentId, event));
    leg.muted = event === 'mute';
    this.out.push({ type: 'setMute', sessionId: s.sessionId, legId: leg.legId, muted: leg.muted });
    this.inPlace(s, event);
  }

  private sendDigits(s: SessionRecord, agentId: AgentId, digits: string): void {
    this.expect(s, 'sendDigits', ['dialing', 'calleeRinging', 'talking']);
    if (!/^[0-9*#A-D]+$/.test(digits)) throw new CallStateError(`Session ${s.sessionId}: DTMF digits must be 0-9, *, # or A-D; got "${digits}".`);
    const far = this.farLegOf(s, this.servingAgent(s, agentId, 'sendDigits'));
    this.out.push({ type: 'sendDigits', sessionId: s.sessionId, legId: far.legId, digits });
    this.inPlace(s, 'sendDigits');
  }

  /** Blind transfer: the agent leaves, the far side waits for the new agent or group. */
  private transfer(s: SessionRecord, agentId: AgentId, target: TransferTarget): void {
    this.expect(s, 'transferRequested', ['talking', 'held']);
    if (s.kind === 'internal') throw new CallStateError(`Session ${s.sessionId} is an internal call; only calls with a customer can be transferred.`);
    const participant = this.servingAgent(s, agentId, 'transferRequested');
    if (target.type === 'agent' && target.agent.agentId === agentId) throw new CallStateError(`Session ${s.sessionId}: ${agentId} cannot transfer a call to themselves.`);
    if (target.type === 'agent' && this.ringingOf(s, target.agent.agentId)) throw new CallStateError(`Session ${s.sessionId} is still ringing ${target.agent.agentId}; a transfer cannot ring them again.`);
    const far = customerLeg(s);
    if (s.state === 'held') this.out.push({ type: 'stopMedia', sessionId: s.sessionId, legId: far.legId });
    this.leave(s, participant, 'transferred');
    s.pendingTransferFrom = participant.sequence;
    if (target.type === 'group') {
      this.notify(agentId, 'transfer', { sessionId: s.sessionId, skillGroupId: String(target.groupId) });
      this.endFor(participant, s, 'seat', 'transfer');
      s.group = { groupId: target.groupId, groupName: target.groupName };
      s.queuedGroup ??= s.group;
      s.offerSource = 'queue';
      this.out.push({ type: 'play', sessionId: s.sessionId, legId: far.legId, media: 'queueMusic' });
      return this.move(s, 'queued', 'transferRequested');
    }
    this.notify(agentId, 'transfer', { sessionId: s.sessionId, userId: target.agent.mail });
    this.endFor(participant, s, 'seat', 'transfer');
    s.offerSource = 'direct';
    this.out.push({ type: 'play', sessionId: s.sessionId, legId: far.legId, media: 'ringback' });
    this.ring(s, target.agent, null, target.timeoutMs);
    this.move(s, 'offering', 'transferRequested');
  }

  /** An agent's part ends while the session goes on: their leg leaves the bridge and they are released. */
  private leave(s: SessionRecord, participant: Participant, outcome: 'transferred' | 'done'): void {
    const leg = this.agentLegOf(s, participant);
    if (s.state === 'talking') this.out.push({ type: 'unbridge', sessionId: s.sessionId, legIds: [customerLeg(s).legId, leg.legId] });
    leg.open = false;
    this.out.push({ type: 'closeLeg', sessionId: s.sessionId, legId: leg.legId });
    participant.outcome = outcome;
    participant.endedAt = this.now;
    this.out.push({ type: 'releaseAgent', sessionId: s.sessionId, agentId: participant.agent.agentId, phase: 'serving' });
  }

  // ── The end ────────────────────────────────────────────────────────────

  private hangup(s: SessionRecord, side: HangupSide, reason: Extract<SessionEnd, { cause: 'hangup' }>['reason']): void {
    if (side === 'seat' && s.survey && s.state === 'talking' && s.kind === 'inbound') {
      const participant = this.servingParticipant(s);
      this.leave(s, participant, 'done');
      this.endFor(participant, s, 'seat', undefined);
      s.talkEnd = { at: this.now, side };
      this.out.push({ type: 'runSurvey', sessionId: s.sessionId, legId: customerLeg(s).legId });
      return this.move(s, 'survey', 'hangup');
    }
    this.end(s, 'hangup', { at: this.now, cause: 'hangup', side, reason });
  }

  /** Ends the session: legs closed, agents told and released, the record handed over. */
  private end(s: SessionRecord, event: SessionEventType, end: SessionEnd): void {
    s.end = end;
    this.move(s, 'ended', event);
    const status = deriveEndStatus(s);
    const closeBy = closeByOf(end);
    for (const participant of s.participants) {
      if (participant.outcome !== 'ringing' && participant.outcome !== 'serving') continue;
      const phase = participant.outcome;
      participant.outcome = phase === 'ringing' ? 'endedWhileRinging' : 'done';
      participant.endedAt = this.now;
      this.endFor(participant, s, closeBy, status.endStatusString);
      this.out.push({ type: 'releaseAgent', sessionId: s.sessionId, agentId: participant.agent.agentId, phase });
    }
    for (const leg of s.legs) {
      if (!leg.open) continue;
      leg.open = false;
      this.out.push({ type: 'closeLeg', sessionId: s.sessionId, legId: leg.legId });
    }
    this.sessions.delete(s.sessionId);
    this.out.push({ type: 'writeRecord', sessionId: s.sessionId, session: s });
  }

  private endFor(participant: Participant, s: SessionRecord, closeBy: AgentNotifications['sessionEnded']['closeBy'], mainReason: string | undefined): void {
    // The conversation this agent had: from their accept, or from the callee's answer if that came later.
    const talkStart = s.history.find((entry) => entry.to === 'talking')?.at;
    const from = participant.acceptedAt === null || talkStart === undefined ? null : Math.max(participant.acceptedAt, talkStart);
    const duration = from === null ? 0 : Math.max(0, Math.floor((this.now - from) / 1000));
    const payload: AgentNotifications['sessionEnded'] = { sessionId: s.sessionId, closeBy, type: sessionType(s), duration };
    if (mainReason !== undefined) payload.mainReason = mainReason;
    this.notify(participant.agent.agentId, 'sessionEnded', payload);
  }

  // ── Lookups ────────────────────────────────────────────────────────────

  private notify<E extends keyof AgentNotifications>(agentId: AgentId, event: E, payload: AgentNotifications[E]): void {
    // TypeScript cannot see that one `E` pairs the event with its payload in the union.
    this.out.push({ type: 'notifyAgent', agentId, event, payload } as SessionCommand);
  }

  private ringingOf(s: SessionRecord, agentId: AgentId): Participant | undefined {
    return s.participants.find((p) => p.outcome === 'ringing' && p.agent.agentId === agentId);
  }

  /** The agent serving the customer (in an internal call: the one who answered). */
  private servingParticipant(s: SessionRecord): Participant {
    const serving = s.participants.filter((p) => p.outcome === 'serving');
    const participant = serving.at(-1);
    if (!participant) throw new CallStateError(`Session ${s.sessionId} has no agent serving it.`);
    return participant;
  }

  private servingAgent(s: SessionRecord, agentId: AgentId, event: SessionEventType): Participant {
    const participant = s.participants.find((p) => p.outcome === 'serving' && p.agent.agentId === agentId);
    if (!participant) throw new CallStateError(`Session ${s.sessionId}: ${agentId} is not in the conversation; ${event} cannot apply.`);
    return participant;
  }

  private agentLegOf(s: SessionRecord, participant: Participant): Leg {
    // An agent's media leg may come back with the same id when they rejoin the call: the newest one is theirs.
    const leg = s.legs.findLast((l) => l.legId === participant.legId);
    if (!leg) throw new CallStateError(`Session ${s.sessionId}: ${participant.agent.agentId} has no media leg.`);
    return leg;
  }

  /** The leg an agent talks to: the customer's, or in an internal call the other agent's. */
  private farLegOf(s: SessionRecord, participant: Participant): Leg {
    if (s.kind !== 'internal') return customerLeg(s);
    const other = s.participants.find((p) => p !== participant && p.outcome === 'serving');
    if (!other) throw new CallStateError(`Session ${s.sessionId}: ${participant.agent.agentId} has nobody to talk to.`);
    return this.agentLegOf(s, other);
  }
}
