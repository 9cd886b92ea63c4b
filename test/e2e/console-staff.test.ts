import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleFetch, createConsoleUser, openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

/** Polls until the page or the server catches up; generous, since the machine running the tests may be busy. */
function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 10_000, interval: 50 });
}

/** OPENCCC_SCREENSHOTS=<folder> saves the pages this test visits, for the docs. */
const SHOTS = process.env['OPENCCC_SCREENSHOTS'];
async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  // Toasts come and go; the pictures show the page.
  await page.evaluate(() => document.querySelectorAll<HTMLButtonElement>('.toast .notice-close').forEach((button) => button.click()));
  await page.locator('.toast').first().waitFor({ state: 'detached' });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

let env: ConsoleEnv;
let supportGroup: number;

beforeAll(async () => {
  env = await startConsoleEnv();
  const { SdkAppId } = { SdkAppId: env.server.sdkAppId };
  supportGroup = (await env.client.CreateCCCSkillGroup({ SdkAppId, SkillGroupName: '售后支持', SkillGroupType: 0 })).SkillGroupId as number;
  await env.client.CreateCCCSkillGroup({ SdkAppId, SkillGroupName: 'Sales', SkillGroupType: 0 });
});

afterAll(async () => {
  await env?.close();
});

describe('the console shell', { timeout: 60_000 }, () => {
  it('opens in Chinese, signs the first-run administrator in, and switches to English and remembers it', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await page.goto(`${env.server.url}/console/`);
      await poll(() => page.locator('h1').textContent()).toBe('登录管理控制台');
      // Wrong password: a clear message, still on the sign-in page.
      await page.locator('input[name="mail"]').fill(env.admin.mail);
      await page.locator('input[name="password"]').fill('not-the-password');
      await page.locator('form.sign-in-card button[type="submit"]').click();
      await poll(() => page.locator('.notice-error').textContent()).toContain('邮箱或密码错误');
      await shot(page, 'console-sign-in');

      await page.locator('input[name="password"]').fill(env.admin.password);
      await page.locator('form.sign-in-card button[type="submit"]').click();
      await page.locator('header.topbar').waitFor();
      expect(await page.locator('main h1').textContent()).toBe('快速开始');
      expect(await page.locator('.topbar-instance').textContent()).toContain(String(env.server.sdkAppId));
      expect(await page.locator('.role-badge').textContent()).toBe('管理员');
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');

      await page.locator('.topbar select').selectOption('en-US');
      await poll(() => page.locator('main h1').textContent()).toBe('Getting started');
      expect(await page.locator('.sidenav a[href="#/staff"]').textContent()).toBe('Staff');
      await page.reload();
      await poll(() => page.locator('main h1').textContent()).toBe('Getting started');
      expect(await page.locator('html').getAttribute('lang')).toBe('en-US');

      // A session that ends elsewhere: the next request brings the sign-in page back, saying why.
      expect((await consoleFetch(page, 'DELETE', '/session')).status).toBe(204);
      await page.locator('.sidenav a[href="#/staff"]').click();
      await poll(() => page.locator('.sign-in-card .notice-warning').textContent()).toBe('Your session has ended; sign in again.');
      await page.locator('input[name="mail"]').fill(env.admin.mail);
      await page.locator('input[name="password"]').fill(env.admin.password);
      await page.locator('form.sign-in-card button[type="submit"]').click();
      await poll(() => page.locator('main h1').textContent()).toBe('Staff');

      // Sign out: back to the sign-in page, and the session no longer works.
      await page.locator('.topbar button', { hasText: 'Sign out' }).click();
      await poll(() => page.locator('h1').textContent()).toBe('Sign in to the console');
      expect((await consoleFetch(page, 'GET', '/session')).status).toBe(401);
    } finally {
      await context.close();
    }
  });
});

