import type { SessionId, SessionRecord } from './types.js';

/**
 * What the Cloud API (and later the console) asks of the call engine. The
 * engine implements it; without an engine, `callsUnavailable()` refuses
 * every control with `UnsupportedOperation` and lists nothing.
 */
export interface CallControl {
  /** The instance's sessions in progress, oldest first. */
  live(sdkAppId: number): ReadonlyArray<Readonly<SessionRecord>>;
  /** One session in progress of the instance, or undefined (ended, unknown, or another instance's). */
  find(sdkAppId: number, sessionId: SessionId): Readonly<SessionRecord> | undefined;
  /** Ends a session in progress as an administrator (`HangUpCall`; EndStatus by the rules, HungUpSide system, `closeBy: admin`). */
  hangUp(sdkAppId: number, sessionId: SessionId): Promise<void>;
  /** `CreateCallOutSession`: rings the agent's workbench first, then dials the callee from the caller number chosen. */
  callOut(sdkAppId: number, request: CallOutRequest): Promise<{ sessionId: SessionId }>;
  /** `TransferToManual`: moves a call in the IVR (or a queue) into a skill group's queue. */
  transferToGroup(sdkAppId: number, sessionId: SessionId, skillGroupId: number): Promise<void>;
  /** The live figures `DescribeCallInMetrics` reports. */
  metrics(sdkAppId: number): CallInMetrics;
}

export interface CallOutRequest {
  /** The agent's mail (TCCC UserId). */
  mail: string;
  /** The number to call, as given (normalised by the engine). */
  callee: string;
  /** Caller numbers the instance owns, in order of preference; empty: the engine picks (the agent's group's number, else the instance default). */
  callers: string[];
  uui: string;
}

/** Live inbound figures, per instance, per number and per skill group (TCCC `CallInMetrics`). */
export interface CallInMetrics {
  /** Unix seconds. */
  timestamp: number;
  total: CallInCounts;
  numbers: Array<{ number: string } & CallInCounts>;
  groups: Array<{ groupId: number; groupName: string } & CallInCounts>;
}

export interface CallInCounts {
  /** Calls in the IVR. */
  ivr: number;
  /** Calls waiting in a queue. */
  queued: number;
  /** Calls ringing an agent. */
  ringing: number;
  /** Calls in conversation (or held). */
  accepted: number;
  /** Calls transferred out (to another group or agent) that are still going. */
  transferOuter: number;
  /** Seconds: the longest and the average wait of the calls now queued, ringing or in conversation. */
  maxQueueDuration: number;
  avgQueueDuration: number;
  maxRingDuration: number;
  avgRingDuration: number;
  maxAcceptDuration: number;
  avgAcceptDuration: number;
}

/** Why a control was refused; the Cloud API maps `code` to its error codes. */
export class CallControlError extends Error {
  constructor(
    readonly code: 'sessionNotFound' | 'notInControlState' | 'agentNotFound' | 'agentBusy' | 'agentOffline' | 'noCallerNumber' | 'invalidNumber' | 'groupNotFound' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'CallControlError';
  }
}

/** The control of a server that runs no call engine. */
export function callsUnavailable(): CallControl {
  const refuse = (): Promise<never> => Promise.reject(new CallControlError('unavailable', 'This OpenCCC server runs no call engine.'));
  return {
    live: () => [],
    find: () => undefined,
    hangUp: refuse,
    callOut: refuse,
    transferToGroup: refuse,
    metrics: () => ({ timestamp: 0, total: emptyCounts(), numbers: [], groups: [] }),
  };
}

export function emptyCounts(): CallInCounts {
  return { ivr: 0, queued: 0, ringing: 0, accepted: 0, transferOuter: 0, maxQueueDuration: 0, avgQueueDuration: 0, maxRingDuration: 0, avgRingDuration: 0, maxAcceptDuration: 0, avgAcceptDuration: 0 };
}
