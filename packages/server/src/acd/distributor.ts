/**
 * The distributor (ACD): which agent is offered which queued call, and when.
 *
 * Design:
 * - Pure. No I/O, no timers, no clock: the engine hands in each event with the
 *   time it happened (`handle(event, now)`) and gets back the commands to carry
 *   out, in order. Timers are data: `schedule` asks the engine to call back
 *   with `timerFired` at a time, `cancelTimer` withdraws that. Timer ids are
 *   never reused, so a timer that fires after it was cancelled is ignored.
 * - Two state machines, each with one checked move function: a call's phase
 *   (`call-state.ts`) and an agent's reservation (`agent-state.ts`). An illegal
 *   move is a bug and throws `AcdStateError`. Races the engine cannot avoid
 *   (an accept just after the ring timed out, a hang-up for a call already
 *   released) are answered with commands or ignored, never thrown.
 * - Presence (free, notReady, rest, …) is the agent's choice and belongs to
 *   `staff`; the engine reports every change with `agentStatus`. Only `free`
 *   agents with no reservation are offered calls (or, in a group whose
 *   MaxConcurrency is above 1, agents serving fewer sessions than that). The
 *   distributor never sets presence itself: its commands say what happened
 *   (`connected`, `wrapUp`, `agentFree`) and the engine records the status.
 * - An agent has at most one offer ringing, whatever the number of groups.
 * - Records live behind `AcdState`; the ordered indexes that make a decision
 *   O(log n) instead of a scan (`Floor`, `floor.ts`) are derived from them and rebuilt
 *   when a distributor starts on existing state.
 * - After any failure nothing stays reserved: `agentGone` releases the agent's
 *   offer and hangs up the calls it served, `callEnded`/`callAbandoned` release
 *   the call's agents, and `reset` releases every call (of one node, or all).
 */
import { type AcdState, type AgentRecord, type CallRecord, InMemoryAcdState, type NewTimer } from './acd-state.js';
import { type AgentPhase, assertAgentMove } from './agent-state.js';
import { type CallPhase, assertCallMove } from './call-state.js';
import { DEFAULT_LAST_SEAT_CAPACITY, DEFAULT_UTC_OFFSET_MINUTES } from './defaults.js';
import { AcdStateError } from './errors.js';
import { Floor } from './floor.js';
import type {
  AcdCommand,
  AcdEvent,
  AcdEventType,
  AcdTransition,
  AgentId,
  CallId,
  CancelReason,
  GroupConfig,
  GroupId,
  HangupReason,
  Membership,
  TimerId,
} from './types.js';

export interface DistributorOptions {
  /** Where records live; a fresh in-memory state by default. */
  state: AcdState;
  /** This node's name, stored as the owner of the calls it queues. */
  nodeId: string;
  /** The time zone of "today" for fewest-calls-today, in minutes east of UTC. */
  utcOffsetMinutes: number;
  /** Called on every state-machine move; a throwing observer cannot break the distributor. */
  onTransition: (transition: AcdTransition) => void;
}

const DAY_MS = 86_400_000;

/** The distributor: feed it events, carry out its commands. */
export class Distributor {
  private readonly state: AcdState;
  private readonly nodeId: string;
  private readonly utcOffsetMs: number;
  private readonly onTransition: ((transition: AcdTransition) => void) | undefined;
  private readonly floor: Floor;
  private now = 0;
  private cause: AcdEventType = 'resume';
  private out: AcdCommand[] = [];
  private busy = false;
  /** While calls are being released in bulk, freed agents are not offered calls that are about to go too. */
  private holdOffers = false;

  constructor(options: Partial<DistributorOptions> = {}) {
    this.state = options.state ?? new InMemoryAcdState(DEFAULT_LAST_SEAT_CAPACITY);
    this.nodeId = options.nodeId ?? 'local';
    this.utcOffsetMs = (options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES) * 60_000;
    this.onTransition = options.onTransition;
    this.floor = new Floor(this.state);
    for (const group of this.state.groups()) this.floor.configure(group, this.today());
  }

