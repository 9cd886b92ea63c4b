import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from './auth/secret-box.js';
import { ConfigError } from './config/config.js';
import type { Store } from './store/ports.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';

export interface DataFolder {
  store: Store;
  box: SecretBox;
}

/**
 * Opens the data folder: `openccc.db` (SQLite) and `master.key` (unless the
 * master key is given in OPENCCC_MASTER_KEY). Creates both on first use.
 */
export function openDataFolder(dataDir: string, masterKey: string | null): DataFolder {
  let box: SecretBox | null = null;
  if (masterKey) {
    try {
      box = SecretBox.fromEncoded(masterKey);
    } catch (error) {
      throw new ConfigError(`OPENCCC_MASTER_KEY: ${(error as Error).message}`);
    }
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  box ??= SecretBox.fromFile(join(dataDir, 'master.key'));
  return { store: openSqliteStore(join(dataDir, 'openccc.db')), box };
}
