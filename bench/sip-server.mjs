// The server side of `bench:sip`: `openccc start --sip on` in a child process (the compiled server,
// packages/server/dist) on a fresh data folder, with an IP trunk, hotlines and scripted agents
// signed in over the realtime WebSocket; and the process figures read from /proc (CPU of the
// whole server and of its main thread, RSS) plus the main thread's event-loop delay, which
// bench/engine-preload.mjs reports over IPC.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { WebSocket } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
export const cli = join(root, 'packages/server/dist/cli/main.js');

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]).finally(() => clearTimeout(timer));
}

export function nextMessage(emitter, type, match = () => true) {
  return new Promise((resolve) => {
    const listener = (message) => {
      if (message?.type !== type || !match(message)) return;
      emitter.off('message', listener);
      resolve(message);
    };
    emitter.on('message', listener);
  });
}

export function ask(child, message, reply, ms = 60_000) {
  const answer = nextMessage(child, reply);
  child.send(message);
  return withTimeout(answer, ms, `${message.type} → ${reply}`);
}

/** Runs `task(item)` over `items`, `concurrency` at a time. */
export async function pool(items, concurrency, task) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system) of a process, or of one of its threads, in ms, from /proc. */
export function cpuMs(pid, tid) {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export function rssMb(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** CPU time the whole machine spent busy (every core, every process), in ms, from /proc/stat. */
export function machineBusyMs() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    const busy = fields.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
    return (busy * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The machine's UDP counters (/proc/net/snmp): datagrams to no socket, and dropped on a full receive buffer. */
export function udpCounters() {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/).map(Number);
    const get = (name) => values[names.indexOf(name)] ?? NaN;
    return { noPorts: get('NoPorts'), rcvbufErrors: get('RcvbufErrors') };
  } catch {
    return { noPorts: NaN, rcvbufErrors: NaN };
  }
}

/** Datagrams the kernel dropped on a full receive buffer for the UDP socket bound to 127.0.0.1:`port` (/proc/net/udp), or NaN. */
export function udpSocketDrops(port) {
  try {
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const line = readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1] === local);
    return line ? Number(line.trim().split(/\s+/).at(-1)) : NaN;
  } catch {
    return NaN;
  }
}

/** CPU of some processes (or threads) over a window, in cores (1.00 = one core busy). */
export class CpuWindow {
  constructor(processes) {
    this.processes = processes.filter((p) => p.pid);
    this.start = now();
    this.before = this.processes.map((p) => cpuMs(p.pid, p.tid));
  }

  end() {
    const elapsed = now() - this.start;
    const cores = {};
    this.processes.forEach((p, i) => (cores[p.name] = (cpuMs(p.pid, p.tid) - this.before[i]) / elapsed));
    return cores;
  }
}

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

/**
 * `openccc start` with the SIP gateway on, RTP agents allowed and the SIP caps raised out of the
 * way (the benchmark measures the gateway, not its admission limits); one IP trunk for the
 * carrier address; the data folder removed on stop (unless BENCH_KEEP_DATA).
 */
