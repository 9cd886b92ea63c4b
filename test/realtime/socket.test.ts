import { CloseCodes, REALTIME_VERSION } from '@openccc/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, credentialRows, loginAs, metricsOf, sha256Hex, uniqMail } from './helpers.js';

// The server clock runs `offset` ms ahead of the real one; reset after each test, as the
// official SDK's signatures must stay within five minutes of it.
let offset = 0;
let server: TestServer;
let client: CccClient;

beforeAll(async () => {
  server = await startTestServer({ clock: () => Date.now() + offset });
  client = officialClient(server);
});

afterEach(async () => {
  await closeSockets();
  offset = 0;
});

afterAll(async () => {
  await server?.close();
});

/** A new agent, logged in and connected. */
async function connectedAgent(name = 'Socket Agent') {
  const mail = await createAgent(client, server.sdkAppId, uniqMail('ws'), name);
  const login = await loginAs(server.url, client, server.sdkAppId, mail);
  const socket = connect(server.url);
  const welcome = await socket.hello(login.ticket);
  return { mail, login, socket, welcome };
}

describe('realtime hello', () => {
  it('welcomes a valid ticket with the staff profile and status free', async () => {
    const { mail, login, welcome } = await connectedAgent('Welcome Agent');
    expect(welcome).toEqual({
      type: 'welcome',
      v: REALTIME_VERSION,
      staff: login.staff,
      status: 'free',
      reason: '',
      sessions: [],
      serverTime: expect.any(Number),
      ticketExpiresAt: expect.any(Number),
    });
    expect(welcome.staff).toMatchObject({ sdkAppId: server.sdkAppId, mail, name: 'Welcome Agent' });
    const metrics = await metricsOf(client, server.sdkAppId, mail);
    expect(metrics).toMatchObject({ Email: mail, Status: 'free', Reason: '', ClientInfo: [{ ClientType: 'Web', IsConnected: true }] });
    expect(metrics.LastOnlineTimestamp).toBeGreaterThan(0);
  });

  it('extends the ticket in SQLite when the agent connects', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const stored = () => credentialRows(server.dataDir).find((r) => r.kind === 'login-ticket' && r.hash === sha256Hex(login.ticket))?.expires_at;
    expect(stored()).toBe(login.expiresAt);
    offset += 60_000;
    const welcome = await connect(server.url).hello(login.ticket);
    expect(welcome.ticketExpiresAt).toBeGreaterThanOrEqual(login.expiresAt + 60_000);
    expect(stored()).toBe(welcome.ticketExpiresAt);
  });

  it('extends the ticket again on a ping once ten minutes have passed', async () => {
    const { login, socket, welcome } = await connectedAgent();
    const stored = () => credentialRows(server.dataDir).find((r) => r.hash === sha256Hex(login.ticket))?.expires_at;
    offset += 5 * 60_000;
    await socket.send({ type: 'ping' });
    await socket.next('pong');
    expect(stored()).toBe(welcome.ticketExpiresAt);
    offset += 6 * 60_000;
    await socket.send({ type: 'ping' });
    const pong = await socket.next('pong');
    // The extension is written after the pong; one more round trip lets it commit.
    await socket.send({ type: 'ping' });
    await socket.next('pong');
    expect(stored()).toBeGreaterThanOrEqual(pong.serverTime + 43_200_000);
    expect(stored()).toBeGreaterThan(welcome.ticketExpiresAt + 10 * 60_000);
  });

  it.each([
    ['a malformed ticket', 'not-a-ticket'],
    ['an unknown ticket', 'ab'.repeat(32)],
    ['an upper-case ticket', 'AB'.repeat(32)],
  ])('refuses %s with ticketInvalid and closes 4001', async (_name, ticket) => {
    const socket = connect(server.url);
    await socket.send({ type: 'hello', v: REALTIME_VERSION, ticket, client: { type: 'Web', embedded: false } });
    expect(await socket.next('refused')).toMatchObject({ type: 'refused', code: 'ticketInvalid' });
    expect((await socket.closed).code).toBe(CloseCodes.authFailed);
  });

  it('refuses a hello without a ticket', async () => {
    const socket = connect(server.url);
    await socket.send(JSON.stringify({ type: 'hello', v: REALTIME_VERSION, client: { type: 'Web', embedded: false } }));
    expect(await socket.next('refused')).toMatchObject({ code: 'ticketInvalid' });
    expect((await socket.closed).code).toBe(CloseCodes.authFailed);
  });

  it('refuses another protocol version', async () => {
    const mail = await createAgent(client, server.sdkAppId);
    const login = await loginAs(server.url, client, server.sdkAppId, mail);
    const socket = connect(server.url);
    await socket.send({ type: 'hello', v: REALTIME_VERSION + 1, ticket: login.ticket, client: { type: 'Web', embedded: true } });
    const refused = await socket.next('refused');
    expect(refused.code).toBe('invalidArgument');
    expect(refused.message).toContain(`v${REALTIME_VERSION}`);
    expect((await socket.closed).code).toBeGreaterThanOrEqual(4000);
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('offline');
  });

  it('refuses a hello with a malformed field with invalidArgument and closes 4004', async () => {
    const socket = connect(server.url);
    await socket.send(JSON.stringify({ type: 'hello', v: REALTIME_VERSION, ticket: 'ab'.repeat(32), client: { type: 'Web', embedded: 'yes' } }));
    expect(await socket.next('refused')).toEqual({ type: 'refused', code: 'invalidArgument', message: 'The parameter `client.embedded` must be of type Boolean, but String was given.' });
    expect((await socket.closed).code).toBe(CloseCodes.protocolError);
  });

  it('refuses a first message other than hello', async () => {
    const socket = connect(server.url);
    await socket.send({ type: 'ping' });
    expect(await socket.next('refused')).toMatchObject({ code: 'invalidArgument' });
    expect((await socket.closed).code).toBeGreaterThanOrEqual(4000);
  });

  it.each([
    ['text that is not JSON', 'hello?'],
    ['a JSON value that is not an object', '42'],
    ['an object without a type', '{"v":1}'],
  ])('closes with 4004 on %s before hello', async (_name, text) => {
    const socket = connect(server.url);
    await socket.send(text);
    expect(await socket.next('refused')).toMatchObject({ code: 'invalidArgument' });
    expect((await socket.closed).code).toBe(CloseCodes.protocolError);
  });

  it('closes with 4004 on a binary frame and on non-JSON after hello', async () => {
    const binary = connect(server.url);
    await binary.opened;
    binary.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    expect((await binary.closed).code).toBe(CloseCodes.protocolError);

    const { socket } = await connectedAgent();
    await socket.send('{oops');
    expect((await socket.closed).code).toBe(CloseCodes.protocolError);
  });
});

