import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestPhone, signedInAgent, type CallCenter } from '../calls/support.js';
import { consoleFetch, createConsoleUser, openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

/** With OPENCCC_DOCS_SCREENSHOTS=1, the test also saves the pages' screenshots for docs/console.md. */
const SCREENSHOTS = process.env['OPENCCC_DOCS_SCREENSHOTS'] === '1' ? join(import.meta.dirname, '../../docs/images') : null;

const HOTLINE = '00864000005678';
const CALLER = '008613900000088';

let env: ConsoleEnv;
let salesId: number;
let supportId: number;

/** A μ-law WAV of `ms` milliseconds of silence, 8 kHz mono. */
function wav(ms: number): Buffer {
  const dataBytes = 8 * ms;
  const file = Buffer.alloc(44 + dataBytes, 0xff);
  file.write('RIFF', 0, 'ascii');
  file.writeUInt32LE(36 + dataBytes, 4);
  file.write('WAVEfmt ', 8, 'ascii');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(7, 20);
  file.writeUInt16LE(1, 22);
  file.writeUInt32LE(8000, 24);
  file.writeUInt32LE(8000, 28);
  file.writeUInt16LE(1, 32);
  file.writeUInt16LE(8, 34);
  file.write('data', 36, 'ascii');
  file.writeUInt32LE(dataBytes, 40);
  return file;
}

beforeAll(async () => {
  env = await startConsoleEnv({ flags: { 'ring-timeout': '10' } });
  const sdkAppId = env.server.sdkAppId;
  salesId = (await env.client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: '销售咨询', SkillGroupType: 0 })).SkillGroupId as number;
  supportId = (await env.client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: '售后服务', SkillGroupType: 0 })).SkillGroupId as number;
  // Another number, straight to a group, for the list.
  await env.server.server.services.numbers.add(sdkAppId, '00864000005600', { skillGroupId: salesId });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

/** The menu node `main` of the IVR editor, and its key row. */
const mainNode = (page: Page) => page.locator('.ivr-node[data-node="main"]');
const keyRow = (page: Page, key: string) => mainNode(page).locator(`.ivr-key[data-key="${key}"]`);

