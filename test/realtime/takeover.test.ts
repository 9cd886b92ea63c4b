import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, loginAs, metricsOf, presenceReaches, serverSideClose } from './helpers.js';

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

  it('answers pings during hello and asks requests to retry, instead of ending the login', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.send({ type: 'hello', v: 1, ticket: login.ticket, client: { type: 'Web', embedded: true } });
    await socket.send({ type: 'ping' });
    await socket.send({ type: 'request', id: 7, method: 'Agent.online', params: {} });
    const welcome = await socket.next('welcome');
    expect(welcome.status).toBe('free');
    expect(socket.received.some((m) => m.type === 'refused')).toBe(false);
    const early = socket.received.find((m) => m.type === 'reply');
    // Sent before the welcome: either told to retry, or (if hello had finished) served.
    if (early && early.type === 'reply' && !early.ok) expect(early.error.code).toBe('network');
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  });

  it('a newer login during an unfinished hello leaves nobody online', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const first = await loginAs(server.url, client, server.sdkAppId, mail);
    const credentials = server.folder.store.credentials;
    const extend = credentials.extend.bind(credentials);
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reached = () => undefined as void;
    const waiting = new Promise<void>((resolve) => (reached = resolve));
    credentials.extend = (...args) => {
      reached();
      return gate.then(() => extend(...args));
    };
    try {
      const socket = connect(server.url);
      await socket.send({ type: 'hello', v: 1, ticket: first.ticket, client: { type: 'Web', embedded: true } });
      await waiting; // the first hello is between its checks
      await loginAs(server.url, client, server.sdkAppId, mail); // a newer login that never connects
      release();
      expect(await socket.next('refused')).toMatchObject({ code: 'ticketInvalid' });
      expect(await metricsOf(client, server.sdkAppId, mail)).toMatchObject({ Status: 'offline' });
    } finally {
      credentials.extend = extend;
      release();
    }
  });

  it('writes one offline entry when an agent who chose offline disconnects', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.hello(login.ticket);
    expect(await socket.request('Agent.offline')).toMatchObject({ ok: true });
    const gone = serverSideClose(server.server);
    socket.ws.close();
    await gone;
    const now = Math.floor(Date.now() / 1000);
    const history = await client.DescribeStaffStatusHistory({ SdkAppId: server.sdkAppId, StaffUserId: mail, StartTimestamp: now - 60, EndTimestamp: now + 1 });
    expect(history.Data?.map((d) => d.Status)).toEqual(['free', 'offline']);
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
