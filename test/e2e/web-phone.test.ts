import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_HZ, CUSTOMER_HZ, callCenter, signedInAgent, type CallCenter, type TestAgent } from '../calls/support.js';
import { launchChromiumSpeaking } from './support/browser.js';
import { hears, LISTEN_TO_REMOTE_AUDIO } from './support/listen.js';

/**
 * The customer's web phone at /phone in Chromium (its microphone a WAV of CUSTOMER_HZ): it dials a
 * hotline with an IVR, presses 1 on its keypad (DTMF from the browser), waits in the queue, and talks
 * with an agent; each side hears the other.
 */

let browser: Browser;
let center: CallCenter;
let folder: string;
let agent: TestAgent;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'openccc-e2e-phone-'));
  browser = await launchChromiumSpeaking(CUSTOMER_HZ, folder);
  center = await callCenter({
    ivrFlow: (groupId) => ({
      version: 1,
      start: 'menu',
      nodes: { menu: { kind: 'menu', label: '主菜单', prompts: ['zh-CN/welcome'], keys: { '1': { action: 'queue', skillGroupId: groupId, label: '业务咨询' } } } },
    }),
  });
  agent = await signedInAgent(center);
}, 90_000);

afterAll(async () => {
  agent?.hangupMedia();
  await browser?.close();
  await center?.close();
  rmSync(folder, { recursive: true, force: true });
});


describe('the web phone', () => {
  it('calls a hotline, chooses 1 in the IVR from its keypad, and talks with the agent who answers', async () => {
    const context = await browser.newContext();
    await context.addInitScript(LISTEN_TO_REMOTE_AUDIO);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error));
    await page.goto(`${center.server.url}/phone?lang=zh-CN`);
    await page.getByTestId('my-number').fill('13900008888');
    await page.getByTestId('connect').click();
    await expect.poll(async () => (await page.getByTestId('registered-number').textContent())?.replace(/\s/g, ''), { timeout: 15_000 }).toBe('008613900008888');

    await page.getByTestId('dial-input').fill(center.hotline);
    await page.getByTestId('dial-call').click();
    // Once the welcome prompt is heard, the caller presses 1.
    await hears(page, 0);
    await page.getByTestId('dtmf-keypad').locator('[data-key="1"]').click();

    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ type: 'phone', callerPhoneNumber: '008613900008888', calleePhoneNumber: center.hotline, ivrPath: [{ key: '1', label: '业务咨询' }] });
    expect((await agent.accept(callIn.payload.sessionId)).ok).toBe(true);
    await Promise.all([agent.hears(CUSTOMER_HZ), hears(page, AGENT_HZ)]);
    await expect.poll(() => page.getByTestId('answered-by').textContent()).toContain(agent.mail);

    await page.getByTestId('hangup').click();
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId: callIn.payload.sessionId, closeBy: 'client', mainReason: 'ok' });
    await context.close();
  }, 90_000);
});