  /** Applies one event at `now` (unix ms) and returns the commands for the engine, in order. */
  handle(event: AcdEvent, now: number): AcdCommand[] {
    if (this.busy) throw new AcdStateError(`Distributor.handle(${event.type}) was called from inside another event.`);
    this.busy = true;
    this.now = now;
    this.cause = event.type;
    this.out = [];
    try {
      this.apply(event);
      return this.out;
    } finally {
      this.out = [];
      this.busy = false;
    }
  }

  /** A queued call's place in its group's queue (1 = next), for prompts; undefined when it is not waiting. */
  queuePosition(callId: CallId): number | undefined {
    const call = this.state.getCall(callId);
    if (call?.phase !== 'queued') return undefined;
    const rank = this.floor.get(call.groupId)?.queue.rankOf(callId);
    return rank === undefined ? undefined : rank + 1;
  }

  /**
   * What the distributor has an agent doing. Before ringing an agent outside
   * the queues (an internal call, a transfer to them), the engine checks that
   * this is `idle` with no offer and reports the agent `busy` in the same turn.
   */
  reservationOf(agentId: AgentId): { phase: AgentPhase; presence: AgentRecord['presence']; offer: CallId | null; sessions: readonly CallId[] } | undefined {
    const agent = this.state.getAgent(agentId);
    return agent && { phase: agent.phase, presence: agent.presence, offer: agent.offer, sessions: [...agent.sessions] };
  }

  /** How many calls wait in a group's queue and how many of its agents could take one now (metrics). */
  groupLoad(groupId: GroupId): { waiting: number; eligibleAgents: number } | undefined {
    const index = this.floor.get(groupId);
    if (!index) return undefined;
    return { waiting: index.queue.size, eligibleAgents: index.levels.reduce((sum, level) => sum + level.size, 0) };
  }

  private apply(event: AcdEvent): void {
    switch (event.type) {
      case 'groupConfigured':
        return this.configureGroup(event.group);
      case 'groupRemoved':
        return this.removeGroup(event.groupId);
      case 'membershipChanged':
        return this.setMemberships(event.agentId, event.groups);
      case 'agentStatus':
        return event.status === 'offline' ? this.agentGone(this.ensureAgent(event.agentId)) : this.agentStatus(event.agentId, event.status);
      case 'agentGone':
        return this.agentGone(this.ensureAgent(event.agentId));
      case 'callQueued':
        return this.callQueued(event.callId, event.groupId, event.callerNumber ?? '');
      case 'offerAccepted':
        return this.offerAccepted(event.callId, event.agentId);
      case 'offerDeclined':
        return this.offerDeclined(event.callId, event.agentId);
      case 'callAbandoned':
      case 'callEnded': {
        const call = this.state.getCall(event.callId);
        if (call) this.finishCall(call, null, 'callGone');
        return;
      }
      case 'callTransferred':
        return this.callTransferred(event.callId, event.groupId);
      case 'timerFired':
        return this.timerFired(event.timerId);
      case 'reset':
        return this.reset(event.ownerNode);
      case 'resume':
        for (const timer of this.state.timers()) this.out.push({ type: 'schedule', timerId: timer.timerId, at: timer.at });
        return;
      default: {
        const unknown: never = event;
        throw new AcdStateError(`Unknown event ${JSON.stringify(unknown)}.`);
      }
    }
  }

  // ── Groups and members ────────────────────────────────────────────────

  private configureGroup(config: GroupConfig): void {
    const copy: GroupConfig = { ...config, onQueueExit: { ...config.onQueueExit } };
    this.state.putGroup(copy);
    const index = this.floor.configure(copy, this.today());
    // Settings may have made agents eligible: offer them the calls waiting here.
    for (const callId of index.queue.values()) {
      if (!index.hasEligible()) return;
      const call = this.state.getCall(callId);
      if (call?.phase === 'queued') this.dispatch(call);
    }
  }

  private removeGroup(groupId: GroupId): void {
    this.state.deleteGroup(groupId);
    if (!this.floor.remove(groupId)) return;
    this.releaseCalls((call) => call.groupId === groupId && call.phase !== 'connected', 'noSuchGroup', 'callGone');
  }

