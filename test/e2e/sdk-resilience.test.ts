import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { launchChromium } from './support/browser.js';
import { agentWithToken, events, openSeedPage, startE2eServer, waitForEvent, workbench } from './support/fixtures.js';
import { startHostSite, type HostSite } from './support/host-site.js';

describe('an embedded workbench over time', () => {
  let browser: Browser;
  let site: HostSite;
  let server: TestServer;
  let client: CccClient;

  beforeAll(async () => {
    browser = await launchChromium();
    site = await startHostSite();
    // A long grace period: a restart must not make the agent look offline to the ACD.
    ({ server, client } = await startE2eServer(site, { flags: { 'presence-grace': '3600' } }));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.close();
  });

  it('reconnects after a server restart and resyncs its status', async () => {
    const mail = 'restart@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
    await waitForEvent(page, 'ready');
    await page.evaluate(() => window.tccc.Agent.setStatus({ status: 'rest', restReason: '会议' }));
    await waitForEvent(page, 'statusChanged');
    const frame = workbench(page);

    await server.server.close();
    await frame.locator('main[data-connection="reconnecting"]').waitFor();
    server = await restartTestServer(server, { flags: { 'presence-grace': '3600' } });
    client = officialClient(server);
    await frame.locator('main[data-connection="open"]').waitFor({ timeout: 20_000 });

    // The new server had no presence: the workbench's hello restored what it showed.
    const metrics = await client.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [mail] });
    expect(metrics.Metrics?.[0]).toMatchObject({ Status: 'rest', Reason: '会议' });
    expect(await page.evaluate(() => window.tccc.Agent.getStatus())).toBe('rest');
    // The session no longer needs the token: calls still work.
    expect(await page.evaluate(() => window.tccc.Agent.setStatus({ status: 'free' }))).toEqual({ status: 'success' });
    expect((await events(page)).filter((e) => e.name === 'ready')).toHaveLength(1);
    await page.close();
  });

  it('a second login elsewhere signs the first workbench out', async () => {
    const mail = 'twice@example.com';
    const first = await agentWithToken(client, server.sdkAppId, mail);
    const pageA = await openSeedPage(browser, site, { token: first.token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl: first.sdkUrl });
    await waitForEvent(pageA, 'ready');

    const second = await client.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
    const context = await browser.newContext();
    const pageB = await openSeedPage(context, site, { token: second.Token as string, sdkAppId: server.sdkAppId, userId: mail, sdkUrl: first.sdkUrl });
    await waitForEvent(pageB, 'ready');

    const out = await waitForEvent(pageA, 'signedOut');
    expect(out.payload).toMatchObject({ reason: 'elsewhere' });
    await workbench(pageA).locator('main[data-phase="signedOut"]').waitFor();
    expect(await workbench(pageA).getByTestId('signed-out').textContent()).toContain('已在其他地方登录');
    const refused = await pageA.evaluate(() => window.tccc.Agent.setStatus({ status: 'rest' }).catch((e: unknown) => e));
    expect(refused).toMatchObject({ status: 'error', errorCode: 'notReady' });
    expect(await pageB.evaluate(() => window.tccc.Agent.getStatus())).toBe('free');
    const metrics = await client.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [mail] });
    expect(metrics.Metrics?.[0]?.Status).toBe('free');
    await pageA.close();
    await context.close();
  });

  it('the built bundle works from a plain script tag', async () => {
    const mail = 'plain@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await browser.newPage();
    await page.goto(site.url('plain.html', { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl }));
    await waitForEvent(page, 'ready');
    expect(await page.evaluate(() => typeof window.tccc.Call.hungUp)).toBe('function');
    expect(await page.evaluate(() => Object.keys(window.tccc.events))).toEqual(
      expect.arrayContaining(['ready', 'tokenExpired', 'callIn', 'userAccessed', 'sessionEnded', 'statusChanged']),
    );
    await page.close();
  });

  it('takes sdkAppId, token and userid from the src query when there are no data attributes', async () => {
    const mail = 'query@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await browser.newPage();
    await page.goto(site.url('query.html', { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl }));
    await waitForEvent(page, 'ready');
    expect(await workbench(page).getByTestId('staff').textContent()).toContain(mail);
    await page.close();
  });

  it('the standalone workbench signs in with email and password', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/workbench/`);
    await page.locator('main[data-phase="login"]').waitFor();
    await page.fill('input[name="mail"]', server.adminUser);
    await page.fill('input[name="password"]', 'wrong password');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('error').waitFor();
    expect(await page.locator('main').getAttribute('data-phase')).toBe('login');
    await page.fill('input[name="password"]', server.adminPassword);
    await page.getByTestId('login-submit').click();
    await page.locator('main[data-phase="ready"]').waitFor();
    expect(await page.getByTestId('staff').textContent()).toContain(server.adminUser);
    await page.reload();
    await page.locator('main[data-phase="ready"]').waitFor();
    await page.close();
  });
});
