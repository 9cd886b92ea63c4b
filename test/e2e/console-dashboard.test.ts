import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgent, TestPhone, endedOf } from '../calls/support.js';
import { AgentSocket, createAgent, loginAs } from '../realtime/helpers.js';
import { openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

/** With OPENCCC_DOCS_SCREENSHOTS=1, the test also saves the dashboard's screenshot for docs/console.md. */
const SCREENSHOTS = process.env['OPENCCC_DOCS_SCREENSHOTS'] === '1' ? join(import.meta.dirname, '../../docs/images') : null;

const HOTLINE = '00864000005678';
const CALLER = '008613900005678';

let env: ConsoleEnv;
let groupId: number;
let agent: TestAgent;
let phone: TestPhone | null = null;

/** An agent of the skill group, signed in on the realtime socket (no browser), resting so that calls wait. */
async function restingAgent(sdkAppId: number): Promise<TestAgent> {
  const mail = await createAgent(env.client, sdkAppId, 'zhangwei@example.com', '张伟');
  await env.client.BindStaffSkillGroupList({ SdkAppId: sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: groupId, Priority: 1 }] });
  const login = await loginAs(env.server.url, env.client, sdkAppId, mail);
  const socket = new AgentSocket(env.server.url);
  await socket.hello(login.ticket);
  expect((await socket.request('Agent.online')).ok).toBe(true);
  expect((await socket.request('Agent.setStatus', { status: 'rest', restReason: '午休' })).ok).toBe(true);
  return new TestAgent(mail, socket);
}

/** Staff of no skill group in the other statuses, set on the server's presence as the workbench would. */
async function otherStaff(sdkAppId: number): Promise<void> {
  const people: Array<[string, string, 'free' | 'busy' | 'notReady' | 'afterCallWork' | 'rest' | 'offline']> = [
    ['wangfang', '王芳', 'free'],
    ['lina', '李娜', 'free'],
    ['liuyang', '刘洋', 'busy'],
    ['chenjing', '陈静', 'notReady'],
    ['yanglei', '杨磊', 'afterCallWork'],
    ['zhaomin', '赵敏', 'offline'],
  ];
  const { presence } = env.server.server.services;
  for (const [index, [user, name, status]] of people.entries()) {
    const mail = await createAgent(env.client, sdkAppId, `${user}@example.com`, name);
    // Statuses that began a while ago, so that the durations differ.
    const since = Date.now() - (index + 1) * 97_000;
    if (status === 'offline') continue;
    if (status === 'busy') presence.setStatus(sdkAppId, mail, 'free', '', since - 1000);
    presence.setStatus(sdkAppId, mail, status, '', since);
  }
}

/** Today's earlier calls, as stored records: the dashboard reads them when it opens. */
async function earlierCalls(sdkAppId: number): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const { callRecords } = env.server.folder.store;
  for (let i = 0; i < 40; i++) {
    const start = now - 60 - i * 83;
    const base = { Caller: `0086139000${String(1000 + i)}`, Callee: HOTLINE, StartTimestamp: start, EndedTimestamp: start + 50, SessionId: `earlier-${i}` };
    if (i % 7 === 3) await callRecords.add(sdkAppId, { ...base, CallType: 2, QueuedTimestamp: start, AcceptTimestamp: 0, EndStatus: 103 });
    else if (i % 5 === 1) await callRecords.add(sdkAppId, { ...base, CallType: 1, EndStatus: 1 });
    else await callRecords.add(sdkAppId, { ...base, CallType: 2, QueuedTimestamp: start, AcceptTimestamp: start + (i % 4) * 9, EndStatus: 1 });
  }
}

function count(page: Page, selector: string): Promise<string> {
  return page.locator(selector).innerText();
}

/** Waits until the element's text is `text`. */
async function showsText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(([s, t]) => document.querySelector(s)?.textContent?.trim() === t, [selector, text] as const);
}

