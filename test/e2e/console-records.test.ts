import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpAgent, TestPhone, signedInAgent, type CallCenter } from '../calls/support.js';
import { createConsoleUser, openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

/** With OPENCCC_DOCS_SCREENSHOTS=1, the test also saves the pages' screenshots for docs/console.md. */
const SCREENSHOTS = process.env['OPENCCC_DOCS_SCREENSHOTS'] === '1' ? join(import.meta.dirname, '../../docs/images') : null;

const CALLER = '008613900000077';

let env: ConsoleEnv;
let agent: RtpAgent;
let phone: TestPhone;
let sessionId: string;

/**
 * One real call before the pages are opened: the caller presses 1 in the hotline's menu, an agent
 * answers and talks (so the call is recorded), hangs up, and the caller rates the call 1 in the survey.
 * The agent's audio is a plain RTP socket (`--rtp-agents on`): the pages are under test here, not
 * WebRTC, and a busy machine sets up RTP more reliably than a second WebRTC stack in this process.
 */
beforeAll(async () => {
  env = await startConsoleEnv({ flags: { 'ring-timeout': '30', 'rtp-agents': 'on' } });
  const sdkAppId = env.server.sdkAppId;
  const group = await env.client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: '售后服务', SkillGroupType: 0 });
  const groupId = group.SkillGroupId as number;
  const hotline = '00864000001234';
  await env.server.server.services.numbers.add(sdkAppId, hotline, {
    ivrFlow: {
      version: 1,
      start: 'main',
      survey: { prompts: ['zh-CN/survey'], keys: { '1': { label: '满意' }, '2': { label: '不满意' } }, thanksPrompts: ['zh-CN/thanks'] },
      nodes: { main: { kind: 'menu', label: '主菜单', prompts: ['en-US/transferring'], keys: { '1': { action: 'queue', skillGroupId: groupId, label: '售后咨询' } } } },
    },
  });
  const center: CallCenter = { server: env.server, client: env.client, sdkAppId, groupId, hotline, close: () => env.close() };
  const signedIn = await signedInAgent(center);
  agent = await RtpAgent.open(signedIn.mail, signedIn.socket);
  phone = await TestPhone.open(env.server.url, CALLER);

  const { callId, media } = await phone.dial(hotline);
  expect(media.type).toBe('media');
  await phone.next('answered', callId);
  phone.rtp.sendDigit('1');
  const callIn = await agent.socket.nextEvent('callIn');
  sessionId = callIn.payload.sessionId;
  expect((await agent.accept(sessionId)).ok).toBe(true);
  // A second of conversation for the recording.
  await phone.rtp.waitForPackets(50);
  expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
  await agent.socket.nextEvent('sessionEnded');
  await phone.rtp.waitForPackets(10);
  phone.rtp.sendDigit('1');
  await phone.next('ended', callId);
  // The record is stored once its recording is finished.
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    const found = await env.client.DescribeTelCdr({ SdkAppId: sdkAppId, StartTimeStamp: now - 600, EndTimeStamp: now + 60, PageSize: 10, PageNumber: 0, SessionIds: [sessionId] });
    if (found.TelCdrList?.[0]?.RecordId) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}, 120_000);

afterAll(async () => {
  phone?.close();
  agent?.close();
  await env?.close();
});

/** The records table's row of the call, once the page shows it. */
function callRow(page: Page) {
  return page.locator('.records-page tbody tr', { hasText: CALLER });
}

