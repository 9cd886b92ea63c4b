import type { AcdState, AgentRecord, CallRecord } from './acd-state.js';
import { AcdStateError } from './errors.js';
import { SortedSet, type SortKey } from './sorted-set.js';
import type { AgentId, CallId, GroupConfig, GroupId, RoutePolicy } from './types.js';

/**
 * The node-local, derived view of one skill group that makes a routing
 * decision cheap: per priority level, the agents who could take a call from
 * this group right now, in the order its policy offers them; and the calls
 * waiting for an agent, oldest first.
 */
export class GroupIndex {
  /** Eligible agents, by priority 1…5. */
  readonly levels: Array<SortedSet<AgentId>> = [1, 2, 3, 4, 5].map(() => new SortedSet<AgentId>());
  /** Calls queued and not ringing, by first queueing time. */
  readonly queue = new SortedSet<CallId>();
  /** Round-robin: per level, the sequence number of the agent offered last. */
  readonly cursor = [0, 0, 0, 0, 0];
  /** Members whose presence is not offline (for `whenNoneOnline`). */
  online = 0;
  /** The day the fewest-calls keys were computed for. */
  day = -1;

  constructor(public config: GroupConfig) {}

  hasEligible(): boolean {
    return this.levels.some((level) => level.size > 0);
  }

  /**
   * The agents to offer a call to under this group's policy: one agent, or all
   * of the best priority level for ring-all. Agents `skip` rejects are passed over.
   */
  pick(skip: (agentId: AgentId) => boolean): AgentId[] {
    for (let level = 0; level < 5; level++) {
      const agents = this.levels[level]!;
      if (agents.size === 0) continue;
      switch (this.config.policy) {
        case 'ringAll': {
          const all = agents.values().filter((id) => !skip(id));
          if (all.length > 0) return all;
          break;
        }
        case 'roundRobin': {
          const next = agents.firstAfter(this.cursor[level]!, skip);
          if (next !== undefined) {
            this.cursor[level] = agents.keyOf(next)![0];
            return [next];
          }
          break;
        }
        default: {
          const first = agents.first(skip);
          if (first !== undefined) return [first];
        }
      }
    }
    return [];
  }
}

/** The order a policy offers agents in, smallest key first. */
export function agentKey(policy: RoutePolicy, agent: AgentRecord, today: number): SortKey {
  switch (policy) {
    case 'roundRobin':
      return [agent.seq, 0, agent.seq];
    case 'fewestCallsToday':
      return [agent.callsDay === today ? agent.callsToday : 0, agent.idleSince, agent.seq];
    default:
      return [agent.idleSince, 0, agent.seq];
  }
}

/**
 * Every group's index, kept in step with the records by the distributor, which
 * calls `refresh` whenever an agent's eligibility may have changed and
 * `enqueue`/`dequeue` as calls wait or ring. Built from the records on start,
 * so a distributor that takes over a shared state needs nothing else.
 */
export class Floor {
  private readonly indexes = new Map<GroupId, GroupIndex>();

  constructor(private readonly state: AcdState) {}

  get(groupId: GroupId): GroupIndex | undefined {
    return this.indexes.get(groupId);
  }

  /** Adds a group, or applies new settings to it; re-sorts its agents when the order they are offered in changed. */
  configure(config: GroupConfig, today: number): GroupIndex {
    const existing = this.indexes.get(config.groupId);
    if (existing) {
      const reorder = existing.config.policy !== config.policy || existing.config.maxConcurrency !== config.maxConcurrency;
      existing.config = config;
      if (reorder) this.fillLevels(existing, today);
      return existing;
    }
    const index = new GroupIndex(config);
    this.indexes.set(config.groupId, index);
    for (const agent of this.state.agents()) {
      if (agent.presence !== 'offline' && agent.groups.some((m) => m.groupId === config.groupId)) index.online++;
    }
    for (const call of this.state.calls()) {
      if (call.groupId === config.groupId && call.phase === 'queued') this.enqueue(call);
    }
    this.fillLevels(index, today);
    return index;
  }

