import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import type { ServerEvent } from '@openccc/protocol';
import type { Logger } from 'pino';
import type { AgentRef } from '../realtime/agent-connection.js';

/** A call record as stored: TCCC's `TelCdrInfo` with its session id. */
export type WrittenRecord = TelCdrInfo & { SessionId: string };

/** What the engine tells the rest of the server (data push, the live dashboard). */
export interface CallEngineEventMap {
  /**
   * A call's record is being stored (`recorded`: a recording file exists for it). Emitted in the
   * same turn as the record's write is queued, so writes a listener queues at once join the same
   * group-commit transaction: a record and its data pushes are stored together or not at all.
   */
  recordWritten: { sdkAppId: number; record: WrittenRecord; recorded: boolean };
  /** Calls of the instance moved during a turn of the engine: live figures may have changed. */
  callsChanged: { sdkAppId: number };
  /** An agent was told of a call (`callIn`, `sessionEnded`…): a desk phone bound to the agent rings or stops ringing on it. */
  agentNotified: { agent: AgentRef; sessionId: string; event: ServerEvent };
}

type Listener<K extends keyof CallEngineEventMap> = (event: CallEngineEventMap[K]) => void;

/**
 * The engine's events. A listener that throws is logged and cannot break the engine's turn or
 * the other listeners; listeners run synchronously and must hand slow work elsewhere.
 */
export class CallEngineEvents {
  private readonly listeners: { [K in keyof CallEngineEventMap]: Set<Listener<K>> } = { recordWritten: new Set(), callsChanged: new Set(), agentNotified: new Set() };

  constructor(private readonly log: Logger) {}

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof CallEngineEventMap>(type: K, listener: Listener<K>): () => void {
    const set = this.listeners[type] as Set<Listener<K>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  emit<K extends keyof CallEngineEventMap>(type: K, event: CallEngineEventMap[K]): void {
    for (const listener of this.listeners[type] as Set<Listener<K>>) {
      try {
        listener(event);
      } catch (err) {
        this.log.error({ err, event: type }, 'a call engine listener failed');
      }
    }
  }
}