  /** Finishes the calls `which` selects; the agents they free are offered other calls only afterwards. */
  private releaseCalls(which: (call: CallRecord) => boolean, hangup: HangupReason, cancelReason: CancelReason): void {
    const freed = new Set<AgentId>();
    this.holdOffers = true;
    try {
      for (const call of [...this.state.calls()]) {
        if (!which(call)) continue;
        for (const agentId of call.offeredTo) freed.add(agentId);
        if (call.servedBy !== null) freed.add(call.servedBy);
        this.finishCall(call, hangup, cancelReason);
      }
    } finally {
      this.holdOffers = false;
    }
    for (const agentId of freed) {
      const agent = this.state.getAgent(agentId);
      if (agent) this.serveWaiting(agent);
    }
  }

  private setMemberships(agentId: AgentId, groups: Membership[]): void {
    for (const m of groups) {
      if (![1, 2, 3, 4, 5].includes(m.priority)) throw new AcdStateError(`Agent ${agentId}'s priority in group ${m.groupId} is ${m.priority}; convert stored priorities with toPriority.`);
    }
    const agent = this.ensureAgent(agentId);
    this.floor.leave(agent);
    const byGroup = new Map(groups.map((m) => [m.groupId, { groupId: m.groupId, priority: m.priority }]));
    agent.groups = [...byGroup.values()];
    this.floor.countOnline(agent, +1);
    this.floor.refresh(agent);
    this.state.putAgent(agent);
    this.serveWaiting(agent);
  }

  // ── Agents ────────────────────────────────────────────────────────────

  private ensureAgent(agentId: AgentId): AgentRecord {
    const existing = this.state.getAgent(agentId);
    if (existing) return existing;
    const agent: AgentRecord = {
      agentId,
      seq: this.state.nextSeq(),
      presence: 'offline',
      phase: 'idle',
      offer: null,
      sessions: [],
      idleSince: this.now,
      callsToday: 0,
      callsDay: this.today(),
      wrapUpTimer: null,
      groups: [],
    };
    this.state.putAgent(agent);
    return agent;
  }

  private agentStatus(agentId: AgentId, status: Exclude<AgentRecord['presence'], 'offline'>): void {
    const agent = this.ensureAgent(agentId);
    const before = agent.presence;
    agent.presence = status;
    if (before === 'offline') this.floor.countOnline(agent, +1);
    let withdrawn: CallRecord | undefined;
    if (agent.offer !== null && !(status === 'free' || (status === 'busy' && agent.sessions.length > 0))) {
      withdrawn = this.state.getCall(agent.offer);
      this.out.push({ type: 'cancelOffer', callId: agent.offer, agentIds: [agentId], reason: 'agentUnavailable' });
      if (withdrawn) this.withdraw(agent, withdrawn);
    }
    if (status === 'free' && agent.phase === 'wrapUp') {
      this.cancelTimer(agent.wrapUpTimer);
      agent.wrapUpTimer = null;
      this.moveAgent(agent, 'idle');
    }
    if (status === 'free' && before !== 'free' && agent.phase === 'idle') agent.idleSince = this.now;
    this.floor.refresh(agent);
    this.state.putAgent(agent);
    if (withdrawn && withdrawn.offeredTo.length === 0) this.backToQueue(withdrawn);
    this.serveWaiting(agent);
  }

  /** The agent disconnected, crashed or went offline: nothing of theirs may stay reserved. */
  private agentGone(agent: AgentRecord): void {
    if (agent.presence !== 'offline') this.floor.countOnline(agent, -1);
    agent.presence = 'offline';
    let withdrawn: CallRecord | undefined;
    if (agent.offer !== null) {
      withdrawn = this.state.getCall(agent.offer);
      this.out.push({ type: 'cancelOffer', callId: agent.offer, agentIds: [agent.agentId], reason: 'agentGone' });
      if (withdrawn) {
        this.withdraw(agent, withdrawn);
      } else {
        agent.offer = null;
        this.moveAgent(agent, agent.phase === 'servingOffered' ? 'serving' : 'idle');
      }
    }
    for (const callId of [...agent.sessions]) {
      const call = this.state.getCall(callId);
      if (call) this.finishCall(call, 'agentGone', 'agentGone');
    }
    if (agent.phase === 'wrapUp') {
      this.cancelTimer(agent.wrapUpTimer);
      agent.wrapUpTimer = null;
      this.moveAgent(agent, 'idle');
    }
    this.floor.refresh(agent);
    this.state.putAgent(agent);
    if (withdrawn && withdrawn.offeredTo.length === 0) this.backToQueue(withdrawn);
  }

