/**
 * A call in conversation when the server is killed with SIGKILL: the next start closes it from the
 * journal with one record (211, hung up by the system), and its agent is not left busy. A journal
 * entry closed twice (a start that died before clearing it) still leaves one record.
 * The server runs as the built CLI (`npx tsc -b tsconfig.json` first).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { cleanup, freePort, requireBuiltCli, runCli, runJson, spawnCli, tempDir, type CliProcess, type InitOutput } from '../cli/helpers.js';
import { AgentSocket, createAgent, loginAs, metricsOf, uniqMail } from '../realtime/helpers.js';
import { AGENT_HZ, CUSTOMER_HZ, RtpAgent, TestPhone } from './support.js';

const HOTLINE = '0086400900001';
const CUSTOMER = '008613950000001';

let dataDir: string;
let port: number;
let init: InitOutput;
let client: CccClient;
const phones: TestPhone[] = [];
const agents: RtpAgent[] = [];

beforeAll(async () => {
  requireBuiltCli();
  dataDir = join(tempDir('openccc-kill9-'), 'data');
  port = await freePort();
  init = await runJson<InitOutput>(['init', '--data', dataDir]);
  client = officialClient({ port, secretId: init.secretId, secretKey: init.secretKey });
}, 60_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  for (const agent of agents) agent.close();
  await cleanup();
});

/** `openccc start` on the data folder, with scripted agents allowed; resolves once it is ready. */
async function start(): Promise<CliProcess> {
  const proc = spawnCli(['start', '--data', dataDir, '--port', String(port), '--host', '127.0.0.1', '--rtp-agents', 'on', '--media-workers', '1', '--rate-limit', '0']);
  await proc.waitForLog('openccc ready');
  return proc;
}

async function kill9(proc: CliProcess): Promise<void> {
  proc.child.kill('SIGKILL');
  expect((await proc.exited).signal).toBe('SIGKILL');
}

/** A signed-in, online agent with a plain RTP socket for audio; `welcome` is what the workbench was told on signing in. */
async function rtpAgent(mail: string): Promise<{ agent: RtpAgent; welcome: Awaited<ReturnType<AgentSocket['hello']>> }> {
  const url = `http://127.0.0.1:${port}`;
  const login = await loginAs(url, client, init.sdkAppId, mail);
  const socket = new AgentSocket(url);
  const welcome = await socket.hello(login.ticket);
  const online = await socket.request('Agent.online');
  if (!online.ok) throw new Error(`online failed: ${JSON.stringify(online)}`);
  const agent = await RtpAgent.open(mail, socket);
  agents.push(agent);
  return { agent, welcome };
}

/** The journal's entry for a session, read straight from the SQLite file (read-only). */
function journalled(sessionId: string): string | undefined {
  const db = new Database(join(dataDir, 'openccc.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT snapshot FROM call_journal WHERE session_id = ?').get(sessionId) as { snapshot: string } | undefined)?.snapshot;
  } finally {
    db.close();
  }
}

/** Puts a session's journal entry back, as a start that died before clearing it would leave it (the server is down). */
function restoreJournal(sessionId: string, snapshot: string): void {
  const db = new Database(join(dataDir, 'openccc.db'), { fileMustExist: true });
  try {
    db.prepare('INSERT INTO call_journal (session_id, sdk_app_id, snapshot, updated_at) VALUES (?, ?, ?, ?)').run(sessionId, init.sdkAppId, snapshot, Date.now());
  } finally {
    db.close();
  }
}

async function recordsOf(sessionId: string) {
  const now = Math.floor(Date.now() / 1000);
  const res = await client.DescribeTelCdr({ SdkAppId: init.sdkAppId, StartTimeStamp: now - 3600, EndTimeStamp: now + 60, PageSize: 100, PageNumber: 0, Phones: [CUSTOMER] });
  return (res.TelCdrList ?? []).filter((r) => r.SessionId === sessionId || r.Caller === CUSTOMER);
}

