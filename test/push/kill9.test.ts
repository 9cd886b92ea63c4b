/**
 * A push in flight when the server is killed with SIGKILL: the next start sends it again, with the
 * same X-TCCC-PUSH-UUID, and the delivery log shows it delivered. The server runs as the built CLI
 * (`npx tsc -b tsconfig.json` first).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { TestPhone } from '../calls/support.js';
import { cleanup, freePort, requireBuiltCli, runCli, runJson, spawnCli, tempDir, type CliProcess, type InitOutput } from '../cli/helpers.js';
import { consoleSignIn } from '../console/support/console-client.js';
import { ACK, Receiver, type Received } from './support.js';

const HOTLINE = '0086400900071';
const CUSTOMER = '008613950000071';

let dataDir: string;
let port: number;
let init: InitOutput;
let receiver: Receiver;
const phones: TestPhone[] = [];

beforeAll(async () => {
  requireBuiltCli();
  dataDir = join(tempDir('openccc-push-kill9-'), 'data');
  port = await freePort();
  init = await runJson<InitOutput>(['init', '--data', dataDir]);
  receiver = await Receiver.start();
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  await receiver?.close();
  await cleanup();
});

async function start(): Promise<CliProcess> {
  const proc = spawnCli(['start', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', '--media-workers', '1', '--rate-limit', '0']);
  await proc.waitForLog('openccc ready');
  return proc;
}

describe('a push in flight at kill -9', () => {
  it('is sent again by the next start with the same UUID, and delivered', async () => {
    const url = `http://127.0.0.1:${port}`;
    let proc = await start();
    try {
      const client = officialClient({ port, secretId: init.secretId, secretKey: init.secretKey });
      const group = await client.CreateCCCSkillGroup({ SdkAppId: init.sdkAppId, SkillGroupName: 'Kill', SkillGroupType: 0 });
      expect((await runCli(['number', 'add', HOTLINE, '--skill-group', String(group.SkillGroupId), '--data', dataDir])).code).toBe(0);
      const admin = await consoleSignIn(url, init.adminUser, init.adminPassword);
      expect((await admin.call('/push/settings', { method: 'PUT', body: { url: `${receiver.url}/push`, cdr: true } })).status).toBe(200);

      // The receiver takes the push and never answers: the attempt is in flight when the server dies.
      receiver.reply = (r) => (r.path === '/push' ? 'hang' : ACK);
      const phone = await TestPhone.open(url, CUSTOMER);
      phones.push(phone);
      const { callId } = await phone.dial(HOTLINE);
      phone.send({ type: 'hangup', callId });
      const first = await receiver.next((r: Received) => r.path === '/push' && r.json?.['Caller'] === CUSTOMER);
      const uuid = first.headers['x-tccc-push-uuid'];
      expect(uuid).toMatch(/^[0-9a-f-]{36}$/);

      proc.child.kill('SIGKILL');
      expect((await proc.exited).signal).toBe('SIGKILL');

      receiver.reply = () => ACK;
      proc = await start();
      const pushes = await receiver.count((r) => r.path === '/push' && r.json?.['Caller'] === CUSTOMER, 2);
      expect(pushes.map((p) => p.headers['x-tccc-push-uuid'])).toEqual([uuid, uuid]);
      expect(pushes[1]!.json).toEqual(first.json);

      const again = await consoleSignIn(url, init.adminUser, init.adminPassword);
      for (;;) {
        const log = (await (await again.call('/push/deliveries')).json()) as { items: Array<{ uuid: string; state: string; attempts: number }> };
        const entry = log.items.find((i) => i.uuid === uuid);
        if (entry?.state === 'delivered') {
          // The attempt cut by the kill was never written: the one after the restart is the first counted.
          expect(entry.attempts).toBe(1);
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
  });
});