  /** Offers the agent the oldest waiting call they can take, across their groups, for as long as they stay eligible. */
  private serveWaiting(agent: AgentRecord): void {
    if (this.holdOffers) return;
    for (;;) {
      const call = this.floor.nextCallFor(agent);
      if (!call) return;
      this.dispatch(call);
      // Each round puts one call to ringing; stop if one did not (it cannot, but never loop on it).
      if (call.phase !== 'ringing') return;
    }
  }

  /** Ends an agent's session on a call: after-call work, or free at once. */
  private endSession(agent: AgentRecord, call: CallRecord): void {
    agent.sessions = agent.sessions.filter((id) => id !== call.callId);
    if (agent.sessions.length > 0) {
      this.moveAgent(agent, agent.phase);
    } else if (agent.phase === 'servingOffered') {
      this.moveAgent(agent, 'offered');
    } else if (agent.presence === 'offline') {
      this.moveAgent(agent, 'idle');
    } else {
      const wrapUpMs = this.state.getGroup(call.groupId)?.wrapUpMs ?? 0;
      if (wrapUpMs > 0) {
        this.moveAgent(agent, 'wrapUp');
        const until = this.now + wrapUpMs;
        this.out.push({ type: 'wrapUp', agentId: agent.agentId, callId: call.callId, until });
        agent.wrapUpTimer = this.schedule({ kind: 'wrapUp', agentId: agent.agentId, at: until });
      } else {
        this.moveAgent(agent, 'idle');
        agent.idleSince = this.now;
        this.out.push({ type: 'agentFree', agentId: agent.agentId });
      }
    }
    this.floor.refresh(agent);
    this.state.putAgent(agent);
  }

  /** The agent's offer of this call ends (it stops ringing for them). */
  private withdraw(agent: AgentRecord, call: CallRecord): void {
    call.offeredTo = call.offeredTo.filter((id) => id !== agent.agentId);
    agent.offer = null;
    this.moveAgent(agent, agent.phase === 'servingOffered' ? 'serving' : 'idle');
    this.floor.refresh(agent);
    this.state.putAgent(agent);
    this.state.putCall(call);
  }

  // ── Calls ─────────────────────────────────────────────────────────────

  private callQueued(callId: CallId, groupId: GroupId, callerNumber: string): void {
    if (this.state.getCall(callId)) throw new AcdStateError(`Call ${callId} was queued twice; use callTransferred to move a call to another group.`);
    if (!this.floor.get(groupId)) {
      this.out.push({ type: 'hangup', callId, reason: 'noSuchGroup' });
      return;
    }
    const seq = this.state.nextSeq();
    const call: CallRecord = {
      callId,
      phase: 'queued',
      groupId,
      callerNumber,
      queuedAt: this.now,
      seq,
      attempt: 0,
      offeredTo: [],
      missedBy: [],
      visited: [groupId],
      servedBy: null,
      waitExpired: false,
      ringTimer: null,
      waitTimer: null,
      retryTimer: null,
      ownerNode: this.nodeId,
    };
    assertCallMove(callId, 'new', 'queued');
    this.notify({ machine: 'call', id: callId, from: 'new', to: 'queued', cause: this.cause });
    this.state.putCall(call);
    this.enterGroup(call);
  }

  /** A call arrives in `call.groupId`: its wait starts, then it is offered or waits. */
  private enterGroup(call: CallRecord): void {
    const index = this.floor.get(call.groupId)!;
    if (index.config.maxWaitMs > 0) call.waitTimer = this.schedule({ kind: 'wait', callId: call.callId, at: this.now + index.config.maxWaitMs });
    if (index.online === 0 && index.config.whenNoneOnline === 'exit') {
      this.exitQueue(call, 'noSeatOnline');
      return;
    }
    this.dispatch(call);
  }

