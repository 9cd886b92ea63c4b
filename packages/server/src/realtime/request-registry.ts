import type { RealtimeMethod } from '@openccc/protocol';
import { SdkError } from '../auth/sdk-error.js';
import type { AgentConnection } from './agent-connection.js';

/** Executes one workbench request; resolves with the reply's data or throws SdkError. */
export type RequestHandler = (connection: AgentConnection, params: Record<string, unknown>) => Promise<unknown>;

/** Where handlers are registered: the registry itself, or `AgentSessions`, which owns one. */
export interface RequestHandlers {
  /** Registers the handler of a method; a method has exactly one. */
  handle(method: RealtimeMethod, handler: RequestHandler): void;
}

/**
 * Which code answers which realtime method. `Agent.*` is registered by
 * `agent-requests.ts`; the call engine registers `Call.*`. A method nobody
 * registered is answered `invalidArgument`.
 */
export class RequestRegistry implements RequestHandlers {
  private readonly handlers = new Map<string, RequestHandler>();

  handle(method: RealtimeMethod, handler: RequestHandler): void {
    if (this.handlers.has(method)) throw new Error(`The realtime method ${method} already has a handler.`);
    this.handlers.set(method, handler);
  }

  /** Runs the handler of `method`, or refuses a method without one. */
  async dispatch(connection: AgentConnection, method: string, params: Record<string, unknown>): Promise<unknown> {
    const handler = this.handlers.get(method);
    if (!handler) throw new SdkError('invalidArgument', `Unknown method ${method}.`);
    return handler(connection, params);
  }
}
