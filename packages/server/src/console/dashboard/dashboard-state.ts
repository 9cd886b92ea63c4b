import type { SessionRecord } from '../../calls/types.js';
import type { StaffStatus } from '../../staff/presence.js';
import { CallTally, localStartOfDay, type TalliedRecord } from './call-tally.js';
import type { AgentRow, CallsNow, DashboardDelta, DashboardSnapshot, QueueRow } from '@openccc/protocol';

/** A staff member as the dashboard names them. */
export interface StaffName {
  mail: string;
  name: string;
  staffNumber: string;
}

/** An agent's presence as the dashboard shows it; undefined: never seen online. */
export interface AgentPresence {
  status: StaffStatus;
  reason: string;
  since: number;
}

export interface DashboardStateOptions {
  clock: () => number;
  /** Where "today" begins; default local midnight. */
  startOfDay?: (now: number) => number;
}

/**
 * One instance's dashboard, without I/O: the agent list, the queues and calls in progress, and
 * the call records' tally. Changes accumulate until `takeDelta()` hands them out as one message;
 * `snapshot()` gives the whole, for a page that has just subscribed.
 */
export class DashboardState {
  readonly tally: CallTally;
  private readonly agents = new Map<string, AgentRow>();
  private readonly changedAgents = new Set<string>();
  private groups = new Map<number, string>();
  private queues: QueueRow[] = [];
  private calls: CallsNow = { ivr: 0, queued: 0, ringing: 0, talking: 0 };
  private queuesChanged = false;
  private callsChanged = false;

  constructor(private readonly options: DashboardStateOptions) {
    this.tally = new CallTally(options.clock(), options.startOfDay ?? localStartOfDay);
  }

  /** Names a staff member (adds their row, offline, if new); returns whether the row changed. */
  nameStaff(staff: StaffName, presence?: AgentPresence): boolean {
    const key = staff.mail.toLowerCase();
    const row = this.agents.get(key);
    const live = presence !== undefined || !row ? rowPresence(presence) : { status: row.status, reason: row.reason, since: row.since };
    const next: AgentRow = { mail: staff.mail, name: staff.name, staffNumber: staff.staffNumber, ...live };
    return this.put(key, row, next);
  }

  /** Whether the dashboard knows the staff member (a presence change of a stranger needs a look-up first). */
  knows(mail: string): boolean {
    return this.agents.has(mail.toLowerCase());
  }

  /** An agent's presence changed; false when nothing the dashboard shows did. */
  setPresence(mail: string, presence: AgentPresence | undefined): boolean {
    const key = mail.toLowerCase();
    const row = this.agents.get(key);
    if (!row) return false;
    return this.put(key, row, { ...row, ...rowPresence(presence) });
  }

  /** The instance's skill groups: each has a queue row, empty or not. */
  setGroups(groups: ReadonlyArray<{ id: number; name: string }>): void {
    this.groups = new Map(groups.map((group) => [group.id, group.name]));
  }

  /** The instance's calls in progress: recomputes the queues and the counts. */
  setLive(sessions: ReadonlyArray<Readonly<SessionRecord>>): void {
    const { queues, calls } = liveFigures(sessions, this.groups);
    if (JSON.stringify(queues) !== JSON.stringify(this.queues)) {
      this.queues = queues;
      this.queuesChanged = true;
    }
    if (JSON.stringify(calls) !== JSON.stringify(this.calls)) {
      this.calls = calls;
      this.callsChanged = true;
    }
  }

  /** Counts a call record; false when it changed nothing. */
  addRecord(record: TalliedRecord): boolean {
    return this.tally.add(record, this.options.clock());
  }

  snapshot(): DashboardSnapshot {
    const now = this.options.clock();
    this.tally.roll(now);
    const agents = [...this.agents.values()].sort(byName).map((row) => ({ ...row }));
    return { type: 'snapshot', serverTime: now, agents, queues: this.queues, calls: this.calls, today: this.tally.today(), minutes: this.tally.minutes() };
  }

  /** What changed since the last delta, or null when nothing did. */
  takeDelta(): DashboardDelta | null {
    const now = this.options.clock();
    this.tally.roll(now);
    const delta: DashboardDelta = { type: 'delta', serverTime: now, ...this.tally.takeChanges() };
    if (this.changedAgents.size > 0) {
      delta.agents = [...this.changedAgents].flatMap((key) => {
        const row = this.agents.get(key);
        return row ? [{ ...row }] : [];
      });
      this.changedAgents.clear();
    }
    if (this.queuesChanged) delta.queues = this.queues;
    if (this.callsChanged) delta.calls = this.calls;
    this.queuesChanged = this.callsChanged = false;
    return Object.keys(delta).length > 2 ? delta : null;
  }

  private put(key: string, row: AgentRow | undefined, next: AgentRow): boolean {
    if (row && row.name === next.name && row.staffNumber === next.staffNumber && row.status === next.status && row.reason === next.reason && row.since === next.since) return false;
    this.agents.set(key, next);
    this.changedAgents.add(key);
    return true;
  }
}

function rowPresence(presence: AgentPresence | undefined): Pick<AgentRow, 'status' | 'reason' | 'since'> {
  if (!presence) return { status: 'offline', reason: '', since: null };
  return { status: presence.status, reason: presence.status === 'rest' ? presence.reason : '', since: presence.since };
}

function byName(a: AgentRow, b: AgentRow): number {
  return a.name.localeCompare(b.name) || a.mail.localeCompare(b.mail);
}

/** The queues (every known group, and any other a call waits in) and the inbound calls by where they are. */
export function liveFigures(sessions: ReadonlyArray<Readonly<SessionRecord>>, groups: ReadonlyMap<number, string>): { queues: QueueRow[]; calls: CallsNow } {
  const queues = new Map<number, QueueRow>();
  for (const [groupId, groupName] of groups) queues.set(groupId, { groupId, groupName, waiting: 0, oldestSince: null });
  const calls: CallsNow = { ivr: 0, queued: 0, ringing: 0, talking: 0 };
  for (const session of sessions) {
    if (session.kind !== 'inbound') continue;
    if (session.state === 'ivr' || session.state === 'created') calls.ivr++;
    else if (session.state === 'offering') calls.ringing++;
    else if (session.state === 'talking' || session.state === 'held') calls.talking++;
    else if (session.state === 'queued') {
      calls.queued++;
      const group = session.group;
      if (!group) continue;
      const queue = queues.get(group.groupId) ?? { groupId: group.groupId, groupName: group.groupName, waiting: 0, oldestSince: null };
      // A queued call has not moved since it entered the queue.
      const since = session.history.at(-1)?.at ?? session.createdAt;
      queue.waiting++;
      queue.oldestSince = queue.oldestSince === null ? since : Math.min(queue.oldestSince, since);
      queues.set(group.groupId, queue);
    }
  }
  return { queues: [...queues.values()].sort((a, b) => a.groupName.localeCompare(b.groupName) || a.groupId - b.groupId), calls };
}
