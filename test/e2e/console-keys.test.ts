import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { officialClient } from '../../packages/server/src/test-support/sdk-client.js';
import { consoleFetch, createConsoleUser, openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

let env: ConsoleEnv;

beforeAll(async () => {
  env = await startConsoleEnv();
});
afterAll(async () => {
  await env?.close();
});

describe('API keys and embedding in the console', () => {
  it('creates a key whose SecretKey is shown once and signs requests with the official SDK', async () => {
    const { page, context } = await openConsole(env, { hash: '#/keys' });
    try {
      await page.getByRole('heading', { name: 'API 密钥' }).waitFor();
      // The first-run key is listed, without its SecretKey.
      await page.getByRole('cell', { name: env.server.secretId }).waitFor();
      expect(await page.content()).not.toContain(env.server.secretKey);

      await page.getByRole('button', { name: '新建密钥' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.locator('input[name="actions"]').fill('');
      await dialog.getByRole('button', { name: '新建' }).click();
      await dialog.getByText('子密钥至少需要一个接口。').waitFor();
      await dialog.locator('input[name="actions"]').fill('DescribeStaffInfoList');
      await dialog.getByRole('button', { name: '新建' }).click();

      const secretId = (await page.getByTestId('created-secret-id').textContent()) ?? '';
      const secretKey = (await page.getByTestId('created-secret-key').textContent()) ?? '';
      expect(secretId).toMatch(/^AKID/);
      expect(secretKey).toMatch(/^\w{32}$/);
      const client = officialClient(env.server, { secretId, secretKey });
      const listed = await client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageNumber: 0, PageSize: 10 });
      expect(listed.TotalCount).toBeGreaterThan(0);

      await page.getByRole('button', { name: '我已保存' }).click();
      await page.getByRole('cell', { name: secretId }).waitFor();
      // Shown once: the list, and everything the console API answers, never carry it again.
      expect(await page.content()).not.toContain(secretKey);
      expect(JSON.stringify(await consoleFetch(page, 'GET', '/keys'))).not.toContain(secretKey);
      // The browser keeps nothing of it.
      expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)).not.toContain(secretKey);

      const row = page.getByRole('row').filter({ hasText: secretId });
      await row.getByRole('button', { name: '停用' }).click();
      await row.getByText('已停用').waitFor();
      await expect(client.DescribeStaffInfoList({ SdkAppId: env.server.sdkAppId, PageNumber: 0, PageSize: 10 })).rejects.toMatchObject({ code: expect.stringMatching(/^AuthFailure/) });
    } finally {
      await context.close();
    }
  });

  it('adds an allowed origin, refuses a malformed one, and shows QA staff the list read-only', async () => {
    const { page, context } = await openConsole(env, { hash: '#/embedding' });
    try {
      await page.getByRole('heading', { name: '嵌入设置' }).waitFor();
      const input = page.locator('input[name="origin"]');
      await input.fill('https://crm.example.com/app');
      await page.getByRole('button', { name: '添加' }).click();
      await page.locator('.field-error').waitFor();
      expect(await input.getAttribute('aria-invalid')).toBe('true');
      await input.fill('https://crm.example.com');
      await page.getByRole('button', { name: '添加' }).click();
      await page.getByRole('cell', { name: 'https://crm.example.com' }).waitFor();
      expect(await env.server.folder.store.origins.list(env.server.sdkAppId)).toEqual(['https://crm.example.com']);
    } finally {
      await context.close();
    }

    const qa = await createConsoleUser(env, 'qa-embedding@example.com', 2);
    const qaPage = await openConsole(env, { as: qa, hash: '#/embedding' });
    try {
      await qaPage.page.getByRole('cell', { name: 'https://crm.example.com' }).waitFor();
      expect(await qaPage.page.locator('input[name="origin"]').count()).toBe(0);
      expect(await qaPage.page.getByRole('link', { name: 'API 密钥' }).count()).toBe(0);
      const refused = await consoleFetch(qaPage.page, 'POST', '/origins', { origin: 'https://evil.example' });
      expect(refused.status).toBe(403);
    } finally {
      await qaPage.context.close();
    }
  });
});
