import type { ServerStatus } from '@openccc/protocol';
import type { AgentPhase } from './agent-state.js';
import type { LiveCallPhase } from './call-state.js';
import type { AgentId, CallId, GroupConfig, GroupId, Membership, TimerId } from './types.js';

/*
 * Records are plain JSON-ready data (arrays, no Sets or Maps), so that a shared
 * implementation can store each one as a value under its key.
 */

export interface CallRecord {
  callId: CallId;
  phase: LiveCallPhase;
  /** The group whose queue the call is in, or that it was offered or connected from. */
  groupId: GroupId;
  callerNumber: string;
  /** When the call first entered a queue; orders the queues, and survives overflow. */
  queuedAt: number;
  /** A unique, increasing number that breaks ties between equal times. */
  seq: number;
  /** How many offer rounds it has had. */
  attempt: number;
  /** Agents ringing for it now. */
  offeredTo: AgentId[];
  /** Agents who missed it (declined or timed out) since its last retry; skipped while others are eligible. */
  missedBy: AgentId[];
  /** Groups it has queued in, in order; overflow never returns to one of them. */
  visited: GroupId[];
  /** The agent serving it, once connected. */
  servedBy: AgentId | null;
  /** Its maximum wait passed while it was ringing: it leaves the queue if the offer fails. */
  waitExpired: boolean;
  ringTimer: TimerId | null;
  waitTimer: TimerId | null;
  retryTimer: TimerId | null;
  /** The node that holds the call's media and session. */
  ownerNode: string;
}

export interface AgentRecord {
  agentId: AgentId;
  /** Fixed order of agents: round-robin's cycle and the last tie-breaker. */
  seq: number;
  /** Presence as the engine last reported it. */
  presence: ServerStatus;
  phase: AgentPhase;
  /** The call ringing for this agent, at most one. */
  offer: CallId | null;
  /** Calls this agent is serving (more than one only in groups with MaxConcurrency > 1). */
  sessions: CallId[];
  /** When the agent last became free of work; longest-idle offers the smallest first. */
  idleSince: number;
  /** Calls answered on `callsDay` (a day number in the configured time zone). */
  callsToday: number;
  callsDay: number;
  wrapUpTimer: TimerId | null;
  groups: Membership[];
}

export type TimerRecord =
  | { timerId: TimerId; at: number; kind: 'ring'; callId: CallId }
  | { timerId: TimerId; at: number; kind: 'wait'; callId: CallId }
  | { timerId: TimerId; at: number; kind: 'retry'; callId: CallId }
  | { timerId: TimerId; at: number; kind: 'wrapUp'; agentId: AgentId };

/** A timer before it has its id. */
export type NewTimer = { [K in TimerRecord['kind']]: Omit<Extract<TimerRecord, { kind: K }>, 'timerId'> }[TimerRecord['kind']];

export interface LastSeat {
  agentId: AgentId;
  at: number;
}

/**
 * Everything the distributor must not lose, behind one port. The distributor
 * reads a record, changes it, and writes it back with `put*` before returning
 * its commands, so an implementation may persist or replicate on `put*`.
 * The ordered indexes that make routing cheap are not here: they are derived
 * from these records and rebuilt on start.
 */
export interface AcdState {
  getCall(callId: CallId): CallRecord | undefined;
  putCall(call: CallRecord): void;
  deleteCall(callId: CallId): void;
  calls(): Iterable<CallRecord>;

  getAgent(agentId: AgentId): AgentRecord | undefined;
  putAgent(agent: AgentRecord): void;
  agents(): Iterable<AgentRecord>;

  getGroup(groupId: GroupId): GroupConfig | undefined;
  putGroup(group: GroupConfig): void;
  deleteGroup(groupId: GroupId): void;
  groups(): Iterable<GroupConfig>;

  getTimer(timerId: TimerId): TimerRecord | undefined;
  putTimer(timer: TimerRecord): void;
  deleteTimer(timerId: TimerId): void;
  timers(): Iterable<TimerRecord>;

  /** The agent who last served a caller number (UsingLastSeat). */
  getLastSeat(callerNumber: string): LastSeat | undefined;
  putLastSeat(callerNumber: string, seat: LastSeat): void;

  /** A new number, larger than every number this state has handed out (sequence of calls, agents, timers). */
  nextSeq(): number;
}

/** The single-process state: maps in memory. Last seats are bounded, least recently served forgotten first. */
export class InMemoryAcdState implements AcdState {
  private readonly callMap = new Map<CallId, CallRecord>();
  private readonly agentMap = new Map<AgentId, AgentRecord>();
  private readonly groupMap = new Map<GroupId, GroupConfig>();
  private readonly timerMap = new Map<TimerId, TimerRecord>();
  private readonly lastSeats = new Map<string, LastSeat>();
  private seq = 0;

  constructor(private readonly lastSeatCapacity: number) {}

  getCall(callId: CallId) {
    return this.callMap.get(callId);
  }
  putCall(call: CallRecord) {
    this.callMap.set(call.callId, call);
  }
  deleteCall(callId: CallId) {
    this.callMap.delete(callId);
  }
  calls() {
    return this.callMap.values();
  }

  getAgent(agentId: AgentId) {
    return this.agentMap.get(agentId);
  }
  putAgent(agent: AgentRecord) {
    this.agentMap.set(agent.agentId, agent);
  }
  agents() {
    return this.agentMap.values();
  }

  getGroup(groupId: GroupId) {
    return this.groupMap.get(groupId);
  }
  putGroup(group: GroupConfig) {
    this.groupMap.set(group.groupId, group);
  }
  deleteGroup(groupId: GroupId) {
    this.groupMap.delete(groupId);
  }
  groups() {
    return this.groupMap.values();
  }

  getTimer(timerId: TimerId) {
    return this.timerMap.get(timerId);
  }
  putTimer(timer: TimerRecord) {
    this.timerMap.set(timer.timerId, timer);
  }
  deleteTimer(timerId: TimerId) {
    this.timerMap.delete(timerId);
  }
  timers() {
    return this.timerMap.values();
  }

  getLastSeat(callerNumber: string) {
    return this.lastSeats.get(callerNumber);
  }
  putLastSeat(callerNumber: string, seat: LastSeat) {
    // Re-inserting moves the number to the end of the map's order, so the first key is the least recently served.
    this.lastSeats.delete(callerNumber);
    this.lastSeats.set(callerNumber, seat);
    if (this.lastSeats.size > this.lastSeatCapacity) {
      const oldest = this.lastSeats.keys().next();
      if (!oldest.done) this.lastSeats.delete(oldest.value);
    }
  }

  nextSeq() {
    return ++this.seq;
  }
}
