import { CloseCodes } from '@openccc/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, credentialRows, loginAs, metricsOf, sha256Hex, uniqMail } from '../realtime/helpers.js';
import { cleanup, requireBuiltCli, runCli } from './helpers.js';

// The server runs in this process; `openccc staff reset-password` runs as a child process on the same data folder.
let server: TestServer;
let client: CccClient;

beforeAll(async () => {
  requireBuiltCli();
  server = await startTestServer();
  client = officialClient(server);
});

afterAll(async () => {
  await closeSockets();
  await cleanup();
  await server?.close();
});

describe('openccc staff reset-password against a running server', () => {
  it('revokes the login tickets at once, and the server signs the workbench out on its next sweep', async () => {
    const mail = await createAgent(client, server.sdkAppId, uniqMail('cli-reset'));
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);

    const result = await runCli(['staff', 'reset-password', mail, '--password', 'Cli-Password-77', '--data', server.dataDir, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(credentialRows(server.dataDir).some((r) => r.hash === sha256Hex(login.ticket))).toBe(false);

    // The hub's sweep (every 10 s) re-checks connected agents' tickets; run it now rather than wait.
    await server.server.hub.recheckLogins();
    expect(await socket.next('signedOut')).toMatchObject({ reason: 'expired' });
    expect((await socket.closed).code).toBe(CloseCodes.authFailed);
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('offline');
  });

  it('leaves other agents connected', async () => {
    const mail = await createAgent(client, server.sdkAppId, uniqMail('cli-keep'));
    const other = await createAgent(client, server.sdkAppId, uniqMail('cli-other'));
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    expect((await runCli(['staff', 'reset-password', other, '--data', server.dataDir])).code).toBe(0);
    await server.server.hub.recheckLogins();
    await socket.send({ type: 'ping' });
    await socket.next('pong');
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('free');
  });
});
