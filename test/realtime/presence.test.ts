import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../packages/server/src/config/config.js';
import { openDataFolder } from '../../packages/server/src/data-folder.js';
import { createLogger } from '../../packages/server/src/log.js';
import { startServer, type RunningServer } from '../../packages/server/src/server.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, loginAs, metricsOf, presenceReaches, serverSideClose } from './helpers.js';

afterEach(async () => {
  await closeSockets();
});

describe('grace period 0', () => {
  let server: TestServer;
  let client: CccClient;
  beforeAll(async () => {
    server = await startTestServer({ flags: { 'presence-grace': '0' } });
    client = officialClient(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('takes the agent offline once the last socket closes', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    const offline = presenceReaches(server.server, mail, 'offline');
    socket.ws.close();
    await offline;
    expect(await metricsOf(client, server.sdkAppId, mail)).toMatchObject({ Status: 'offline', ClientInfo: [{ ClientType: 'Web', IsConnected: false }] });
  });
});

describe('long grace period', () => {
  let server: TestServer;
  let client: CccClient;
  beforeAll(async () => {
    server = await startTestServer({ flags: { 'presence-grace': '3600' } });
    client = officialClient(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps a disconnected agent online, and a reconnect keeps the status', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    const gone = serverSideClose(server.server);
    socket.ws.close();
    await gone;
    expect(await metricsOf(client, server.sdkAppId, mail)).toMatchObject({ Status: 'free', ClientInfo: [{ ClientType: 'Web', IsConnected: false }] });

    // Still online, so the Cloud API may change the status meanwhile.
    const set = await client.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'rest', Reason: 'away' }] });
    expect(set.StaffStatusList?.[0]?.ErrorCode ?? '').toBe('');
    const back = connect(server.url);
    // The server's status wins over the workbench's resume.
    expect(await back.hello(login.ticket, { resume: { status: 'notReady', reason: '' } })).toMatchObject({ status: 'rest', reason: 'away' });
    expect(await metricsOf(client, server.sdkAppId, mail)).toMatchObject({ Status: 'rest', Reason: 'away', ClientInfo: [{ ClientType: 'Web', IsConnected: true }] });
  });

  it('a duplicate hello does not leave a phantom connection behind', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    const hello = { type: 'hello', v: 1, ticket: login.ticket, client: { type: 'Web', embedded: true } } as const;
    await socket.send(hello);
    await socket.send(hello);
    await socket.next('welcome');
    const gone = serverSideClose(server.server);
    socket.ws.close();
    await gone;
    expect((await metricsOf(client, server.sdkAppId, mail)).ClientInfo).toEqual([{ ClientType: 'Web', IsConnected: false }]);
  });

  it('a socket closed while its hello is in progress is dropped', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const credentials = server.folder.store.credentials;
    const extend = credentials.extend.bind(credentials);
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let extended: Promise<void> = Promise.resolve();
    let reached = () => undefined as void;
    const waiting = new Promise<void>((resolve) => (reached = resolve));
    credentials.extend = (...args) => {
      reached();
      return (extended = gate.then(() => extend(...args)));
    };
    try {
      const socket = connect(server.url);
      await socket.send({ type: 'hello', v: 1, ticket: login.ticket, client: { type: 'Web', embedded: true } });
      await waiting; // hello is now waiting on its ticket write
      const gone = serverSideClose(server.server);
      socket.ws.terminate();
      await gone;
      const free = presenceReaches(server.server, mail, 'free');
      release();
      await extended;
      await free;
      expect((await metricsOf(client, server.sdkAppId, mail)).ClientInfo).toEqual([{ ClientType: 'Web', IsConnected: false }]);
    } finally {
      credentials.extend = extend;
      release();
    }
  });
});

describe('server restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'openccc-restart-'));
  let first: TestServer | undefined;
  let second: RunningServer | undefined;

  afterAll(async () => {
    await first?.close();
    await second?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The harness cannot restart on an existing folder (it insists on initialising it), so start directly. */
  async function restart(): Promise<RunningServer> {
    const config = resolveServerConfig({ data: dataDir, host: '127.0.0.1', port: '0', 'rate-limit': '0' }, {});
    const folder = openDataFolder(dataDir, null);
    return startServer({ config, store: folder.store, box: folder.box, log: createLogger('silent') });
  }

  it('restores the status the workbench resumes with when the new server has none', async () => {
    first = await startTestServer({ dataDir });
    const keys = { secretId: first.secretId, secretKey: first.secretKey, sdkAppId: first.sdkAppId };
    const client = officialClient(first);
    const mail = await createAgent(client, keys.sdkAppId);
    const other = await createAgent(client, keys.sdkAppId);
    const login = await loginAs(first.url, client, keys.sdkAppId, mail);
    const socket = connect(first.url);
    await socket.hello(login.ticket);
    expect(await socket.request('Agent.setStatus', { status: 'rest', restReason: 'x' })).toMatchObject({ ok: true });

    const closing = first.close();
    expect((await socket.closed).code).toBe(1012);
    await closing;
    first = undefined;
    second = await restart();
    const client2 = officialClient({ port: second.port, ...keys });
    expect((await metricsOf(client2, keys.sdkAppId, mail)).Status).toBe('offline');

    const again = connect(second.url);
    expect(await again.hello(login.ticket, { resume: { status: 'rest', reason: 'x' } })).toMatchObject({ status: 'rest', reason: 'x' });
    expect(await metricsOf(client2, keys.sdkAppId, mail)).toMatchObject({ Status: 'rest', Reason: 'x', ClientInfo: [{ ClientType: 'Web', IsConnected: true }] });

    // Only statuses an agent can be in without a session are resumed.
    const otherLogin = await loginAs(second.url, client2, keys.sdkAppId, other);
    const busy = connect(second.url);
    expect(await busy.hello(otherLogin.ticket, { resume: { status: 'busy', reason: '' } })).toMatchObject({ status: 'free', reason: '' });
  });
});
