import { CloseCodes } from '@openccc/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, credentialRows, expectRefusal, loginAs, metricsOf, mintToken, sha256Hex, tokenLogin } from './helpers.js';

let server: TestServer;
let client: CccClient;

beforeAll(async () => {
  server = await startTestServer();
  client = officialClient(server);
});

afterEach(async () => {
  await closeSockets();
});

afterAll(async () => {
  await server?.close();
});

describe('newest login wins', () => {
  it('signs the older workbench out (4002) as soon as the same staff logs in again', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const first = await loginAs(server.url, client, server.sdkAppId, mail);
    const older = connect(server.url);
    await older.hello(first.ticket);
    await older.request('Agent.setStatus', { status: 'rest', restReason: 'coffee' });

    const second = await loginAs(server.url, client, server.sdkAppId, mail);
    expect(await older.next('signedOut')).toMatchObject({ type: 'signedOut', reason: 'elsewhere' });
    expect((await older.closed).code).toBe(CloseCodes.signedOutElsewhere);

    const newer = connect(server.url);
    const welcome = await newer.hello(second.ticket);
    // The agent stayed online: the new workbench takes over the status.
    expect(welcome).toMatchObject({ status: 'rest', reason: 'coffee' });

    const stale = connect(server.url);
    await stale.send({ type: 'hello', v: 1, ticket: first.ticket, client: { type: 'Web', embedded: true } });
    expect(await stale.next('refused')).toMatchObject({ code: 'ticketInvalid' });
    expect((await stale.closed).code).toBe(CloseCodes.authFailed);
    // The newer workbench is untouched by the refused hello.
    await newer.send({ type: 'ping' });
    await newer.next('pong');
    expect(newer.received.some((m) => m.type === 'signedOut')).toBe(false);
    expect(credentialRows(server.dataDir).some((r) => r.hash === sha256Hex(first.ticket))).toBe(false);
  });

  it('a password login takes over from a token login', async () => {
    const login = await loginAs(server.url, client, server.sdkAppId, server.adminUser);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    const res = await fetch(`${server.url}/workbench/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mail: server.adminUser, password: server.adminPassword }),
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(await socket.next('signedOut')).toMatchObject({ reason: 'elsewhere' });
    expect((await socket.closed).code).toBe(CloseCodes.signedOutElsewhere);
  });

  it('keeps several sockets of the same login connected together', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const a = connect(server.url);
    const b = connect(server.url);
    await a.hello(login.ticket);
    await b.hello(login.ticket);
    await a.request('Agent.setStatus', { status: 'notReady' });
    expect((await b.nextEvent('statusChanged')).payload).toMatchObject({ status: 'notReady' });
    expect(a.received.concat(b.received).some((m) => m.type === 'signedOut')).toBe(false);
  });
});

describe('ForceMemberOffline', () => {
  it('signs the connected workbench out (signedOut forced, 4003) and keeps it out', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);

    await client.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: mail });
    expect(await socket.next('signedOut')).toMatchObject({ type: 'signedOut', reason: 'forced' });
    expect((await socket.closed).code).toBe(CloseCodes.forcedOffline);
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('offline');

    // The login was revoked: the old ticket is refused, now and after RestoreMemberOnline.
    const again = connect(server.url);
    await again.send({ type: 'hello', v: 1, ticket: login.ticket, client: { type: 'Web', embedded: true } });
    expect(await again.next('refused')).toMatchObject({ code: 'ticketInvalid' });
    expect((await again.closed).code).toBe(CloseCodes.authFailed);

    const token = await mintToken(client, server.sdkAppId, mail);
    expectRefusal(await tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: mail, token }), 403, 'accountForcedOffline');
    await client.RestoreMemberOnline({ SdkAppId: server.sdkAppId, UserId: mail });
    const stale = connect(server.url);
    await stale.send({ type: 'hello', v: 1, ticket: login.ticket, client: { type: 'Web', embedded: true } });
    expect(await stale.next('refused')).toMatchObject({ code: 'ticketInvalid' });
    const fresh = await loginAs(server.url, client, server.sdkAppId, mail);
    const back = connect(server.url);
    expect((await back.hello(fresh.ticket)).status).toBe('free');
  });
});

describe('logout', () => {
  it('closes with 4005, takes the agent offline and ends the ticket', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('free');

    await socket.send({ type: 'logout' });
    expect(await socket.next('signedOut')).toMatchObject({ reason: 'logout' });
    expect((await socket.closed).code).toBe(CloseCodes.loggedOut);
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('offline');

    const again = connect(server.url);
    await again.send({ type: 'hello', v: 1, ticket: login.ticket, client: { type: 'Web', embedded: true } });
    expect(await again.next('refused')).toMatchObject({ code: 'ticketInvalid' });
    expect((await again.closed).code).toBe(CloseCodes.authFailed);
    expect(credentialRows(server.dataDir).some((r) => r.hash === sha256Hex(login.ticket))).toBe(false);
  });
});
