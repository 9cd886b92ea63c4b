import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../packages/server/src/log.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { startCrm, type RunningCrm } from '../../examples/crm/src/app.mjs';
import { openccc, provisionOpenCcc } from '../../examples/crm/src/provision.mjs';
import { TestPhone } from '../calls/support.js';
import { launchChromium } from './support/browser.js';

/**
 * The example CRM (examples/crm) against a real OpenCCC: its backend syncs the agents and mints
 * tokens with the official SDK, its page loads the agent SDK with TCCC's snippet. An agent signs
 * in, a caller dials the hotline, the customer's card pops up, the agent answers, writes a note,
 * hangs up, and the call shows in the history with its recording.
 */

const HOTLINE = '008640000100';
const SKILL_GROUP = 'CRM 热线';
const AGENT = { mail: 'lilei@example.com', password: 'crm-demo-lilei' };
/** 王芳 Wang Fang, a customer of the demo data. */
const CUSTOMER_PHONE = '008613900001111';
const TOKEN_TTL_SECONDS = 30;

let browser: Browser;
let context: BrowserContext;
let server: TestServer;
let client: CccClient;
let crm: RunningCrm;
let crmData: string;
/** How far OpenCCC's clock runs ahead: a test moves it to make a token expire. */
let clockOffset = 0;
/** Every body the CRM sent to its pages. */
const pageResponses: string[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Cloud API requests for an action so far, from OpenCCC's /metrics (every answer code). */
async function cloudApiRequests(action: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`openccc_cloudapi_requests_total{action="${action}"`)) total += Number(line.split(' ').pop());
  }
  return total;
}

async function crmPage(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error));
  page.on('response', (response) => {
    if (response.url().startsWith(crm.url)) void response.text().then((body) => pageResponses.push(body), () => undefined);
  });
  await page.goto(crm.url);
  return page;
}

async function signIn(page: Page, password = AGENT.password): Promise<void> {
  await page.locator('#mail').fill(AGENT.mail);
  await page.locator('#password').fill(password);
  await page.locator('#login-form button[type="submit"]').click();
}

beforeAll(async () => {
  const level = process.env['OPENCCC_TEST_LOG'];
  server = await startTestServer({
    flags: { 'token-ttl': String(TOKEN_TTL_SECONDS) },
    clock: () => Date.now() + clockOffset,
    ...(level ? { log: createLogger(level) } : {}),
  });
  // Media workers start with the first call; start them now.
  await server.server.media.stats();
  client = officialClient(server);
  const port = await freePort();
  // What start.mjs does: the page's origin, the skill group and the hotline.
  await provisionOpenCcc({ dataDir: server.dataDir, client, sdkAppId: server.sdkAppId, crmOrigin: `http://localhost:${port}`, skillGroupName: SKILL_GROUP, hotline: HOTLINE });
  crmData = mkdtempSync(join(tmpdir(), 'openccc-crm-'));
  crm = await startCrm({
    openccc: { url: server.url, sdkAppId: server.sdkAppId, secretId: server.secretId, secretKey: server.secretKey },
    port,
    dataDir: crmData,
    skillGroupName: SKILL_GROUP,
  });
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  context = await browser.newContext();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await crm?.close();
  await server?.close();
  if (crmData) rmSync(crmData, { recursive: true, force: true });
});

