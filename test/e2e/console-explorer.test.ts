import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, startConsoleEnv, type ConsoleEnv, type ConsolePage } from './console-support.js';

/** With OPENCCC_DOCS_SCREENSHOTS=1, the test also saves the explorer's screenshots for docs/console.md. */
const SCREENSHOTS = process.env['OPENCCC_DOCS_SCREENSHOTS'] === '1' ? join(import.meta.dirname, '../../docs/images') : null;

const AGENT = 'explorer-agent@example.com';

let env: ConsoleEnv;
let consolePage: ConsolePage;

beforeAll(async () => {
  env = await startConsoleEnv();
  const created = await env.client.CreateStaff({ SdkAppId: env.server.sdkAppId, Staffs: [{ Name: 'Explorer Agent', Mail: AGENT, StaffNumber: '7001' }] });
  expect(created.ErrorStaffList ?? []).toEqual([]);
  consolePage = await openConsole(env, { hash: '#/explorer' });
});
afterAll(async () => {
  await consolePage?.context.close();
  await env?.close();
});

async function send(page: Page): Promise<void> {
  const before = await page.evaluate(() => document.querySelector('#explorer-result')?.getAttribute('data-sent') ?? null);
  await page.locator('form.explorer-request button[type="submit"]').click();
  // Each answer replaces the panel; wait until the one for this click is there.
  await page.waitForFunction((previous) => {
    const panel = document.querySelector('#explorer-result');
    return panel !== null && panel.getAttribute('data-sent') !== previous;
  }, before);
}

