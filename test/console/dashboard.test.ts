import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DASHBOARD_PATH, type AgentRow, type DashboardMessage, type DashboardSnapshot, type MinuteBucket } from '@openccc/protocol';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { hashPassword } from '../../packages/server/src/crypto/passwords.js';
import { TestPhone, callCenter, endedOf, signedInAgent, type CallCenter, type TestAgent } from '../calls/support.js';
import { consoleSignIn, type ConsoleClient } from './support/console-client.js';

/** A dashboard socket with the page's view of it: the snapshot with every delta applied. */
class DashboardWatch {
  readonly messages: DashboardMessage[] = [];
  view: Omit<DashboardSnapshot, 'agents' | 'minutes'> & { agents: Map<string, AgentRow>; minutes: Map<number, MinuteBucket> } = {
    type: 'snapshot',
    serverTime: 0,
    agents: new Map(),
    queues: [],
    calls: { ivr: 0, queued: 0, ringing: 0, talking: 0 },
    today: { dayStart: 0, answered: 0, abandoned: 0, outbound: 0, answerWaits: [] },
    minutes: new Map(),
  };
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  readonly closed: Promise<number>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as DashboardMessage;
      this.messages.push(message);
      this.apply(message);
      this.waiters = this.waiters.filter((w) => (w.check() ? (w.resolve(), false) : true));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
  }

  static async open(url: string, headers: Record<string, string>): Promise<DashboardWatch> {
    const ws = new WebSocket(url.replace(/^http/, 'ws') + DASHBOARD_PATH, { headers });
    // Listen before the socket opens: the snapshot can arrive with the upgrade's answer and
    // is emitted before code awaiting 'open' resumes.
    const watch = new DashboardWatch(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return watch;
  }

  /** Resolves once the view satisfies `check` (now or after a later message). */
  until(check: (view: DashboardWatch['view']) => boolean): Promise<void> {
    if (this.messages.length > 0 && check(this.view)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check: () => check(this.view), resolve }));
  }

  agent(mail: string): AgentRow | undefined {
    return this.view.agents.get(mail.toLowerCase());
  }

  private apply(message: DashboardMessage): void {
    if (message.type === 'snapshot') {
      this.view = { ...message, agents: new Map(message.agents.map((a) => [a.mail.toLowerCase(), a])), minutes: new Map(message.minutes.map((m) => [m.minute, m])) };
      return;
    }
    for (const row of message.agents ?? []) this.view.agents.set(row.mail.toLowerCase(), row);
    for (const bucket of message.minutes ?? []) this.view.minutes.set(bucket.minute, bucket);
    if (message.queues) this.view.queues = message.queues;
    if (message.calls) this.view.calls = message.calls;
    if (message.today) this.view.today = message.today;
  }
}

/** How an upgrade to the dashboard is refused: the HTTP status and the console error code. */
function refusal(url: string, headers: Record<string, string>): Promise<{ status: number; code: string }> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + DASHBOARD_PATH, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('the dashboard socket opened')));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { error: { code: string } }).error.code }));
    });
    ws.once('error', () => undefined);
  });
}

async function addStaff(center: CallCenter, mail: string, role: number, password: string): Promise<void> {
  await center.server.folder.store.staff.createMany(
    [{ sdkAppId: center.sdkAppId, mail, name: mail, staffNumber: '', phone: '', nick: '', userId: '', role, extensionNumber: '', passwordHash: await hashPassword(password), useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null }],
    [[]],
    Date.now(),
  );
}

let center: CallCenter;
let admin: ConsoleClient;
let own: string;
const watches: DashboardWatch[] = [];
const phones: TestPhone[] = [];
const agents: TestAgent[] = [];

async function watch(client: ConsoleClient): Promise<DashboardWatch> {
  const opened = await DashboardWatch.open(center.server.url, { cookie: client.cookie, origin: own });
  watches.push(opened);
  return opened;
}

beforeAll(async () => {
  center = await callCenter();
  own = new URL(center.server.url).origin;
  admin = await consoleSignIn(center.server.url, center.server.adminUser, center.server.adminPassword);
}, 60_000);
afterAll(async () => {
  for (const w of watches) w.ws.terminate();
  for (const phone of phones) phone.close();
  for (const agent of agents) agent.hangupMedia();
  await center.close();
});

