import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_HZ, TestPhone, signedInAgent, type CallCenter } from '../calls/support.js';
import { Receiver, type Received } from '../push/support.js';
import { consoleFetch, createConsoleUser, openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

let env: ConsoleEnv;
let receiver: Receiver;
let center: CallCenter;
const phones: TestPhone[] = [];

beforeAll(async () => {
  // A generous ring timeout: the agent's answer (a WebRTC offer) can take seconds on a loaded machine.
  env = await startConsoleEnv({ flags: { 'ring-timeout': '30' } });
  receiver = await Receiver.start();
  const sdkAppId = env.server.sdkAppId;
  const created = await env.client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: `Push ${randomUUID().slice(0, 6)}`, SkillGroupType: 0, MaxConcurrency: 1 });
  const groupId = created.SkillGroupId as number;
  const hotline = '008640009901';
  await env.server.server.services.numbers.add(sdkAppId, hotline, { skillGroupId: groupId });
  center = { server: env.server, client: env.client, sdkAppId, groupId, hotline, close: () => Promise.resolve() };
}, 120_000);

afterAll(async () => {
  for (const phone of phones) phone.close();
  await env?.close();
  await receiver?.close();
});

/** A customer calls the hotline, the agent answers, and the customer hangs up after a second of talk. */
async function answeredCall(caller: string): Promise<string> {
  const agent = await signedInAgent(center);
  const phone = await TestPhone.open(env.server.url, caller);
  phones.push(phone);
  const { callId } = await phone.dial(center.hotline);
  const sessionId = (await agent.socket.nextEvent('callIn')).payload.sessionId;
  expect((await agent.accept(sessionId)).ok).toBe(true);
  await agent.hears(CUSTOMER_HZ);
  await phone.rtp.waitForPackets(50);
  phone.send({ type: 'hangup', callId });
  await agent.socket.nextEvent('sessionEnded');
  agent.hangupMedia();
  return sessionId;
}

describe('the data push page', () => {
  it('lets an administrator set the push URL; a call’s CDR reaches the receiver and the delivery log shows it delivered', async () => {
    const { page, context } = await openConsole(env, { hash: '#/push' });
    try {
      await expect.poll(() => page.locator('main h1').textContent()).toBe('数据推送');
      const url = page.locator('input[name="url"]');
      // The form says what is wrong before anything is sent.
      await url.fill('ftp://crm.example.com/push');
      await page.locator('input[name="cdr"]').check();
      await page.locator('form.push-card button[type="submit"]').click();
      await expect.poll(() => page.locator('form.push-card .field-error').first().textContent()).toBe('只支持 http:// 或 https:// 地址。');
      expect(await url.getAttribute('aria-invalid')).toBe('true');

      await url.fill(`${receiver.url}/push`);
      await page.locator('select[name="authMode"]').selectOption('basic');
      await page.locator('input[name="username"]').fill('crm');
      await page.locator('input[name="password"]').fill('Receiver-pw-2');
      await page.locator('form.push-card button[type="submit"]').click();
      await expect.poll(() => page.locator('.toasts').textContent()).toContain('推送设置已保存');
      await expect.poll(() => page.locator('input[name="password"]').inputValue()).toBe('');
      await expect.poll(() => page.locator('form.push-card').textContent()).toContain('已设置，留空则保持不变。');

      // The test push reaches the receiver and the page says so.
      await page.locator('form.push-card button', { hasText: '发送测试推送' }).click();
      await expect.poll(() => page.locator('form.push-card .notice-success').textContent()).toContain('ErrCode 0');

      const sessionId = await answeredCall('008613900000091');
      const cdr = await receiver.next((r: Received) => r.path === '/push' && r.query.get('action') === 'cdr' && r.json?.['SessionId'] === sessionId);
      expect(cdr.headers.authorization).toBe(`Basic ${Buffer.from('crm:Receiver-pw-2').toString('base64')}`);
      expect(cdr.json).toMatchObject({ SdkAppId: env.server.sdkAppId, SessionId: sessionId, Caller: '008613900000091', Callee: center.hotline });
      // Recordings were not switched on.
      expect(receiver.received.some((r) => r.query.get('action') === 'record')).toBe(false);

      const row = page.locator('.push-log tbody tr', { hasText: sessionId });
      await page.locator('.push-log button', { hasText: '刷新' }).click();
      await expect.poll(() => row.locator('.push-state').textContent(), { timeout: 15_000 }).toBe('已送达');
      expect(await row.locator('td.num').textContent()).toBe('1');
      expect(await page.locator('.push-log').textContent()).not.toContain('Receiver-pw-2');
    } finally {
      await context.close();
    }
  }, 90_000);

  it('is not shown to QA staff, and the server refuses them the settings and the log', async () => {
    const qa = await createConsoleUser(env, 'qa-push@example.com', 2);
    const { page, context } = await openConsole(env, { as: qa });
    try {
      await page.locator('.sidenav a[href="#/staff"]').waitFor();
      expect(await page.locator('.sidenav a[href="#/push"]').count()).toBe(0);
      expect((await consoleFetch(page, 'GET', '/push/settings')).status).toBe(403);
      expect((await consoleFetch(page, 'GET', '/push/deliveries')).status).toBe(403);
      const change = await consoleFetch(page, 'PUT', '/push/settings', { url: 'http://evil.example.com/', cdr: true });
      expect(change).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      expect((await env.server.server.push.settings(env.server.sdkAppId)).url).toBe(`${receiver.url}/push`);
    } finally {
      await context.close();
    }
  });
});