export class SipServer {
  /**
   * @param {{ carrierAddress: string, trustedProxies?: string, mediaWorkers?: string, dataParent?: string, maxCalls: number, nodeFlags?: string[] }} options
   */
  static async start(options) {
    const server = new SipServer();
    server.dataDir = mkdtempSync(join(options.dataParent ?? tmpdir(), 'openccc-bench-sip-'));
    server.creds = JSON.parse(execFileSync(process.execPath, [cli, 'init', '--data', server.dataDir, '--json'], { encoding: 'utf8' }));
    server.cli('sip', 'trunk', 'add', '--name', 'bench-carrier', '--kind', 'ip', '--allow', `${options.carrierAddress}/32`, '--max-calls', String(options.maxCalls * 2));
    server.port = await freePort();
    server.sipPort = await freePort();
    server.url = `http://127.0.0.1:${server.port}`;
    // Logs go to a file: a pipe drained late would block the server's synchronous writes.
    server.logFile = join(server.dataDir, 'server.log');
    const logFd = openSync(server.logFile, 'a');
    const args = [
      `--import=${pathToFileURL(join(here, 'engine-preload.mjs')).href}`,
      ...(options.nodeFlags ?? []),
      cli, 'start', '--data', server.dataDir, '--port', String(server.port),
      '--rate-limit', '0', '--log-level', 'warn', '--rtp-agents', 'on',
      '--media-ports', '16000-31999', '--ring-timeout', '20', '--after-call-work', '0',
      '--sip', 'on', '--sip-address', '127.0.0.1', '--sip-port', String(server.sipPort), '--sip-domain', 'sip.bench.test',
      '--sip-max-calls', String(options.maxCalls * 2), '--sip-cps', '100000',
      ...(options.trustedProxies ? ['--sip-trusted-proxies', options.trustedProxies] : []),
      ...(options.mediaWorkers ? ['--media-workers', options.mediaWorkers] : []),
    ];
    server.child = spawn(process.execPath, args, { stdio: ['ignore', logFd, 'inherit', 'ipc'] });
    closeSync(logFd);
    server.exited = new Promise((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = now() + 30_000;
    for (;;) {
      if (server.child.exitCode !== null) throw new Error(`the server exited with ${server.child.exitCode}; see ${server.logFile}`);
      if (await fetch(`${server.url}/healthz`).then((r) => r.ok, () => false)) break;
      if (now() > deadline) throw new Error('the server did not start within 30 s');
      await sleep(100);
    }
    server.client = new tencentcloud.ccc.v20200210.Client({
      credential: { secretId: server.creds.secretId, secretKey: server.creds.secretKey },
      region: '',
      profile: { httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', reqMethod: 'POST', agent: new http.Agent({ keepAlive: false }) } },
    });
    server.loopId = 0;
    return server;
  }

  get pid() {
    return this.child.pid;
  }

  cli(...args) {
    return execFileSync(process.execPath, [cli, ...args, '--data', this.dataDir], { encoding: 'utf8' });
  }

  /** A hotline into an IVR menu that plays its welcome and waits a minute for a key: OpenCCC answers at once and keeps the call. */
  ivrHotline(number) {
    const flow = {
      version: 1,
      name: 'Bench menu',
      start: 'main',
      nodes: {
        main: { kind: 'menu', prompts: ['zh-CN/welcome'], timeoutMs: 60_000, keys: { 9: { action: 'hangup' } }, fallback: { action: 'hangup' } },
      },
    };
    const file = join(this.dataDir, 'bench-ivr.json');
    writeFileSync(file, JSON.stringify(flow));
    this.cli('number', 'add', number, '--ivr', file, '--instance', String(this.creds.sdkAppId));
    return { number };
  }

  /** A skill group and a hotline routed to it. */
  async hotline(number, groupName) {
    const group = await this.client.CreateCCCSkillGroup({ SdkAppId: this.creds.sdkAppId, SkillGroupName: groupName, SkillGroupType: 0, MaxConcurrency: 1 });
    this.cli('number', 'add', number, '--skill-group', String(group.SkillGroupId), '--instance', String(this.creds.sdkAppId));
    return { number, groupName, groupId: group.SkillGroupId };
  }

  /** The main thread's event-loop delay since the last reset (ms). */
  loop(reset = true) {
    const id = ++this.loopId;
    const answer = nextMessage(this.child, 'bench:loop', (m) => m.id === id);
    this.child.send({ type: 'bench:loop', id, reset });
    return withTimeout(answer, 30_000, 'event-loop delay');
  }

  /** Server CPU over a window: the whole process, its main thread, and the rest (media workers, GC); and the whole machine's. */
  cpuWindow() {
    const window = new CpuWindow([
      { name: 'server', pid: this.pid },
      { name: 'main', pid: this.pid, tid: this.pid },
    ]);
    const machineBefore = machineBusyMs();
    return {
      end: () => {
        const cores = window.end();
        const machineCores = (machineBusyMs() - machineBefore) / (now() - window.start);
        return { serverCores: cores.server, mainCores: cores.main, otherCores: cores.server - cores.main, machineCores };
      },
    };
  }

  async stop() {
    this.child.kill('SIGTERM');
    const exit = await withTimeout(this.exited, 30_000, 'server exit').catch(() => {
      this.child.kill('SIGKILL');
      return { code: null, signal: 'SIGKILL' };
    });
    if (!process.env.BENCH_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
    return exit;
  }
}

/** A signed-in scripted agent: the realtime WebSocket a workbench keeps. */
class Agent {
  constructor(floor, mail) {
    this.floor = floor;
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
        const message = JSON.parse(String(data));
        if (message.type === 'welcome') resolve();
        else if (message.type === 'refused') reject(new Error(`hello refused: ${message.code} ${message.message}`));
        else if (message.type === 'reply') {
          this.replies.get(message.id)?.(message);
          this.replies.delete(message.id);
        } else if (message.type === 'event') this.floor.onEvent(this, message.name, message.payload);
      });
    });
  }

