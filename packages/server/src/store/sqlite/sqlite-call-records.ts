import type Database from 'better-sqlite3';
import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { prepared } from './statements.js';
import type { CallRecordQuery, CallRecordRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

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
}