describe('the numbers and IVR pages', () => {
  it('the administrator adds a number and builds its IVR in the form; key 1 then queues a real caller to the chosen group', async () => {
    const { page, context } = await openConsole(env, { hash: '#/numbers' });
    try {
      await page.getByRole('heading', { name: '号码与 IVR' }).waitFor();
      await page.getByRole('textbox', { name: '添加号码' }).fill(HOTLINE);
      await page.getByRole('button', { name: '添加', exact: true }).click();
      // A new number opens its route editor.
      await page.getByRole('heading', { name: `号码 ${HOTLINE} 的去向` }).waitFor();
      await page.getByRole('radio', { name: 'IVR 语音导航' }).check();
      await page.getByLabel('流程名称').fill('客服热线');

      // The new flow starts as a menu whose key 1 queues to the first group; it goes to the second instead.
      const group = keyRow(page, '1').getByLabel('技能组');
      expect(await group.inputValue()).toBe(String(salesId));
      await group.selectOption(String(supportId));
      await keyRow(page, '1').getByLabel('按键名称（记录中显示）').fill('售后咨询');
      await mainNode(page).getByRole('button', { name: '添加按键' }).click();
      await keyRow(page, '2').getByLabel('动作').selectOption('hangup');
      // A timeout the format refuses: the message shows next to the field, and nothing is saved.
      const timeout = mainNode(page).getByLabel('等待按键（毫秒）');
      await timeout.fill('500');
      await page.getByRole('button', { name: '保存' }).click();
      await expect.poll(() => timeout.getAttribute('aria-invalid')).toBe('true');
      await expect.poll(() => page.locator('.ivr-issues').textContent()).toContain('nodes.main.timeoutMs');
      expect((await consoleFetch(page, 'GET', `/numbers/${HOTLINE}`)).body).toMatchObject({ route: { kind: 'none' } });
      await timeout.fill('4000');
      await expect.poll(() => timeout.getAttribute('aria-invalid')).toBe(null);

      // Open every day, all day (the call below must not depend on the hour), except a holiday a year ahead.
      const workTime = page.locator('.ivr-worktime');
      await workTime.getByLabel('只在工作时间内接入').check();
      await workTime.getByLabel('六', { exact: true }).check();
      await workTime.getByLabel('日', { exact: true }).check();
      await workTime.getByLabel('开始', { exact: true }).fill('00:00');
      await workTime.getByLabel('结束', { exact: true }).fill('24:00');
      await workTime.getByRole('button', { name: '添加日期' }).click();
      if (SCREENSHOTS) {
        await workTime.scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(SCREENSHOTS, 'console-ivr-worktime.png') });
        // The route's kind and the menu, below the top bar.
        await page.locator('.route-form').evaluate((form) => window.scrollTo(0, form.getBoundingClientRect().top + window.scrollY - 64));
        await page.screenshot({ path: join(SCREENSHOTS, 'console-ivr.png') });
      }

      await page.locator('.ivr-json summary').click();
      await expect.poll(() => page.locator('.ivr-json pre').textContent()).toContain('"timeoutMs": 4000');
      await page.getByRole('button', { name: '保存' }).click();
      await page.getByText('已保存').waitFor();

      const saved = await consoleFetch(page, 'GET', `/numbers/${HOTLINE}`);
      expect(saved.body).toMatchObject({
        route: {
          kind: 'ivr',
          flow: {
            name: '客服热线',
            workTime: { timeZone: 'Asia/Shanghai', weekly: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }], holidays: [expect.stringMatching(/^\d{4}-\d\d-\d\d$/)], closedPrompts: ['zh-CN/outside-hours'] },
            start: 'main',
            nodes: { main: { kind: 'menu', timeoutMs: 4000, keys: { '1': { action: 'queue', skillGroupId: supportId, label: '售后咨询' }, '2': { action: 'hangup' } } } },
          },
        },
      });
      await page.goto(`${env.server.url}/console/#/numbers`);
      const row = page.locator('.numbers-page tbody tr', { hasText: HOTLINE });
      await expect.poll(() => row.textContent()).toContain('IVR：客服热线');
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-numbers.png') });
    } finally {
      await context.close();
    }

    // A caller dials the number and presses 1: the call is offered to an agent of 售后服务 with the key's label.
    const center: CallCenter = { server: env.server, client: env.client, sdkAppId: env.server.sdkAppId, groupId: supportId, hotline: HOTLINE, close: () => env.close() };
    const agent = await signedInAgent(center, [supportId]);
    const phone = await TestPhone.open(env.server.url, CALLER);
    try {
      const { callId, media } = await phone.dial(HOTLINE);
      expect(media.type).toBe('media');
      await phone.next('answered', callId);
      phone.rtp.sendDigit('1');
      const callIn = await agent.socket.nextEvent('callIn');
      expect(callIn.payload).toMatchObject({ callerPhoneNumber: CALLER, calleePhoneNumber: HOTLINE, ivrPath: [{ key: '1', label: '售后咨询' }] });
      phone.send({ type: 'hangup', callId });
      await agent.socket.nextEvent('sessionEnded');
    } finally {
      phone.close();
      agent.hangupMedia();
      agent.socket.ws.close();
    }
  });

  it('uploads a prompt in the library and plays it back; a refused file says why', async () => {
    const { page, context } = await openConsole(env, { hash: '#/prompts' });
    try {
      await page.getByRole('heading', { name: '提示音库' }).waitFor();
      await expect.poll(() => page.locator('.prompts-page tbody tr', { hasText: 'zh-CN/welcome' }).locator('td.num').textContent()).toMatch(/^\d+\.\d s$/);
      await page.locator('.prompts-page tbody tr', { hasText: 'zh-CN/welcome' }).waitFor();
      const file = page.locator('input[type="file"]');
      await file.setInputFiles({ name: 'stereo.wav', mimeType: 'audio/wav', buffer: Buffer.concat([wav(100).subarray(0, 22), Buffer.from([2, 0]), wav(100).subarray(24)]) });
      await page.getByRole('button', { name: '上传提示音' }).click();
      await expect.poll(() => page.locator('.prompts-upload .field-error').textContent()).toContain('8000 Hz');

      await file.setInputFiles({ name: 'holiday.wav', mimeType: 'audio/wav', buffer: wav(400) });
      await page.getByLabel('名称').fill('节日问候');
      await page.getByRole('button', { name: '上传提示音' }).click();
      const row = page.locator('.prompts-page tbody tr', { hasText: '节日问候' });
      await row.waitFor();
      const promptId = (await row.locator('td .mono').textContent()) ?? '';
      expect(promptId).toMatch(/^uploaded\/\d+$/);

      // Playing it: the button shows it playing, and back when the audio has ended.
      const play = row.getByRole('button', { name: `播放 ${promptId}` });
      await play.click();
      await expect.poll(() => row.getByRole('button', { name: `停止 ${promptId}` }).count()).toBe(1);
      await expect.poll(() => play.getAttribute('aria-pressed'), { timeout: 10_000 }).toBe('false');
      if (SCREENSHOTS) {
        await page.evaluate(() => window.scrollTo(0, 0));
        await page.screenshot({ path: join(SCREENSHOTS, 'console-ivr-prompts.png') });
      }
    } finally {
      await context.close();
    }
  });

  it('shows QA staff the IVR read-only, in English when asked, with its prompts still playable', async () => {
    const qa = await createConsoleUser(env, 'qa-ivr@example.com', 2);
    const { page, context } = await openConsole(env, { as: qa, lang: 'en-US', hash: `#/numbers/${HOTLINE}` });
    try {
      await page.getByRole('heading', { name: `Route of ${HOTLINE}` }).waitFor();
      await keyRow(page, '1').waitFor();
      expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Add a key' }).count()).toBe(0);
      expect(await keyRow(page, '1').getByLabel('Skill group').isDisabled()).toBe(true);
      expect(await keyRow(page, '1').getByLabel('Skill group').inputValue()).toBe(String(supportId));
      expect(await mainNode(page).getByRole('button', { name: 'Play zh-CN/welcome' }).isEnabled()).toBe(true);
      expect(await consoleFetch(page, 'PUT', `/numbers/${HOTLINE}/route`, { kind: 'none' })).toMatchObject({ status: 403 });
    } finally {
      await context.close();
    }
  });
});