  request(method, params = {}) {
    const id = this.nextId++;
    const reply = new Promise((resolve) => this.replies.set(id, resolve));
    this.ws.send(JSON.stringify({ type: 'request', id, method, params }));
    return withTimeout(reply, 20_000, `${method} of ${this.mail}`);
  }
}

/** Agents of one skill group, signed in through the SDK's path and online. */
export class Floor {
  /** `count` agents named `<prefix>-00000@bench.example.com`… in skill group `groupName`, staff numbers `<numberPrefix>00000`… */
  static async open(server, groupName, count, prefix = 'agent', numberPrefix = '1') {
    const floor = new Floor();
    floor.agents = [];
    floor.mails = [];
    floor.listeners = new Set();
    const { client } = server;
    const SdkAppId = server.creds.sdkAppId;
    const mails = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(5, '0')}@bench.example.com`);
    const batches = [];
    for (let i = 0; i < count; i += 10) batches.push(mails.slice(i, i + 10));
    await pool(batches, 4, async (batch) => {
      const res = await client.CreateStaff({ SdkAppId, Staffs: batch.map((Mail) => ({ Mail, Name: Mail.split('@')[0], StaffNumber: `${numberPrefix}${Mail.split('@')[0].slice(-5)}`, SkillGroupNameList: [groupName] })) });
      if (res.ErrorStaffList?.length) throw new Error(`CreateStaff: ${JSON.stringify(res.ErrorStaffList)}`);
    });
    // 50 agents per client address: the server allows 60 token exchanges from one address at once.
    await pool(
      mails.map((mail, i) => ({ mail, i })),
      16,
      async ({ mail, i }) => {
        const { Token } = await client.CreateSDKLoginToken({ SdkAppId, SeatUserId: mail });
        const address = `127.0.${Math.floor(i / 12_000)}.${10 + (Math.floor(i / 50) % 240)}`;
        const login = await postJson(`${server.url}/sdk/v1/login`, { sdkAppId: SdkAppId, userId: mail, token: Token, parentOrigin: server.url }, address);
        if (login.status !== 200) throw new Error(`login of ${mail}: ${login.status} ${JSON.stringify(login.body)}`);
        const agent = new Agent(floor, mail);
        await agent.connect(server.url, login.body.ticket);
        const online = await agent.request('Agent.online');
        if (!online.ok) throw new Error(`Agent.online of ${mail}: ${JSON.stringify(online)}`);
        floor.agents[i] = agent;
        floor.mails[i] = mail;
      },
    );
    // The engine loads each agent into the ACD once its socket is up.
    await sleep(2000);
    return floor;
  }

  /** The agents' statuses as the Cloud API reports them: {free: n, busy: n, …}. */
  static async statusCounts(server) {
    const { Metrics } = await server.client.DescribeStaffStatusMetrics({ SdkAppId: server.creds.sdkAppId });
    const counts = {};
    for (const m of Metrics ?? []) counts[m.Status] = (counts[m.Status] ?? 0) + 1;
    return counts;
  }

  onEvent(agent, name, payload) {
    for (const listener of this.listeners) listener(agent, name, payload);
  }

  /** Listens to every agent's events until the returned function is called. */
  listen(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close() {
    for (const agent of this.agents) agent?.ws.terminate();
  }
}
