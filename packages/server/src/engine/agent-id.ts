import { agentKey, type AgentRef } from '../realtime/agent-connection.js';
import type { AgentId } from '../calls/types.js';

/** The id the ACD and the sessions know an agent by: `<sdkAppId>/<mail in lower case>`, as `agentKey`. */
export function agentIdOf(agent: AgentRef): AgentId {
  return agentKey(agent);
}

/** The agent an id names. */
export function agentRefOf(agentId: AgentId): AgentRef {
  const slash = agentId.indexOf('/');
  return { sdkAppId: Number(agentId.slice(0, slash)), mail: agentId.slice(slash + 1) };
}
