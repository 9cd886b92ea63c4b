import type { StaffStatus } from '../../staff/presence.js';

/**
 * The live dashboard's WebSocket messages, server to browser. The socket opens with one
 * `snapshot`; `delta`s follow, each carrying only what changed since the previous message.
 * Times are unix ms on the server's clock; `serverTime` lets the page correct for its own.
 */

/** Where the console's pages open the live dashboard's WebSocket. */
export const DASHBOARD_PATH = '/console/api/v1/live';

/** Close codes the page acts on: sign in again, or reconnect later. */
export const DashboardCloseCodes = {
  /** The session ended or its user may no longer read the console: sign in again. */
  sessionEnded: 4001,
  /** The page did not keep up with the updates (its send buffer filled): reconnect for a fresh snapshot. */
  tooSlow: 4008,
} as const;

/** The statuses the dashboard counts, in the order it shows them. */
export const DASHBOARD_STATUSES: readonly StaffStatus[] = ['free', 'busy', 'rest', 'notReady', 'afterCallWork', 'offline'];

/** One staff member as the agent list shows them. */
export interface AgentRow {
  mail: string;
  name: string;
  staffNumber: string;
  status: StaffStatus;
  /** The rest reason, when resting. */
  reason: string;
  /** When the current status began; null for staff never seen online since the server started. */
  since: number | null;
}

/** A skill group's queue. */
export interface QueueRow {
  groupId: number;
  groupName: string;
  /** Calls waiting in the queue now. */
  waiting: number;
  /** When the longest-waiting call entered the queue; null when none waits. */
  oldestSince: number | null;
}

/** Inbound calls in progress, by where they are. */
export interface CallsNow {
  ivr: number;
  queued: number;
  ringing: number;
  talking: number;
}

/** Today's totals, from the call records of calls that started since local midnight. */
export interface TodayTally {
  /** Local midnight that began the day counted. */
  dayStart: number;
  /** Inbound calls an agent answered. */
  answered: number;
  /** Inbound calls whose caller hung up while queued or ringing (EndStatus 103 and 104). */
  abandoned: number;
  /** Outbound calls placed. */
  outbound: number;
  /**
   * The answered calls by how long they waited for an agent (seconds from entering the queue,
   * or from the call's start when it never queued, to the answer), as [seconds, calls] pairs in
   * ascending order; waits over MAX_TRACKED_WAIT_SECONDS are counted at that value.
   */
  answerWaits: Array<[number, number]>;
}

/** Calls that started in one minute of the last hour. */
export interface MinuteBucket {
  /** The minute's start, unix ms. */
  minute: number;
  answered: number;
  abandoned: number;
  outbound: number;
}

export interface DashboardSnapshot {
  type: 'snapshot';
  serverTime: number;
  agents: AgentRow[];
  queues: QueueRow[];
  calls: CallsNow;
  today: TodayTally;
  /** The minutes of the last hour that had calls, oldest first. */
  minutes: MinuteBucket[];
}

export interface DashboardDelta {
  type: 'delta';
  serverTime: number;
  /** Staff whose row changed (or who are new). */
  agents?: AgentRow[];
  /** Every queue, when any changed. */
  queues?: QueueRow[];
  calls?: CallsNow;
  today?: TodayTally;
  /** The buckets that changed; the page drops buckets older than an hour by itself. */
  minutes?: MinuteBucket[];
}

export type DashboardMessage = DashboardSnapshot | DashboardDelta;

/** Waits longer than this are counted at this value: the page offers service-level targets up to it. */
export const MAX_TRACKED_WAIT_SECONDS = 600;
