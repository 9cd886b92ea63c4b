import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, loginAs, metricsOf, presenceReaches } from './helpers.js';

afterEach(async () => {
  await closeSockets();
});

describe('presence around takeovers and chosen offline', () => {
  let server: TestServer;
  let client: CccClient;
  beforeAll(async () => {
    server = await startTestServer({ flags: { 'presence-grace': '0' } });
    client = officialClient(server);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('a newer login that never connects leaves the agent offline after the grace period', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const first = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(first.ticket);
    await socket.request('Agent.setStatus', { status: 'rest', restReason: 'x' });
    const offline = presenceReaches(server.server, mail, 'offline');
    await loginAs(server.url, client, server.sdkAppId, mail); // the new login never opens a socket
    expect((await socket.next('signedOut')).reason).toBe('elsewhere');
    await offline;
    expect(await metricsOf(client, server.sdkAppId, mail)).toMatchObject({ Status: 'offline', ClientInfo: [{ ClientType: 'Web', IsConnected: false }] });
  });

  it('DeleteStaff keeps an agent who chose offline but is still signed in', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    expect(await socket.request('Agent.offline')).toMatchObject({ ok: true });
    const answer = await client.DeleteStaff({ SdkAppId: server.sdkAppId, StaffList: [mail] });
    expect(answer.OnlineStaffList).toEqual([mail]);
    expect((await client.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: mail })).TotalCount).toBe(1);
  });

  it('a workbench reconnecting after Agent.offline() stays offline', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    expect(await socket.request('Agent.offline')).toMatchObject({ ok: true });
    socket.ws.close();
    const again = connect(server.url);
    const welcome = await again.hello(login.ticket, { resume: { status: 'offline', reason: '' } });
    expect(welcome.status).toBe('offline');
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('offline');
    expect(await again.request('Agent.online')).toMatchObject({ ok: true });
    expect((await again.nextEvent('statusChanged')).payload.status).toBe('free');
  });
});