describe('the staff page', { timeout: 60_000 }, () => {
  it('creates a staff member with a skill group and priority, which the official SDK then lists', async () => {
    const { page, context } = await openConsole(env, { hash: '#/staff' });
    try {
      await poll(() => page.locator('main h1').textContent()).toBe('员工管理');
      await page.getByTestId('staff-create').click();
      const dialog = page.locator('dialog[open]');
      await dialog.locator('input[name="name"]').fill('李雷');
      await dialog.locator('input[name="mail"]').fill('lilei@example.com');
      await dialog.locator('input[name="staffNumber"]').fill('1001');
      await dialog.locator('input[name="extensionNumber"]').fill('8001');
      await dialog.getByRole('button', { name: '+ 添加技能组' }).click();
      await dialog.locator('select[name="skillGroup"]').selectOption(String(supportGroup));
      await dialog.locator('select[name="priority"]').selectOption('1');
      await shot(page, 'console-staff-create');
      await dialog.getByRole('button', { name: '保存' }).click();
      await poll(() => page.locator('.toast').first().textContent()).toContain('已创建员工 lilei@example.com');
      await poll(() => page.locator('tbody tr', { hasText: 'lilei@example.com' }).textContent()).toContain('售后支持 · P1');

      const listed = await env.client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: 'lilei@example.com' });
      expect(listed.TotalCount).toBe(1);
      expect(listed.StaffList?.[0]).toMatchObject({ Name: '李雷', Mail: 'lilei@example.com', StaffNumber: '1001', ExtensionNumber: '8001', RoleId: 3 });
      expect(listed.StaffList?.[0]?.SkillGroupList).toEqual([expect.objectContaining({ SkillGroupId: supportGroup, Priority: 1 })]);

      // A mail already taken is refused on the mail field, and nothing else changes.
      await page.getByTestId('staff-create').click();
      await dialog.locator('input[name="name"]').fill('Again');
      await dialog.locator('input[name="mail"]').fill('lilei@example.com');
      await dialog.getByRole('button', { name: '保存' }).click();
      await poll(() => dialog.locator('input[name="mail"]').getAttribute('aria-invalid')).toBe('true');
      await dialog.getByRole('button', { name: '取消' }).click();
      await shot(page, 'console-staff');
    } finally {
      await context.close();
    }
  });

  it('edits, searches, resets a password once and deletes after a confirmation', async () => {
    await env.client.CreateStaff({ SdkAppId: env.server.sdkAppId, Staffs: [{ Name: 'Han Meimei', Mail: 'hanmm@example.com', StaffNumber: '1002', Role: 2 }] });
    const { page, context } = await openConsole(env, { hash: '#/staff', lang: 'en-US' });
    try {
      // DescribeStaffInfoList's StaffMail matches a whole address.
      await page.locator('#staff-search').fill('HANMM@example.com');
      await page.locator('form[role="search"] button[type="submit"]').click();
      await poll(() => page.locator('tbody tr').count()).toBe(1);
      const row = page.locator('tbody tr', { hasText: 'hanmm@example.com' });

      await row.getByRole('button', { name: 'Edit hanmm@example.com' }).click();
      const dialog = page.locator('dialog[open]');
      await dialog.locator('input[name="nick"]').fill('Meimei');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await poll(async () => (await env.client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 1, PageNumber: 0, StaffMail: 'hanmm@example.com' })).StaffList?.[0]?.Nick).toBe('Meimei');

      // The generated password is shown once and signs the QA account in.
      await row.getByRole('button', { name: 'Reset password hanmm@example.com' }).click();
      await dialog.getByRole('button', { name: 'Reset password' }).click();
      const password = (await page.getByTestId('new-password').locator('.mono').textContent()) ?? '';
      expect(password).toMatch(/^[A-Za-z2-9]{16}$/);
      await dialog.getByRole('button', { name: 'Done' }).click();
      await poll(() => page.getByTestId('new-password').count()).toBe(0);
      const signIn = await fetch(`${env.server.url}/console/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mail: 'hanmm@example.com', password }),
      });
      expect(signIn.status).toBe(200);

      // The confirmation: focus starts on Cancel and stays inside, Esc closes it, focus goes back.
      await row.getByRole('button', { name: 'Delete hanmm@example.com' }).click();
      await poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.closest('dialog[open]') !== null)).toBe(true);
      }
      await page.keyboard.press('Escape');
      await poll(() => page.locator('dialog[open]').count()).toBe(0);
      await poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Delete hanmm@example.com');
      expect(await page.locator('tbody tr', { hasText: 'hanmm@example.com' }).count()).toBe(1);
      await row.getByRole('button', { name: 'Delete hanmm@example.com' }).click();
      await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
      await poll(() => page.locator('.table-empty').textContent()).toBe('No staff with this email (enter the whole address).');
      const gone = await env.client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 1, PageNumber: 0, StaffMail: 'hanmm@example.com' });
      expect(gone.TotalCount).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('imports a CSV with a result per row and exports one with a BOM', async () => {
    const { page, context } = await openConsole(env, { hash: '#/staff' });
    try {
      await page.getByRole('button', { name: '导入 CSV' }).click();
      const dialog = page.locator('dialog[open]');
      const csv = ['姓名,邮箱,工号,角色,技能组', '王芳,wangfang@example.com,2001,坐席,Sales', 'Zhao,zhao@example.com,2002,,NoSuchGroup', ',noname@example.com,,,', '李雷,lilei@example.com,,,'].join('\r\n');
      await dialog.locator('input[type="file"]').setInputFiles({ name: 'staff.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${csv}`, 'utf8') });
      await dialog.getByRole('button', { name: '导入 3 位员工' }).click();
      await poll(() => dialog.locator('.notice').textContent()).toContain('导入完成：成功 1 位，失败 3 位。');
      const results = await dialog.locator('tbody tr').allTextContents();
      expect(results[0]).toContain('wangfang@example.com已创建');
      expect(results[1]).toMatch(/zhao@example\.com.*NoSuchGroup/);
      expect(results[2]).toContain('缺少姓名');
      expect(results[3]).toContain('lilei@example.com');
      expect(results[3]).not.toContain('已创建');
      await dialog.getByRole('button', { name: '关闭' }).click();
      const listed = await env.client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 1, PageNumber: 0, StaffMail: 'wangfang@example.com' });
      expect(listed.StaffList?.[0]).toMatchObject({ Name: '王芳', StaffNumber: '2001' });
      expect(listed.StaffList?.[0]?.SkillGroupList?.[0]?.SkillGroupName).toBe('Sales');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
      const path = await download.path();
      const { readFileSync } = await import('node:fs');
      const bytes = readFileSync(path);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8');
      expect(text).toContain('姓名,邮箱,工号,手机号,昵称,角色,技能组,分机号');
      expect(text).toContain('王芳,wangfang@example.com,2001,,,坐席,Sales,');
    } finally {
      await context.close();
    }
  });

  it('shows QA staff the list without buttons that change something, and the server refuses their writes', async () => {
    const qa = await createConsoleUser(env, 'qa@example.com', 2);
    const { page, context } = await openConsole(env, { as: qa, hash: '#/staff' });
    try {
      expect(await page.locator('.role-badge').textContent()).toBe('质检员');
      await poll(() => page.locator('tbody tr', { hasText: 'lilei@example.com' }).count()).toBe(1);
      expect(await page.getByTestId('staff-create').count()).toBe(0);
      expect(await page.getByRole('button', { name: '导入 CSV' }).count()).toBe(0);
      expect(await page.locator('tbody button').count()).toBe(0);
      const refused = await consoleFetch(page, 'POST', '/actions/CreateStaff', { Staffs: [{ Name: 'X', Mail: 'x@example.com', StaffNumber: '' }] });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error: { code: 'forbidden' } });
      const listed = await env.client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 1, PageNumber: 0, StaffMail: 'x@example.com' });
      expect(listed.TotalCount).toBe(0);
    } finally {
      await context.close();
    }
  });
});

