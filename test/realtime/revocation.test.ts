import { CloseCodes } from '@openccc/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, credentialRows, loginAs, metricsOf, postJson, sha256Hex, statusHistoryRows, uniqMail } from './helpers.js';

let server: TestServer;
let client: CccClient;

beforeAll(async () => {
  server = await startTestServer();
  client = officialClient(server);
});

afterEach(closeSockets);

afterAll(async () => {
  await server?.close();
});

describe('a password change ends the staff’s logins', () => {
  it('ModifyStaffPassword signs connected workbenches out at once, revokes the ticket and takes the agent offline', async () => {
    const mail = await createAgent(client, server.sdkAppId, uniqMail('revoke'));
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    const second = connect(server.url);
    await second.hello(login.ticket);

    await client.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: mail, Password: 'New-Password-42' });
    for (const s of [socket, second]) {
      expect(await s.nextEvent('statusChanged')).toMatchObject({ payload: { status: 'offline' } });
      expect(await s.next('signedOut')).toEqual({ type: 'signedOut', reason: 'expired', message: expect.stringMatching(/password .* changed/) });
      expect((await s.closed).code).toBe(CloseCodes.authFailed);
    }
    expect(credentialRows(server.dataDir).some((r) => r.hash === sha256Hex(login.ticket))).toBe(false);
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('offline');
    expect(statusHistoryRows(server.dataDir, mail).map((r) => r.status)).toEqual(['free', 'offline']);

    // The old ticket no longer opens a session.
    const again = connect(server.url);
    await again.send({ type: 'hello', v: 1, ticket: login.ticket, client: { type: 'Web', embedded: true } });
    expect(await again.next('refused')).toMatchObject({ code: 'ticketInvalid' });
    expect((await again.closed).code).toBe(CloseCodes.authFailed);

    // The new password signs in; the old one does not.
    expect((await postJson(server.url, '/workbench/api/login', { mail, password: 'New-Password-42' })).status).toBe(200);
  });

  it('ends a login that is between connections (within the grace period) too', async () => {
    const mail = await createAgent(client, server.sdkAppId, uniqMail('revoke-grace'));
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    socket.ws.close();
    await socket.closed;
    await client.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: mail, Password: 'New-Password-42' });
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('offline');
    expect(credentialRows(server.dataDir).some((r) => r.hash === sha256Hex(login.ticket))).toBe(false);
  });
});
