import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { NewPush, PushAction, PushAuthMode, PushEntry, PushOutcome, PushQuery, PushRepo, PushSettings, PushState } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface SettingsRow {
  sdk_app_id: number;
  url: string;
  cdr: number;
  record: number;
  auth_mode: string;
  principal: string;
  token_url: string;
  secret_sealed: Buffer | null;
  modified_at: number;
}

interface EntryRow {
  id: number;
  uuid: string;
  sdk_app_id: number;
  action: string;
  session_id: string;
  payload: string;
  state: string;
  attempts: number;
  next_at: number;
  last_error: string;
  last_status: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

const AUTH_MODES: readonly PushAuthMode[] = ['none', 'basic', 'oauth'];
const ACTIONS: readonly PushAction[] = ['cdr', 'record'];
const STATES: readonly PushState[] = ['pending', 'held', 'delivered', 'failed'];

function oneOf<T extends string>(values: readonly T[], value: string, what: string): T {
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new Error(`The push outbox holds an unknown ${what} ${JSON.stringify(value)}.`);
}

function toSettings(row: SettingsRow): PushSettings {
  return {
    sdkAppId: row.sdk_app_id,
    url: row.url,
    cdr: row.cdr === 1,
    record: row.record === 1,
    authMode: oneOf(AUTH_MODES, row.auth_mode, 'auth mode'),
    principal: row.principal,
    tokenUrl: row.token_url,
    secretSealed: row.secret_sealed,
    modifiedAt: row.modified_at,
  };
}

function toEntry(row: EntryRow): PushEntry {
  return {
    id: row.id,
    uuid: row.uuid,
    sdkAppId: row.sdk_app_id,
    action: oneOf(ACTIONS, row.action, 'action'),
    sessionId: row.session_id,
    payload: row.payload,
    state: oneOf(STATES, row.state, 'state'),
    attempts: row.attempts,
    nextAttemptAt: row.next_at,
    lastError: row.last_error,
    lastStatus: row.last_status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
  };
}

/**
 * Data push settings and the outbox. Pushes are inserted through the store's group commit, in the
 * order `enqueue` is called, so the outbox's ids follow the order of the records.
 */
export class SqlitePush implements PushRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  settings(sdkAppId: number): Promise<PushSettings | undefined> {
    const row = prepared<[number], SettingsRow>(this.db, 'SELECT * FROM push_settings WHERE sdk_app_id = ?').get(sdkAppId);
    return Promise.resolve(row && toSettings(row));
  }

  saveSettings(s: PushSettings): Promise<number> {
    return this.write(() => {
      prepared(
        this.db,
        `INSERT INTO push_settings (sdk_app_id, url, cdr, record, auth_mode, principal, token_url, secret_sealed, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sdk_app_id) DO UPDATE SET url = excluded.url, cdr = excluded.cdr, record = excluded.record, auth_mode = excluded.auth_mode,
           principal = excluded.principal, token_url = excluded.token_url, secret_sealed = excluded.secret_sealed, modified_at = excluded.modified_at`,
      ).run(s.sdkAppId, s.url, s.cdr ? 1 : 0, s.record ? 1 : 0, s.authMode, s.principal, s.tokenUrl, s.secretSealed, s.modifiedAt);
      return prepared(this.db, "UPDATE push_outbox SET state = 'pending', next_at = ?, updated_at = ? WHERE sdk_app_id = ? AND state = 'held'").run(s.modifiedAt, s.modifiedAt, s.sdkAppId).changes;
    });
  }

