import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { NewSipExtension, SipExtension, SipExtensionCredentials, SipExtensionPatch, SipExtensionQuery, SipExtensionRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface ExtensionRow {
  id: number;
  sdk_app_id: number;
  extension_id: string;
  name: string;
  ha1: string;
  realm: string;
  password_sealed: Buffer;
  created_at: number;
  modified_at: number;
  /** Comma-separated, from group_concat. */
  groups: string | null;
  staff_mail: string | null;
  staff_name: string | null;
}

/**
 * The binding between an extension and a staff is stored once, as the staff's `extension_number`:
 * ModifyStaff's ExtensionNumber and ModifyExtension's Relation then cannot disagree. Should several
 * staff name one extension (ModifyStaff does not refuse it), the one modified last is the relation.
 */
const BOUND_STAFF = `(SELECT s.id FROM staff s WHERE s.sdk_app_id = e.sdk_app_id AND s.extension_number = e.extension_id ORDER BY s.modified_at DESC, s.id DESC LIMIT 1)`;

const SELECT = `SELECT e.*,
    (SELECT group_concat(skill_group_id) FROM (SELECT skill_group_id FROM sip_extension_skill_groups g WHERE g.extension_row = e.id ORDER BY skill_group_id)) AS groups,
    b.mail AS staff_mail, b.name AS staff_name
  FROM sip_extensions e LEFT JOIN staff b ON b.id = ${BOUND_STAFF}`;

function toExtension(row: ExtensionRow): SipExtension {
  return {
    sdkAppId: row.sdk_app_id,
    extensionId: row.extension_id,
    name: row.name,
    skillGroupIds: row.groups ? row.groups.split(',').map(Number) : [],
    relation: row.staff_mail === null ? null : { mail: row.staff_mail, name: row.staff_name ?? '' },
    ha1: row.ha1,
    realm: row.realm,
    passwordSealed: row.password_sealed,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

/** `%` and `_` match themselves in a LIKE pattern built from user text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class SqliteExtensions implements SipExtensionRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  create(row: NewSipExtension, now: number): Promise<'ok' | 'exists' | 'no-staff'> {
    return this.write(() => {
      if (row.relation !== null && !this.staffExists(row.sdkAppId, row.relation)) return 'no-staff';
      const inserted = prepared(
        this.db,
        `INSERT INTO sip_extensions (sdk_app_id, extension_id, name, ha1, realm, password_sealed, created_at, modified_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sdk_app_id, extension_id) DO NOTHING`,
      ).run(row.sdkAppId, row.extensionId, row.name, row.ha1, row.realm, row.passwordSealed, now, now);
      if (inserted.changes === 0) return 'exists';
      this.setGroups(Number(inserted.lastInsertRowid), row.sdkAppId, row.skillGroupIds);
      if (row.relation !== null) this.bind(row.sdkAppId, row.extensionId, row.relation, now);
      return 'ok';
    });
  }

  get(sdkAppId: number, extensionId: string): Promise<SipExtension | undefined> {
    const row = prepared<[number, string], ExtensionRow>(this.db, `${SELECT} WHERE e.sdk_app_id = ? AND e.extension_id = ?`).get(sdkAppId, extensionId);
    return Promise.resolve(row && toExtension(row));
  }

  list(sdkAppId: number, query: SipExtensionQuery): Promise<{ total: number; items: SipExtension[] }> {
    const where = ['e.sdk_app_id = ?'];
    const params: unknown[] = [sdkAppId];
    if (query.extensionIds !== undefined) {
      where.push('e.extension_id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(query.extensionIds));
    }
    if (query.keyword !== undefined && query.keyword !== '') {
      where.push(`(e.extension_id LIKE ? ESCAPE '\\' OR e.name LIKE ? ESCAPE '\\' OR b.mail LIKE ? ESCAPE '\\' OR b.name LIKE ? ESCAPE '\\')`);
      const pattern = likePattern(query.keyword);
      params.push(pattern, pattern, pattern, pattern);
    }
    const filter = where.join(' AND ');
    const total = (prepared(this.db, `SELECT count(*) AS n FROM sip_extensions e LEFT JOIN staff b ON b.id = ${BOUND_STAFF} WHERE ${filter}`).get(...params) as { n: number }).n;
    const rows = prepared<unknown[], ExtensionRow>(this.db, `${SELECT} WHERE ${filter} ORDER BY length(e.extension_id), e.extension_id LIMIT ? OFFSET ?`).all(...params, query.limit, query.offset);
    return Promise.resolve({ total, items: rows.map(toExtension) });
  }

  update(sdkAppId: number, extensionId: string, patch: SipExtensionPatch, now: number): Promise<'ok' | 'not-found' | 'no-staff'> {
    return this.write(() => {
      const row = this.rowId(sdkAppId, extensionId);
      if (row === undefined) return 'not-found';
      if (typeof patch.relation === 'string' && !this.staffExists(sdkAppId, patch.relation)) return 'no-staff';
      if (patch.name !== undefined) prepared(this.db, 'UPDATE sip_extensions SET name = ? WHERE id = ?').run(patch.name, row);
      if (patch.skillGroupIds !== undefined) {
        prepared(this.db, 'DELETE FROM sip_extension_skill_groups WHERE extension_row = ?').run(row);
        this.setGroups(row, sdkAppId, patch.skillGroupIds);
      }
      if (patch.relation === null) this.unbindAll(sdkAppId, extensionId, now);
      else if (patch.relation !== undefined) this.bind(sdkAppId, extensionId, patch.relation, now);
      prepared(this.db, 'UPDATE sip_extensions SET modified_at = ? WHERE id = ?').run(now, row);
      return 'ok';
    });
  }

  setCredentials(sdkAppId: number, extensionId: string, credentials: SipExtensionCredentials, now: number): Promise<boolean> {
    return this.write(
      () =>
        prepared(this.db, 'UPDATE sip_extensions SET ha1 = ?, realm = ?, password_sealed = ?, modified_at = ? WHERE sdk_app_id = ? AND extension_id = ?').run(
          credentials.ha1,
          credentials.realm,
          credentials.passwordSealed,
          now,
          sdkAppId,
          extensionId,
        ).changes > 0,
    );
  }

  delete(sdkAppId: number, extensionId: string, now: number): Promise<boolean> {
    return this.write(() => {
      const deleted = prepared(this.db, 'DELETE FROM sip_extensions WHERE sdk_app_id = ? AND extension_id = ?').run(sdkAppId, extensionId).changes > 0;
      // A staff's ExtensionNumber names an extension only while it exists (when it was bound through it).
      if (deleted) this.unbindAll(sdkAppId, extensionId, now);
      return deleted;
    });
  }

  private rowId(sdkAppId: number, extensionId: string): number | undefined {
    return prepared<[number, string], { id: number }>(this.db, 'SELECT id FROM sip_extensions WHERE sdk_app_id = ? AND extension_id = ?').get(sdkAppId, extensionId)?.id;
  }

  private staffExists(sdkAppId: number, mail: string): boolean {
    return prepared<[number, string], { id: number }>(this.db, 'SELECT id FROM staff WHERE sdk_app_id = ? AND mail = ?').get(sdkAppId, mail) !== undefined;
  }

  private setGroups(row: number, sdkAppId: number, skillGroupIds: number[]): void {
    prepared(
      this.db,
      `INSERT INTO sip_extension_skill_groups (extension_row, skill_group_id)
       SELECT ?, id FROM skill_groups WHERE sdk_app_id = ? AND id IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING`,
    ).run(row, sdkAppId, JSON.stringify(skillGroupIds));
  }

  /** Makes `mail` the extension's only staff. Runs inside a write. */
  private bind(sdkAppId: number, extensionId: string, mail: string, now: number): void {
    prepared(this.db, "UPDATE staff SET extension_number = '', modified_at = ? WHERE sdk_app_id = ? AND extension_number = ? AND mail <> ?").run(now, sdkAppId, extensionId, mail);
    prepared(this.db, 'UPDATE staff SET extension_number = ?, modified_at = ? WHERE sdk_app_id = ? AND mail = ? AND extension_number <> ?').run(extensionId, now, sdkAppId, mail, extensionId);
  }

  /** Runs inside a write. */
  private unbindAll(sdkAppId: number, extensionId: string, now: number): void {
    prepared(this.db, "UPDATE staff SET extension_number = '', modified_at = ? WHERE sdk_app_id = ? AND extension_number = ?").run(now, sdkAppId, extensionId);
  }
}
