import { CallControlError, emptyCounts, type CallControl, type CallInMetrics, type CallOutRequest } from '../../calls/call-control.js';
import type { SessionId, SessionRecord } from '../../calls/types.js';

/** What a control was asked, in order, for tests to check. */
export type FakeCall =
  | { op: 'hangUp'; sdkAppId: number; sessionId: SessionId }
  | { op: 'callOut'; sdkAppId: number; request: CallOutRequest }
  | { op: 'transferToGroup'; sdkAppId: number; sessionId: SessionId; skillGroupId: number };

/**
 * A stand-in for the call engine: live sessions and metrics are set by the
 * test, controls are recorded, and `refuse` makes the next controls fail with
 * the engine's error codes.
 */
export class FakeCalls implements CallControl {
  readonly calls: FakeCall[] = [];
  readonly sessions = new Map<number, SessionRecord[]>();
  metricsOf = new Map<number, CallInMetrics>();
  refusal: CallControlError | null = null;
  nextSessionId = '00000000-0000-4000-8000-00000000a001';

  /** Puts a session in progress in the instance. */
  add(sdkAppId: number, session: SessionRecord): this {
    this.sessions.set(sdkAppId, [...(this.sessions.get(sdkAppId) ?? []), session]);
    return this;
  }

  refuse(code: CallControlError['code'], message = `refused: ${code}`): this {
    this.refusal = new CallControlError(code, message);
    return this;
  }

  live(sdkAppId: number): ReadonlyArray<Readonly<SessionRecord>> {
    return this.sessions.get(sdkAppId) ?? [];
  }

  find(sdkAppId: number, sessionId: SessionId): Readonly<SessionRecord> | undefined {
    return this.live(sdkAppId).find((s) => s.sessionId === sessionId);
  }

  hangUp(sdkAppId: number, sessionId: SessionId): Promise<void> {
    this.calls.push({ op: 'hangUp', sdkAppId, sessionId });
    if (this.refusal) return Promise.reject(this.refusal);
    if (this.find(sdkAppId, sessionId) === undefined) return Promise.reject(new CallControlError('sessionNotFound', `No session ${sessionId}.`));
    this.sessions.set(sdkAppId, (this.sessions.get(sdkAppId) ?? []).filter((s) => s.sessionId !== sessionId));
    return Promise.resolve();
  }

  callOut(sdkAppId: number, request: CallOutRequest): Promise<{ sessionId: SessionId }> {
    this.calls.push({ op: 'callOut', sdkAppId, request });
    if (this.refusal) return Promise.reject(this.refusal);
    return Promise.resolve({ sessionId: this.nextSessionId });
  }

  transferToGroup(sdkAppId: number, sessionId: SessionId, skillGroupId: number): Promise<void> {
    this.calls.push({ op: 'transferToGroup', sdkAppId, sessionId, skillGroupId });
    if (this.refusal) return Promise.reject(this.refusal);
    if (this.find(sdkAppId, sessionId) === undefined) return Promise.reject(new CallControlError('sessionNotFound', `No session ${sessionId}.`));
    return Promise.resolve();
  }

  metrics(sdkAppId: number): CallInMetrics {
    return this.metricsOf.get(sdkAppId) ?? { timestamp: 0, total: emptyCounts(), numbers: [], groups: [] };
  }
}
