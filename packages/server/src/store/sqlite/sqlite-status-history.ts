import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { StatusHistoryEntry, StatusHistoryRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface HistoryRow {
  id: number;
  sdk_app_id: number;
  mail: string;
  status: string;
  reason: string;
  session_id: string;
  at: number;
}

export class SqliteStatusHistory implements StatusHistoryRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  append(e: StatusHistoryEntry): Promise<void> {
    return this.write(() => {
      prepared(this.db, 'INSERT INTO staff_status_history (sdk_app_id, mail, status, reason, session_id, at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(e.sdkAppId, e.mail, e.status, e.reason, e.sessionId, e.at);
    });
  }

  list(sdkAppId: number, mail: string, from: number, to: number, afterCursor: number, limit: number): Promise<Array<StatusHistoryEntry & { cursor: number }>> {
    const rows = prepared<unknown[], HistoryRow>(this.db, 
        `SELECT * FROM staff_status_history WHERE sdk_app_id = ? AND mail = ? AND at >= ? AND at <= ? AND id > ? ORDER BY id LIMIT ?`,
      )
      .all(sdkAppId, mail, from, to, afterCursor, limit);
    return Promise.resolve(
      rows.map((r) => ({ sdkAppId: r.sdk_app_id, mail: r.mail, status: r.status, reason: r.reason, sessionId: r.session_id, at: r.at, cursor: r.id })),
    );
  }
}
