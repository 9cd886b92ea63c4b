import { setImmediate as turn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { prepared } from './statements.js';
import type { CallRecordQuery, CallRecordRepo, CallRecordUsage } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

/** `usage` reads a day of records at a time and lets other work run in between: a 90-day window of a busy instance is many rows. */
const USAGE_CHUNK_SECONDS = 86_400;

/** The records of the instances in the window, as the index on (sdk_app_id, start_ts) finds them; `r` names the table. */
const USAGE_WINDOW = 'r.sdk_app_id IN (SELECT value FROM json_each(@sdkAppIds)) AND r.start_ts >= @from AND r.start_ts <= @to';

/** Each record's line time in whole minutes (rounded up), summed by CallType; see `CallRecordUsage`. */
const USAGE_MINUTES = `
  SELECT type, sum((max(seconds, 0) + 59) / 60) AS minutes FROM (
    SELECT json_extract(r.record, '$.CallType') AS type,
      CASE WHEN json_extract(r.record, '$.CallType') IN (1, 5) THEN coalesce(json_extract(r.record, '$.Duration'), 0)
           ELSE coalesce(json_extract(r.record, '$.EndedTimestamp'), 0) - r.start_ts END AS seconds
    FROM call_records r WHERE ${USAGE_WINDOW}
  ) WHERE type IS NOT NULL GROUP BY type`;

/** The agents the records name, by instance and lower-cased mail. */
const USAGE_SEATS = `
  SELECT DISTINCT app, mail FROM (
    SELECT r.sdk_app_id AS app, lower(json_extract(p.value, '$.Mail')) AS mail
      FROM call_records r, json_each(r.record, '$.ServeParticipants') p WHERE ${USAGE_WINDOW}
    UNION ALL
    SELECT r.sdk_app_id, lower(json_extract(r.record, '$.SeatUser.Mail')) FROM call_records r WHERE ${USAGE_WINDOW}
  ) WHERE mail IS NOT NULL AND mail <> ''`;

/**
 * Call records as their TelCdrInfo JSON, with the columns DescribeTelCdr filters on beside it.
 * Writes go through the store's group commit: `add` resolves after the COMMIT that holds the row.
 */
export class SqliteCallRecords implements CallRecordRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  add(sdkAppId: number, record: TelCdrInfo & { SessionId: string }): Promise<boolean> {
    const json = JSON.stringify(record);
    return this.write(() => {
      const existed = prepared(this.db, 'SELECT 1 FROM call_records WHERE session_id = ?').get(record.SessionId) !== undefined;
      prepared(
        this.db,
        `INSERT INTO call_records (session_id, sdk_app_id, start_ts, caller, callee, record) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id) DO UPDATE SET sdk_app_id = excluded.sdk_app_id, start_ts = excluded.start_ts, caller = excluded.caller, callee = excluded.callee, record = excluded.record`,
      ).run(record.SessionId, sdkAppId, record.StartTimestamp ?? record.Time ?? 0, record.Caller ?? '', record.Callee ?? '', json);
      return !existed;
    });
  }

  list(sdkAppId: number, q: CallRecordQuery): Promise<{ total: number; items: TelCdrInfo[] }> {
    const where = ['sdk_app_id = @sdkAppId', 'start_ts >= @from', 'start_ts <= @to'];
    const params: Record<string, unknown> = { sdkAppId, from: q.fromSeconds, to: q.toSeconds, limit: q.limit, offset: q.offset };
    if (q.phones !== undefined) {
      where.push('(caller IN (SELECT value FROM json_each(@phones)) OR callee IN (SELECT value FROM json_each(@phones)))');
      params['phones'] = JSON.stringify(q.phones);
    }
    if (q.sessionIds !== undefined) {
      where.push('session_id IN (SELECT value FROM json_each(@sessionIds))');
      params['sessionIds'] = JSON.stringify(q.sessionIds);
    }
    const clause = where.join(' AND ');
    const { limit: _limit, offset: _offset, ...countParams } = params;
    const total = (prepared(this.db, `SELECT count(*) AS n FROM call_records WHERE ${clause}`).get(countParams) as { n: number }).n;
    const rows = prepared<Record<string, unknown>, { record: string }>(this.db, `SELECT record FROM call_records WHERE ${clause} ORDER BY start_ts, session_id LIMIT @limit OFFSET @offset`).all(params);
    // Written by `add` from a typed record, so the JSON is a TelCdrInfo.
    return Promise.resolve({ total, items: rows.map((row) => JSON.parse(row.record) as TelCdrInfo) });
  }

  async usage(sdkAppIds: number[], fromSeconds: number, toSeconds: number): Promise<CallRecordUsage> {
    const minutesByCallType = new Map<number, number>();
    const seats = new Set<string>();
    const ids = JSON.stringify([...new Set(sdkAppIds)]);
    // Only the span that holds records is read (the index answers this at once).
    const span = prepared<Record<string, unknown>, { first: number | null; last: number | null }>(
      this.db,
      `SELECT min(r.start_ts) AS first, max(r.start_ts) AS last FROM call_records r WHERE ${USAGE_WINDOW}`,
    ).get({ sdkAppIds: ids, from: fromSeconds, to: toSeconds });
    const first = span?.first ?? null;
    const last = span?.last ?? null;
    if (first === null || last === null) return { minutesByCallType, seats: 0 };
    for (let from = first; from <= last; from += USAGE_CHUNK_SECONDS) {
      const params = { sdkAppIds: ids, from, to: Math.min(last, from + USAGE_CHUNK_SECONDS - 1) };
      for (const row of prepared<Record<string, unknown>, { type: number; minutes: number }>(this.db, USAGE_MINUTES).all(params)) {
        minutesByCallType.set(row.type, (minutesByCallType.get(row.type) ?? 0) + row.minutes);
      }
      for (const row of prepared<Record<string, unknown>, { app: number; mail: string }>(this.db, USAGE_SEATS).all(params)) seats.add(`${row.app}/${row.mail}`);
      if (from + USAGE_CHUNK_SECONDS <= last) await turn();
    }
    return { minutesByCallType, seats: seats.size };
  }
}