describe('the live dashboard socket', () => {
  it('refuses an upgrade without a session, or with a session cookie that names none', async () => {
    expect(await refusal(center.server.url, { origin: own })).toEqual({ status: 401, code: 'unauthenticated' });
    expect(await refusal(center.server.url, { origin: own, cookie: `openccc_console=${'ab'.repeat(32)}` })).toEqual({ status: 401, code: 'unauthenticated' });
  });

  it('refuses a page of another origin, and a request without an Origin, even with a valid session', async () => {
    expect(await refusal(center.server.url, { cookie: admin.cookie, origin: 'https://evil.example' })).toEqual({ status: 403, code: 'csrf' });
    expect(await refusal(center.server.url, { cookie: admin.cookie, origin: own.replace('127.0.0.1', 'localhost') })).toEqual({ status: 403, code: 'csrf' });
    expect(await refusal(center.server.url, { cookie: admin.cookie })).toEqual({ status: 403, code: 'csrf' });
  });

  it('gives an agent (role 3) no session to open it with', async () => {
    await addStaff(center, 'plain-agent@example.com', 3, 'agent-password-1');
    const res = await fetch(`${center.server.url}/console/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mail: 'plain-agent@example.com', password: 'agent-password-1' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('opens for QA staff (role 2) with the instance snapshot', async () => {
    await addStaff(center, 'qa@example.com', 2, 'qa-password-1');
    const qa = await consoleSignIn(center.server.url, 'qa@example.com', 'qa-password-1');
    const dashboard = await watch(qa);
    await dashboard.until(() => true);
    const snapshot = dashboard.messages[0];
    expect(snapshot?.type).toBe('snapshot');
    expect(dashboard.agent('qa@example.com')).toMatchObject({ status: 'offline', since: null });
    expect(dashboard.agent(center.server.adminUser)).toMatchObject({ status: 'offline' });
    expect(dashboard.view.queues).toContainEqual(expect.objectContaining({ groupId: center.groupId, waiting: 0, oldestSince: null }));
    expect(dashboard.view.today).toMatchObject({ answered: 0, abandoned: 0, outbound: 0, answerWaits: [] });
  });

  it('follows an agent’s status and a call from the queue to its answer and its record', async () => {
    const dashboard = await watch(admin);
    const agent = await signedInAgent(center);
    agents.push(agent);
    await dashboard.until(() => dashboard.agent(agent.mail)?.status === 'free');
    expect((await agent.socket.request('Agent.setStatus', { status: 'rest', restReason: 'lunch' })).ok).toBe(true);
    await dashboard.until(() => dashboard.agent(agent.mail)?.status === 'rest');
    expect(dashboard.agent(agent.mail)).toMatchObject({ reason: 'lunch', since: expect.any(Number) });

    const phone = await TestPhone.open(center.server.url, '008613912340001');
    phones.push(phone);
    const dialled = await phone.dial(center.hotline);
    await dashboard.until((view) => view.queues.some((q) => q.groupId === center.groupId && q.waiting === 1));
    const queue = dashboard.view.queues.find((q) => q.groupId === center.groupId);
    expect(queue?.oldestSince).toBeGreaterThan(0);
    expect(dashboard.view.calls.queued).toBe(1);

    const callIn = agent.socket.nextEvent('callIn');
    expect((await agent.socket.request('Agent.setStatus', { status: 'free' })).ok).toBe(true);
    const { sessionId } = (await callIn).payload;
    expect((await agent.accept(sessionId)).ok).toBe(true);
    await dashboard.until((view) => view.calls.talking === 1 && dashboard.agent(agent.mail)?.status === 'busy');
    expect(dashboard.view.queues.find((q) => q.groupId === center.groupId)).toMatchObject({ waiting: 0, oldestSince: null });

    phone.send({ type: 'hangup', callId: dialled.callId });
    await endedOf(phone, dialled);
    await dashboard.until((view) => view.today.answered === 1);
    expect(dashboard.view.calls.talking).toBe(0);
    expect(dashboard.view.today.answerWaits.reduce((sum, [, calls]) => sum + calls, 0)).toBe(1);
    expect([...dashboard.view.minutes.values()].reduce((sum, m) => sum + m.answered, 0)).toBe(1);
    await dashboard.until(() => dashboard.agent(agent.mail)?.status !== 'busy');
  });

  it('reads today’s counts of an instance from its stored records when its first page opens', async () => {
    const store = center.server.folder.store;
    const other = await createInstance(store, 'second', Date.now());
    const now = Math.floor(Date.now() / 1000);
    const base = { CallType: 2, Caller: '008613900000000', Callee: '008640000000', StartTimestamp: now - 30, EndedTimestamp: now - 1 };
    await store.callRecords.add(other.sdkAppId, { ...base, SessionId: 'stored-1', QueuedTimestamp: now - 30, AcceptTimestamp: now - 25, EndStatus: 1 });
    await store.callRecords.add(other.sdkAppId, { ...base, SessionId: 'stored-2', QueuedTimestamp: now - 30, AcceptTimestamp: 0, EndStatus: 103 });
    await store.callRecords.add(other.sdkAppId, { ...base, SessionId: 'stored-3', CallType: 1, EndStatus: 202 });
    const otherAdmin = await consoleSignIn(center.server.url, other.adminUser, other.adminPassword, other.sdkAppId);
    const dashboard = await watch(otherAdmin);
    await dashboard.until(() => true);
    expect(dashboard.view.today).toMatchObject({ answered: 1, abandoned: 1, outbound: 1, answerWaits: [[5, 1]] });
    expect([...dashboard.view.agents.keys()]).toEqual([other.adminUser.toLowerCase()]);
  });
});