describe('the skill groups page', { timeout: 60_000 }, () => {
  it('creates an online group with its concurrency, sets its routing, and the official SDK and the engine’s store see both', async () => {
    const { page, context } = await openConsole(env, { hash: '#/skill-groups' });
    try {
      await poll(() => page.locator('main h1').textContent()).toBe('技能组');
      await page.getByTestId('group-create').click();
      const dialog = page.locator('dialog[open]');
      await dialog.locator('input[name="groupName"]').fill('在线客服');
      await dialog.locator('select[name="groupType"]').selectOption('1');
      await dialog.locator('input[name="maxConcurrency"]').fill('5');
      await dialog.getByRole('button', { name: '保存' }).click();
      const row = page.locator('tbody tr', { hasText: '在线客服' });
      await poll(() => row.count()).toBe(1);
      const created = await env.client.DescribeSkillGroupInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupName: '在线客服' });
      expect(created.SkillGroupList?.[0]).toMatchObject({ SkillGroupType: 1, MaxConcurrency: 5 });
      const groupId = created.SkillGroupList?.[0]?.SkillGroupId as number;

      await row.getByRole('button', { name: '路由设置 在线客服' }).click();
      await dialog.locator('input[name="ringTimeoutSeconds"]').waitFor();
      // A value out of range: the server's message on the field, nothing saved.
      await dialog.locator('input[name="ringTimeoutSeconds"]').fill('2');
      await dialog.getByRole('button', { name: '保存' }).click();
      await poll(() => dialog.locator('.field-error').first().textContent()).toContain('振铃超时须为 5 到 600 之间的整数秒');
      expect(await dialog.locator('input[name="ringTimeoutSeconds"]').getAttribute('aria-invalid')).toBe('true');

      await dialog.locator('input[name="ringTimeoutSeconds"]').fill('40');
      await dialog.locator('input[name="afterCallWorkSeconds"]').fill('15');
      await dialog.locator('select[name="overflow"]').selectOption(String(supportGroup));
      await dialog.locator('select[name="whenNoneOnline"]').selectOption('exit');
      await dialog.locator('input[name="ringAll"]').check();
      await shot(page, 'console-groups-routing');
      await dialog.getByRole('button', { name: '保存' }).click();
      await poll(() => page.locator('dialog[open]').count()).toBe(0);
      await poll(() => row.textContent()).toContain('同时振铃');

      const stored = await env.server.folder.store.groupRouting.get(env.server.sdkAppId, groupId);
      expect(stored?.settings).toEqual({ ringTimeoutSeconds: 40, afterCallWorkSeconds: 15, overflowGroupId: supportGroup, whenNoneOnline: 'exit' });
      const updated = await env.client.DescribeSkillGroupInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupId: groupId });
      expect(updated.SkillGroupList?.[0]?.RingAll).toBe(true);
      await shot(page, 'console-groups');

      await row.getByRole('button', { name: '删除 在线客服' }).click();
      await page.locator('dialog[open]').getByRole('button', { name: '删除' }).click();
      await poll(() => row.count()).toBe(0);
      const gone = await env.client.DescribeSkillGroupInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupId: groupId });
      expect(gone.TotalCount).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('shows QA staff the routing read-only and no buttons that change groups', async () => {
    const qa = { mail: 'qa@example.com', password: 'Console-pass-1234' };
    if ((await env.client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageSize: 1, PageNumber: 0, StaffMail: qa.mail })).TotalCount === 0) await createConsoleUser(env, qa.mail, 2, qa.password);
    const { page, context } = await openConsole(env, { as: qa, hash: '#/skill-groups' });
    try {
      const row = page.locator('tbody tr', { hasText: '售后支持' });
      await poll(() => row.count()).toBe(1);
      expect(await page.getByTestId('group-create').count()).toBe(0);
      expect(await row.getByRole('button', { name: '删除 售后支持' }).count()).toBe(0);
      await row.getByRole('button', { name: '路由设置 售后支持' }).click();
      const input = page.locator('dialog[open] input[name="ringTimeoutSeconds"]');
      await input.waitFor();
      expect(await input.isDisabled()).toBe(true);
      expect(await page.locator('dialog[open]').getByRole('button', { name: '保存' }).count()).toBe(0);
      const refused = await consoleFetch(page, 'PUT', `/skill-groups/${supportGroup}/routing`, { ringTimeoutSeconds: 30 });
      expect(refused.status).toBe(403);
    } finally {
      await context.close();
    }
  });
});
