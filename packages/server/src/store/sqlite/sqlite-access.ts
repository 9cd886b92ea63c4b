import type Database from 'better-sqlite3';
import { prepared } from './statements.js';
import type { ApiKey, ApiKeyOptions, ApiKeyPolicy, ApiKeyRepo, ApiKeyStatus, Credential, CredentialKind, CredentialRepo, Instance, InstanceRepo, OriginRepo } from '../ports.js';
import type { WriteFn } from './sqlite-store.js';

interface InstanceRow {
  sdk_app_id: number;
  name: string;
  created_at: number;
}

export class SqliteInstances implements InstanceRepo {
  private readonly byId: Database.Statement<[number], InstanceRow>;

  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {
    this.byId = db.prepare('SELECT * FROM instances WHERE sdk_app_id = ?');
  }

  create(instance: Instance): Promise<void> {
    return this.write(() => {
      prepared(this.db, 'INSERT INTO instances (sdk_app_id, name, created_at) VALUES (?, ?, ?)').run(instance.sdkAppId, instance.name, instance.createdAt);
    });
  }

  get(sdkAppId: number): Promise<Instance | undefined> {
    const row = this.byId.get(sdkAppId);
    return Promise.resolve(row && { sdkAppId: row.sdk_app_id, name: row.name, createdAt: row.created_at });
  }

  list(): Promise<Instance[]> {
    const rows = prepared<[], InstanceRow>(this.db, 'SELECT * FROM instances ORDER BY created_at, sdk_app_id').all();
    return Promise.resolve(rows.map((row) => ({ sdkAppId: row.sdk_app_id, name: row.name, createdAt: row.created_at })));
  }
}

interface ApiKeyRow {
  secret_id: string;
  secret_key_sealed: Buffer;
  policy: string | null;
  status: ApiKeyStatus;
  description: string;
  created_at: number;
  require_signed_action: number;
  single_use_signatures: number;
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    secretId: row.secret_id,
    secretKeySealed: row.secret_key_sealed,
    policy: row.policy === null ? null : (JSON.parse(row.policy) as ApiKeyPolicy),
    status: row.status,
    description: row.description,
    createdAt: row.created_at,
    requireSignedAction: row.require_signed_action === 1,
    singleUseSignatures: row.single_use_signatures === 1,
  };
}

export class SqliteApiKeys implements ApiKeyRepo {
  private readonly byId: Database.Statement<[string], ApiKeyRow>;

  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {
    this.byId = db.prepare('SELECT * FROM api_keys WHERE secret_id = ?');
  }

  create(key: ApiKey): Promise<void> {
    return this.write(() => {
      prepared(
        this.db,
        'INSERT INTO api_keys (secret_id, secret_key_sealed, policy, status, description, created_at, require_signed_action, single_use_signatures) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        key.secretId,
        key.secretKeySealed,
        key.policy && JSON.stringify(key.policy),
        key.status,
        key.description,
        key.createdAt,
        key.requireSignedAction ? 1 : 0,
        key.singleUseSignatures ? 1 : 0,
      );
    });
  }

  get(secretId: string): Promise<ApiKey | undefined> {
    const row = this.byId.get(secretId);
    return Promise.resolve(row && toApiKey(row));
  }

  list(): Promise<ApiKey[]> {
    return Promise.resolve(prepared<[], ApiKeyRow>(this.db, 'SELECT * FROM api_keys ORDER BY created_at, secret_id').all().map(toApiKey));
  }

  setStatus(secretId: string, status: ApiKeyStatus): Promise<boolean> {
    return this.write(() => prepared(this.db, 'UPDATE api_keys SET status = ? WHERE secret_id = ?').run(status, secretId).changes > 0);
  }

  setOptions(secretId: string, options: Partial<ApiKeyOptions>): Promise<boolean> {
    const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
    return this.write(
      () =>
        prepared(
          this.db,
          'UPDATE api_keys SET require_signed_action = COALESCE(?, require_signed_action), single_use_signatures = COALESCE(?, single_use_signatures) WHERE secret_id = ?',
        ).run(flag(options.requireSignedAction), flag(options.singleUseSignatures), secretId).changes > 0,
    );
  }

  delete(secretId: string): Promise<boolean> {
    return this.write(() => prepared(this.db, 'DELETE FROM api_keys WHERE secret_id = ?').run(secretId).changes > 0);
  }

  touch(secretId: string, at: number): Promise<void> {
    return this.write(() => {
      prepared(this.db, 'UPDATE api_keys SET last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE secret_id = ?').run(at, secretId);
    });
  }

