import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { InstanceNumber, NewInstanceNumber, NumberRepo, NumberRoute, NumberState } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface NumberRow {
  number: string;
  sdk_app_id: number;
  route_kind: 'none' | 'skillGroup' | 'ivr';
  skill_group_id: number | null;
  ivr_flow: string | null;
  state: NumberState;
  created_at: number;
  modified_at: number;
  /** Comma-separated, from group_concat. */
  callout: string | null;
}

const SELECT = `SELECT n.*, (SELECT group_concat(skill_group_id) FROM (SELECT skill_group_id FROM number_callout_skill_groups c WHERE c.number = n.number ORDER BY skill_group_id)) AS callout
  FROM instance_numbers n`;

function routeOf(row: NumberRow): NumberRoute {
  if (row.route_kind === 'ivr' && row.ivr_flow !== null) return { kind: 'ivr', flow: row.ivr_flow };
  // A deleted skill group leaves the number unrouted (ON DELETE SET NULL).
  if (row.route_kind === 'skillGroup' && row.skill_group_id !== null) return { kind: 'skillGroup', skillGroupId: row.skill_group_id };
  return { kind: 'none' };
}

function toNumber(row: NumberRow): InstanceNumber {
  return {
    sdkAppId: row.sdk_app_id,
    number: row.number,
    route: routeOf(row),
    state: row.state,
    callOutSkillGroupIds: row.callout ? row.callout.split(',').map(Number) : [],
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

function routeColumns(route: NumberRoute): { kind: string; group: number | null; flow: string | null } {
  if (route.kind === 'skillGroup') return { kind: route.kind, group: route.skillGroupId, flow: null };
  if (route.kind === 'ivr') return { kind: route.kind, group: null, flow: route.flow };
  return { kind: 'none', group: null, flow: null };
}

export class SqliteNumbers implements NumberRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  add(row: NewInstanceNumber, now: number): Promise<boolean> {
    const route = routeColumns(row.route);
    return this.write(
      () =>
        prepared(
          this.db,
          `INSERT INTO instance_numbers (number, sdk_app_id, route_kind, skill_group_id, ivr_flow, state, created_at, modified_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (number) DO NOTHING`,
        ).run(row.number, row.sdkAppId, route.kind, route.group, route.flow, row.state, now, now).changes > 0,
    );
  }

  find(number: string): Promise<InstanceNumber | undefined> {
    const row = prepared<[string], NumberRow>(this.db, `${SELECT} WHERE n.number = ?`).get(number);
    return Promise.resolve(row && toNumber(row));
  }

  list(sdkAppId: number, page: { limit: number; offset: number }): Promise<{ total: number; items: InstanceNumber[] }> {
    const total = (prepared(this.db, 'SELECT count(*) AS n FROM instance_numbers WHERE sdk_app_id = ?').get(sdkAppId) as { n: number }).n;
    const rows = prepared<[number, number, number], NumberRow>(this.db, `${SELECT} WHERE n.sdk_app_id = ? ORDER BY n.number LIMIT ? OFFSET ?`).all(sdkAppId, page.limit, page.offset);
    return Promise.resolve({ total, items: rows.map(toNumber) });
  }

  setRoute(sdkAppId: number, number: string, route: NumberRoute, now: number): Promise<boolean> {
    const columns = routeColumns(route);
    return this.write(
      () =>
        prepared(this.db, 'UPDATE instance_numbers SET route_kind = ?, skill_group_id = ?, ivr_flow = ?, modified_at = ? WHERE sdk_app_id = ? AND number = ?').run(
          columns.kind,
          columns.group,
          columns.flow,
          now,
          sdkAppId,
          number,
        ).changes > 0,
    );
  }

  setState(sdkAppId: number, numbers: string[], state: NumberState, now: number): Promise<string[]> {
    return this.write(() => {
      const found = prepared<[number, string], { number: string }>(this.db, 'SELECT number FROM instance_numbers WHERE sdk_app_id = ? AND number IN (SELECT value FROM json_each(?)) ORDER BY number')
        .all(sdkAppId, JSON.stringify(numbers))
        .map((r) => r.number);
      prepared(this.db, 'UPDATE instance_numbers SET state = ?, modified_at = ? WHERE sdk_app_id = ? AND number IN (SELECT value FROM json_each(?))').run(
        state,
        now,
        sdkAppId,
        JSON.stringify(found),
      );
      return found;
    });
  }

  bindCallOut(sdkAppId: number, number: string, skillGroupIds: number[], now: number): Promise<boolean> {
    return this.write(() => {
      if (!this.touch(sdkAppId, number, now)) return false;
      prepared(
        this.db,
        `INSERT INTO number_callout_skill_groups (number, skill_group_id)
         SELECT ?, id FROM skill_groups WHERE sdk_app_id = ? AND id IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING`,
      ).run(number, sdkAppId, JSON.stringify(skillGroupIds));
      return true;
    });
  }

  unbindCallOut(sdkAppId: number, number: string, skillGroupIds: number[], now: number): Promise<boolean> {
    return this.write(() => {
      if (!this.touch(sdkAppId, number, now)) return false;
      prepared(this.db, 'DELETE FROM number_callout_skill_groups WHERE number = ? AND skill_group_id IN (SELECT value FROM json_each(?))').run(number, JSON.stringify(skillGroupIds));
      return true;
    });
  }

  remove(sdkAppId: number, number: string): Promise<boolean> {
    return this.write(() => prepared(this.db, 'DELETE FROM instance_numbers WHERE sdk_app_id = ? AND number = ?').run(sdkAppId, number).changes > 0);
  }

  /** Marks the number modified; false when the instance has no such number. Runs inside a write. */
  private touch(sdkAppId: number, number: string, now: number): boolean {
    return prepared(this.db, 'UPDATE instance_numbers SET modified_at = ? WHERE sdk_app_id = ? AND number = ?').run(now, sdkAppId, number).changes > 0;
  }
}
