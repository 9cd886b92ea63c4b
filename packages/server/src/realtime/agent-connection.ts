import type { ServerMessage } from '@openccc/protocol';

/** An agent as the realtime side names it: an instance and a staff mail. */
export interface AgentRef {
  readonly sdkAppId: number;
  readonly mail: string;
}

/** The key of an agent in maps (mails compare case-insensitively). */
export function agentKey(agent: AgentRef): string {
  return `${agent.sdkAppId}/${agent.mail.toLowerCase()}`;
}

/** How the agent sessions reach one workbench; the transport implements it over a WebSocket. */
export interface ConnectionLink {
  send(message: ServerMessage): void;
  /** Ends the connection with a close code; a peer that does not finish closing is cut off. */
  close(code: number, reason: string): void;
}

/** One signed-in workbench: a handle the transport holds and request handlers receive. */
export interface AgentConnection {
  readonly agent: AgentRef;
  readonly embedded: boolean;
}