  remove(groupId: GroupId): boolean {
    return this.indexes.delete(groupId);
  }

  /** Whether the agent could be offered a call from this group now. */
  eligible(agent: AgentRecord, index: GroupIndex): boolean {
    if (agent.offer !== null) return false;
    if (agent.phase === 'idle') return agent.presence === 'free';
    if (agent.phase === 'serving') {
      return (agent.presence === 'free' || agent.presence === 'busy') && agent.sessions.length < index.config.maxConcurrency;
    }
    return false;
  }

  /** Puts the agent into, or takes them out of, the eligible sets of each of their groups. */
  refresh(agent: AgentRecord): void {
    for (const membership of agent.groups) {
      const index = this.indexes.get(membership.groupId);
      if (!index) continue;
      const level = index.levels[membership.priority - 1]!;
      if (this.eligible(agent, index)) level.set(agent.agentId, agentKey(index.config.policy, agent, index.day));
      else level.delete(agent.agentId);
    }
  }

  /** Takes the agent out of every group before their memberships change. */
  leave(agent: AgentRecord): void {
    this.countOnline(agent, -1);
    for (const membership of agent.groups) this.indexes.get(membership.groupId)?.levels[membership.priority - 1]!.delete(agent.agentId);
  }

  /** Counts the agent in (+1) or out (-1) of the online members of their groups; offline agents count nowhere. */
  countOnline(agent: AgentRecord, delta: 1 | -1): void {
    if (agent.presence === 'offline') return;
    for (const membership of agent.groups) {
      const index = this.indexes.get(membership.groupId);
      if (index) index.online += delta;
    }
  }

  enqueue(call: CallRecord): void {
    this.indexes.get(call.groupId)?.queue.set(call.callId, [call.queuedAt, call.seq, call.seq]);
  }

  dequeue(call: CallRecord): void {
    this.indexes.get(call.groupId)?.queue.delete(call.callId);
  }

  /** The oldest waiting call, across the agent's groups, that the agent is eligible for and has not missed. */
  nextCallFor(agent: AgentRecord): CallRecord | undefined {
    let best: CallRecord | undefined;
    for (const membership of agent.groups) {
      const index = this.indexes.get(membership.groupId);
      if (!index?.levels[membership.priority - 1]!.has(agent.agentId)) continue;
      const callId = index.queue.first((id) => this.state.getCall(id)?.missedBy.includes(agent.agentId) ?? true);
      const call = callId === undefined ? undefined : this.state.getCall(callId);
      if (call && (!best || call.queuedAt < best.queuedAt || (call.queuedAt === best.queuedAt && call.seq < best.seq))) best = call;
    }
    return best;
  }

  /** Who to offer a queued call to: its last seat when the group uses it, else the group's policy. Empty: nobody now. */
  pick(call: CallRecord, today: number): AgentId[] {
    const index = this.indexes.get(call.groupId);
    if (!index) throw new AcdStateError(`Call ${call.callId} is queued in group ${call.groupId}, which has no index.`);
    if (index.config.policy === 'fewestCallsToday' && index.day !== today) {
      index.day = today;
      for (const level of index.levels) level.rekey((id) => agentKey('fewestCallsToday', this.state.getAgent(id)!, today));
    }
    const missed = (id: AgentId) => call.missedBy.includes(id);
    if (index.config.usingLastSeat && call.callerNumber !== '') {
      const seat = this.state.getLastSeat(call.callerNumber);
      if (seat && !missed(seat.agentId) && index.levels.some((level) => level.has(seat.agentId))) return [seat.agentId];
    }
    return index.pick(missed);
  }

  private fillLevels(index: GroupIndex, today: number): void {
    for (const level of index.levels) level.clear();
    index.day = today;
    const groupId = index.config.groupId;
    for (const agent of this.state.agents()) {
      const membership = agent.groups.find((m) => m.groupId === groupId);
      if (membership && this.eligible(agent, index)) index.levels[membership.priority - 1]!.set(agent.agentId, agentKey(index.config.policy, agent, today));
    }
  }
}