describe('realtime requests', () => {
  it('answers ping with pong and ignores an unknown message type (newer clients), staying open', async () => {
    const { socket } = await connectedAgent();
    await socket.send({ type: 'ping' });
    expect((await socket.next('pong')).serverTime).toBeTypeOf('number');
    const before = socket.received.length;
    await socket.send(JSON.stringify({ type: 'dance' }));
    await socket.send({ type: 'ping' });
    await socket.next('pong');
    // Nothing but the pong was sent in answer: the unknown type was ignored.
    expect(socket.received.slice(before).map((m) => m.type)).toEqual(['pong']);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
  });

  it('Agent.setStatus rest with a reason: reply ok, statusChanged, and the Cloud API sees it', async () => {
    const { mail, socket } = await connectedAgent();
    const reply = await socket.request('Agent.setStatus', { status: 'rest', restReason: 'lunch' });
    expect(reply).toMatchObject({ type: 'reply', ok: true });
    expect((await socket.nextEvent('statusChanged')).payload).toEqual({ status: 'rest', reason: 'lunch' });
    expect(await metricsOf(client, server.sdkAppId, mail)).toMatchObject({ Status: 'rest', Reason: 'lunch' });

    expect(await socket.request('Agent.setStatus', { status: 'arrange' })).toMatchObject({ ok: true });
    expect((await socket.nextEvent('statusChanged')).payload).toMatchObject({ status: 'arrange' });
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('afterCallWork');
  });

  it('relays SetStaffStatus from the Cloud API as statusChanged', async () => {
    const { mail, socket } = await connectedAgent();
    const res = await client.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'notReady' }] });
    expect(res.StaffStatusList?.[0]).toMatchObject({ Status: 'notReady', PreviousStatus: 'free' });
    expect((await socket.nextEvent('statusChanged')).payload).toMatchObject({ status: 'notReady' });

    expect(await socket.request('Agent.setStatus', { status: 'stopNotReady' })).toMatchObject({ ok: true });
    expect((await socket.nextEvent('statusChanged')).payload).toMatchObject({ status: 'free' });
  });

  it('answers a call method without the audio offer, and other bad requests, with invalidArgument', async () => {
    const { mail, socket } = await connectedAgent();
    const call = await socket.request('Call.startOutboundCall', { phoneNumber: '13800000000' });
    expect(call).toMatchObject({ ok: false, error: { code: 'invalidArgument', message: expect.stringContaining('sdp') as unknown } });
    expect(await socket.request('Agent.teleport')).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
    expect(await socket.request('Agent.setStatus', { status: 'busy' })).toMatchObject({ ok: false, error: { code: 'invalidArgument' } });
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('free');
  });

  it('answers a request with a malformed field with invalidArgument naming it, and stays connected', async () => {
    const { socket } = await connectedAgent();
    await socket.send(JSON.stringify({ type: 'request', id: 41, method: 'Agent.online', params: ['free'] }));
    expect(await socket.next('reply')).toEqual({
      type: 'reply',
      id: 41,
      ok: false,
      error: { code: 'invalidArgument', message: 'The parameter `params` must be of type Object, but Array was given.' },
    });
    await socket.send(JSON.stringify({ type: 'ping', sentAt: 1 }));
    expect(await socket.next('pong')).toMatchObject({ type: 'pong' });
  });

  it('Agent.offline then Agent.online over the socket', async () => {
    const { mail, socket } = await connectedAgent();
    expect(await socket.request('Agent.offline')).toMatchObject({ ok: true });
    expect((await socket.nextEvent('statusChanged')).payload).toMatchObject({ status: 'offline' });
    expect(await socket.request('Agent.setStatus', { status: 'free' })).toMatchObject({ ok: false, error: { code: 'statusNotAllowed' } });
    expect(await socket.request('Agent.online')).toMatchObject({ ok: true });
    expect((await socket.nextEvent('statusChanged')).payload).toMatchObject({ status: 'free' });
    expect((await metricsOf(client, server.sdkAppId, mail)).Status).toBe('free');
  });
});
