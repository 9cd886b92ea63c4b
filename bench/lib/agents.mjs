// Scripted agents: signed in through the SDK's path (Cloud API token → /sdk/v1/login → realtime
// hello → Agent.online) and kept on the realtime WebSocket a workbench keeps.
import http from 'node:http';
import { WebSocket } from 'ws';
import { now, pool, sleep, withTimeout } from './async.mjs';

/** POST JSON from a chosen local address (the token exchange is limited per client address). */
function postJson(url, body, localAddress) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(url, { method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** A signed-in agent: the realtime WebSocket a workbench keeps; its events go to its floor. */
export class Agent {
  constructor(floor, index, mail) {
    this.floor = floor;
    this.index = index;
    this.mail = mail;
    this.nextId = 1;
    this.replies = new Map();
  }

  connect(url, ticket) {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(url.replace(/^http/, 'ws') + '/realtime/v1');
      this.ws.on('error', reject);
      this.ws.on('open', () => this.ws.send(JSON.stringify({ type: 'hello', v: 1, ticket, client: { type: 'Web', embedded: true } })));
      this.ws.on('message', (data) => {
        const at = now();
        const message = JSON.parse(String(data));
        if (message.type === 'welcome') resolve();
        else if (message.type === 'refused') reject(new Error(`hello refused: ${message.code} ${message.message}`));
        else if (message.type === 'reply') {
          this.replies.get(message.id)?.(message);
          this.replies.delete(message.id);
        } else if (message.type === 'event') this.floor.onEvent(this, message.name, message.payload, at);
      });
      this.ws.on('close', (code) => {
        if (!this.floor.closing) console.error(`agent ${this.mail}: socket closed (${code})`);
      });
    });
  }

  /** A realtime request; resolves with its reply (rejects after 20 s without one). */
  request(method, params = {}) {
    const id = this.nextId++;
    const reply = new Promise((resolve) => this.replies.set(id, resolve));
    this.ws.send(JSON.stringify({ type: 'request', id, method, params }));
    return withTimeout(reply, 20_000, `${method} of ${this.mail}`);
  }
}

/** Agents of one skill group, signed in and online. */
export class Floor {
  /**
   * `count` agents named `<prefix>-00000@bench.example.com`… in skill group `groupName`, staff
   * numbers `<numberPrefix>00000`…, each signed in and online. `setup` has the time it took.
   */
  static async open(server, groupName, count, prefix = 'agent', numberPrefix = '1') {
    const floor = new Floor();
    floor.server = server;
    floor.agents = [];
    floor.mails = [];
    floor.closing = false;
    floor.listeners = new Set();
    const { client } = server;
    const SdkAppId = server.creds.sdkAppId;
    const started = now();
    const mails = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}@bench.example.com`);
    const batches = [];
    for (let i = 0; i < count; i += 10) batches.push(mails.slice(i, i + 10));
    await pool(batches, 4, async (batch) => {
      const res = await client.CreateStaff({ SdkAppId, Staffs: batch.map((Mail) => ({ Mail, Name: Mail.split('@')[0], StaffNumber: `${numberPrefix}${Mail.split('@')[0].slice(-5)}`, SkillGroupNameList: [groupName] })) });
      if (res.ErrorStaffList?.length) throw new Error(`CreateStaff: ${JSON.stringify(res.ErrorStaffList)}`);
    });
    const created = now();
    // Tokens exchanged from 127.0.0.10… (not 127.0.0.2, a carrier's address in bench:sip), 50 agents
    // per address: the server allows 60 token exchanges from one address at once.
    await pool(
      mails.map((mail, i) => ({ mail, i })),
      16,
      async ({ mail, i }) => {
        const { Token } = await client.CreateSDKLoginToken({ SdkAppId, SeatUserId: mail });
        const address = `127.0.${Math.floor(i / 12_000)}.${10 + (Math.floor(i / 50) % 240)}`;
        const login = await postJson(`${server.url}/sdk/v1/login`, { sdkAppId: SdkAppId, userId: mail, token: Token, parentOrigin: server.url }, address);
        if (login.status !== 200) throw new Error(`login of ${mail}: ${login.status} ${JSON.stringify(login.body)}`);
        const agent = new Agent(floor, i, mail);
        await agent.connect(server.url, login.body.ticket);
        const online = await agent.request('Agent.online');
        if (!online.ok) throw new Error(`Agent.online of ${mail}: ${JSON.stringify(online)}`);
        floor.agents[i] = agent;
        floor.mails[i] = mail;
      },
    );
    floor.setup = { agents: count, createMs: Math.round(created - started), signInMs: Math.round(now() - created) };
    // The engine loads each agent into the ACD once its socket is up (store reads): give it a moment.
    await sleep(2000);
    return floor;
  }

  /** The agents' statuses as the Cloud API reports them: {free: n, busy: n, …}. */
  async statusCounts() {
    const { Metrics } = await this.server.client.DescribeStaffStatusMetrics({ SdkAppId: this.server.creds.sdkAppId });
    const counts = {};
    for (const m of Metrics ?? []) counts[m.Status] = (counts[m.Status] ?? 0) + 1;
    return counts;
  }

  /** Waits (up to `ms`) for every agent to be free again; returns the statuses seen last. */
  async settle(ms = 20_000) {
    const deadline = now() + ms;
    for (;;) {
      const counts = await this.statusCounts();
      if ((counts.free ?? 0) >= this.agents.length || now() > deadline) return counts;
      await sleep(250);
    }
  }

  onEvent(agent, name, payload, at) {
    for (const listener of this.listeners) listener(agent, name, payload, at);
  }

  /** Listens to every agent's events, `listener(agent, name, payload, receivedAt)`, until the returned function is called. */
  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close() {
    this.closing = true;
    for (const agent of this.agents) agent?.ws.terminate();
  }
}
