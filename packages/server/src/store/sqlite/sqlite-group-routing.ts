import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { SkillGroupRouting, SkillGroupRoutingRepo, SkillGroupRoutingSettings } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface RoutingRow {
  skill_group_id: number;
  settings: string;
  modified_at: number;
}

const NUMBER_KEYS = ['ringTimeoutSeconds', 'maxWaitSeconds', 'afterCallWorkSeconds'] as const;

/** The settings as stored, keeping only known keys of the right type (a hand-edited or future row cannot feed the engine anything else). */
function parseSettings(text: string): SkillGroupRoutingSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  const value = raw as Record<string, unknown>;
  const settings: SkillGroupRoutingSettings = {};
  for (const key of NUMBER_KEYS) {
    const n = value[key];
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0) settings[key] = n;
  }
  const overflow = value['overflowGroupId'];
  if (overflow === null || (typeof overflow === 'number' && Number.isSafeInteger(overflow) && overflow > 0)) settings.overflowGroupId = overflow;
  const none = value['whenNoneOnline'];
  if (none === 'queue' || none === 'exit') settings.whenNoneOnline = none;
  return settings;
}

/** Only the keys given, in a fixed order. */
function serialise(settings: SkillGroupRoutingSettings): string {
  const ordered: SkillGroupRoutingSettings = {};
  if (settings.ringTimeoutSeconds !== undefined) ordered.ringTimeoutSeconds = settings.ringTimeoutSeconds;
  if (settings.maxWaitSeconds !== undefined) ordered.maxWaitSeconds = settings.maxWaitSeconds;
  if (settings.overflowGroupId !== undefined) ordered.overflowGroupId = settings.overflowGroupId;
  if (settings.whenNoneOnline !== undefined) ordered.whenNoneOnline = settings.whenNoneOnline;
  if (settings.afterCallWorkSeconds !== undefined) ordered.afterCallWorkSeconds = settings.afterCallWorkSeconds;
  return JSON.stringify(ordered);
}

function toRouting(row: RoutingRow): SkillGroupRouting {
  return { skillGroupId: row.skill_group_id, settings: parseSettings(row.settings), modifiedAt: row.modified_at };
}

export class SqliteGroupRouting implements SkillGroupRoutingRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  get(sdkAppId: number, skillGroupId: number): Promise<SkillGroupRouting | undefined> {
    const row = prepared<[number, number], RoutingRow>(
      this.db,
      `SELECT r.skill_group_id, r.settings, r.modified_at FROM skill_group_routing r JOIN skill_groups g ON g.id = r.skill_group_id
       WHERE g.sdk_app_id = ? AND r.skill_group_id = ?`,
    ).get(sdkAppId, skillGroupId);
    return Promise.resolve(row && toRouting(row));
  }

  set(sdkAppId: number, skillGroupId: number, settings: SkillGroupRoutingSettings, now: number): Promise<boolean> {
    const text = serialise(settings);
    return this.write(() => {
      if (!prepared(this.db, 'SELECT id FROM skill_groups WHERE sdk_app_id = ? AND id = ?').get(sdkAppId, skillGroupId)) return false;
      if (text === '{}') prepared(this.db, 'DELETE FROM skill_group_routing WHERE skill_group_id = ?').run(skillGroupId);
      else {
        prepared(
          this.db,
          `INSERT INTO skill_group_routing (skill_group_id, settings, modified_at) VALUES (?, ?, ?)
           ON CONFLICT (skill_group_id) DO UPDATE SET settings = excluded.settings, modified_at = excluded.modified_at`,
        ).run(skillGroupId, text, now);
      }
      return true;
    });
  }

  list(sdkAppId: number): Promise<SkillGroupRouting[]> {
    const rows = prepared<[number], RoutingRow>(
      this.db,
      `SELECT r.skill_group_id, r.settings, r.modified_at FROM skill_group_routing r JOIN skill_groups g ON g.id = r.skill_group_id
       WHERE g.sdk_app_id = ? ORDER BY r.skill_group_id`,
    ).all(sdkAppId);
    return Promise.resolve(rows.map(toRouting));
  }
}
