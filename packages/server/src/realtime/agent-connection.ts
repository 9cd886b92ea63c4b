import type { ServerMessage } from '@openccc/protocol';
import type { WebSocket } from 'ws';

/** One workbench's WebSocket, after it said hello with a valid ticket. */
export interface AgentConnection {
  socket: WebSocket;
  sdkAppId: number;
  mail: string;
  ticketHash: string;
  embedded: boolean;
  lastSeen: number;
  /** When the ticket was last extended (unix ms). */
  extendedAt: number;
  /** Set when the server signed this connection out; its messages are ignored from then on. */
  closed: boolean;
}

export function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

export function staffKey(sdkAppId: number, mail: string): string {
  return `${sdkAppId}/${mail.toLowerCase()}`;
}
