import { agentKey, type AgentRef } from './agent-connection.js';

/**
 * Which agent is held for which call: at most one call per agent. The agent
 * sessions decide who may be reserved and release the holds of agents who go
 * away; the call engine reserves and releases.
 */
export class CallReservations {
  private readonly held = new Map<string, { agent: AgentRef; callId: string }>();

  /** Holds the agent for the call; false if it is held for another one. */
  reserve(agent: AgentRef, callId: string): boolean {
    const key = agentKey(agent);
    const current = this.held.get(key);
    if (current) return current.callId === callId;
    this.held.set(key, { agent, callId });
    return true;
  }

  /** Ends the agent's hold for this call; false if it held none for it. */
  release(agent: AgentRef, callId: string): boolean {
    const key = agentKey(agent);
    if (this.held.get(key)?.callId !== callId) return false;
    this.held.delete(key);
    return true;
  }

  /** Ends the agent's hold, whatever the call; returns what was held. */
  releaseAny(agent: AgentRef): { agent: AgentRef; callId: string } | undefined {
    const key = agentKey(agent);
    const current = this.held.get(key);
    this.held.delete(key);
    return current;
  }

  /** The call the agent is held for, if any. */
  of(agent: AgentRef): string | undefined {
    return this.held.get(agentKey(agent))?.callId;
  }

  /** Every agent held for a call. */
  agents(): AgentRef[] {
    return [...this.held.values()].map((h) => h.agent);
  }
}