describe('the call records page', () => {
  it('shows the recorded call; its details have the agent, IVR key, survey and a playable signed recording', async () => {
    const { page, context } = await openConsole(env, { hash: '#/records' });
    try {
      await callRow(page).waitFor();
      const cells = await callRow(page).locator('td').allTextContents();
      expect(cells).toEqual(expect.arrayContaining(['呼入', CALLER, '00864000001234', '售后服务', '正常结束', '有']));
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-records.png') });

      await callRow(page).getByRole('button', { name: `查看 ${sessionId} 的详情` }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await expect.poll(() => dialog.textContent()).toContain(sessionId);
      const text = (await dialog.textContent()) ?? '';
      expect(text).toContain(agent.mail);
      expect(await dialog.locator('section[aria-labelledby="record-keys"] li').allTextContents()).toEqual([expect.stringMatching(/^1售后咨询 · 主菜单 · \d\d:\d\d:\d\d$/)]);
      expect(await dialog.locator('section[aria-labelledby="record-survey"] li').allTextContents()).toEqual([expect.stringMatching(/^1满意/)]);
      expect(await dialog.locator('.record-facts').textContent()).toContain('挂断方坐席');

      const audio = dialog.locator('audio');
      const src = await audio.getAttribute('src');
      expect(src).toMatch(new RegExp(`/recordings/v1/${env.server.sdkAppId}/\\d{4}-\\d\\d-\\d\\d/${sessionId}\\.wav\\?expires=\\d+&sig=`));
      // The page itself may fetch it (same origin, allowed by the CSP), and the player reads it.
      const fetched = await page.evaluate(async (url) => {
        const response = await fetch(url, { cache: 'no-store' });
        return { status: response.status, type: response.headers.get('content-type'), bytes: (await response.arrayBuffer()).byteLength };
      }, src!);
      expect(fetched).toMatchObject({ status: 200, type: 'audio/wav' });
      expect(fetched.bytes).toBeGreaterThan(44);
      await expect.poll(() => audio.evaluate((el: HTMLAudioElement) => (el.error ? `error ${el.error.code}` : el.readyState >= 1 ? 'loaded' : 'loading')), { timeout: 15_000 }).toBe('loaded');
      expect(await audio.evaluate((el: HTMLAudioElement) => el.duration)).toBeGreaterThan(0.5);
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-records-detail.png') });

      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('hides the call when filtered by another EndStatus, and exports it as CSV', async () => {
    const { page, context } = await openConsole(env, { hash: '#/records' });
    try {
      await callRow(page).waitFor();
      await page.locator('select[name="endStatus"]').selectOption('busy');
      await page.getByRole('button', { name: '查询' }).click();
      await page.locator('.records-page .table-empty').waitFor();
      expect(await callRow(page).count()).toBe(0);

      await page.locator('select[name="endStatus"]').selectOption('ok');
      await page.locator('select[name="agent"]').selectOption(agent.mail);
      await page.getByRole('button', { name: '查询' }).click();
      await callRow(page).waitFor();

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^call-records-\d{8}\.csv$/);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.charCodeAt(0)).toBe(0xfeff);
      const [header, ...rows] = csv.slice(1).trim().split('\r\n');
      expect(header!.split(',')).toEqual(expect.arrayContaining(['SessionId', 'Caller', 'Callee', 'EndStatus', 'EndStatusString', 'SeatUser', 'RecordId']));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(sessionId);
      expect(rows[0]).toContain(agent.mail);
      expect(csv).not.toContain('sig=');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('says why DescribeTelCdr refuses a window that starts too long ago, and checks the form first', async () => {
    const { page, context } = await openConsole(env, { hash: '#/records' });
    try {
      await callRow(page).waitFor();
      await page.locator('input[name="to"]').fill('2020-01-01T00:00');
      await page.getByRole('button', { name: '查询' }).click();
      await expect.poll(() => page.locator('.records-filters .field-error').textContent()).toBe('结束时间不能早于开始时间。');

      await page.locator('input[name="from"]').fill('2019-12-01T00:00');
      await page.getByRole('button', { name: '查询' }).click();
      const alert = page.locator('.records-page [role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('InvalidParameterValue');
      expect(await callRow(page).count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('speaks English when asked, and keeps the filters on one row at 1920×1080', async () => {
    const { page, context } = await openConsole(env, { hash: '#/records', lang: 'en-US', viewport: { width: 1920, height: 1080 } });
    try {
      await callRow(page).waitFor();
      expect(await callRow(page).locator('td').allTextContents()).toEqual(expect.arrayContaining(['Inbound', 'Completed', 'Yes']));
      expect(await page.locator('select[name="endStatus"] option[value="waitingGiveUp"]').textContent()).toBe('Abandoned in queue');
      const first = await page.locator('input[name="from"]').boundingBox();
      const search = await page.getByRole('button', { name: 'Search' }).boundingBox();
      expect(search!.y + search!.height).toBeCloseTo(first!.y + first!.height, -1);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('is open to QA staff', async () => {
    const qa = await createConsoleUser(env, 'qa.records@example.com', 2);
    const { page, context } = await openConsole(env, { as: qa, hash: '#/records' });
    try {
      await callRow(page).waitFor();
      expect(await page.locator('.role-badge').textContent()).toBe('质检员');
    } finally {
      await context.close();
    }
  }, 60_000);
});

describe('the status history page', () => {
  it("shows the agent's statuses of the day as a table and a coloured timeline", async () => {
    const { page, context } = await openConsole(env, { hash: `#/status-history?mail=${encodeURIComponent(agent.mail)}` });
    try {
      const rows = page.locator('.status-history-page tbody tr');
      await rows.first().waitFor();
      const statuses = await page.locator('.status-history-page tbody td:nth-child(2)').allTextContents();
      // Signed in free, busy in the call, then after-call work or free again.
      expect(statuses[0]).toBe('空闲');
      expect(statuses).toContain('忙碌');
      expect(statuses.indexOf('忙碌')).toBeGreaterThan(0);
      expect(await page.locator('.status-history-page tbody td:nth-child(4)', { hasText: sessionId }).count()).toBeGreaterThan(0);
      const parts = await page.locator('.status-bar .status-bar-part').evaluateAll((els) => els.map((el) => el.className));
      expect(parts).toEqual(expect.arrayContaining([expect.stringContaining('status-free'), expect.stringContaining('status-busy')]));
      expect(await page.locator('.status-bar').getAttribute('aria-label')).toContain(agent.mail);
      expect(await page.locator('select[name="mail"]').inputValue()).toBe(agent.mail);
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-status-history.png') });

      // A window of 7 days or more: DescribeStaffStatusHistory's refusal is shown, and no stale rows.
      const to = await page.locator('input[name="to"]').inputValue();
      const from = new Date(Date.parse(to) - 8 * 86_400_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      await page.locator('input[name="from"]').fill(`${from.getFullYear()}-${pad(from.getMonth() + 1)}-${pad(from.getDate())}T00:00`);
      await page.getByRole('button', { name: '查询' }).click();
      const alert = page.locator('.status-history-page [role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('7 天');
      expect(await rows.count()).toBe(0);
      expect(await page.locator('.status-bar').count()).toBe(0);
    } finally {
      await context.close();
    }
  }, 60_000);
});
