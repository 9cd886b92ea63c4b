import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js';
import { CliProcess, REPO_ROOT, cleanup, cliEnv, requireBuiltCli, tempDir } from './helpers.js';

const APP = 1400000001;
const STORE_MODULE = pathToFileURL(join(REPO_ROOT, 'packages/server/dist/store/sqlite/sqlite-store.js')).href;

/** Writes call records in batches of ten as fast as the store acknowledges them, printing each acknowledged session id. */
const WRITER = `
import { openSqliteStore } from ${JSON.stringify(STORE_MODULE)};
const store = openSqliteStore(process.env.RECORDS_FILE);
for (let batch = 0; ; batch++) {
  const ids = Array.from({ length: 10 }, (_, i) => 'session-' + batch + '-' + i);
  await Promise.all(ids.map((id, i) => store.callRecords.add(${APP}, { SessionId: id, StartTimestamp: batch, Caller: '00861390000000' + i, Callee: '00864001234567', EndStatus: 1 })));
  process.stdout.write(ids.map((id) => 'acked ' + id + '\\n').join(''));
}
`;

beforeAll(requireBuiltCli);
afterEach(cleanup);

describe('call records and kill -9', () => {
  it('keeps every record whose write was acknowledged before the process was killed', async () => {
    const file = join(tempDir('openccc-records-'), 'openccc.db');
    const writer = new CliProcess(spawn(process.execPath, ['--input-type=module', '-e', WRITER], { env: cliEnv({ RECORDS_FILE: file }), stdio: ['ignore', 'pipe', 'pipe'] }));
    await writer.waitFor(() => (writer.stdout.match(/\n/g) ?? []).length >= 200);
    writer.child.kill('SIGKILL');
    const exit = await writer.exited;
    expect(exit.signal).toBe('SIGKILL');
    const acked = writer.stdout
      .split('\n')
      .filter((line) => line.startsWith('acked '))
      .map((line) => line.slice('acked '.length));
    const store = openSqliteStore(file);
    try {
      const { items } = await store.callRecords.list(APP, { fromSeconds: 0, toSeconds: Number.MAX_SAFE_INTEGER, limit: 1_000_000, offset: 0 });
      const kept = new Set(items.map((record) => record.SessionId));
      expect(acked.filter((id) => !kept.has(id))).toEqual([]);
      expect(acked.length).toBeGreaterThanOrEqual(200);
    } finally {
      await store.close();
    }
  });
});