describe('the example CRM', () => {
  it('syncs its agents to OpenCCC as staff of the hotline\'s skill group', async () => {
    const { StaffList = [] } = await client.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 100, PageNumber: 0 });
    const agents = StaffList.filter((staff) => staff.Mail !== 'admin@openccc.local');
    expect(agents.map((staff) => [staff.Mail, staff.StaffNumber, staff.SkillGroupList?.map((group) => group.SkillGroupName)])).toEqual([
      ['lilei@example.com', '1001', [SKILL_GROUP]],
      ['hanmeimei@example.com', '1002', [SKILL_GROUP]],
    ]);
  });

  it('refuses a wrong password without asking OpenCCC for a token', async () => {
    const before = await cloudApiRequests('CreateSDKLoginToken');
    const page = await crmPage();
    await signIn(page, 'not-the-password');
    await expect.poll(() => page.locator('#login-error').textContent()).toBe('邮箱或密码错误。');
    expect(await page.locator('#crm-view').isHidden()).toBe(true);

    // The token endpoint answers only a signed-in session that sends its CSRF token.
    const anonymous = await page.evaluate(() => fetch('/api/ccc/token', { method: 'POST' }).then((r) => r.status));
    expect(anonymous).toBe(401);
    // Past the limit, attempts are refused without checking the password.
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const answer = await fetch(`${crm.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mail: 'nobody@example.com', password: `guess-${i}` }) });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // A change from another origin is refused.
    const foreign = await fetch(`${crm.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://attacker.example' }, body: JSON.stringify(AGENT) });
    expect(foreign.status).toBe(403);

    expect(await cloudApiRequests('CreateSDKLoginToken')).toBe(before);
    await page.close();
  });

  let page: Page;

  it('gets a new token and loads the SDK again when the first one expired', async () => {
    page = await crmPage();
    const tokenRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/ccc/token')) tokenRequests.push(request.headers()['x-csrf-token'] ?? '');
    });
    // The first token reaches the page only after OpenCCC's clock has passed its expiry.
    await page.route('**/api/ccc/token', async (route) => {
      const response = await route.fetch();
      clockOffset += (TOKEN_TTL_SECONDS + 30) * 1000;
      await route.fulfill({ response });
      await page.unroute('**/api/ccc/token');
    });
    await signIn(page);
    await expect.poll(() => page.locator('#agent-status').getAttribute('data-status'), { timeout: 20_000 }).toBe('free');
    expect(await page.locator('#agent-status').textContent()).toBe('空闲');
    expect(tokenRequests).toHaveLength(2);
    expect(tokenRequests.every((csrf) => csrf.length > 20)).toBe(true);
    expect(await cloudApiRequests('CreateSDKLoginToken')).toBe(2);
    const metrics = await client.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [AGENT.mail] });
    expect(metrics.Metrics?.[0]?.Status).toBe('free');
  });

  it('pops up the caller\'s card, answers, saves a note, and shows the call with its recording', async () => {
    const phone = await TestPhone.open(server.url, CUSTOMER_PHONE);
    try {
      const { callId } = await phone.dial(HOTLINE);
      const banner = page.locator('#call-banner[data-state="ringing"]');
      await banner.waitFor({ timeout: 20_000 });
      expect(await page.locator('#call-peer').textContent()).toBe('王芳 Wang Fang · +86 139 0000 1111');
      expect(await page.locator('#customer-name').textContent()).toBe('王芳 Wang Fang');
      expect(await page.locator('#customers tr.selected').getAttribute('data-customer-id')).toBe('c1');
      const sessionId = (await banner.getAttribute('data-session-id')) ?? '';
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);

      await page.locator('#answer').click();
      await page.locator('#call-banner[data-state="talking"]').waitFor();
      expect((await phone.next('answered', callId)).by).toBe('system');
      expect((await phone.next('answered', callId)).by).toBe(AGENT.mail);
      // The agent's browser is on the line: the caller hears its (fake) microphone.
      await phone.rtp.waitForPackets(25);
      await expect.poll(() => page.locator('#agent-status').getAttribute('data-status')).toBe('busy');
      expect(await page.locator('#agent-status').textContent()).toBe('忙碌');

      await page.locator('#note-text').fill('客户询问发票抬头，已发送邮件。');
      await page.locator('#note-save').click();
      await page.locator('#note-saved').waitFor();
      expect(crm.store.data.notes).toEqual([expect.objectContaining({ sessionId, customerId: 'c1', author: AGENT.mail, text: '客户询问发票抬头，已发送邮件。' })]);

      await page.locator('#hang-up').click();
      await page.locator('#call-banner[data-state="ended"]').waitFor();
      expect((await phone.next('ended', callId)).reason).toBe('remoteHangup');
      // statusChanged brings the header back to free (no after-call work is configured).
      await expect.poll(() => page.locator('#agent-status').getAttribute('data-status')).toBe('free');

      const row = page.locator(`#history tr[data-session-id="${sessionId}"]`);
      await row.waitFor({ timeout: 20_000 });
      expect(await row.locator('td').nth(1).textContent()).toBe('呼入');
      expect(await row.locator('td').nth(3).textContent()).toBe('已接通');
      expect(await row.locator('td').nth(4).textContent()).toBe(AGENT.mail);
      expect(await row.locator('td').nth(6).textContent()).toBe('客户询问发票抬头，已发送邮件。');
      const recording = (await row.locator('audio').getAttribute('src')) ?? '';
      expect(recording.startsWith(`${server.url}/recordings/v1/`)).toBe(true);
      const wav = await fetch(recording);
      expect([wav.status, wav.headers.get('content-type')]).toEqual([200, 'audio/wav']);
    } finally {
      phone.close();
    }
  });

  it('calls a customer from the list', async () => {
    // 赵强's number is a scripted one of the virtual network: it answers after 2 s.
    await page.locator('#customers tr[data-customer-id="c4"] .call-button').click();
    await page.locator('#call-banner[data-state="dialling"]').waitFor();
    const sessionId = (await page.locator('#call-banner').getAttribute('data-session-id')) ?? '';
    await page.locator('#call-banner[data-state="talking"]').waitFor({ timeout: 20_000 });
    await page.locator('#hang-up').click();
    const row = page.locator(`#history tr[data-session-id="${sessionId}"]`);
    await row.waitFor({ timeout: 20_000 });
    expect(await row.locator('td').nth(1).textContent()).toBe('呼出');
    expect(await row.locator('td').nth(3).textContent()).toBe('已接通');
  });

  it('never sends the SecretKey to the page', () => {
    expect(pageResponses.length).toBeGreaterThan(5);
    expect(pageResponses.filter((body) => body.includes(server.secretKey) || body.includes(server.secretId))).toEqual([]);
  });

  it('deletes the staff of a user it no longer has, and updates a renamed one, at its next start', async () => {
    await page.close();
    const [lilei] = crm.store.data.users;
    crm.store.data.users = [{ ...lilei!, name: 'Li Lei (Support)' }];
    crm.store.save();
    await crm.close();
    crm = await startCrm({ openccc: { url: server.url, sdkAppId: server.sdkAppId, secretId: server.secretId, secretKey: server.secretKey }, port: crm.port, dataDir: crmData, skillGroupName: SKILL_GROUP });
    const { StaffList = [] } = await client.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 100, PageNumber: 0 });
    expect(StaffList.filter((staff) => staff.Mail !== 'admin@openccc.local').map((staff) => [staff.Mail, staff.Name])).toEqual([['lilei@example.com', 'Li Lei (Support)']]);
  });
});


