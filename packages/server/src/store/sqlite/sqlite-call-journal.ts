import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { CallJournalRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

/** The call journal: one row per live session, replaced on every change, deleted once its record is stored. */
export class SqliteCallJournal implements CallJournalRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  put(entries: Array<{ sessionId: string; sdkAppId: number; snapshot: string }>, now: number): Promise<void> {
    return this.write(() => {
      const upsert = prepared(
        this.db,
        `INSERT INTO call_journal (session_id, sdk_app_id, snapshot, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
      );
      for (const entry of entries) upsert.run(entry.sessionId, entry.sdkAppId, entry.snapshot, now);
    });
  }

  delete(sessionId: string): Promise<void> {
    return this.write(() => {
      prepared(this.db, 'DELETE FROM call_journal WHERE session_id = ?').run(sessionId);
    });
  }

  all(): Promise<Array<{ sessionId: string; sdkAppId: number; snapshot: string }>> {
    const rows = prepared(this.db, 'SELECT session_id, sdk_app_id, snapshot FROM call_journal ORDER BY updated_at').all() as Array<{ session_id: string; sdk_app_id: number; snapshot: string }>;
    return Promise.resolve(rows.map((r) => ({ sessionId: r.session_id, sdkAppId: r.sdk_app_id, snapshot: r.snapshot })));
  }
}
