import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { join } from 'node:path';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initialize, type FirstRun } from '../../packages/server/src/bootstrap.js';
import { resolveServerConfig } from '../../packages/server/src/config/config.js';
import { openDataFolder } from '../../packages/server/src/data-folder.js';
import { createLogger } from '../../packages/server/src/log.js';
import { startServer, type RunningServer } from '../../packages/server/src/server.js';
import { cleanup, freePort, killChildren, requireBuiltCli, runCli, spawnCli, tempDir } from '../cli/helpers.js';

let certDir: string;
let certPath: string;
let keyPath: string;
let cert: Buffer;

beforeAll(() => {
  requireBuiltCli();
  certDir = tempDir('openccc-tls-');
  certPath = join(certDir, 'cert.pem');
  keyPath = join(certDir, 'key.pem');
  // No skip: without openssl this throws and the suite fails.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=localhost'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  cert = readFileSync(certPath);
});

afterAll(cleanup);

interface Reply {
  status: number;
  body: string;
}

function httpsGet(port: number, path: string, tls: Pick<RequestOptions, 'ca' | 'rejectUnauthorized'>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // The certificate names localhost; connect to 127.0.0.1 and verify it against that name.
    const req = httpsRequest({ host: '127.0.0.1', port, path, servername: 'localhost', agent: false, ...tls }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('TLS, in process', () => {
  let server: RunningServer;
  let run: FirstRun;

  beforeAll(async () => {
    const dataDir = join(tempDir('openccc-tls-'), 'data');
    const config = resolveServerConfig({ data: dataDir, port: '0', host: '127.0.0.1', 'tls-cert': certPath, 'tls-key': keyPath }, {});
    expect(config.tls).toEqual({ certFile: certPath, keyFile: keyPath });
    const folder = openDataFolder(config.dataDir, config.masterKey);
    const first = await initialize(folder.store, folder.box, Date.now());
    if (!first) throw new Error('expected a fresh data folder');
    run = first;
    server = await startServer({ config, store: folder.store, box: folder.box, log: createLogger('silent') });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reports an https:// URL', () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
  });

  it('serves /healthz over https with the given certificate', async () => {
    expect(await httpsGet(server.port, '/healthz', { ca: cert })).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(await httpsGet(server.port, '/healthz', { rejectUnauthorized: false })).toMatchObject({ status: 200 });
  });

  it('presents the self-signed certificate (untrusted without it)', async () => {
    await expect(httpsGet(server.port, '/healthz', {})).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
  });

  it('does not answer plain http on the TLS port', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpGet({ host: '127.0.0.1', port: server.port, path: '/healthz', agent: false }, (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
    });
    expect(outcome).not.toBe('status 200');
  });

  it('serves the Cloud API to the official SDK over https', async () => {
    const client = new tencentcloud.ccc.v20200210.Client({
      credential: { secretId: run.secretId, secretKey: run.secretKey },
      region: '',
      profile: {
        httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'https://', agent: new Agent({ ca: cert, servername: 'localhost' }) },
      },
    });
    const list = await client.DescribeStaffInfoList({ SdkAppId: run.sdkAppId, PageSize: 10, PageNumber: 0 });
    expect(list.StaffList?.map((s) => s.Mail)).toEqual(['admin@openccc.local']);
    const token = await client.CreateSDKLoginToken({ SdkAppId: run.sdkAppId, SeatUserId: 'admin@openccc.local' });
    expect(token.SdkURL).toBe(`https://127.0.0.1:${server.port}/sdk/v1/tccc.js`);
  });
});

describe('TLS, through the CLI', () => {
  afterEach(killChildren);

  it('start --tls-cert/--tls-key serves https and shows an https URL', async () => {
    const port = await freePort();
    const proc = spawnCli(['start', '--data', join(tempDir('openccc-tls-'), 'data'), '--port', String(port), '--tls-cert', certPath, '--tls-key', keyPath]);
    const ready = await proc.waitForLog('openccc ready');
    expect(ready['url']).toBe(`https://127.0.0.1:${port}`);
    await proc.waitFor(() => /^ {2}URL +https:\/\/127\.0\.0\.1:\d+$/m.test(proc.stdout));
    expect(await httpsGet(port, '/healthz', { ca: cert })).toEqual({ status: 200, body: '{"status":"ok"}' });
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  it('a missing certificate file exits 1 naming the file', async () => {
    const missing = join(certDir, 'missing.pem');
    const result = await runCli(['start', '--data', join(tempDir('openccc-tls-'), 'data'), '--port', String(await freePort()), '--tls-cert', missing, '--tls-key', keyPath]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(missing);
  });
});
