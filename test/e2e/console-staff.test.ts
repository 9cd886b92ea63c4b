import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, startConsoleEnv, type ConsoleEnv } from './console-support.js';

describe('the console shell', () => {
  let env: ConsoleEnv;

  beforeAll(async () => {
    env = await startConsoleEnv();
  });

  afterAll(async () => {
    await env?.close();
  });

  it('signs the first-run administrator in, in Chinese, and shows the getting-started page', async () => {
    const { page, context } = await openConsole(env);
    try {
      await expect.poll(() => page.locator('h1').first().textContent()).toBe('快速开始');
      expect(await page.locator('.topbar-instance').textContent()).toContain(String(env.server.sdkAppId));
      expect(await page.locator('.role-badge').textContent()).toBe('管理员');
      await page.screenshot({ path: '/tmp/cshot/home.png' });
    } finally {
      await context.close();
    }
  });
});
