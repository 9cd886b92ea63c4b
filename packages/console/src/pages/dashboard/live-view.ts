import { DASHBOARD_STATUSES, type AgentRow, type ServerStatus, type CallsNow, type DashboardMessage, type MinuteBucket, type QueueRow, type TodayTally } from '@openccc/protocol';

/** What the page shows: the snapshot with every delta since applied. */
export interface LiveView {
  agents: ReadonlyMap<string, AgentRow>;
  queues: readonly QueueRow[];
  calls: CallsNow;
  today: TodayTally;
  minutes: ReadonlyMap<number, MinuteBucket>;
  /** Server clock minus the page's, in ms, as of the last message: durations tick on the server's time. */
  clockOffset: number;
}

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const OFFSET_SLACK_MS = 500;

/** Folds a message into the view (a snapshot replaces it); returns a new view, the old one untouched. */
export function applyMessage(view: LiveView | null, message: DashboardMessage, receivedAt: number): LiveView | null {
  const measured = message.serverTime - receivedAt;
  // Kept unless it moved noticeably: every ticking duration re-renders when it changes.
  const clockOffset = view !== null && Math.abs(view.clockOffset - measured) < OFFSET_SLACK_MS ? view.clockOffset : measured;
  if (message.type === 'snapshot') {
    return {
      agents: new Map(message.agents.map((row) => [row.mail.toLowerCase(), row])),
      queues: message.queues,
      calls: message.calls,
      today: message.today,
      minutes: pruneMinutes(new Map(message.minutes.map((bucket) => [bucket.minute, bucket])), message.serverTime),
      clockOffset,
    };
  }
  // A delta before any snapshot cannot be placed: wait for the snapshot.
  if (view === null) return null;
  let agents = view.agents;
  if (message.agents && message.agents.length > 0) {
    const next = new Map(agents);
    for (const row of message.agents) next.set(row.mail.toLowerCase(), row);
    agents = next;
  }
  let minutes = view.minutes;
  if (message.minutes && message.minutes.length > 0) {
    const next = new Map(minutes);
    for (const bucket of message.minutes) next.set(bucket.minute, bucket);
    minutes = pruneMinutes(next, message.serverTime);
  }
  return { agents, queues: message.queues ?? view.queues, calls: message.calls ?? view.calls, today: message.today ?? view.today, minutes, clockOffset };
}

function pruneMinutes(minutes: Map<number, MinuteBucket>, now: number): Map<number, MinuteBucket> {
  for (const minute of minutes.keys()) if (minute < now - HOUR_MS - MINUTE_MS) minutes.delete(minute);
  return minutes;
}

/** How many agents are in each status. */
export function statusCounts(agents: Iterable<AgentRow>): Record<ServerStatus, number> {
  const counts = Object.fromEntries(DASHBOARD_STATUSES.map((status) => [status, 0])) as Record<ServerStatus, number>;
  for (const agent of agents) counts[agent.status]++;
  return counts;
}

/** The share (0–1) of today's answered calls answered within `seconds`; null before the first answer. */
export function serviceLevel(today: TodayTally, seconds: number): number | null {
  if (today.answered === 0) return null;
  let within = 0;
  for (const [wait, calls] of today.answerWaits) if (wait <= seconds) within += calls;
  return within / today.answered;
}

/** The last hour as 60 minutes, oldest first, each with its calls (zero for a minute without any). */
export function lastHour(minutes: ReadonlyMap<number, MinuteBucket>, now: number): MinuteBucket[] {
  const current = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const hour: MinuteBucket[] = [];
  for (let minute = current - 59 * MINUTE_MS; minute <= current; minute += MINUTE_MS) {
    hour.push(minutes.get(minute) ?? { minute, answered: 0, abandoned: 0, outbound: 0 });
  }
  return hour;
}

/** The agents in list order (by name in the page's language, then mail), optionally only those in one status. */
export function agentList(agents: ReadonlyMap<string, AgentRow>, only: ServerStatus | null, locale = 'zh-CN'): AgentRow[] {
  const collator = new Intl.Collator(locale);
  const list = [...agents.values()].filter((agent) => only === null || agent.status === only);
  return list.sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.mail, b.mail));
}

/** The longest wait over every queue, as the time the oldest call entered; null when none waits. */
export function oldestWait(queues: readonly QueueRow[]): number | null {
  let oldest: number | null = null;
  for (const queue of queues) if (queue.oldestSince !== null && (oldest === null || queue.oldestSince < oldest)) oldest = queue.oldestSince;
  return oldest;
}
