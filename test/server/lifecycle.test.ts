import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { cleanup, freePort, occurrences, requireBuiltCli, runCli, spawnCli, tempDir, type CliProcess } from '../cli/helpers.js';

interface Credentials {
  url: string;
  sdkAppId: number;
  secretId: string;
  secretKey: string;
  adminUser: string;
  adminPassword: string;
}

interface Started {
  proc: CliProcess;
  port: number;
  ready: Record<string, unknown>;
}

beforeAll(requireBuiltCli);

/** `openccc start` on `port`; resolves once the ready log line and the banner are out. */
async function start(dataDir: string, options: { port?: number; args?: string[]; env?: Record<string, string> } = {}): Promise<Started> {
  const port = options.port ?? (await freePort());
  const args = ['start', '--data', dataDir, ...(options.env?.['OPENCCC_PORT'] ? [] : ['--port', String(port)]), ...(options.args ?? [])];
  const proc = spawnCli(args, options.env);
  const ready = await proc.waitForLog('openccc ready');
  await proc.waitFor(() => /\n {2}Data {7}\S.*\n/.test(proc.stdout) || /OpenCCC is running at .*\n/.test(proc.stdout));
  return { proc, port, ready };
}

function credentials(stdout: string): Credentials {
  const field = (name: string) => {
    const match = new RegExp(`^ {2}${name} +(\\S+)$`, 'm').exec(stdout);
    if (!match?.[1]) throw new Error(`no ${name} in the first-run block:\n${stdout}`);
    return match[1];
  };
  return {
    url: field('URL'),
    sdkAppId: Number(field('SdkAppId')),
    secretId: field('SecretId'),
    secretKey: field('SecretKey'),
    adminUser: field('Admin'),
    adminPassword: field('Password'),
  };
}

async function stop(proc: CliProcess, signal: NodeJS.Signals): Promise<number | null> {
  proc.child.kill(signal);
  const exit = await proc.exited;
  return exit.code;
}

const client = (port: number, c: Credentials) => officialClient({ port, secretId: c.secretId, secretKey: c.secretKey });

describe('openccc start: first run, restart and shutdown', () => {
  let dir: string;
  let creds: Credentials;
  let first: Started;

  beforeAll(() => {
    dir = join(tempDir('openccc-life-'), 'data');
  });
  afterAll(cleanup);

  it('prints the credentials block once and becomes ready', async () => {
    first = await start(dir);
    const { proc, port, ready } = first;
    creds = credentials(proc.stdout);
    expect(ready).toMatchObject({ url: `http://127.0.0.1:${port}`, port, dataDir: dir });
    expect(creds.url).toBe(`http://127.0.0.1:${port}`);
    expect(creds.secretId).toMatch(/^AKID[A-Za-z0-9]{32}$/);
    expect(creds.secretKey).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(creds.adminUser).toBe('admin@openccc.local');
    expect(proc.stdout).toContain('first run: these credentials are shown only once');
    expect(occurrences(proc.stdout, creds.secretKey)).toBe(1);
    expect(occurrences(proc.stdout, creds.adminPassword)).toBe(1);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`http://127.0.0.1:${first.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves the Cloud API and counts requests in /metrics', async () => {
    const sdk = client(first.port, creds);
    const created = await sdk.CreateStaff({ SdkAppId: creds.sdkAppId, Staffs: [{ Name: 'Ann', Mail: 'ann@example.com', StaffNumber: '7' }] });
    expect(created.ErrorStaffList).toEqual([]);
    const res = await fetch(`http://127.0.0.1:${first.port}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE openccc_cloudapi_requests_total counter$/m);
    expect(text).toMatch(/^openccc_cloudapi_requests_total\{action="CreateStaff",code="OK"\} 1$/m);
  });

  it('stops on SIGTERM with exit code 0 and never logs a secret', async () => {
    const { proc } = first;
    expect(await stop(proc, 'SIGTERM')).toBe(0);
    const logs = proc.logs();
    expect(logs.find((l) => l['msg'] === 'shutting down')).toMatchObject({ signal: 'SIGTERM' });
    expect(logs.at(-1)?.['msg']).toBe('openccc stopped');
    const logText = proc.stdout.split('\n').filter((l) => l.startsWith('{')).join('\n');
    expect(logText).not.toContain(creds.secretKey);
    expect(logText).not.toContain(creds.adminPassword);
    expect(proc.stderr).not.toContain(creds.secretKey);
    expect(proc.stderr).not.toContain(creds.adminPassword);
  });

  it('keeps the data across a restart, prints no credentials, and stops on SIGINT', async () => {
    const again = await start(dir);
    const { proc, port } = again;
    expect(proc.stdout).toContain(`OpenCCC is running at http://127.0.0.1:${port}  (data: ${dir})`);
    expect(proc.stdout).not.toMatch(/SecretKey|Password|first run/);
    expect(proc.stdout).not.toContain(creds.secretKey);
    const list = await client(port, creds).DescribeStaffInfoList({ SdkAppId: creds.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: 'ann@example.com' });
    expect(list.StaffList?.map((s) => [s.Mail, s.Name, s.StaffNumber])).toEqual([['ann@example.com', 'Ann', '7']]);
    expect(await stop(proc, 'SIGINT')).toBe(0);
    expect(proc.logs().find((l) => l['msg'] === 'shutting down')).toMatchObject({ signal: 'SIGINT' });
    expect(proc.logs().at(-1)?.['msg']).toBe('openccc stopped');
  });
});

