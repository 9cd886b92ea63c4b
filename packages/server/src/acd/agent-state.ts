import { AcdStateError } from './errors.js';

/**
 * What the distributor has an agent doing. Presence (free, notReady, rest, …)
 * is the agent's own choice and lives in `staff`; this is the reservation on
 * top of it, which only the distributor changes.
 *
 *            offer                 accept
 *   idle ───────────▶ offered ──────────────▶ serving ──(last call ends)──▶ wrapUp
 *    ▲ ▲                 │                     │  ▲                            │
 *    │ └── withdrawn ────┘       offer (a group│  │accept / withdrawn          │
 *    │     (timeout, decline,    whose MaxCon- ▼  │                            │
 *    │      answered elsewhere,  currency > 1) servingOffered                  │
 *    │      call or agent gone)                                               │
 *    └──────────────── after-call work over, or the agent sets free ──────────┘
 *
 * Every reserved state may also go straight to idle when the agent is gone or
 * the distributor is reset: an agent is never left reserved after a failure.
 */
export type AgentPhase = 'idle' | 'offered' | 'serving' | 'servingOffered' | 'wrapUp';

const AGENT_MOVES: Record<AgentPhase, ReadonlySet<AgentPhase>> = {
  idle: new Set(['offered']),
  offered: new Set(['idle', 'serving']),
  serving: new Set(['servingOffered', 'serving', 'wrapUp', 'idle']),
  servingOffered: new Set(['serving', 'servingOffered', 'offered', 'idle']),
  wrapUp: new Set(['idle']),
};

/** Throws on a move the table does not allow: a bug in the distributor, never input. */
export function assertAgentMove(agentId: string, from: AgentPhase, to: AgentPhase): void {
  if (!AGENT_MOVES[from].has(to)) throw new AcdStateError(`Agent ${agentId} cannot go from ${from} to ${to}.`);
}
