import type { AgentRecord } from './acd-state.js';
import { SortedSet, type SortKey } from './sorted-set.js';
import type { AgentId, CallId, GroupConfig, RoutePolicy } from './types.js';

/**
 * The node-local, derived view of one skill group that makes a routing
 * decision cheap: per priority level, the agents who could take a call from
 * this group right now, in the order its policy offers them; and the calls
 * waiting for an agent, oldest first. Rebuilt from the records on start.
 */
export class GroupIndex {
  /** Eligible agents, by priority 1…5. */
  readonly levels: Array<SortedSet<AgentId>> = [1, 2, 3, 4, 5].map(() => new SortedSet<AgentId>());
  /** Calls queued and not ringing, by first queueing time. */
  readonly queue = new SortedSet<CallId>();
  /** Round-robin: per level, the agent sequence number offered last. */
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