describe('npm run example (start.mjs)', () => {
  const START = new URL('../../examples/crm/start.mjs', import.meta.url).pathname;

  /** Runs start.mjs on a data folder; resolves with what it printed once the CRM is up. */
  function startExample(dataDir: string, ports: { openccc: number; crm: number }): Promise<{ child: ChildProcess; banner: string }> {
    const child = spawn(process.execPath, [START], {
      env: { ...process.env, EXAMPLE_DATA_DIR: dataDir, OPENCCC_PORT: String(ports.openccc), CRM_PORT: String(ports.crm) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    return new Promise((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += String(chunk);
        if (output.includes('Ctrl-C stops both.')) resolve({ child, banner: output });
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('exit', (code) => reject(new Error(`start.mjs exited with ${code}: ${output}`)));
    });
  }

  /** Ctrl-C: resolves with the exit code once the script (and with it OpenCCC) has stopped. */
  function interrupt(child: ChildProcess): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    return exited;
  }

  it('starts OpenCCC and the CRM, provisions the demo, stops both on Ctrl-C, and reuses its data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'openccc-crm-example-'));
    const ports = { openccc: await freePort(), crm: await freePort() };
    const opencccUrl = `http://127.0.0.1:${ports.openccc}`;
    const crmUrl = `http://localhost:${ports.crm}`;
    try {
      const first = await startExample(dataDir, ports);
      try {
        expect(first.banner).toContain('lilei@example.com / crm-demo-lilei');
        expect(first.banner).toContain('OpenCCC admin    admin@openccc.local / ');
        expect(first.banner).toContain('staff synced to OpenCCC: 2 created');

        // The page's origin is allowed, and the hotline routes to the CRM's skill group.
        const origins = JSON.parse(await openccc(`${dataDir}/openccc`, ['origins', 'list', '--json']));
        expect(origins.origins).toContain(crmUrl);
        const numbers = JSON.parse(await openccc(`${dataDir}/openccc`, ['number', 'list', '--json']));
        expect(numbers.numbers).toEqual([expect.objectContaining({ number: HOTLINE, route: expect.objectContaining({ kind: 'skillGroup' }) })]);

        // A demo agent signs in and gets a token, minted with the CRM's own (sub-account) key.
        const login = await fetch(`${crmUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(AGENT) });
        expect(login.status).toBe(200);
        const { csrfToken } = (await login.json()) as { csrfToken: string };
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        const minted = await fetch(`${crmUrl}/api/ccc/token`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
        expect(minted.status).toBe(200);
        const token = (await minted.json()) as { token: string; sdkUrl: string; userId: string };
        expect(token).toMatchObject({ sdkUrl: `${opencccUrl}/sdk/v1/tccc.js`, userId: AGENT.mail });
        expect(token.token).toMatch(/^[0-9a-f]{32}$/);

        // The virtual phone can call the hotline at once: with no agent signed in yet, it waits in the queue.
        const phone = await TestPhone.open(opencccUrl, '008613900002222');
        try {
          const { callId, media } = await phone.dial(HOTLINE);
          expect(media.type).toBe('media');
          expect((await phone.next(['answered', 'ended'], callId)).type).toBe('answered');
        } finally {
          phone.close();
        }
      } finally {
        expect(await interrupt(first.child)).toBe(0);
      }
      await expect(fetch(`${opencccUrl}/healthz`)).rejects.toThrow();

      // Again on the same data: the same instance and CRM data, nothing created twice.
      const second = await startExample(dataDir, ports);
      try {
        expect(second.banner).toContain('staff synced to OpenCCC: 0 created, 0 updated, 0 deleted');
        expect(second.banner).not.toContain('OpenCCC admin');
        expect((await fetch(`${crmUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(AGENT) })).status).toBe(200);
      } finally {
        expect(await interrupt(second.child)).toBe(0);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