  enqueue(pushes: NewPush[], now: number): Promise<PushEntry[]> {
    if (pushes.length === 0) return Promise.resolve([]);
    return this.write(() => {
      const queued: PushEntry[] = [];
      for (const push of pushes) {
        const row = prepared<unknown[], EntryRow>(
          this.db,
          `INSERT INTO push_outbox (uuid, sdk_app_id, action, session_id, payload, state, attempts, next_at, last_error, last_status, created_at, updated_at, delivered_at)
           SELECT @uuid, @sdkAppId, @action, @sessionId, @payload, 'pending', 0, @now, '', NULL, @now, @now, NULL
           FROM push_settings s WHERE s.sdk_app_id = @sdkAppId AND s.url <> '' AND (CASE @action WHEN 'cdr' THEN s.cdr ELSE s.record END) = 1
           RETURNING *`,
        ).get({ ...push, now });
        if (row) queued.push(toEntry(row));
      }
      return queued;
    });
  }

  due(sdkAppId: number, now: number, limit: number, exclude: readonly number[]): Promise<PushEntry[]> {
    const rows = prepared<unknown[], EntryRow>(
      this.db,
      `SELECT * FROM push_outbox WHERE sdk_app_id = ? AND state = 'pending' AND next_at <= ?
         AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY next_at, id LIMIT ?`,
    ).all(sdkAppId, now, JSON.stringify(exclude), limit);
    return Promise.resolve(rows.map(toEntry));
  }

  dueInstances(now: number): Promise<number[]> {
    const rows = prepared<[number], { sdk_app_id: number }>(this.db, "SELECT DISTINCT sdk_app_id FROM push_outbox WHERE state = 'pending' AND next_at <= ?").all(now);
    return Promise.resolve(rows.map((row) => row.sdk_app_id));
  }

  nextDueAt(after: number): Promise<number | null> {
    const row = prepared<[number], { at: number | null }>(this.db, "SELECT min(next_at) AS at FROM push_outbox WHERE state = 'pending' AND next_at > ?").get(after);
    return Promise.resolve(row?.at ?? null);
  }

  settle(outcomes: ReadonlyArray<{ id: number; outcome: PushOutcome }>, now: number): Promise<void> {
    return this.write(() => {
      const update = prepared(this.db, 'UPDATE push_outbox SET state = ?, attempts = ?, next_at = ?, last_error = ?, last_status = ?, delivered_at = ?, updated_at = ? WHERE id = ?');
      for (const { id, outcome: o } of outcomes) update.run(o.state, o.attempts, o.nextAttemptAt, o.lastError, o.lastStatus, o.deliveredAt, now, id);
    });
  }

  resend(sdkAppId: number, id: number, now: number): Promise<boolean> {
    return this.write(
      () => prepared(this.db, "UPDATE push_outbox SET state = 'pending', attempts = 0, next_at = ?, updated_at = ? WHERE sdk_app_id = ? AND id = ?").run(now, now, sdkAppId, id).changes === 1,
    );
  }

  get(sdkAppId: number, id: number): Promise<PushEntry | undefined> {
    const row = prepared<[number, number], EntryRow>(this.db, 'SELECT * FROM push_outbox WHERE sdk_app_id = ? AND id = ?').get(sdkAppId, id);
    return Promise.resolve(row && toEntry(row));
  }

  list(sdkAppId: number, q: PushQuery): Promise<{ total: number; items: PushEntry[] }> {
    const clause = q.state === undefined ? 'sdk_app_id = @sdkAppId' : 'sdk_app_id = @sdkAppId AND state = @state';
    const params = { sdkAppId, ...(q.state === undefined ? {} : { state: q.state }) };
    const total = (prepared<Record<string, unknown>, { n: number }>(this.db, `SELECT count(*) AS n FROM push_outbox WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = prepared<Record<string, unknown>, EntryRow>(this.db, `SELECT * FROM push_outbox WHERE ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`).all({
      ...params,
      limit: q.limit,
      offset: q.offset,
    });
    return Promise.resolve({ total, items: rows.map(toEntry) });
  }

  purgeDelivered(before: number): Promise<number> {
    return this.write(() => prepared(this.db, "DELETE FROM push_outbox WHERE state = 'delivered' AND updated_at < ?").run(before).changes);
  }
}
