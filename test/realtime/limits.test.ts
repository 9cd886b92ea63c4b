import { CloseCodes, MESSAGE_BUDGET } from '@openccc/protocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { closeSockets, connect, createAgent, expectRefusal, loginAs, statusHistoryRows, tokenLogin, uniqMail, type AgentSocket } from './helpers.js';

// The server's clock moves only when a test moves it; each test starts it at the real time, so that
// the official SDK's signatures stay valid. Every socket has a budget of its own.
let now = Date.now();
let server: TestServer;
let client: CccClient;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  client = officialClient(server);
});

beforeEach(() => {
  now = Date.now();
});

afterEach(closeSockets);

afterAll(async () => {
  await server?.close();
});

async function connectedAgent(): Promise<{ mail: string; socket: AgentSocket }> {
  const mail = await createAgent(client, server.sdkAppId, uniqMail('limits'));
  const login = await loginAs(server.url, client, server.sdkAppId, mail);
  const socket = connect(server.url);
  await socket.hello(login.ticket);
  return { mail, socket };
}

describe('the realtime message budget', () => {
  it('answers requests beyond the budget with rateLimited, counts pings too, and closes with 4006 on sustained abuse', async () => {
    const { socket } = await connectedAgent();
    // hello was the first message of the burst; pings and requests share the rest.
    for (let i = 0; i < 9; i++) {
      await socket.send({ type: 'ping' });
      await socket.next('pong');
    }
    for (let i = 0; i < MESSAGE_BUDGET.burst - 10; i++) expect(await socket.request('Agent.setStatus', { status: 'free' })).toMatchObject({ ok: true });

    const refused = await socket.request('Agent.setStatus', { status: 'free' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rateLimited', message: expect.stringMatching(/Too many messages/) } });

    // The budget refills with time: one message every half second.
    now += 1_000 / MESSAGE_BUDGET.perSecond;
    expect(await socket.request('Agent.setStatus', { status: 'free' })).toMatchObject({ ok: true });

    // A refused ping is dropped (no pong); it still counts against the refusals.
    await socket.send({ type: 'ping' });
    for (let i = 2; i < MESSAGE_BUDGET.refusals; i++) expect(await socket.request('Agent.online')).toMatchObject({ ok: false, error: { code: 'rateLimited' } });
    expect(socket.received.filter((m) => m.type === 'pong')).toHaveLength(9);

    await socket.send({ type: 'ping' });
    expect(await socket.closed).toEqual({ code: CloseCodes.tooManyMessages, reason: 'too many messages' });
  });

  it('lets a flood of status requests write no more than the budget allows', async () => {
    const { mail, socket } = await connectedAgent();
    for (let i = 0; i < 1_000; i++) socket.ws.send(JSON.stringify({ type: 'request', id: 10_000 + i, method: 'Agent.setStatus', params: i % 2 ? { status: 'free' } : { status: 'rest', restReason: 'flood' } }));
    expect((await socket.closed).code).toBe(CloseCodes.tooManyMessages);
    // The hello's 'free', then at most one row per accepted request.
    expect(statusHistoryRows(server.dataDir, mail).length).toBeLessThanOrEqual(MESSAGE_BUDGET.burst);
  });

  it('writes one history row for a status repeated without change', async () => {
    const { mail, socket } = await connectedAgent();
    for (let i = 0; i < 5; i++) expect(await socket.request('Agent.setStatus', { status: 'rest', restReason: 'lunch' })).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) expect(await socket.request('Agent.online')).toMatchObject({ ok: true });
    expect(statusHistoryRows(server.dataDir, mail)).toEqual([
      { status: 'free', reason: '' },
      { status: 'rest', reason: 'lunch' },
    ]);
  });
});

describe('POST /sdk/v1/login', () => {
  it('refuses the 61st token exchange from one address in a moment with 429 rateLimited', async () => {
    // A minute refills the address's budget after the sign-ins of the other tests.
    now += 60_000;
    const guess = (i: number) => tokenLogin(server.url, { sdkAppId: server.sdkAppId, userId: 'someone@example.com', token: i.toString(16).padStart(32, '0') });
    for (let i = 0; i < 60; i++) expectRefusal(await guess(i), 401, 'tokenInvalid');
    expectRefusal(await guess(60), 429, 'rateLimited');
    now += 1_000;
    expectRefusal(await guess(61), 401, 'tokenInvalid');
  });
});
