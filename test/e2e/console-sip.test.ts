import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerChallenge } from '../../packages/server/src/sip/digest.js';
import { SipTrunks } from '../../packages/server/src/sip/trunks.js';
import { consoleFetch, createConsoleUser, openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

/** With OPENCCC_DOCS_SCREENSHOTS=1, the test also saves the pages' screenshots for docs/console.md. */
const SCREENSHOTS = process.env['OPENCCC_DOCS_SCREENSHOTS'] === '1' ? join(import.meta.dirname, '../../docs/images') : null;

const HOTLINE = '00864000006100';
const AGENT = 'desk-agent@example.com';

function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 10_000, interval: 50 });
}

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  // Toasts come and go; the pictures show the page.
  await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast .notice-close').forEach((button) => button.click()));
  await page.locator('.toast').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

/**
 * Registers `user` at the SIP listener over UDP as a desk phone does: REGISTER, the 401 challenge,
 * REGISTER again with the digest answer; resolves on the 200.
 */
async function registerPhone(port: number, domain: string, user: string, password: string): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = socket.address().port;
  const callId = randomBytes(8).toString('hex');
  const uri = `sip:${domain}`;
  const request = (cseq: number, authorization?: string) =>
    [
      `REGISTER ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${randomBytes(6).toString('hex')};rport`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${domain}>;tag=${randomBytes(4).toString('hex')}`,
      `To: <sip:${user}@${domain}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${user}@127.0.0.1:${local}>`,
      'Expires: 300',
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const answers: string[] = [];
  let waiting: (() => void) | null = null;
  socket.on('message', (message) => {
    answers.push(message.toString('utf8'));
    waiting?.();
  });
  const next = async (): Promise<string> => {
    while (answers.length === 0 || /^SIP\/2\.0 1\d\d /.test(answers[0] ?? '')) {
      if (answers.length > 0) answers.shift();
      else await new Promise<void>((resolve) => (waiting = resolve));
    }
    return answers.shift() ?? '';
  };
  try {
    socket.send(request(1), port, '127.0.0.1');
    const challenge = await next();
    const header = /^WWW-Authenticate:\s*(.+)$/im.exec(challenge)?.[1]?.trim();
    expect(challenge.split('\r\n')[0]).toBe('SIP/2.0 401 Unauthorized');
    socket.send(request(2, answerChallenge(header ?? '', { username: user, password }, { method: 'REGISTER', uri })), port, '127.0.0.1');
    expect((await next()).split('\r\n')[0]).toBe('SIP/2.0 200 OK');
  } finally {
    socket.close();
  }
}

let env: ConsoleEnv;
let trunks: SipTrunks;
let groupId: number;
let sipPort: number;

beforeAll(async () => {
  env = await startConsoleEnv({ flags: { sip: 'on', 'sip-address': '127.0.0.1', 'sip-port': '0', 'sip-domain': 'sip.test' } });
  const sdkAppId = env.server.sdkAppId;
  trunks = new SipTrunks({ store: env.server.folder.store, box: env.server.folder.box });
  sipPort = env.server.server.sip?.transport.local('udp').port ?? 0;
  groupId = (await env.client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: '前台', SkillGroupType: 0 })).SkillGroupId as number;
  await env.client.CreateStaff({ SdkAppId: sdkAppId, Staffs: [{ Name: '王小明', Mail: AGENT, StaffNumber: '1001', Role: 3 }] });
  await env.server.server.services.numbers.add(sdkAppId, HOTLINE, { skillGroupId: groupId });
}, 60_000);

afterAll(async () => {
  await env?.close();
});

describe('the SIP pages of the console', { timeout: 90_000 }, () => {
  it('the administrator adds, edits, disables and deletes trunks; the server refuses a bad setting on its field', async () => {
    const sdkAppId = env.server.sdkAppId;
    const { page, context } = await openConsole(env, { hash: '#/sip-trunks' });
    try {
      await page.getByRole('heading', { name: 'SIP 中继' }).waitFor();
      await poll(() => page.locator('.sip-status').textContent()).toContain(`127.0.0.1:${sipPort}`);

      // Keyboard: the dialog opens from the button, Esc closes it and the focus goes back.
      const create = page.getByRole('button', { name: '新建中继' });
      await create.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: '新建中继' });
      await dialog.waitFor();
      expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await create.evaluate((button) => button === document.activeElement)).toBe(true);

      await create.click();
      await dialog.getByRole('textbox', { name: '名称' }).fill('电信线路');
      const allow = dialog.getByRole('textbox', { name: '允许的来源地址' });
      await allow.fill('10.0.0.0/4');
      await dialog.getByRole('textbox', { name: '外呼地址' }).fill('sip.carrier.example');
      await dialog.getByRole('button', { name: '保存' }).click();
      // The server's message, in Chinese, on the field it names; the focus moves there.
      await poll(() => allow.getAttribute('aria-invalid')).toBe('true');
      expect(await dialog.locator('.field-invalid .field-error').textContent()).toBe('10.0.0.0/4 范围过大，会信任互联网的很大一部分；请填写运营商的地址（前缀至少 /8）。');
      expect(await allow.evaluate((area) => area === document.activeElement)).toBe(true);
      expect(await trunks.list(sdkAppId)).toEqual([]);

      await allow.fill('192.0.2.0/24\n198.51.100.7');
      await poll(() => allow.getAttribute('aria-invalid')).toBe(null);
      await dialog.getByRole('textbox', { name: '端口' }).fill('5070');
      await dialog.getByRole('combobox', { name: '传输协议' }).selectOption('tcp');
      await dialog.getByRole('checkbox', { name: HOTLINE }).check();
      await dialog.getByRole('textbox', { name: '允许拨打的前缀' }).fill('86 0086');
      await dialog.getByRole('textbox', { name: '最大并发呼叫数' }).fill('20');
      await dialog.getByRole('button', { name: '保存' }).click();
      await dialog.waitFor({ state: 'detached' });
      const ipRow = page.locator('tbody tr', { hasText: '电信线路' });
      await poll(() => ipRow.textContent()).toContain('sip.carrier.example5070 · TCP');
      expect(await trunks.list(sdkAppId)).toEqual([
        expect.objectContaining({
          name: '电信线路',
          kind: 'ip',
          allow: ['192.0.2.0/24', '198.51.100.7/32'],
          outbound: { host: 'sip.carrier.example', port: 5070, transport: 'tcp' },
          callerIdNumbers: [HOTLINE],
          dialPlan: { allow: ['86', '0086'], deny: ['979', '870', '881', '882', '883'] },
          maxConcurrentCalls: 20,
          enabled: true,
        }),
      ]);

      // A registration trunk: its password is write-only, and the gateway's registration shows.
      await create.click();
      await dialog.getByRole('textbox', { name: '名称' }).fill('联通注册');
      await dialog.getByRole('radio', { name: /注册对接/ }).check();
      await dialog.getByRole('textbox', { name: '注册服务器' }).fill('127.0.0.1:9');
      await dialog.getByRole('textbox', { name: '用户名' }).fill('acct-1001');
      await dialog.getByLabel('密码').fill('carrier-pass-1');
      await dialog.getByRole('checkbox', { name: '通过此中继外呼' }).uncheck();
      await screenshot(page, 'console-sip-trunk-form.png');
      await dialog.getByRole('button', { name: '保存' }).click();
      await dialog.waitFor({ state: 'detached' });
      const regRow = page.locator('tbody tr', { hasText: '联通注册' });
      await poll(() => regRow.locator('[data-registration]').getAttribute('data-registration')).toMatch(/^(registering|failed)$/);
      expect(await regRow.textContent()).toContain('acct-1001@127.0.0.1:9');
      const registered = (await trunks.list(sdkAppId)).find((t) => t.name === '联通注册');
      expect(registered && trunks.password(registered)).toBe('carrier-pass-1');
      await screenshot(page, 'console-sip-trunks.png');

      await page.getByRole('button', { name: '编辑 联通注册' }).click();
      const edit = page.getByRole('dialog', { name: '编辑中继“联通注册”' });
      expect(await edit.getByLabel('密码').inputValue()).toBe('');
      expect(await edit.getByText('只写：留空则保留已保存的密码。').count()).toBe(1);
      await edit.getByRole('textbox', { name: '注册有效期（秒）' }).fill('600');
      await edit.getByRole('button', { name: '保存' }).click();
      await edit.waitFor({ state: 'detached' });
      await poll(async () => (await trunks.list(sdkAppId)).find((t) => t.name === '联通注册')?.register?.expires).toBe(600);
      const edited = (await trunks.list(sdkAppId)).find((t) => t.name === '联通注册');
      expect(edited && trunks.password(edited)).toBe('carrier-pass-1');

      await page.getByRole('button', { name: '停用 电信线路' }).click();
      await poll(() => ipRow.locator('.trunk-disabled').count()).toBe(1);
      expect((await trunks.list(sdkAppId)).find((t) => t.name === '电信线路')?.enabled).toBe(false);

      await page.getByRole('button', { name: '删除 联通注册' }).click();
      const confirm = page.getByRole('dialog', { name: '删除中继' });
      // Cancel has the focus first; then the deletion is confirmed.
      expect(await confirm.getByRole('button', { name: '取消' }).evaluate((button) => button === document.activeElement)).toBe(true);
      await confirm.getByRole('button', { name: '删除' }).click();
      await regRow.waitFor({ state: 'detached' });
      expect((await trunks.list(sdkAppId)).map((t) => t.name)).toEqual(['电信线路']);
    } finally {
      await context.close();
    }
  });

  it('the administrator creates an extension bound to an agent, sees its password once, resets it, and the phone registers with it', async () => {
    const sdkAppId = env.server.sdkAppId;
    const domain = `${sdkAppId}.sip.test`;
    const { page, context } = await openConsole(env, { hash: '#/extensions' });
    try {
      await page.getByRole('heading', { name: '分机', exact: true }).waitFor();
      await page.getByRole('button', { name: '新建分机' }).click();
      const dialog = page.getByRole('dialog', { name: '新建分机' });
      const id = dialog.getByRole('textbox', { name: '分机号' });
      await id.fill('80a1');
      await dialog.getByRole('textbox', { name: '名称' }).fill('前台话机');
      await dialog.getByRole('combobox', { name: '绑定座席' }).selectOption(AGENT);
      await dialog.getByRole('checkbox', { name: '前台' }).check();
      await dialog.getByRole('button', { name: '保存' }).click();
      // The Cloud API's refusal, on the field it names.
      await poll(() => id.getAttribute('aria-invalid')).toBe('true');
      expect(await dialog.locator('.field-invalid .field-error').textContent()).toContain('ExtensionId');
      await id.fill('8001');
      await dialog.getByRole('button', { name: '保存' }).click();

      const account = page.getByRole('dialog', { name: '分机 8001 已创建' });
      await account.waitFor();
      const shown = (await account.locator('.phone-password').textContent()) ?? '';
      expect(await account.locator('[data-setting="domain"] .mono').textContent()).toBe(domain);
      expect(await account.locator('[data-setting="outboundProxy"] .mono').textContent()).toBe(`127.0.0.1:${sipPort}`);
      expect(await account.locator('[data-setting="username"] .mono').textContent()).toBe('8001');
      expect((await env.client.DescribeExtension({ SdkAppId: sdkAppId, ExtensionId: '8001' })).Password).toBe(shown);
      await screenshot(page, 'console-extension-account.png');
      await account.getByRole('button', { name: '完成' }).click();
      await account.waitFor({ state: 'detached' });

      const listed = await env.client.DescribeExtensions({ SdkAppId: sdkAppId, PageNumber: 0, PageSize: 20 });
      expect(listed.ExtensionList).toEqual([expect.objectContaining({ ExtensionId: '8001', ExtensionName: '前台话机', Relation: AGENT, RelationName: '王小明', SkillGroupId: String(groupId) })]);
      const row = page.locator('tbody tr', { hasText: '8001' });
      await poll(() => row.textContent()).toContain('王小明');
      expect(await row.locator('[data-registered]').getAttribute('data-registered')).toBe('false');

      // A new password, shown once; the old one stops working.
      await page.getByRole('button', { name: '重置密码 8001' }).click();
      await page.getByRole('dialog', { name: '重置分机密码' }).getByRole('button', { name: '重置密码' }).click();
      const reset = page.getByRole('dialog', { name: '分机 8001 的新密码' });
      await reset.waitFor();
      const renewed = (await reset.locator('.phone-password').textContent()) ?? '';
      expect(renewed).not.toBe(shown);
      expect((await env.client.DescribeExtension({ SdkAppId: sdkAppId, ExtensionId: '8001' })).Password).toBe(renewed);
      await reset.getByRole('button', { name: '完成' }).click();

      // A phone registers with it: the list says so.
      await registerPhone(sipPort, domain, '8001', renewed);
      await page.getByRole('button', { name: '刷新' }).click();
      await poll(() => row.locator('[data-registered]').getAttribute('data-registered')).toBe('true');
      expect(await row.textContent()).toContain('已注册');
      await screenshot(page, 'console-extensions.png');

      await page.getByRole('button', { name: '编辑 8001' }).click();
      const edit = page.getByRole('dialog', { name: '编辑分机 8001' });
      expect(await edit.getByRole('textbox', { name: '分机号' }).isDisabled()).toBe(true);
      await edit.getByRole('textbox', { name: '名称' }).fill('前台话机 2');
      await edit.getByRole('combobox', { name: '绑定座席' }).selectOption('');
      await edit.getByRole('button', { name: '保存' }).click();
      await edit.waitFor({ state: 'detached' });
      await poll(async () => (await env.client.DescribeExtensions({ SdkAppId: sdkAppId, PageNumber: 0, PageSize: 20 })).ExtensionList?.[0]).toMatchObject({ ExtensionName: '前台话机 2', Relation: '' });

      await page.getByRole('button', { name: '话机设置 8001' }).click();
      const setup = page.getByRole('dialog', { name: '分机 8001 的话机设置' });
      expect(await setup.locator('[data-setting="aor"] .mono').textContent()).toBe(`sip:8001@${domain}`);
      expect(await setup.locator('[data-setting="password"]').textContent()).toContain('重置密码');
      await setup.getByRole('button', { name: '完成' }).click();

      await page.getByRole('button', { name: '删除 8001' }).click();
      await page.getByRole('dialog', { name: '删除分机' }).getByRole('button', { name: '删除' }).click();
      await row.waitFor({ state: 'detached' });
      expect((await env.client.DescribeExtensions({ SdkAppId: sdkAppId, PageNumber: 0, PageSize: 20 })).ExtensionList).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows QA staff both pages read-only, in English when asked', async () => {
    await env.client.CreateExtension({ SdkAppId: env.server.sdkAppId, ExtensionId: '8002', ExtensionName: 'Lobby' });
    const qa = await createConsoleUser(env, 'qa-sip@example.com', 2);
    const { page, context } = await openConsole(env, { as: qa, lang: 'en-US', hash: '#/sip-trunks' });
    try {
      await page.getByRole('heading', { name: 'SIP trunks' }).waitFor();
      await poll(() => page.locator('tbody tr').first().textContent()).toContain('电信线路');
      expect(await page.getByRole('button', { name: 'New trunk' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: /^Edit / }).count()).toBe(0);
      expect((await consoleFetch(page, 'POST', '/sip/trunks', { name: 'qa', kind: 'ip', allow: ['192.0.2.1'] })).status).toBe(403);

      await page.locator('.sidenav a[href="#/extensions"]').click();
      await page.getByRole('heading', { name: 'Extensions' }).waitFor();
      await poll(() => page.locator('tbody tr').first().textContent()).toContain('8002');
      expect(await page.getByRole('button', { name: 'New extension' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Reset password 8002' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Phone setup 8002' }).click();
      await page.getByRole('dialog', { name: 'Phone setup of extension 8002' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