describe('openccc start: configuration', () => {
  afterEach(cleanup);

  it.each([
    ['--port abc', ['--port', 'abc'], /--port \/ OPENCCC_PORT must be an integer from 0 to 65535, not "abc"/],
    ['--port 70000', ['--port', '70000'], /--port \/ OPENCCC_PORT must be an integer/],
    ['--public-url notaurl', ['--public-url', 'notaurl'], /--public-url must be an absolute URL/],
    ['--public-url ftp://x', ['--public-url', 'ftp://ccc.example.com'], /--public-url must be an http:\/\/ or https:\/\/ URL/],
    ['only --tls-cert', ['--tls-cert', 'cert.pem'], /--tls-cert and --tls-key must be given together/],
    ['only --tls-key', ['--tls-key', 'key.pem'], /--tls-cert and --tls-key must be given together/],
  ])('%s exits 1 with a message and touches no data folder', async (_name, args, message) => {
    const dir = join(tempDir('openccc-conf-'), 'data');
    const result = await runCli(['start', '--data', dir, ...args]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openccc: /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
    expect(existsSync(dir)).toBe(false);
  });

  it('exits 1 when the port is taken, saying which flag or variable moves it and the command to run', async () => {
    const dir = join(tempDir('openccc-conf-'), 'data');
    const running = await start(dir);
    const result = await runCli(['start', '--data', join(tempDir('openccc-conf-'), 'data'), '--port', String(running.port)]);
    expect(result.code).toBe(1);
    const next = running.port + 1;
    expect(result.stderr).toMatch(new RegExp(`^openccc: Port ${running.port} is already in use on 127\\.0\\.0\\.1 \\(EADDRINUSE\\)`));
    expect(result.stderr).toContain('--port (or OPENCCC_PORT)');
    expect(result.stderr).toContain(`npm start -- --port ${next}`);
    expect(result.stderr).toContain(`OPENCCC_PORT=${next} npm start`);
    expect(result.stderr).toContain(`openccc start --port ${next}`);
    expect(result.stderr).toContain('--host (or OPENCCC_HOST)');
    expect(result.stderr).not.toMatch(/\n\s+at /);

    // The same through the environment: the message names the port that was asked for.
    const viaEnv = await runCli(['start', '--data', join(tempDir('openccc-conf-'), 'data')], { OPENCCC_PORT: String(running.port) });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toContain(`Port ${running.port} is already in use`);
    expect(await stop(running.proc, 'SIGTERM')).toBe(0);
  });

  // Regression: startCommand runs initialize() before listening; the first-run block must not be lost if listening fails.
  it('a first start that cannot listen does not lose the first-run credentials', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)));
    const dir = join(tempDir('openccc-conf-'), 'data');
    let failed;
    try {
      failed = await runCli(['start', '--data', dir, '--port', String(port)]);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    expect(failed.code).toBe(1);
    const again = await start(dir);
    expect(failed.stdout + again.proc.stdout).toMatch(/^ {2}SecretKey +[A-Za-z0-9]{32}$/m);
  });

  it('--public-url sets the SdkURL of login tokens', async () => {
    const { proc, port, ready } = await start(join(tempDir('openccc-conf-'), 'data'), { args: ['--public-url', 'https://ccc.example.com/'] });
    const creds = credentials(proc.stdout);
    expect(creds.url).toBe('https://ccc.example.com');
    expect(ready['url']).toBe('https://ccc.example.com');
    const token = await client(port, creds).CreateSDKLoginToken({ SdkAppId: creds.sdkAppId, SeatUserId: creds.adminUser });
    expect(token.SdkURL).toBe('https://ccc.example.com/sdk/v1/tccc.js');
    const admin = await client(port, creds).CreateAdminURL({ SdkAppId: creds.sdkAppId, SeatUserId: creds.adminUser });
    expect(admin.URL).toMatch(/^https:\/\/ccc\.example\.com\/console\/login\?code=[0-9a-f]{32}$/);
  });

  it('reads OPENCCC_DATA_DIR, OPENCCC_PORT and OPENCCC_HOST', async () => {
    const dir = join(tempDir('openccc-conf-'), 'data');
    const port = await freePort();
    const proc = spawnCli(['start'], { OPENCCC_DATA_DIR: dir, OPENCCC_PORT: String(port), OPENCCC_HOST: '0.0.0.0' });
    const ready = await proc.waitForLog('openccc ready');
    expect(ready).toMatchObject({ port, dataDir: dir, url: `http://localhost:${port}` });
    expect(existsSync(join(dir, 'openccc.db'))).toBe(true);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
  });

  it('flags win over environment variables', async () => {
    const port = await freePort();
    const { ready } = await start(join(tempDir('openccc-conf-'), 'data'), { port, env: { OPENCCC_PORT: 'abc', OPENCCC_HOST: 'not a host' }, args: ['--port', String(port), '--host', '127.0.0.1'] });
    expect(ready).toMatchObject({ port, url: `http://127.0.0.1:${port}` });
  });

  it('OPENCCC_TOKEN_TTL_SECONDS sets the login token lifetime', async () => {
    const { proc, port } = await start(join(tempDir('openccc-conf-'), 'data'), { env: { OPENCCC_TOKEN_TTL_SECONDS: '60' } });
    const creds = credentials(proc.stdout);
    const before = Math.floor(Date.now() / 1000);
    const token = await client(port, creds).CreateSDKLoginToken({ SdkAppId: creds.sdkAppId, SeatUserId: creds.adminUser });
    const after = Math.ceil(Date.now() / 1000);
    expect(token.ExpiredTime).toBeGreaterThanOrEqual(before + 60 - 1);
    expect(token.ExpiredTime).toBeLessThanOrEqual(after + 60);
  });

  it('OPENCCC_TOKEN_TTL_SECONDS out of range exits 1 with a message', async () => {
    const result = await runCli(['start', '--data', join(tempDir('openccc-conf-'), 'data')], { OPENCCC_TOKEN_TTL_SECONDS: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/OPENCCC_TOKEN_TTL_SECONDS must be an integer from 1 to 86400/);
  });
});
