import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { NewSkillGroup, SkillGroup, SkillGroupPatch, SkillGroupQuery, SkillGroupRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface SkillGroupRow {
  id: number;
  sdk_app_id: number;
  name: string;
  type: number;
  max_concurrency: number;
  ring_all: number;
  route_policy: string;
  using_last_seat: number;
  alias: string;
  created_at: number;
  modified_at: number;
}

function toSkillGroup(row: SkillGroupRow): SkillGroup {
  return {
    id: row.id,
    sdkAppId: row.sdk_app_id,
    name: row.name,
    type: row.type,
    maxConcurrency: row.max_concurrency,
    ringAll: row.ring_all === 1,
    routePolicy: row.route_policy,
    usingLastSeat: row.using_last_seat === 1,
    alias: row.alias,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

export class SqliteSkillGroups implements SkillGroupRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  create(group: NewSkillGroup, now: number): Promise<number | undefined> {
    return this.write(() => {
      const result = prepared(this.db, 
          `INSERT INTO skill_groups (sdk_app_id, name, type, max_concurrency, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (sdk_app_id, name) DO NOTHING`,
        )
        .run(group.sdkAppId, group.name, group.type, group.maxConcurrency, now, now);
      return result.changes > 0 ? Number(result.lastInsertRowid) : undefined;
    });
  }

  get(sdkAppId: number, id: number): Promise<SkillGroup | undefined> {
    const row = prepared<[number, number], SkillGroupRow>(this.db, 'SELECT * FROM skill_groups WHERE sdk_app_id = ? AND id = ?').get(sdkAppId, id);
    return Promise.resolve(row && toSkillGroup(row));
  }

  byNames(sdkAppId: number, names: string[]): Promise<SkillGroup[]> {
    const rows = prepared<[number, string], SkillGroupRow>(this.db, 'SELECT * FROM skill_groups WHERE sdk_app_id = ? AND name IN (SELECT value FROM json_each(?))')
      .all(sdkAppId, JSON.stringify(names));
    return Promise.resolve(rows.map(toSkillGroup));
  }

  list(sdkAppId: number, q: SkillGroupQuery): Promise<{ total: number; items: SkillGroup[] }> {
    const where = ['sdk_app_id = @sdkAppId'];
    if (q.id !== undefined) where.push('id = @id');
    if (q.name !== undefined) where.push("instr(name, @name) > 0");
    if (q.modifiedSince !== undefined) where.push('modified_at >= @modifiedSince');
    const clause = where.join(' AND ');
    const named = Object.fromEntries(
      Object.entries({ sdkAppId, id: q.id, name: q.name, modifiedSince: q.modifiedSince, limit: q.limit, offset: q.offset }).filter(([, v]) => v !== undefined),
    );
    const total = (prepared(this.db, `SELECT count(*) AS n FROM skill_groups WHERE ${clause}`).get(named) as { n: number }).n;
    const rows = prepared<Record<string, unknown>, SkillGroupRow>(this.db, `SELECT * FROM skill_groups WHERE ${clause} ORDER BY id LIMIT @limit OFFSET @offset`).all(named);
    return Promise.resolve({ total, items: rows.map(toSkillGroup) });
  }

  update(sdkAppId: number, id: number, patch: SkillGroupPatch, now: number): Promise<'ok' | 'not-found' | 'name-taken'> {
    return this.write(() => {
      const current = prepared(this.db, 'SELECT id FROM skill_groups WHERE sdk_app_id = ? AND id = ?').get(sdkAppId, id);
      if (!current) return 'not-found';
      if (patch.name !== undefined) {
        const clash = prepared(this.db, 'SELECT id FROM skill_groups WHERE sdk_app_id = ? AND name = ? AND id <> ?').get(sdkAppId, patch.name, id);
        if (clash) return 'name-taken';
      }
      prepared(this.db, 
          `UPDATE skill_groups SET name = coalesce(@name, name), max_concurrency = coalesce(@maxConcurrency, max_concurrency),
             ring_all = coalesce(@ringAll, ring_all), modified_at = @now WHERE id = @id`,
        )
        .run({ id, now, name: patch.name ?? null, maxConcurrency: patch.maxConcurrency ?? null, ringAll: patch.ringAll === undefined ? null : patch.ringAll ? 1 : 0 });
      return 'ok';
    });
  }

  delete(sdkAppId: number, id: number): Promise<boolean> {
    return this.write(() => prepared(this.db, 'DELETE FROM skill_groups WHERE sdk_app_id = ? AND id = ?').run(sdkAppId, id).changes > 0);
  }
}
