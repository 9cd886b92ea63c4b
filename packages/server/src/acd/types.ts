import type { ServerStatus } from '@openccc/protocol';

/** An agent as the engine names it; opaque to the distributor (for example `sdkAppId/mail`). */
export type AgentId = string;
/** A call: the TCCC session id. */
export type CallId = string;
/** A skill group id. */
export type GroupId = number;
/** An engine timer; ids are never reused, so a late firing of a cancelled timer is recognised and ignored. */
export type TimerId = string;

/** How a group picks among its eligible agents of the best priority. */
export type RoutePolicy = 'longestIdle' | 'roundRobin' | 'fewestCallsToday' | 'ringAll';

/** What happens to a call that waited too long, or found nobody online. */
export type QueueExit = { action: 'hangup' } | { action: 'overflow'; groupId: GroupId };

/** Routing settings of one skill group. Defaults: `defaultGroupSettings`. */
export interface GroupSettings {
  policy: RoutePolicy;
  /** Offer a caller first to the agent who last served that number, if that agent is eligible. */
  usingLastSeat: boolean;
  /** Sessions one agent may serve at once from this group (TCCC MaxConcurrency; 1 for voice groups). */
  maxConcurrency: number;
  /** How long an offer rings before it moves on (`callIn`'s `timeout`); 0 = until answered. */
  ringTimeoutMs: number;
  /** Longest wait in this group's queue; 0 = no limit. */
  maxWaitMs: number;
  /** Where a call goes after `maxWaitMs`, or on arrival when no member is online. */
  onQueueExit: QueueExit;
  /** Whether a call that arrives while no member is online waits (`queue`) or leaves at once (`exit`). */
  whenNoneOnline: 'queue' | 'exit';
  /** After-call work (`arrange`) after a call served from this group; 0 = free at once. */
  wrapUpMs: number;
  /** When every eligible agent has already missed this call, wait this long before offering it to them again. */
  retryDelayMs: number;
}

export interface GroupConfig extends GroupSettings {
  groupId: GroupId;
}

/** A skill-group membership; priority 1 is offered first, 5 last. */
export interface Membership {
  groupId: GroupId;
  priority: 1 | 2 | 3 | 4 | 5;
}

/** Why an offer stopped ringing for an agent without a time-out. */
export type CancelReason = 'answeredElsewhere' | 'callGone' | 'agentGone' | 'agentUnavailable' | 'reset';

/** Why the distributor wants a call hung up. */
export type HangupReason = 'queueTimeout' | 'noSeatOnline' | 'noSuchGroup' | 'agentGone' | 'reset';

/** Why an accept was not honoured (a race, not an error: the engine tells the agent). */
export type RefusalReason = 'offerGone';

/** What the engine tells the distributor. Every event is handled with the time it happened (`now`, unix ms). */
export type AcdEvent =
  | { type: 'groupConfigured'; group: GroupConfig }
  | { type: 'groupRemoved'; groupId: GroupId }
  | { type: 'membershipChanged'; agentId: AgentId; groups: Membership[] }
  | { type: 'agentStatus'; agentId: AgentId; status: ServerStatus }
  | { type: 'agentGone'; agentId: AgentId }
  | { type: 'callQueued'; callId: CallId; groupId: GroupId; callerNumber?: string }
  | { type: 'offerAccepted'; callId: CallId; agentId: AgentId }
  | { type: 'offerDeclined'; callId: CallId; agentId: AgentId }
  | { type: 'callAbandoned'; callId: CallId }
  | { type: 'callEnded'; callId: CallId }
  | { type: 'callTransferred'; callId: CallId; groupId: GroupId }
  | { type: 'timerFired'; timerId: TimerId }
  | { type: 'reset'; ownerNode?: string }
  | { type: 'resume' };

/** What the distributor asks the engine to do, in order. */
export type AcdCommand =
  | { type: 'offer'; callId: CallId; groupId: GroupId; agentIds: AgentId[]; timeoutMs: number }
  | { type: 'autoTransfer'; callId: CallId; agentIds: AgentId[] }
  | { type: 'cancelOffer'; callId: CallId; agentIds: AgentId[]; reason: CancelReason }
  | { type: 'acceptRefused'; callId: CallId; agentId: AgentId; reason: RefusalReason }
  | { type: 'connected'; callId: CallId; agentId: AgentId; groupId: GroupId }
  | { type: 'overflow'; callId: CallId; fromGroupId: GroupId; toGroupId: GroupId }
  | { type: 'hangup'; callId: CallId; reason: HangupReason }
  | { type: 'wrapUp'; agentId: AgentId; callId: CallId; until: number }
  | { type: 'agentFree'; agentId: AgentId }
  | { type: 'schedule'; timerId: TimerId; at: number }
  | { type: 'cancelTimer'; timerId: TimerId };

export type AcdEventType = AcdEvent['type'];
export type AcdCommandType = AcdCommand['type'];

/** One move of a state machine, reported to an optional observer (the engine logs these at info). */
export type AcdTransition =
  | { machine: 'call'; id: CallId; from: string; to: string; cause: AcdEventType }
  | { machine: 'agent'; id: AgentId; from: string; to: string; cause: AcdEventType };
