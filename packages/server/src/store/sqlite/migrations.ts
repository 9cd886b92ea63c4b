import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many
 * have run. Append only: never edit a migration that has shipped.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE instances (
    sdk_app_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE api_keys (
    secret_id TEXT PRIMARY KEY,
    secret_key_sealed BLOB NOT NULL,
    policy TEXT,
    status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
  );
  CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    sdk_app_id INTEGER NOT NULL REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    mail TEXT NOT NULL COLLATE NOCASE,
    name TEXT NOT NULL,
    staff_number TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    nick TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL DEFAULT '',
    role INTEGER NOT NULL DEFAULT 3,
    extension_number TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    use_mobile_callout INTEGER NOT NULL DEFAULT 0,
    use_mobile_accept INTEGER NOT NULL DEFAULT 0,
    forwarding_config TEXT,
    forced_offline INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    UNIQUE (sdk_app_id, mail)
  );
  CREATE TABLE skill_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sdk_app_id INTEGER NOT NULL REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type INTEGER NOT NULL,
    max_concurrency INTEGER NOT NULL DEFAULT 1,
    ring_all INTEGER NOT NULL DEFAULT 0,
    route_policy TEXT NOT NULL DEFAULT 'ROUTE_POLICY_RANDOM',
    using_last_seat INTEGER NOT NULL DEFAULT 0,
    alias TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    UNIQUE (sdk_app_id, name)
  );
  CREATE TABLE staff_skill_groups (
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    skill_group_id INTEGER NOT NULL REFERENCES skill_groups(id) ON DELETE CASCADE,
    priority INTEGER NOT NULL DEFAULT 3,
    PRIMARY KEY (staff_id, skill_group_id)
  );
  CREATE INDEX staff_skill_groups_group ON staff_skill_groups(skill_group_id);
  CREATE TABLE credentials (
    kind TEXT NOT NULL,
    hash TEXT NOT NULL,
    sdk_app_id INTEGER NOT NULL,
    mail TEXT NOT NULL,
    only_once INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (kind, hash)
  ) WITHOUT ROWID;
  CREATE INDEX credentials_expiry ON credentials(expires_at);
  CREATE TABLE staff_status_history (
    id INTEGER PRIMARY KEY,
    sdk_app_id INTEGER NOT NULL,
    mail TEXT NOT NULL COLLATE NOCASE,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    session_id TEXT NOT NULL DEFAULT '',
    at INTEGER NOT NULL
  );
  CREATE INDEX staff_status_history_staff ON staff_status_history(sdk_app_id, mail, at);
  `,
  `
  CREATE TABLE instance_origins (
    sdk_app_id INTEGER NOT NULL REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    origin TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (sdk_app_id, origin)
  ) WITHOUT ROWID;
  `,
  `
  ALTER TABLE api_keys ADD COLUMN require_signed_action INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE api_keys ADD COLUMN single_use_signatures INTEGER NOT NULL DEFAULT 0;
  `,
  `
  CREATE TABLE instance_numbers (
    number TEXT PRIMARY KEY,
    sdk_app_id INTEGER NOT NULL REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    route_kind TEXT NOT NULL CHECK (route_kind IN ('none', 'skillGroup', 'ivr')),
    skill_group_id INTEGER REFERENCES skill_groups(id) ON DELETE SET NULL,
    ivr_flow TEXT,
    state TEXT NOT NULL CHECK (state IN ('enabled', 'disabled')),
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL
  );
  CREATE INDEX instance_numbers_instance ON instance_numbers(sdk_app_id, number);
  CREATE INDEX instance_numbers_group ON instance_numbers(skill_group_id);
  CREATE TABLE number_callout_skill_groups (
    number TEXT NOT NULL REFERENCES instance_numbers(number) ON DELETE CASCADE,
    skill_group_id INTEGER NOT NULL REFERENCES skill_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (number, skill_group_id)
  ) WITHOUT ROWID;
  CREATE INDEX number_callout_skill_groups_group ON number_callout_skill_groups(skill_group_id);
  CREATE TABLE call_records (
    session_id TEXT PRIMARY KEY,
    sdk_app_id INTEGER NOT NULL,
    start_ts INTEGER NOT NULL,
    caller TEXT NOT NULL,
    callee TEXT NOT NULL,
    record TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX call_records_time ON call_records(sdk_app_id, start_ts, session_id);
  CREATE INDEX call_records_caller ON call_records(sdk_app_id, caller, start_ts);
  CREATE INDEX call_records_callee ON call_records(sdk_app_id, callee, start_ts);
  `,
  `
  CREATE TABLE ivr_prompts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sdk_app_id INTEGER NOT NULL REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    custom_name TEXT NOT NULL,
    file_name TEXT NOT NULL,
    stored_file TEXT NOT NULL,
    format_tag INTEGER NOT NULL,
    sample_rate INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX ivr_prompts_instance ON ivr_prompts(sdk_app_id, id);
  `,
  `
  CREATE TABLE call_journal (
    session_id TEXT PRIMARY KEY,
    sdk_app_id INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE skill_group_routing (
    skill_group_id INTEGER PRIMARY KEY REFERENCES skill_groups(id) ON DELETE CASCADE,
    settings TEXT NOT NULL,
    modified_at INTEGER NOT NULL
  );
  `,
  `
  CREATE TABLE push_settings (
    sdk_app_id INTEGER PRIMARY KEY REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    cdr INTEGER NOT NULL,
    record INTEGER NOT NULL,
    auth_mode TEXT NOT NULL,
    principal TEXT NOT NULL,
    token_url TEXT NOT NULL,
    secret_sealed BLOB,
    modified_at INTEGER NOT NULL
  );
  CREATE TABLE push_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    sdk_app_id INTEGER NOT NULL,
    action TEXT NOT NULL,
    session_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at INTEGER NOT NULL,
    last_error TEXT NOT NULL,
    last_status INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    delivered_at INTEGER
  );
  CREATE INDEX push_outbox_due ON push_outbox(state, next_at);
  CREATE INDEX push_outbox_instance ON push_outbox(sdk_app_id, state, next_at, id);
  CREATE INDEX push_outbox_log ON push_outbox(sdk_app_id, id);
  `,
  `
  ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
  `,
  `
  CREATE TABLE sip_extensions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sdk_app_id INTEGER NOT NULL REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    extension_id TEXT NOT NULL,
    name TEXT NOT NULL,
    ha1 TEXT NOT NULL,
    realm TEXT NOT NULL,
    password_sealed BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    UNIQUE (sdk_app_id, extension_id)
  );
  CREATE TABLE sip_extension_skill_groups (
    extension_row INTEGER NOT NULL REFERENCES sip_extensions(id) ON DELETE CASCADE,
    skill_group_id INTEGER NOT NULL REFERENCES skill_groups(id) ON DELETE CASCADE,
    PRIMARY KEY (extension_row, skill_group_id)
  ) WITHOUT ROWID;
  CREATE INDEX staff_extension ON staff(sdk_app_id, extension_number);
  CREATE TABLE sip_trunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sdk_app_id INTEGER NOT NULL REFERENCES instances(sdk_app_id) ON DELETE CASCADE,
    name TEXT NOT NULL COLLATE NOCASE,
    kind TEXT NOT NULL,
    allow_cidrs TEXT NOT NULL,
    out_host TEXT,
    out_port INTEGER,
    out_transport TEXT,
    reg_registrar TEXT,
    reg_username TEXT,
    reg_password_sealed BLOB,
    reg_realm TEXT,
    reg_expires INTEGER,
    caller_ids TEXT NOT NULL,
    dial_allow TEXT NOT NULL,
    dial_deny TEXT NOT NULL,
    max_calls INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    modified_at INTEGER NOT NULL,
    UNIQUE (sdk_app_id, name)
  );
  `,
];

/** Runs the migrations not yet applied; `target` stops earlier (tests build older schemas with it). */
export function migrate(db: Database.Database, target = MIGRATIONS.length): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`The data folder was written by a newer OpenCCC (schema ${current}, this build knows ${MIGRATIONS.length}).`);
  }
  for (let v = current; v < Math.min(target, MIGRATIONS.length); v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