describe('the API Explorer', () => {
  it('signs CreateSDKLoginToken in the browser, shows the signing steps and the answer, and the SDK test page reaches ready', async () => {
    const { page, context } = consolePage;
    await page.locator('select[name="action"]').waitFor();
    expect(await page.locator('select[name="action"]').inputValue()).toBe('CreateSDKLoginToken');
    expect(await page.locator('input[name="SdkAppId"]').inputValue()).toBe(String(env.server.sdkAppId));
    // The key picker offers the instance's keys; the first enabled one is chosen.
    await expect.poll(() => page.locator('input[name="secretId"]').inputValue()).toBe(env.server.secretId);
    await page.locator('input[name="SeatUserId"]').fill(AGENT);
    await page.locator('input[name="secretKey"]').fill(env.server.secretKey);

    const cloudRequests: Array<{ url: string; headers: Record<string, string> }> = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/') cloudRequests.push({ url: request.url(), headers: request.headers() });
    });
    await send(page);
    expect(await page.locator('#explorer-result').getAttribute('data-outcome')).toBe('success');
    const response = JSON.parse((await page.locator('#explorer-response').textContent()) ?? '') as { Response: { Token: string; SdkURL: string; ExpiredTime: number } };
    expect(response.Response.Token).toMatch(/^[0-9a-f]{32}$/);
    expect(response.Response.SdkURL).toBe(`${env.server.url}/sdk/v1/tccc.js`);

    // What went over the wire: a TC3 request to the Cloud API, from the browser, without the SecretKey.
    expect(cloudRequests).toHaveLength(1);
    const sent = cloudRequests[0]?.headers ?? {};
    expect(sent['x-tc-action']).toBe('CreateSDKLoginToken');
    expect(sent['x-tc-version']).toBe('2020-02-10');
    expect(sent['authorization']).toMatch(new RegExp(`^TC3-HMAC-SHA256 Credential=${env.server.secretId}/\\d{4}-\\d{2}-\\d{2}/ccc/tc3_request, SignedHeaders=content-type;host;x-tc-action, Signature=[0-9a-f]{64}$`));
    expect(JSON.stringify(sent)).not.toContain(env.server.secretKey);
    const headers = (await page.locator('#explorer-request-headers').textContent()) ?? '';
    expect(headers).toContain(`Authorization: ${sent['authorization'] ?? '?'}`);
    expect(await page.locator('#explorer-canonical-request').textContent()).toBe(
      `POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:${new URL(env.server.url).host}\nx-tc-action:createsdklogintoken\n\ncontent-type;host;x-tc-action\n` +
        (await sha256Hex(page, JSON.stringify({ SdkAppId: env.server.sdkAppId, SeatUserId: AGENT }))),
    );
    expect(await page.locator('#explorer-string-to-sign').textContent()).toMatch(/^TC3-HMAC-SHA256\n\d+\n\d{4}-\d{2}-\d{2}\/ccc\/tc3_request\n[0-9a-f]{64}$/);
    expect(await page.locator('#explorer-snippet').textContent()).toContain('await client.CreateSDKLoginToken({');
    // The SecretKey is nowhere on the page but in its password field, and in no browser storage.
    expect(await page.locator('.explorer-response-card').textContent()).not.toContain(env.server.secretKey);
    const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, url: location.href }));
    expect(stored).not.toContain(env.server.secretKey);

    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-explorer.png') });

    const opened = context.waitForEvent('page');
    await page.locator('#explorer-open-sdk-test').click();
    const testPage = await opened;
    testPage.on('pageerror', (error) => console.error('[sdk test page error]', error));
    await testPage.locator('#sdk-state[data-state="ready"]').waitFor({ timeout: 20_000 });
    expect(await testPage.evaluate(() => typeof (window as unknown as { tccc?: unknown }).tccc)).toBe('object');
    expect(new URL(testPage.url()).pathname).toBe('/console/sdk-test');
    // The token was read from the fragment, then removed from the address bar.
    expect(new URL(testPage.url()).hash).toBe('');
    await testPage.locator('#sdk-events li[data-event="ready"]').waitFor();
    expect(await testPage.locator('[data-openccc="frame"]').count()).toBe(1);

    // The status buttons drive the agent through the SDK, and the page shows the events.
    await testPage.getByRole('button', { name: '示忙' }).click();
    await expect.poll(() => testPage.locator('#agent-status').textContent()).toBe('notReady');
    await testPage.getByRole('button', { name: '置为空闲' }).click();
    await expect.poll(() => testPage.locator('#agent-status').textContent()).toBe('free');
    await testPage.locator('#sdk-events li[data-event="statusChanged"]').first().waitFor();
    const metrics = await env.client.DescribeStaffStatusMetrics({ SdkAppId: env.server.sdkAppId, StaffList: [AGENT] });
    expect(metrics.Metrics?.[0]?.Status).toBe('free');
    if (SCREENSHOTS) await testPage.screenshot({ path: join(SCREENSHOTS, 'console-explorer-sdk-test.png') });
    await testPage.close();
  });

  it('shows the Cloud API’s AuthFailure.SignatureFailure for a wrong SecretKey', async () => {
    const { page } = consolePage;
    await page.locator('input[name="SeatUserId"]').fill(AGENT);
    await page.locator('input[name="secretKey"]').fill(`${env.server.secretKey.slice(0, -1)}x`);
    await send(page);
    expect(await page.locator('#explorer-result').getAttribute('data-outcome')).toBe('failure');
    expect(await page.locator('#explorer-error-code').textContent()).toBe('AuthFailure.SignatureFailure');
    const response = JSON.parse((await page.locator('#explorer-response').textContent()) ?? '') as { Response: { Error: { Code: string; Message: string } } };
    expect(response.Response.Error.Code).toBe('AuthFailure.SignatureFailure');
    expect(await page.locator('#explorer-open-sdk-test').count()).toBe(0);
  });

  it('checks the form with the schema’s limits before sending, and edits the body as JSON', async () => {
    const { page } = consolePage;
    await page.locator('select[name="action"]').selectOption('SetStaffStatus');
    await page.locator('input[name="StaffStatusList.0.StaffUserId"]').waitFor();
    await page.locator('input[name="secretKey"]').fill(env.server.secretKey);
    const requests: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/') requests.push(request.url());
    });
    await page.locator('form.explorer-request button[type="submit"]').click();
    await page.locator('.field-error', { hasText: '必填' }).first().waitFor();
    expect(await page.locator('input[name="StaffStatusList.0.StaffUserId"]').getAttribute('aria-invalid')).toBe('true');
    // The first field marked wrong has the focus, so a keyboard user lands on it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('StaffStatusList.0.StaffUserId');
    expect(requests).toEqual([]);

    await page.locator('input[name="StaffStatusList.0.StaffUserId"]').fill(AGENT);
    await page.locator('select[name="StaffStatusList.0.Status"]').selectOption('rest');
    await page.locator('input[name="StaffStatusList.0.Reason"]').fill('x'.repeat(129));
    await page.locator('form.explorer-request button[type="submit"]').click();
    await page.locator('.field-error', { hasText: '长度应为 0 到 128 个字符' }).waitFor();
    expect(requests).toEqual([]);
    await page.locator('input[name="StaffStatusList.0.Reason"]').fill('会议');

    // Add a second item, then remove it again.
    await page.getByRole('button', { name: '添加一项: StaffStatusList' }).click();
    await page.locator('input[name="StaffStatusList.1.StaffUserId"]').waitFor();
    await page.getByRole('button', { name: '删除 第 2 项' }).click();
    expect(await page.locator('input[name="StaffStatusList.1.StaffUserId"]').count()).toBe(0);

    await page.getByRole('radio', { name: 'JSON' }).click();
    const json = JSON.parse(await page.locator('#explorer-json').inputValue()) as unknown;
    expect(json).toEqual({ SdkAppId: env.server.sdkAppId, StaffStatusList: [{ StaffUserId: AGENT, Status: 'rest', Reason: '会议' }] });
    const edited = JSON.stringify({ SdkAppId: env.server.sdkAppId, StaffStatusList: [{ StaffUserId: AGENT, Status: 'free' }] });
    await page.locator('#explorer-json').fill(edited);
    await send(page);
    expect(requests).toHaveLength(1);
    expect(await page.locator('#explorer-request-body').textContent()).toBe(edited);
    const answer = JSON.parse((await page.locator('#explorer-response').textContent()) ?? '') as { Response: { RequestId: string } };
    expect(answer.Response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
    await page.getByRole('radio', { name: '表单' }).click();
    expect(await page.locator('select[name="StaffStatusList.0.Status"]').inputValue()).toBe('free');
  });
});


describe('the SDK test page', () => {
  it('refuses a link whose SdkURL this server did not issue, and loads no script from it', async () => {
    const page = await consolePage.context.newPage();
    const blocked: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith('http://evil.example')) blocked.push(request.url());
    });
    const fragment = new URLSearchParams({ token: '0123456789abcdef0123456789abcdef', sdkAppId: String(env.server.sdkAppId), userId: AGENT, sdkUrl: 'http://evil.example/sdk/v1/tccc.js' });
    await page.goto(`${env.server.url}/console/sdk-test#${fragment.toString()}`);
    await page.locator('#sdk-problem').waitFor();
    expect(await page.locator('#sdk-problem').textContent()).toContain('SdkURL');
    expect(await page.locator('script[src*="evil.example"]').count()).toBe(0);
    expect(await page.evaluate(() => typeof (window as unknown as { tccc?: unknown }).tccc)).toBe('undefined');
    expect(blocked).toEqual([]);
    await page.close();
  });
});

async function sha256Hex(page: Page, textToHash: string): Promise<string> {
  return page.evaluate(async (source) => {
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(source));
    return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
  }, textToHash);
}
