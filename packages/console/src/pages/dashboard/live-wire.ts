import { isRecord } from '../../api.js';

/**
 * The live dashboard's messages as the page receives them on `/console/api/v1/live`. They mirror
 * the server's `console/dashboard/dashboard-wire.ts`; `parseDashboardMessage` checks each one,
 * so a message of another shape is dropped rather than trusted.
 */

export const LIVE_PATH = '/console/api/v1/live';
/** Close codes the page acts on. */
export const LIVE_CLOSE_SESSION_ENDED = 4001;

export const AGENT_STATUSES = ['free', 'busy', 'rest', 'notReady', 'afterCallWork', 'offline'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface AgentRow {
  mail: string;
  name: string;
  staffNumber: string;
  status: AgentStatus;
  reason: string;
  since: number | null;
}

export interface QueueRow {
  groupId: number;
  groupName: string;
  waiting: number;
  oldestSince: number | null;
}

export interface CallsNow {
  ivr: number;
  queued: number;
  ringing: number;
  talking: number;
}

export interface TodayTally {
  dayStart: number;
  answered: number;
  abandoned: number;
  outbound: number;
  answerWaits: Array<[number, number]>;
}

export interface MinuteBucket {
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
  minutes: MinuteBucket[];
}

export interface DashboardDelta {
  type: 'delta';
  serverTime: number;
  agents?: AgentRow[];
  queues?: QueueRow[];
  calls?: CallsNow;
  today?: TodayTally;
  minutes?: MinuteBucket[];
}

export type DashboardMessage = DashboardSnapshot | DashboardDelta;

/** The message in `text`, or null when it is not one the dashboard knows. */
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

function isAgentStatus(value: unknown): value is AgentStatus {
  return typeof value === 'string' && (AGENT_STATUSES as readonly string[]).includes(value);
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