describe('kill -9 during a call', () => {
  it('closes the call on the next start with one record (211, system), frees the agent, and writes nothing twice', async () => {
    const first = await start();
    const url = `http://127.0.0.1:${port}`;
    const group = await client.CreateCCCSkillGroup({ SdkAppId: init.sdkAppId, SkillGroupName: 'Sales', SkillGroupType: 0, MaxConcurrency: 1 });
    const groupId = group.SkillGroupId as number;
    expect((await runCli(['number', 'add', HOTLINE, '--skill-group', String(groupId), '--data', dataDir])).code).toBe(0);
    const mail = await createAgent(client, init.sdkAppId, uniqMail('kill9'));
    await client.BindStaffSkillGroupList({ SdkAppId: init.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: groupId, Priority: 1 }] });
    const { agent } = await rtpAgent(mail);

    // A conversation: audio both ways.
    const phone = await TestPhone.open(url, CUSTOMER);
    phones.push(phone);
    const phoneHears = phone.rtp.waitForTone(AGENT_HZ);
    const agentHears = agent.rtp.waitForTone(CUSTOMER_HZ);
    const { callId } = await phone.dial(HOTLINE);
    const sessionId = (await agent.socket.nextEvent('callIn')).payload.sessionId;
    expect((await agent.accept(sessionId)).ok).toBe(true);
    await Promise.all([phoneHears, agentHears]);
    expect((await metricsOf(client, init.sdkAppId, mail)).Status).toBe('busy');
    // The journal holds the call in conversation.
    for (let i = 0; !journalled(sessionId)?.includes('"state":"talking"'); i++) {
      if (i > 100) throw new Error(`the call was not journalled: ${journalled(sessionId)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const snapshot = journalled(sessionId)!;
    const killedAt = Math.floor(Date.now() / 1000);

    await kill9(first);
    await agent.socket.closed;
    phone.next('ended', callId).catch(() => undefined);
    expect(await recordsOf(sessionId).catch(() => 'server down')).toBe('server down');

    const second = await start();
    expect(second.logs().find((line) => line['msg'] === 'calls cut by the previous run were closed with a record')).toMatchObject({ calls: 1 });
    const records = await recordsOf(sessionId);
    expect(records).toHaveLength(1);
    const record = records[0]!;
    expect(record).toMatchObject({ SessionId: sessionId, EndStatus: 211, EndStatusString: 'clientError', HungUpSide: 'system', Caller: CUSTOMER, Callee: HOTLINE, CallType: 2 });
    expect(record.SeatUser?.Mail).toBe(mail);
    expect(record.AcceptTimestamp).toBeGreaterThan(0);
    expect(record.EndedTimestamp).toBeGreaterThanOrEqual(killedAt);
    expect(record.Duration).toBe(record.EndedTimestamp! - record.AcceptTimestamp!);
    expect(journalled(sessionId)).toBeUndefined();
    const live = await client.DescribePSTNActiveSessionList({ SdkAppId: init.sdkAppId, Offset: 0, Limit: 25 });
    expect(live.Total).toBe(0);

    // The agent was left signed out, not busy; signing in again, they have no call in progress and are free.
    expect((await metricsOf(client, init.sdkAppId, mail)).Status).toBe('offline');
    const { agent: again, welcome } = await rtpAgent(mail);
    expect(welcome).toMatchObject({ status: 'free', sessions: [] });
    expect((await metricsOf(client, init.sdkAppId, mail)).Status).toBe('free');
    expect(again.socket.received.filter((m) => m.type === 'event' && m.name === 'callIn')).toEqual([]);

    // A third start finds nothing to close, and the record is still there once.
    await kill9(second);
    const third = await start();
    expect(third.logs().some((line) => line['msg'] === 'calls cut by the previous run were closed with a record')).toBe(false);
    expect(await recordsOf(sessionId)).toHaveLength(1);

    // A start that dies after writing the record but before clearing the journal: the next one closes the call again, over the same record.
    await kill9(third);
    restoreJournal(sessionId, snapshot);
    const fourth = await start();
    expect(fourth.logs().find((line) => line['msg'] === 'calls cut by the previous run were closed with a record')).toMatchObject({ calls: 1 });
    const rewritten = await recordsOf(sessionId);
    expect(rewritten).toHaveLength(1);
    expect(rewritten[0]).toMatchObject({ SessionId: sessionId, EndStatus: 211, HungUpSide: 'system' });
    fourth.child.kill('SIGTERM');
    await fourth.exited;
  }, 60_000);
});
