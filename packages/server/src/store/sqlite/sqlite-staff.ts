import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { ForwardingConfigRecord, Membership, NewStaff, Staff, StaffPatch, StaffQuery, StaffRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface StaffRow {
  id: number;
  sdk_app_id: number;
  mail: string;
  name: string;
  staff_number: string;
  phone: string;
  nick: string;
  user_id: string;
  role: number;
  extension_number: string;
  password_hash: string;
  use_mobile_callout: number;
  use_mobile_accept: number;
  forwarding_config: string | null;
  forced_offline: number;
  created_at: number;
  modified_at: number;
}

function toStaff(row: StaffRow): Staff {
  return {
    sdkAppId: row.sdk_app_id,
    mail: row.mail,
    name: row.name,
    staffNumber: row.staff_number,
    phone: row.phone,
    nick: row.nick,
    userId: row.user_id,
    role: row.role,
    extensionNumber: row.extension_number,
    passwordHash: row.password_hash,
    useMobileCallOut: row.use_mobile_callout === 1,
    useMobileAccept: row.use_mobile_accept,
    forwardingConfig: row.forwarding_config === null ? null : (JSON.parse(row.forwarding_config) as ForwardingConfigRecord),
    forcedOffline: row.forced_offline === 1,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

const PATCH_COLUMNS: Record<keyof StaffPatch, string> = {
  name: 'name',
  phone: 'phone',
  nick: 'nick',
  staffNumber: 'staff_number',
  extensionNumber: 'extension_number',
  passwordHash: 'password_hash',
  useMobileCallOut: 'use_mobile_callout',
  useMobileAccept: 'use_mobile_accept',
  forwardingConfig: 'forwarding_config',
  forcedOffline: 'forced_offline',
};

function toColumnValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

type Grant = { skillGroupId: number; priority: number };

export class SqliteStaff implements StaffRepo {
  private readonly byMail: Database.Statement<[number, string], StaffRow>;
  private readonly insert: Database.Statement;
  private readonly grant: Database.Statement<[{ staffId: number; groupId: number; priority: number }]>;
  private readonly touch: Database.Statement<[number, number]>;

  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {
    this.byMail = db.prepare('SELECT * FROM staff WHERE sdk_app_id = ? AND mail = ?');
    this.insert = db.prepare(
      `INSERT INTO staff (sdk_app_id, mail, name, staff_number, phone, nick, user_id, role, extension_number, password_hash,
         use_mobile_callout, use_mobile_accept, forwarding_config, created_at, modified_at)
       VALUES (@sdkAppId, @mail, @name, @staffNumber, @phone, @nick, @userId, @role, @extensionNumber, @passwordHash,
         @useMobileCallOut, @useMobileAccept, @forwardingConfig, @now, @now)
       ON CONFLICT (sdk_app_id, mail) DO NOTHING`,
    );
    // Only groups of the staff's own instance can be granted.
    this.grant = db.prepare(
      `INSERT INTO staff_skill_groups (staff_id, skill_group_id, priority)
       SELECT s.id, g.id, @priority FROM staff s JOIN skill_groups g ON g.sdk_app_id = s.sdk_app_id WHERE s.id = @staffId AND g.id = @groupId
       ON CONFLICT (staff_id, skill_group_id) DO UPDATE SET priority = excluded.priority`,
    );
    this.touch = db.prepare('UPDATE staff SET modified_at = ? WHERE id = ?');
  }

  createMany(rows: NewStaff[], memberships: Grant[][], now: number): Promise<boolean[]> {
    return this.write(() =>
      rows.map((row, i) => {
        const result = this.insert.run({
          ...row,
          useMobileCallOut: row.useMobileCallOut ? 1 : 0,
          forwardingConfig: row.forwardingConfig && JSON.stringify(row.forwardingConfig),
          now,
        });
        if (result.changes === 0) return false;
        for (const g of memberships[i] ?? []) this.grant.run({ staffId: Number(result.lastInsertRowid), groupId: g.skillGroupId, priority: g.priority });
        return true;
      }),
    );
  }

  get(sdkAppId: number, mail: string): Promise<Staff | undefined> {
    const row = this.byMail.get(sdkAppId, mail);
    return Promise.resolve(row && toStaff(row));
  }

  list(sdkAppId: number, q: StaffQuery): Promise<{ total: number; items: Staff[] }> {
    const where = ['s.sdk_app_id = @sdkAppId'];
    if (q.mail !== undefined) where.push('s.mail = @mail');
    if (q.modifiedSince !== undefined) where.push('s.modified_at >= @modifiedSince');
    if (q.skillGroupId !== undefined) where.push('EXISTS (SELECT 1 FROM staff_skill_groups m WHERE m.staff_id = s.id AND m.skill_group_id = @skillGroupId)');
    const clause = where.join(' AND ');
    const params = { sdkAppId, mail: q.mail, modifiedSince: q.modifiedSince, skillGroupId: q.skillGroupId, limit: q.limit, offset: q.offset };
    const named = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
    const total = (prepared(this.db, `SELECT count(*) AS n FROM staff s WHERE ${clause}`).get(named) as { n: number }).n;
    const rows = prepared<Record<string, unknown>, StaffRow>(this.db, `SELECT * FROM staff s WHERE ${clause} ORDER BY s.id LIMIT @limit OFFSET @offset`).all(named);
    return Promise.resolve({ total, items: rows.map(toStaff) });
  }

  update(sdkAppId: number, mail: string, patch: StaffPatch, now: number): Promise<boolean> {
    const sets: string[] = ['modified_at = @now'];
    const values: Record<string, unknown> = { sdkAppId, mail, now };
    for (const [key, value] of Object.entries(patch) as Array<[keyof StaffPatch, unknown]>) {
      if (value === undefined) continue;
      sets.push(`${PATCH_COLUMNS[key]} = @${key}`);
      values[key] = toColumnValue(value);
    }
    return this.write(() => prepared(this.db, `UPDATE staff SET ${sets.join(', ')} WHERE sdk_app_id = @sdkAppId AND mail = @mail`).run(values).changes > 0);
  }

  delete(sdkAppId: number, mails: string[]): Promise<string[]> {
    return this.write(() => {
      const stmt = prepared(this.db, 'DELETE FROM staff WHERE sdk_app_id = ? AND mail = ? RETURNING mail');
      const credentials = prepared(this.db, 'DELETE FROM credentials WHERE sdk_app_id = ? AND lower(mail) = lower(?)');
      return mails.flatMap((mail) => {
        const deleted = (stmt.get(sdkAppId, mail) as { mail: string } | undefined)?.mail;
        if (deleted === undefined) return [];
        credentials.run(sdkAppId, deleted);
        return [deleted];
      });
    });
  }

  memberships(sdkAppId: number, mails: string[]): Promise<Map<string, Membership[]>> {
    const result = new Map<string, Membership[]>();
    if (mails.length === 0) return Promise.resolve(result);
    const rows = prepared<unknown[], { mail: string; skill_group_id: number; name: string; type: number; priority: number }>(this.db, 
        `SELECT s.mail, m.skill_group_id, g.name, g.type, m.priority
           FROM staff s JOIN staff_skill_groups m ON m.staff_id = s.id JOIN skill_groups g ON g.id = m.skill_group_id
          WHERE s.sdk_app_id = ? AND s.mail IN (SELECT value FROM json_each(?))
          ORDER BY m.priority, g.id`,
      )
      .all(sdkAppId, JSON.stringify(mails));
    for (const row of rows) {
      const key = row.mail.toLowerCase();
      const list = result.get(key) ?? [];
      list.push({ skillGroupId: row.skill_group_id, skillGroupName: row.name, skillGroupType: row.type, priority: row.priority });
      result.set(key, list);
    }
    return Promise.resolve(result);
  }

  private staffId(sdkAppId: number, mail: string): number {
    const row = this.byMail.get(sdkAppId, mail);
    if (!row) throw new Error(`No staff ${mail} in instance ${sdkAppId}.`);
    return row.id;
  }

  bind(sdkAppId: number, mail: string, groups: Grant[], now: number): Promise<void> {
    return this.write(() => {
      const id = this.staffId(sdkAppId, mail);
      for (const g of groups) this.grant.run({ staffId: id, groupId: g.skillGroupId, priority: g.priority });
      this.touch.run(now, id);
    });
  }

  setGroups(sdkAppId: number, mail: string, groups: Grant[], now: number): Promise<void> {
    return this.write(() => {
      const id = this.staffId(sdkAppId, mail);
      prepared(this.db, 'DELETE FROM staff_skill_groups WHERE staff_id = ?').run(id);
      for (const g of groups) this.grant.run({ staffId: id, groupId: g.skillGroupId, priority: g.priority });
      this.touch.run(now, id);
    });
  }

  unbind(sdkAppId: number, mail: string, skillGroupIds: number[], now: number): Promise<void> {
    return this.write(() => {
      const id = this.staffId(sdkAppId, mail);
      const stmt = prepared(this.db, 'DELETE FROM staff_skill_groups WHERE staff_id = ? AND skill_group_id = ?');
      for (const groupId of skillGroupIds) stmt.run(id, groupId);
      this.touch.run(now, id);
    });
  }

  mailsInGroups(sdkAppId: number, skillGroupIds: number[]): Promise<string[]> {
    const rows = prepared<unknown[], { mail: string }>(this.db, 
        `SELECT DISTINCT s.mail FROM staff s JOIN staff_skill_groups m ON m.staff_id = s.id
          WHERE s.sdk_app_id = ? AND m.skill_group_id IN (SELECT value FROM json_each(?)) ORDER BY s.id`,
      )
      .all(sdkAppId, JSON.stringify(skillGroupIds));
    return Promise.resolve(rows.map((r) => r.mail));
  }
}