  lastUsed(): Promise<Map<string, number>> {
    const rows = prepared<[], { secret_id: string; last_used_at: number }>(this.db, 'SELECT secret_id, last_used_at FROM api_keys WHERE last_used_at IS NOT NULL').all();
    return Promise.resolve(new Map(rows.map((row) => [row.secret_id, row.last_used_at])));
  }
}

interface CredentialRow {
  kind: CredentialKind;
  hash: string;
  sdk_app_id: number;
  mail: string;
  only_once: number;
  expires_at: number;
  created_at: number;
  used_at: number | null;
}

function toCredential(row: CredentialRow): Credential {
  return {
    kind: row.kind,
    hash: row.hash,
    sdkAppId: row.sdk_app_id,
    mail: row.mail,
    onlyOnce: row.only_once === 1,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    usedAt: row.used_at,
  };
}

export class SqliteCredentials implements CredentialRepo {
  private readonly insert: Database.Statement;
  private readonly byKey: Database.Statement<[string, string], CredentialRow>;
  private readonly markUsed: Database.Statement<[number, string, string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {
    this.insert = db.prepare(
      'INSERT INTO credentials (kind, hash, sdk_app_id, mail, only_once, expires_at, created_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.byKey = db.prepare('SELECT * FROM credentials WHERE kind = ? AND hash = ?');
    this.markUsed = db.prepare('UPDATE credentials SET used_at = ? WHERE kind = ? AND hash = ? AND used_at IS NULL');
  }

  issue(c: Credential): Promise<void> {
    return this.write(() => {
      this.insert.run(c.kind, c.hash, c.sdkAppId, c.mail, c.onlyOnce ? 1 : 0, c.expiresAt, c.createdAt, c.usedAt);
    });
  }

  issueExclusive(c: Credential): Promise<void> {
    return this.write(() => {
      this.insert.run(c.kind, c.hash, c.sdkAppId, c.mail, c.onlyOnce ? 1 : 0, c.expiresAt, c.createdAt, c.usedAt);
      prepared(this.db, 'DELETE FROM credentials WHERE kind = ? AND sdk_app_id = ? AND lower(mail) = lower(?) AND hash <> ?').run(c.kind, c.sdkAppId, c.mail, c.hash);
    });
  }

  find(kind: CredentialKind, hash: string): Promise<Credential | undefined> {
    const row = this.byKey.get(kind, hash);
    return Promise.resolve(row && toCredential(row));
  }

  redeem(kind: CredentialKind, hash: string, now: number): Promise<{ credential: Credential; firstUse: boolean } | undefined> {
    return this.write(() => {
      const row = this.byKey.get(kind, hash);
      if (!row) return undefined;
      const firstUse = this.markUsed.run(now, kind, hash).changes > 0;
      return { credential: toCredential(row), firstUse };
    });
  }

  extend(kind: CredentialKind, hash: string, expiresAt: number): Promise<void> {
    return this.write(() => {
      prepared(this.db, 'UPDATE credentials SET expires_at = ? WHERE kind = ? AND hash = ?').run(expiresAt, kind, hash);
    });
  }

  revoke(kind: CredentialKind, hash: string): Promise<void> {
    return this.write(() => {
      prepared(this.db, 'DELETE FROM credentials WHERE kind = ? AND hash = ?').run(kind, hash);
    });
  }

  revokeOthers(kind: CredentialKind, sdkAppId: number, mail: string, keepHash: string): Promise<number> {
    return this.write(
      () => prepared(this.db, 'DELETE FROM credentials WHERE kind = ? AND sdk_app_id = ? AND lower(mail) = lower(?) AND hash <> ?').run(kind, sdkAppId, mail, keepHash).changes,
    );
  }

  purgeExpired(now: number): Promise<number> {
    return this.write(() => prepared(this.db, 'DELETE FROM credentials WHERE expires_at < ?').run(now).changes);
  }
}

export class SqliteOrigins implements OriginRepo {
  constructor(
    private readonly db: Database.Database,
    private readonly write: WriteFn,
  ) {}

  list(sdkAppId: number): Promise<string[]> {
    const rows = prepared<[number], { origin: string }>(this.db, 'SELECT origin FROM instance_origins WHERE sdk_app_id = ? ORDER BY created_at, origin').all(sdkAppId);
    return Promise.resolve(rows.map((r) => r.origin));
  }

  add(sdkAppId: number, origin: string, now: number): Promise<boolean> {
    return this.write(
      () => prepared(this.db, 'INSERT INTO instance_origins (sdk_app_id, origin, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(sdkAppId, origin, now).changes > 0,
    );
  }

  remove(sdkAppId: number, origin: string): Promise<boolean> {
    return this.write(() => prepared(this.db, 'DELETE FROM instance_origins WHERE sdk_app_id = ? AND origin = ?').run(sdkAppId, origin).changes > 0);
  }
}