  /** Offers a queued call to the agent(s) its group's policy picks, or leaves it waiting. */
  private dispatch(call: CallRecord): void {
    const agents = this.floor.pick(call, this.today());
    const index = this.floor.get(call.groupId)!;
    if (agents.length === 0) {
      this.floor.enqueue(call);
      // Everyone eligible has missed this call: offer it to them again after a pause rather than never.
      if (call.missedBy.length > 0 && call.retryTimer === null && index.hasEligible()) {
        call.retryTimer = this.schedule({ kind: 'retry', callId: call.callId, at: this.now + index.config.retryDelayMs });
      }
      this.state.putCall(call);
      return;
    }
    this.floor.dequeue(call);
    this.moveCall(call, 'ringing');
    call.attempt++;
    call.offeredTo = agents;
    for (const agentId of agents) {
      const agent = this.state.getAgent(agentId)!;
      if (agent.offer !== null) throw new AcdStateError(`Agent ${agentId} was picked for call ${call.callId} while call ${agent.offer} rings for them.`);
      this.moveAgent(agent, agent.phase === 'serving' ? 'servingOffered' : 'offered');
      agent.offer = call.callId;
      this.floor.refresh(agent);
      this.state.putAgent(agent);
    }
    this.cancelTimer(call.retryTimer);
    call.retryTimer = null;
    this.out.push({ type: 'offer', callId: call.callId, groupId: call.groupId, agentIds: agents, timeoutMs: index.config.ringTimeoutMs });
    if (index.config.ringTimeoutMs > 0) call.ringTimer = this.schedule({ kind: 'ring', callId: call.callId, at: this.now + index.config.ringTimeoutMs });
    this.state.putCall(call);
  }

  /** A ringing call's offers all ended unanswered: it waits again, or leaves if its wait is over. */
  private backToQueue(call: CallRecord): void {
    this.cancelTimer(call.ringTimer);
    call.ringTimer = null;
    this.moveCall(call, 'queued');
    if (call.waitExpired) this.exitQueue(call, 'queueTimeout');
    else this.dispatch(call);
  }

  /** A queued call leaves its group: overflow to the configured group, or hang up. */
  private exitQueue(call: CallRecord, reason: 'queueTimeout' | 'noSeatOnline'): void {
    const exit = this.floor.get(call.groupId)?.config.onQueueExit;
    const to = exit?.action === 'overflow' ? exit.groupId : undefined;
    if (to === undefined || !this.floor.get(to) || call.visited.includes(to)) {
      this.finishCall(call, reason, 'callGone');
      return;
    }
    this.floor.dequeue(call);
    this.cancelTimer(call.waitTimer);
    this.cancelTimer(call.retryTimer);
    this.out.push({ type: 'overflow', callId: call.callId, fromGroupId: call.groupId, toGroupId: to });
    this.moveCall(call, 'queued');
    call.groupId = to;
    call.missedBy = [];
    call.waitExpired = false;
    call.waitTimer = null;
    call.retryTimer = null;
    call.visited.push(to);
    this.state.putCall(call);
    this.enterGroup(call);
  }

  private offerAccepted(callId: CallId, agentId: AgentId): void {
    const call = this.state.getCall(callId);
    const agent = this.state.getAgent(agentId);
    if (!call || !agent || call.phase !== 'ringing' || !call.offeredTo.includes(agentId)) {
      this.out.push({ type: 'acceptRefused', callId, agentId, reason: 'offerGone' });
      return;
    }
    const others = call.offeredTo.filter((id) => id !== agentId).map((id) => this.state.getAgent(id)!);
    if (others.length > 0) {
      this.out.push({ type: 'cancelOffer', callId, agentIds: others.map((a) => a.agentId), reason: 'answeredElsewhere' });
      for (const other of others) this.withdraw(other, call);
    }
    agent.offer = null;
    agent.sessions.push(callId);
    const today = this.today();
    agent.callsToday = agent.callsDay === today ? agent.callsToday + 1 : 1;
    agent.callsDay = today;
    this.moveAgent(agent, 'serving');
    this.floor.refresh(agent);
    this.state.putAgent(agent);
    for (const timer of [call.ringTimer, call.waitTimer, call.retryTimer]) this.cancelTimer(timer);
    call.offeredTo = [];
    call.servedBy = agentId;
    call.ringTimer = null;
    call.waitTimer = null;
    call.retryTimer = null;
    this.moveCall(call, 'connected');
    this.state.putCall(call);
    if (call.callerNumber !== '') this.state.putLastSeat(call.callerNumber, { agentId, at: this.now });
    this.out.push({ type: 'connected', callId, agentId, groupId: call.groupId });
    for (const other of others) this.serveWaiting(other);
    // In a group whose MaxConcurrency is above 1 the agent may take another session.
    this.serveWaiting(agent);
  }

