import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { NewSipTrunk, SipTrunk, SipTrunkRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface TrunkRow {
  id: number;
  sdk_app_id: number;
  name: string;
  kind: string;
  allow_cidrs: string;
  out_host: string | null;
  out_port: number | null;
  out_transport: string | null;
  reg_registrar: string | null;
  reg_username: string | null;
  reg_password_sealed: Buffer | null;
  reg_realm: string | null;
  reg_expires: number | null;
  caller_ids: string;
  dial_allow: string;
  dial_deny: string;
  max_calls: number;
  enabled: number;
  created_at: number;
  modified_at: number;
}

/** A column holding a JSON array of strings, as this adapter wrote it; anything else is a damaged row. */
function strings(text: string, column: string, id: number): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new Error(`sip_trunks row ${id}: ${column} is not a JSON array of strings.`);
  }
  return value;
}

function toTrunk(row: TrunkRow): SipTrunk {
  if (row.kind !== 'ip' && row.kind !== 'register') throw new Error(`sip_trunks row ${row.id}: unknown kind "${row.kind}".`);
  const transport = row.out_transport;
  const outbound: SipTrunk['outbound'] = row.out_host !== null && row.out_port !== null && (transport === 'udp' || transport === 'tcp') ? { host: row.out_host, port: row.out_port, transport } : null;
  const register =
    row.reg_registrar !== null && row.reg_username !== null && row.reg_password_sealed !== null && row.reg_expires !== null
      ? { registrar: row.reg_registrar, username: row.reg_username, passwordSealed: row.reg_password_sealed, realm: row.reg_realm, expires: row.reg_expires }
      : null;
  return {
    id: row.id,
    sdkAppId: row.sdk_app_id,
    name: row.name,
    kind: row.kind,
    allow: strings(row.allow_cidrs, 'allow_cidrs', row.id),
    outbound,
    register,
    callerIdNumbers: strings(row.caller_ids, 'caller_ids', row.id),
    dialPlan: { allow: strings(row.dial_allow, 'dial_allow', row.id), deny: strings(row.dial_deny, 'dial_deny', row.id) },
    maxConcurrentCalls: row.max_calls,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

/** The columns after id, sdk_app_id, in table order, for INSERT and UPDATE alike. */
function settingColumns(trunk: NewSipTrunk): unknown[] {
  return [
    trunk.name,
    trunk.kind,
    JSON.stringify(trunk.allow),
    trunk.outbound?.host ?? null,
    trunk.outbound?.port ?? null,
    trunk.outbound?.transport ?? null,
    trunk.register?.registrar ?? null,
    trunk.register?.username ?? null,
    trunk.register?.passwordSealed ?? null,
    trunk.register?.realm ?? null,
    trunk.register?.expires ?? null,
    JSON.stringify(trunk.callerIdNumbers),
    JSON.stringify(trunk.dialPlan.allow),
    JSON.stringify(trunk.dialPlan.deny),
    trunk.maxConcurrentCalls,
    trunk.enabled ? 1 : 0,
  ];
}

const SETTINGS = 'name, kind, allow_cidrs, out_host, out_port, out_transport, reg_registrar, reg_username, reg_password_sealed, reg_realm, reg_expires, caller_ids, dial_allow, dial_deny, max_calls, enabled';

export class SqliteTrunks implements SipTrunkRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  create(trunk: NewSipTrunk, now: number): Promise<number | undefined> {
    return this.write(() => {
      const result = prepared(
        this.db,
        `INSERT INTO sip_trunks (sdk_app_id, ${SETTINGS}, created_at, modified_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sdk_app_id, name) DO NOTHING`,
      ).run(trunk.sdkAppId, ...settingColumns(trunk), now, now);
      return result.changes > 0 ? Number(result.lastInsertRowid) : undefined;
    });
  }

  get(sdkAppId: number, id: number): Promise<SipTrunk | undefined> {
    const row = prepared<[number, number], TrunkRow>(this.db, 'SELECT * FROM sip_trunks WHERE sdk_app_id = ? AND id = ?').get(sdkAppId, id);
    return Promise.resolve(row && toTrunk(row));
  }

  list(sdkAppId: number): Promise<SipTrunk[]> {
    return Promise.resolve(prepared<[number], TrunkRow>(this.db, 'SELECT * FROM sip_trunks WHERE sdk_app_id = ? ORDER BY id').all(sdkAppId).map(toTrunk));
  }

  listEnabled(): Promise<SipTrunk[]> {
    return Promise.resolve(prepared<[], TrunkRow>(this.db, 'SELECT * FROM sip_trunks WHERE enabled = 1 ORDER BY id').all().map(toTrunk));
  }

  replace(id: number, trunk: NewSipTrunk, now: number): Promise<'ok' | 'not-found' | 'name-taken'> {
    return this.write(() => {
      const taken = prepared<[number, string, number], { id: number }>(this.db, 'SELECT id FROM sip_trunks WHERE sdk_app_id = ? AND name = ? AND id <> ?').get(trunk.sdkAppId, trunk.name, id);
      if (taken) return 'name-taken';
      const assignments = SETTINGS.split(', ')
        .map((column) => `${column} = ?`)
        .join(', ');
      const changed = prepared(this.db, `UPDATE sip_trunks SET ${assignments}, modified_at = ? WHERE id = ? AND sdk_app_id = ?`).run(...settingColumns(trunk), now, id, trunk.sdkAppId).changes;
      return changed > 0 ? 'ok' : 'not-found';
    });
  }

  delete(sdkAppId: number, id: number): Promise<boolean> {
    return this.write(() => prepared(this.db, 'DELETE FROM sip_trunks WHERE sdk_app_id = ? AND id = ?').run(sdkAppId, id).changes > 0);
  }
}
