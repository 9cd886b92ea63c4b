import { isRecord } from '../json-schemas.js';
import { SERVER_STATUSES, type ServerStatus } from '../sdk/status.js';

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
export const DASHBOARD_STATUSES: readonly ServerStatus[] = SERVER_STATUSES;

/** One staff member as the agent list shows them. */
export interface AgentRow {
  mail: string;
  name: string;
  staffNumber: string;
  status: ServerStatus;
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

/** The message in `text`, or null when it is not one the dashboard knows: a page drops it rather than trust it. */
export function parseDashboardMessage(text: string): DashboardMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || !isCount(value['serverTime'])) return null;
  const serverTime = value['serverTime'];
  if (value['type'] === 'snapshot') {
    const { agents, queues, calls, today, minutes } = value;
    if (!listOf(agents, isAgent) || !listOf(queues, isQueue) || !isCalls(calls) || !isToday(today) || !listOf(minutes, isMinute)) return null;
    return { type: 'snapshot', serverTime, agents, queues, calls, today, minutes };
  }
  if (value['type'] !== 'delta') return null;
  const delta: DashboardDelta = { type: 'delta', serverTime };
  const { agents, queues, calls, today, minutes } = value;
  if (agents !== undefined) {
    if (!listOf(agents, isAgent)) return null;
    delta.agents = agents;
  }
  if (queues !== undefined) {
    if (!listOf(queues, isQueue)) return null;
    delta.queues = queues;
  }
  if (calls !== undefined) {
    if (!isCalls(calls)) return null;
    delta.calls = calls;
  }
  if (today !== undefined) {
    if (!isToday(today)) return null;
    delta.today = today;
  }
  if (minutes !== undefined) {
    if (!listOf(minutes, isMinute)) return null;
    delta.minutes = minutes;
  }
  return delta;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function listOf<T>(value: unknown, check: (item: unknown) => item is T): value is T[] {
  return Array.isArray(value) && value.every(check);
}

function isAgentStatus(value: unknown): value is ServerStatus {
  return typeof value === 'string' && (SERVER_STATUSES as readonly string[]).includes(value);
}

function isAgent(value: unknown): value is AgentRow {
  return (
    isRecord(value) &&
    typeof value['mail'] === 'string' &&
    typeof value['name'] === 'string' &&
    typeof value['staffNumber'] === 'string' &&
    isAgentStatus(value['status']) &&
    typeof value['reason'] === 'string' &&
    (value['since'] === null || isCount(value['since']))
  );
}

function isQueue(value: unknown): value is QueueRow {
  return isRecord(value) && isCount(value['groupId']) && typeof value['groupName'] === 'string' && isCount(value['waiting']) && (value['oldestSince'] === null || isCount(value['oldestSince']));
}

function isCalls(value: unknown): value is CallsNow {
  return isRecord(value) && isCount(value['ivr']) && isCount(value['queued']) && isCount(value['ringing']) && isCount(value['talking']);
}

function isToday(value: unknown): value is TodayTally {
  return (
    isRecord(value) &&
    isCount(value['dayStart']) &&
    isCount(value['answered']) &&
    isCount(value['abandoned']) &&
    isCount(value['outbound']) &&
    listOf(value['answerWaits'], (pair): pair is [number, number] => Array.isArray(pair) && pair.length === 2 && isCount(pair[0]) && isCount(pair[1]))
  );
}

function isMinute(value: unknown): value is MinuteBucket {
  return isRecord(value) && isCount(value['minute']) && isCount(value['answered']) && isCount(value['abandoned']) && isCount(value['outbound']);
}
