import Database from 'better-sqlite3';
import type { Store } from '../ports.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './migrations.js';
import { SqliteApiKeys, SqliteCredentials, SqliteInstances, SqliteOrigins } from './sqlite-access.js';
import { SqliteStaff } from './sqlite-staff.js';
import { SqliteSkillGroups } from './sqlite-skill-groups.js';
import { SqliteStatusHistory } from './sqlite-status-history.js';
import { SqliteNumbers } from './sqlite-numbers.js';
import { SqliteCallRecords } from './sqlite-call-records.js';
import { SqlitePrompts } from './sqlite-prompts.js';
import { SqliteCallJournal } from './sqlite-call-journal.js';
import { SqliteGroupRouting } from './sqlite-group-routing.js';
import { SqlitePush } from './sqlite-push.js';
import { SqliteExtensions } from './sqlite-extensions.js';
import { SqliteTrunks } from './sqlite-trunks.js';

/** The embedded default store: one SQLite file in WAL mode with durable, group-committed writes. */
export class SqliteStore implements Store {
  readonly instances: SqliteInstances;
  readonly apiKeys: SqliteApiKeys;
  readonly staff: SqliteStaff;
  readonly skillGroups: SqliteSkillGroups;
  readonly credentials: SqliteCredentials;
  readonly statusHistory: SqliteStatusHistory;
  readonly origins: SqliteOrigins;
  readonly numbers: SqliteNumbers;
  readonly callRecords: SqliteCallRecords;
  readonly prompts: SqlitePrompts;
  readonly callJournal: SqliteCallJournal;
  readonly groupRouting: SqliteGroupRouting;
  readonly push: SqlitePush;
  readonly sipExtensions: SqliteExtensions;
  readonly sipTrunks: SqliteTrunks;
  private readonly commits: GroupCommit;
  private closed = false;

  constructor(private readonly db: Database.Database) {
    this.commits = new GroupCommit(db);
    const write = <T>(run: () => T): Promise<T> => {
      if (this.closed) return Promise.reject(new Error('The store is closed.'));
      return this.commits.write(run);
    };
    this.instances = new SqliteInstances(db, write);
    this.apiKeys = new SqliteApiKeys(db, write);
    this.staff = new SqliteStaff(db, write);
    this.skillGroups = new SqliteSkillGroups(db, write);
    this.credentials = new SqliteCredentials(db, write);
    this.statusHistory = new SqliteStatusHistory(db, write);
    this.origins = new SqliteOrigins(db, write);
    this.numbers = new SqliteNumbers(db, write);
    this.callRecords = new SqliteCallRecords(db, write);
    this.prompts = new SqlitePrompts(db, write);
    this.callJournal = new SqliteCallJournal(db, write);
    this.groupRouting = new SqliteGroupRouting(db, write);
    this.push = new SqlitePush(db, write);
    this.sipExtensions = new SqliteExtensions(db, write);
    this.sipTrunks = new SqliteTrunks(db, write);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.commits.flush();
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
    return Promise.resolve();
  }
}

/** Opens (creating and migrating as needed) the SQLite store at `file`, or in memory for ':memory:'. */
export function openSqliteStore(file: string): SqliteStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // FULL: a COMMIT is on disk before any write in it is acknowledged.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // The CLI may write to the same file while the server runs.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return new SqliteStore(db);
}

export type WriteFn = <T>(run: () => T) => Promise<T>;
