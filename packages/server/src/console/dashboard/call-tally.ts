import { END_STATUS } from '@openccc/protocol';
import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { MAX_TRACKED_WAIT_SECONDS, type MinuteBucket, type TodayTally } from '@openccc/protocol';

/** The fields of a call record the tally reads. */
export type TalliedRecord = Pick<TelCdrInfo, 'CallType' | 'StartTimestamp' | 'QueuedTimestamp' | 'AcceptTimestamp' | 'EndStatus'> & { SessionId: string };

/** What a record counts as on the dashboard; null for calls it does not count (internal calls, inbound calls that ended in the IVR). */
export type CallOutcome = { kind: 'answered'; waitSeconds: number } | { kind: 'abandoned' } | { kind: 'outbound' };

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** TCCC CallType: 1 outbound, 2 inbound phone, 3 inbound audio (VoIP). */
const OUTBOUND = 1;
const INBOUND = new Set([2, 3]);
const GAVE_UP = new Set<number>([END_STATUS.waitingGiveUp, END_STATUS.ringingGiveUp]);

/** Local midnight of the day `now` falls in, in the server's time zone. */
export function localStartOfDay(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** How the dashboard counts a call record. */
export function outcomeOf(record: TalliedRecord): CallOutcome | null {
  const type = record.CallType ?? 0;
  if (type === OUTBOUND) return { kind: 'outbound' };
  if (!INBOUND.has(type)) return null;
  const accepted = record.AcceptTimestamp ?? 0;
  if (accepted > 0) {
    const queued = record.QueuedTimestamp ?? 0;
    const waitedFrom = queued > 0 ? queued : (record.StartTimestamp ?? accepted);
    return { kind: 'answered', waitSeconds: Math.min(MAX_TRACKED_WAIT_SECONDS, Math.max(0, accepted - waitedFrom)) };
  }
  return GAVE_UP.has(record.EndStatus ?? 0) ? { kind: 'abandoned' } : null;
}

/**
 * Today's totals and the last hour's calls per minute, from call records: read once when the
 * dashboard opens, then kept up to date record by record. Calls count on the day and in the
 * minute they started (the records' StartTimestamp), as the stored records are queried.
 * A record written twice (recovery may do so) counts once.
 */
export class CallTally {
  private dayStart: number;
  private answered = 0;
  private abandoned = 0;
  private outbound = 0;
  private readonly waits = new Map<number, number>();
  private readonly buckets = new Map<number, MinuteBucket>();
  /** Counted sessions, with the unix ms their call started, for as long as a window holds them. */
  private readonly counted = new Map<string, number>();
  private todayChanged = false;
  private readonly changedMinutes = new Set<number>();

  constructor(
    now: number,
    private readonly startOfDay: (now: number) => number = localStartOfDay,
  ) {
    this.dayStart = startOfDay(now);
  }

  /** The earliest start (unix ms) of a record the tally may still count at `now`. */
  windowStart(now: number): number {
    return Math.min(this.startOfDay(now), minuteOf(now - HOUR_MS));
  }

  /** Counts a record; false when it was counted before or started outside today and the last hour. */
  add(record: TalliedRecord, now: number): boolean {
    this.roll(now);
    const startedAt = (record.StartTimestamp ?? 0) * 1000;
    if (startedAt < this.windowStart(now) || this.counted.has(record.SessionId)) return false;
    const outcome = outcomeOf(record);
    this.counted.set(record.SessionId, startedAt);
    if (outcome === null) return false;
    if (startedAt >= this.dayStart) {
      this.todayChanged = true;
      if (outcome.kind === 'answered') {
        this.answered++;
        this.waits.set(outcome.waitSeconds, (this.waits.get(outcome.waitSeconds) ?? 0) + 1);
      } else if (outcome.kind === 'abandoned') this.abandoned++;
      else this.outbound++;
    }
    const minute = minuteOf(startedAt);
    if (minute >= minuteOf(now - HOUR_MS)) {
      const bucket = this.buckets.get(minute) ?? { minute, answered: 0, abandoned: 0, outbound: 0 };
      bucket[outcome.kind]++;
      this.buckets.set(minute, bucket);
      this.changedMinutes.add(minute);
    }
    return true;
  }

  /** Starts a new day at midnight and forgets what no window holds any more. */
  roll(now: number): void {
    const dayStart = this.startOfDay(now);
    if (dayStart !== this.dayStart) {
      this.dayStart = dayStart;
      this.answered = this.abandoned = this.outbound = 0;
      this.waits.clear();
      this.todayChanged = true;
    }
    const hourStart = minuteOf(now - HOUR_MS);
    for (const minute of this.buckets.keys()) if (minute < hourStart) this.buckets.delete(minute);
    const windowStart = this.windowStart(now);
    for (const [sessionId, startedAt] of this.counted) if (startedAt < windowStart) this.counted.delete(sessionId);
  }

  today(): TodayTally {
    const answerWaits = [...this.waits].sort((a, b) => a[0] - b[0]);
    return { dayStart: this.dayStart, answered: this.answered, abandoned: this.abandoned, outbound: this.outbound, answerWaits };
  }

  /** The last hour's minutes that had calls, oldest first. */
  minutes(): MinuteBucket[] {
    return [...this.buckets.values()].sort((a, b) => a.minute - b.minute).map((bucket) => ({ ...bucket }));
  }

  /** What changed since the last call; each part is absent when it did not. */
  takeChanges(): { today?: TodayTally; minutes?: MinuteBucket[] } {
    const changes: { today?: TodayTally; minutes?: MinuteBucket[] } = {};
    if (this.todayChanged) changes.today = this.today();
    const minutes = [...this.changedMinutes].sort((a, b) => a - b).flatMap((minute) => {
      const bucket = this.buckets.get(minute);
      return bucket ? [{ ...bucket }] : [];
    });
    if (minutes.length > 0) changes.minutes = minutes;
    this.todayChanged = false;
    this.changedMinutes.clear();
    return changes;
  }
}

function minuteOf(at: number): number {
  return Math.floor(at / MINUTE_MS) * MINUTE_MS;
}