beforeAll(async () => {
  env = await startConsoleEnv({ flags: { 'ring-timeout': '10' } });
  const sdkAppId = env.server.sdkAppId;
  groupId = (await env.client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: '售后服务', SkillGroupType: 0 })).SkillGroupId as number;
  await env.client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: '销售咨询', SkillGroupType: 0 });
  await env.server.server.services.numbers.add(sdkAppId, HOTLINE, { skillGroupId: groupId });
  await env.server.server.media.stats();
  agent = await restingAgent(sdkAppId);
  await otherStaff(sdkAppId);
  await earlierCalls(sdkAppId);
}, 60_000);

afterAll(async () => {
  phone?.close();
  agent?.hangupMedia();
  await env?.close();
});

describe('the live dashboard', () => {
  it('shows a call waiting in its queue, then answered, as it happens', async () => {
    const { page, context } = await openConsole(env, { hash: '#/dashboard' });
    await page.locator('[data-live-state="live"]').waitFor();
    const waiting = `tr[data-group-id="${groupId}"] td[data-waiting]`;
    const answered = '[data-kpi="answered"] dd';
    await page.locator(`[role="row"][data-mail="${agent.mail}"][data-status="rest"]`).waitFor();
    expect(await count(page, waiting)).toBe('0');
    const answeredBefore = Number(await count(page, answered));
    expect(answeredBefore).toBeGreaterThan(0);

    phone = await TestPhone.open(env.server.url, CALLER);
    const dialled = await phone.dial(HOTLINE);
    await showsText(page, waiting, '1');
    await showsText(page, '[data-kpi="queued"] dd', '1');
    if (SCREENSHOTS) {
      // Let the longest wait tick past zero so that the picture shows a wait.
      await page.waitForFunction((s) => document.querySelector(s)?.nextElementSibling?.textContent !== '0:00', waiting);
      await page.screenshot({ path: join(SCREENSHOTS, 'console-dashboard.png') });
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await page.screenshot({ path: join(SCREENSHOTS, 'console-dashboard-agents.png') });
      await page.evaluate(() => window.scrollTo(0, 0));
    }

    const callIn = agent.socket.nextEvent('callIn');
    expect((await agent.socket.request('Agent.setStatus', { status: 'free' })).ok).toBe(true);
    expect((await agent.accept((await callIn).payload.sessionId)).ok).toBe(true);
    await showsText(page, waiting, '0');
    await page.locator(`[role="row"][data-mail="${agent.mail}"][data-status="busy"]`).waitFor();
    await showsText(page, '[data-kpi="talking"] dd', '1');

    phone.send({ type: 'hangup', callId: dialled.callId });
    await endedOf(phone, dialled);
    await showsText(page, answered, String(answeredBefore + 1));
    await showsText(page, '[data-kpi="talking"] dd', '0');
    // Not ready from here on, so that the next test's counts do not move.
    await page.locator(`[role="row"][data-mail="${agent.mail}"]:not([data-status="busy"])`).waitFor();
    expect((await agent.socket.request('Agent.setStatus', { status: 'notReady' })).ok).toBe(true);
    await page.locator(`[role="row"][data-mail="${agent.mail}"][data-status="notReady"]`).waitFor();
    await context.close();
  }, 90_000);

  it('filters the agent list by status from the counts, with the keyboard', async () => {
    const { page, context } = await openConsole(env, { hash: '#/dashboard', lang: 'en-US' });
    await page.locator('[data-live-state="live"]').waitFor();
    await showsText(page, '[data-status-count="free"] .status-card-count', '2');
    await page.locator('[data-status-count="free"]').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[role="row"][data-mail]').length === 2);
    const statuses = await page.locator('[role="row"][data-mail]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')));
    expect(statuses).toEqual(['free', 'free']);
    expect(await page.locator('[data-status-count="free"]').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[role="row"][data-mail]').length === 8);
    await context.close();
  }, 60_000);
});
