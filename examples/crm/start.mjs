// `npm run example`: starts OpenCCC on a data folder of its own, sets up the demo (keys, origin,
// skill group, hotline) and starts the CRM. Ctrl-C stops both; running it again reuses the data.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startCrm } from './src/app.mjs';
import { cccClient } from './src/ccc-client.mjs';
import { DEMO_USERS } from './src/demo-data.mjs';
import { OPENCCC_CLI, openccc, provisionOpenCcc } from './src/provision.mjs';

// EXAMPLE_DATA_DIR moves the data folder (the tests use a fresh one).
const DATA = `${process.env.EXAMPLE_DATA_DIR ?? fileURLToPath(new URL('./data/', import.meta.url))}/`.replace(/\/+$/, '/');
const OPENCCC_DATA = `${DATA}openccc`;
const CREDENTIALS = `${DATA}credentials.json`;
const OPENCCC_PORT = Number(process.env.OPENCCC_PORT ?? 8080);
const CRM_PORT = Number(process.env.CRM_PORT ?? 3000);
const OPENCCC_URL = `http://127.0.0.1:${OPENCCC_PORT}`;
const HOTLINE = '008640000100';
const SKILL_GROUP = 'CRM 热线';

/**
 * The keys the CRM uses. On the first run: `openccc init` makes the instance and a main key (used
 * here to provision), and a sub-account key limited to what the CRM backend calls.
 * @returns {Promise<{ sdkAppId: number, admin: { secretId: string, secretKey: string }, crm: { secretId: string, secretKey: string }, firstRun?: { adminUser: string, adminPassword: string } }>}
 */
async function credentials() {
  if (existsSync(CREDENTIALS)) {
    const saved = JSON.parse(readFileSync(CREDENTIALS, 'utf8'));
    const key = (/** @type {unknown} */ value) => typeof value === 'object' && value !== null && 'secretId' in value && 'secretKey' in value;
    if (!Number.isSafeInteger(saved?.sdkAppId) || !key(saved.admin) || !key(saved.crm)) throw new Error(`${CREDENTIALS} is damaged: remove ${DATA} to start over.`);
    return saved;
  }
  if (existsSync(OPENCCC_DATA)) {
    throw new Error(`${OPENCCC_DATA} exists but ${CREDENTIALS} does not: remove ${DATA} to start over.`);
  }
  mkdirSync(DATA, { recursive: true, mode: 0o700 });
  const init = JSON.parse(await openccc(OPENCCC_DATA, ['init', '--json', '--public-url', OPENCCC_URL]));
  const sub = JSON.parse(
    await openccc(OPENCCC_DATA, ['keys', 'create', '--sub', '--json', '--description', 'example CRM backend', '--instances', String(init.sdkAppId), '--actions', 'CreateSDKLoginToken,CreateStaff,ModifyStaff,DeleteStaff,Describe*']),
  );
  const saved = { sdkAppId: init.sdkAppId, admin: { secretId: init.secretId, secretKey: init.secretKey }, crm: { secretId: sub.secretId, secretKey: sub.secretKey } };
  writeFileSync(CREDENTIALS, JSON.stringify(saved, null, 2), { mode: 0o600 });
  return { ...saved, firstRun: { adminUser: init.adminUser, adminPassword: init.adminPassword } };
}

/** @param {import('node:child_process').ChildProcess} child */
async function healthy(child) {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) throw new Error(`OpenCCC exited with code ${child.exitCode}; see ${DATA}openccc.log (is port ${OPENCCC_PORT} in use? set OPENCCC_PORT)`);
    try {
      if ((await fetch(`${OPENCCC_URL}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`OpenCCC did not answer ${OPENCCC_URL}/healthz within 30 s`);
}

const keys = await credentials();
const log = openSync(`${DATA}openccc.log`, 'a');
const server = spawn(process.execPath, [OPENCCC_CLI, 'start', '--data', OPENCCC_DATA, '--host', '127.0.0.1', '--port', String(OPENCCC_PORT), '--public-url', OPENCCC_URL], {
  stdio: ['ignore', log, log],
  // Its own process group: Ctrl-C reaches only this script, which then stops OpenCCC once.
  detached: true,
});
/** @type {Awaited<ReturnType<typeof startCrm>> | undefined} */
let crm;
let stopping = false;

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  await crm?.close();
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGINT');
    await exited;
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop());
process.on('exit', () => server.exitCode === null && server.kill('SIGTERM'));
process.on('SIGTERM', () => void stop());
server.once('exit', (code) => {
  if (!stopping) {
    console.error(`OpenCCC stopped (exit code ${code}); see ${DATA}openccc.log`);
    void stop(1);
  }
});

try {
  await healthy(server);
  const crmOrigin = `http://localhost:${CRM_PORT}`;
  const admin = cccClient({ url: OPENCCC_URL, sdkAppId: keys.sdkAppId, ...keys.admin });
  await provisionOpenCcc({ dataDir: OPENCCC_DATA, client: admin, sdkAppId: keys.sdkAppId, crmOrigin, skillGroupName: SKILL_GROUP, hotline: HOTLINE });
  crm = await startCrm({
    openccc: { url: OPENCCC_URL, sdkAppId: keys.sdkAppId, ...keys.crm },
    port: CRM_PORT,
    dataDir: `${DATA}crm`,
    skillGroupName: SKILL_GROUP,
    log: (line) => console.log(`crm: ${line}`),
  });
} catch (error) {
  console.error(`The example could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stop(1);
}

console.log(`
  OpenCCC example CRM

  CRM              ${crm?.url}
  Agent logins     ${DEMO_USERS.map((user) => `${user.mail} / ${user.password}`).join('\n                   ')}
  Hotline          ${HOTLINE} (skill group "${SKILL_GROUP}")
  Virtual phone    ${OPENCCC_URL}/phone  (use number 13900001111 to call as 王芳 Wang Fang)
  OpenCCC          ${OPENCCC_URL}  (SdkAppId ${keys.sdkAppId}, log: ${DATA}openccc.log)
${keys.firstRun ? `  OpenCCC admin    ${keys.firstRun.adminUser} / ${keys.firstRun.adminPassword}  (shown once)\n` : ''}
  Ctrl-C stops both.
`);