  private offerDeclined(callId: CallId, agentId: AgentId): void {
    const call = this.state.getCall(callId);
    const agent = this.state.getAgent(agentId);
    if (!call || !agent || call.phase !== 'ringing' || !call.offeredTo.includes(agentId)) return;
    call.missedBy.push(agentId);
    this.withdraw(agent, call);
    if (call.offeredTo.length === 0) this.backToQueue(call);
    this.serveWaiting(agent);
  }

  private callTransferred(callId: CallId, groupId: GroupId): void {
    const call = this.state.getCall(callId);
    if (!call) return;
    if (call.phase !== 'connected') throw new AcdStateError(`Call ${callId} is ${call.phase}; only a connected call can be transferred.`);
    if (!this.floor.get(groupId)) {
      this.finishCall(call, 'noSuchGroup', 'callGone');
      return;
    }
    const agent = call.servedBy === null ? undefined : this.state.getAgent(call.servedBy);
    if (agent) this.endSession(agent, call);
    this.moveCall(call, 'queued');
    call.groupId = groupId;
    call.queuedAt = this.now;
    call.seq = this.state.nextSeq();
    call.attempt = 0;
    call.servedBy = null;
    call.visited = [groupId];
    // The transferring agent is not offered the call back while anyone else can take it.
    call.missedBy = agent ? [agent.agentId] : [];
    call.waitExpired = false;
    this.state.putCall(call);
    this.enterGroup(call);
    if (agent) this.serveWaiting(agent);
  }

  /** Ends a call wherever it is and releases everything it held; `hangup` asks the engine to hang it up. */
  private finishCall(call: CallRecord, hangup: HangupReason | null, cancelReason: CancelReason): void {
    const freed: AgentRecord[] = [];
    if (call.phase === 'queued') this.floor.dequeue(call);
    if (call.phase === 'ringing' && call.offeredTo.length > 0) {
      this.out.push({ type: 'cancelOffer', callId: call.callId, agentIds: [...call.offeredTo], reason: cancelReason });
      for (const agentId of [...call.offeredTo]) {
        const agent = this.state.getAgent(agentId)!;
        this.withdraw(agent, call);
        freed.push(agent);
      }
    }
    if (call.phase === 'connected' && call.servedBy !== null) {
      const agent = this.state.getAgent(call.servedBy);
      if (agent) {
        this.endSession(agent, call);
        freed.push(agent);
      }
    }
    for (const timer of [call.ringTimer, call.waitTimer, call.retryTimer]) this.cancelTimer(timer);
    this.moveCall(call, 'ended');
    this.state.deleteCall(call.callId);
    if (hangup) this.out.push({ type: 'hangup', callId: call.callId, reason: hangup });
    for (const agent of freed) this.serveWaiting(agent);
  }

  // ── Timers ────────────────────────────────────────────────────────────

  private timerFired(timerId: TimerId): void {
    const timer = this.state.getTimer(timerId);
    if (!timer) return;
    this.state.deleteTimer(timerId);
    if (timer.kind === 'wrapUp') {
      const agent = this.state.getAgent(timer.agentId);
      if (!agent || agent.wrapUpTimer !== timerId) return;
      agent.wrapUpTimer = null;
      this.moveAgent(agent, 'idle');
      agent.idleSince = this.now;
      this.out.push({ type: 'agentFree', agentId: agent.agentId });
      this.floor.refresh(agent);
      this.state.putAgent(agent);
      this.serveWaiting(agent);
      return;
    }
    const call = this.state.getCall(timer.callId);
    if (!call) return;
    switch (timer.kind) {
      case 'ring': {
        if (call.ringTimer !== timerId) return;
        call.ringTimer = null;
        const agents = call.offeredTo.map((id) => this.state.getAgent(id)!);
        this.out.push({ type: 'autoTransfer', callId: call.callId, agentIds: [...call.offeredTo] });
        for (const agent of agents) {
          call.missedBy.push(agent.agentId);
          this.withdraw(agent, call);
        }
        this.backToQueue(call);
        for (const agent of agents) this.serveWaiting(agent);
        return;
      }
      case 'wait':
        if (call.waitTimer !== timerId) return;
        call.waitTimer = null;
        if (call.phase === 'queued') return this.exitQueue(call, 'queueTimeout');
        // Let the ring finish: the call leaves if nobody answers it.
        call.waitExpired = true;
        this.state.putCall(call);
        return;
      case 'retry':
        if (call.retryTimer !== timerId) return;
        call.retryTimer = null;
        call.missedBy = [];
        if (call.phase === 'queued') this.dispatch(call);
        else this.state.putCall(call);
        return;
    }
  }

  private schedule(timer: NewTimer): TimerId {
    const timerId = `${timer.kind}:${this.state.nextSeq()}`;
    this.state.putTimer({ ...timer, timerId });
    this.out.push({ type: 'schedule', timerId, at: timer.at });
    return timerId;
  }

  private cancelTimer(timerId: TimerId | null): void {
    if (timerId === null || !this.state.getTimer(timerId)) return;
    this.state.deleteTimer(timerId);
    this.out.push({ type: 'cancelTimer', timerId });
  }

  // ── Recovery ──────────────────────────────────────────────────────────

  /**
   * Releases every call (or every call of one node, whose process died) with a
   * `hangup`, and with everything else: offers are cancelled, agents freed.
   * A full reset also ends after-call work and clears any reservation left.
   */
  private reset(ownerNode: string | undefined): void {
    if (ownerNode !== undefined) {
      this.releaseCalls((call) => call.ownerNode === ownerNode, 'reset', 'reset');
      return;
    }
    this.holdOffers = true;
    try {
      for (const call of [...this.state.calls()]) this.finishCall(call, 'reset', 'reset');
    } finally {
      this.holdOffers = false;
    }
    for (const agent of [...this.state.agents()]) {
      if (agent.phase === 'wrapUp') {
        this.cancelTimer(agent.wrapUpTimer);
        agent.wrapUpTimer = null;
        this.moveAgent(agent, 'idle');
        agent.idleSince = this.now;
        this.out.push({ type: 'agentFree', agentId: agent.agentId });
      } else if (agent.phase !== 'idle') {
        // A reservation without its call: only a bug or a torn shared state leaves one. Clear it.
        agent.offer = null;
        agent.sessions = [];
        this.moveAgent(agent, 'idle');
        this.out.push({ type: 'agentFree', agentId: agent.agentId });
      }
      this.floor.refresh(agent);
      this.state.putAgent(agent);
    }
    for (const timer of [...this.state.timers()]) this.cancelTimer(timer.timerId);
  }

  // ── Moves ─────────────────────────────────────────────────────────────

  private moveCall(call: CallRecord, to: CallPhase): void {
    assertCallMove(call.callId, call.phase, to);
    this.notify({ machine: 'call', id: call.callId, from: call.phase, to, cause: this.cause });
    if (to !== 'new' && to !== 'ended') call.phase = to;
  }

  private moveAgent(agent: AgentRecord, to: AgentPhase): void {
    assertAgentMove(agent.agentId, agent.phase, to);
    if (agent.phase !== to) this.notify({ machine: 'agent', id: agent.agentId, from: agent.phase, to, cause: this.cause });
    agent.phase = to;
  }

  private notify(transition: AcdTransition): void {
    if (!this.onTransition) return;
    try {
      this.onTransition(transition);
    } catch {
      // An observer's failure must not leave the distributor half-way through an event.
    }
  }

  private today(): number {
    return Math.floor((this.now + this.utcOffsetMs) / DAY_MS);
  }
}
