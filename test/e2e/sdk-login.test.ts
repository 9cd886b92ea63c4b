import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../packages/server/src/test-support/harness.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { launchChromium } from './support/browser.js';
import { agentWithToken, openSeedPage, startE2eServer, waitForEvent, workbench } from './support/fixtures.js';
import { startHostSite, type HostSite } from './support/host-site.js';

describe('the seed snippet on a customer page (another origin)', () => {
  let browser: Browser;
  let site: HostSite;
  let server: TestServer;
  let client: CccClient;

  beforeAll(async () => {
    browser = await launchChromium();
    site = await startHostSite();
    ({ server, client } = await startE2eServer(site));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await site?.close();
  });

  it('fires ready, shows the workbench, answers getStatus and carries status both ways', async () => {
    const mail = 'seed@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    expect(sdkUrl).toBe(`${server.url}/sdk/v1/tccc.js`);
    expect(new URL(sdkUrl).origin).not.toBe(site.origin);
    const page = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });

    const ready = await waitForEvent(page, 'ready');
    expect(ready.payload.data).toEqual({});
    await expect.poll(() => page.locator('[data-openccc="panel"]').isVisible()).toBe(true);
    const frame = workbench(page);
    await frame.locator('main[data-phase="ready"]').waitFor();
    expect(await frame.getByTestId('staff').textContent()).toContain(mail);
    expect(await page.evaluate(() => window.tccc.Agent.getStatus())).toBe('free');
    // zh-CN by default, English on request; the host page's chrome follows.
    expect(await frame.getByTestId('status-current').textContent()).toContain('空闲');
    expect(await page.locator('[data-openccc="collapse"]').getAttribute('title')).toBe('收起');
    await frame.getByTestId('lang-en-US').click();
    await expect.poll(() => frame.getByTestId('status-current').textContent()).toContain('Available');
    await expect.poll(() => page.locator('[data-openccc="collapse"]').getAttribute('title')).toBe('Collapse');
    await frame.getByTestId('lang-zh-CN').click();
    await expect.poll(() => frame.getByTestId('status-current').textContent()).toContain('空闲');

    // SDK → server
    const set = await page.evaluate(() => window.tccc.Agent.setStatus({ status: 'rest', restReason: '午餐' }));
    expect(set).toEqual({ status: 'success' });
    const changed = await waitForEvent(page, 'statusChanged');
    expect(changed.payload).toMatchObject({ status: 'rest', reason: '午餐', data: { status: 'rest', reason: '午餐' } });
    const metrics = await client.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [mail] });
    expect(metrics.Metrics?.[0]).toMatchObject({ Email: mail, Status: 'rest', Reason: '午餐', ClientInfo: [{ ClientType: 'Web', IsConnected: true }] });

    // server → SDK
    const answer = await client.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'notReady' }] });
    expect(answer.StaffStatusList?.[0]).toMatchObject({ Status: 'notReady', PreviousStatus: 'rest' });
    const pushed = await waitForEvent(page, 'statusChanged', 1);
    expect(pushed.payload.status).toBe('notReady');
    expect(await page.evaluate(() => window.tccc.Agent.getStatus())).toBe('notReady');
    await frame.locator('main[data-status="notReady"]').waitFor();

    const history = await client.DescribeStaffStatusHistory({
      SdkAppId: server.sdkAppId,
      StaffUserId: mail,
      StartTimestamp: Math.floor(Date.now() / 1000) - 60,
      EndTimestamp: Math.floor(Date.now() / 1000) + 1,
    });
    expect(history.Data?.map((d) => d.Status)).toEqual(['free', 'rest', 'notReady']);
    await page.close();
  });

  it('rejects calls before ready, refuses a call out with no number to show, and never double-installs', async () => {
    const mail = 'facade@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await browser.newPage();
    await page.goto(site.url('seed.html'));
    const early = await page.evaluate(async ({ token, sdkAppId, userId, sdkUrl }) => {
      await (window as unknown as { injectTcccScript: (o: object) => Promise<void> }).injectTcccScript({ token, sdkAppId, userId, sdkUrl });
      return window.tccc.Agent.online().then(
        () => null,
        (e: unknown) => e,
      );
    }, { token, sdkAppId: String(server.sdkAppId), userId: mail, sdkUrl });
    expect(early).toMatchObject({ status: 'error', errorCode: 'notReady' });
    expect(String((early as { errorMsg: string }).errorMsg)).toMatch(/ready/);
    await waitForEvent(page, 'ready');

    // The instance has no number to call out with yet.
    const call = await page.evaluate(() => window.tccc.Call.startOutboundCall({ phoneNumber: '13800000000' }).catch((e: unknown) => e));
    expect(call).toMatchObject({ status: 'error', errorCode: 'noCallerNumber', errorMsg: expect.stringContaining('openccc number add') as unknown });
    const bad = await page.evaluate(() => window.tccc.Agent.setStatus({ status: 'nap' as never }).catch((e: unknown) => e));
    expect(bad).toMatchObject({ status: 'error', errorCode: 'invalidArgument' });
    expect(await page.evaluate(() => window.tccc.Devices.isBrowserSupported())).toBe(true);
    const mics = await page.evaluate(() => window.tccc.Devices.getMicrophones());
    expect(mics.status).toBe('success');
    expect(Array.isArray(mics.data)).toBe(true);

    // Loading the script again for the same user changes nothing.
    const again = await page.evaluate(async ({ token, sdkAppId, userId, sdkUrl }) => {
      await (window as unknown as { injectTcccScript: (o: object) => Promise<void> }).injectTcccScript({ token, sdkAppId, userId, sdkUrl });
      return document.querySelectorAll('iframe[data-openccc="frame"]').length;
    }, { token, sdkAppId: String(server.sdkAppId), userId: mail, sdkUrl });
    expect(again).toBe(1);
    // Nothing was redone, but a page waiting for ready after each load hears it again.
    await waitForEvent(page, 'ready', 1);
    expect(await page.locator('iframe[data-openccc="frame"]').count()).toBe(1);

    // Another user switches accounts in the same installation.
    const other = 'facade-2@example.com';
    const second = await agentWithToken(client, server.sdkAppId, other);
    await page.evaluate(async ({ token, sdkAppId, userId, sdkUrl }) => {
      await (window as unknown as { injectTcccScript: (o: object) => Promise<void> }).injectTcccScript({ token, sdkAppId, userId, sdkUrl });
    }, { token: second.token, sdkAppId: String(server.sdkAppId), userId: other, sdkUrl: second.sdkUrl });
    await waitForEvent(page, 'ready', 2);
    await expect.poll(() => page.locator('iframe[data-openccc="frame"]').count()).toBe(1);
    expect(await workbench(page).getByTestId('staff').textContent()).toContain(other);
    // The previous agent's workbench signed out before its frame was removed.
    const previous = await client.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [mail] });
    expect(previous.Metrics?.[0]?.Status).toBe('offline');
    await page.close();
  });

  it('honours data-show-work-bench-at-first-login="false" and the UI methods', async () => {
    const mail = 'ui@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await openSeedPage(browser, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl, showWorkbench: 'false' });
    await waitForEvent(page, 'ready');
    const panel = page.locator('[data-openccc="panel"]');
    const button = page.locator('[data-openccc="float-button"]');
    expect(await panel.isVisible()).toBe(false);
    expect(await button.isVisible()).toBe(true);
    await button.click();
    expect(await panel.isVisible()).toBe(true);
    await page.evaluate(() => window.tccc.UI.hideWorkbench());
    expect(await panel.isVisible()).toBe(false);
    await page.evaluate(() => window.tccc.UI.hidefloatButton());
    expect(await button.isVisible()).toBe(false);
    await page.evaluate(() => {
      window.tccc.UI.showfloatButton();
      window.tccc.UI.showWorkbench();
    });
    expect(await panel.isVisible()).toBe(true);
    await page.evaluate(() => window.tccc.UI.hide());
    expect(await button.isVisible()).toBe(false);
    expect(await panel.isVisible()).toBe(false);
    await page.evaluate(() => window.tccc.UI.show());
    expect(await panel.isVisible()).toBe(true);
    const iframe = page.locator('iframe[data-openccc="frame"]');
    expect(await iframe.getAttribute('allow')).toBe('microphone; autoplay');
    expect(await button.getAttribute('aria-expanded')).toBe('true');

    // The title bar moves the panel from the keyboard too, and a moved panel stays on screen.
    const before = await panel.boundingBox();
    await page.locator('[data-openccc="drag-handle"]').focus();
    await page.keyboard.press('Shift+ArrowLeft');
    const after = await panel.boundingBox();
    expect(Math.round((before?.x ?? 0) - (after?.x ?? 0))).toBe(50);
    await page.setViewportSize({ width: 600, height: 500 });
    await expect.poll(async () => {
      const box = await panel.boundingBox();
      return (box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 600;
    }).toBe(true);
    await page.close();
  });

  it('applies UI calls made before the panel exists, and recovers when the page removes the frame', async () => {
    const mail = 'removed@example.com';
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await browser.newPage();
    await page.goto(site.url('seed.html'));
    await page.evaluate(async ({ token, sdkAppId, userId, sdkUrl }) => {
      await (window as unknown as { injectTcccScript: (o: object) => Promise<void> }).injectTcccScript({ token, sdkAppId, userId, sdkUrl });
      window.tccc.UI.hideWorkbench();
    }, { token, sdkAppId: String(server.sdkAppId), userId: mail, sdkUrl });
    await waitForEvent(page, 'ready');
    expect(await page.locator('[data-openccc="panel"]').isVisible()).toBe(false);

    // An SPA tears the SDK's element down: the next call says so at once instead of hanging.
    await page.evaluate(() => document.getElementById('openccc-tccc')?.remove());
    const failed = await page.evaluate(() => window.tccc.Agent.setStatus({ status: 'rest' }).catch((e: unknown) => e));
    expect(failed).toMatchObject({ status: 'error', errorCode: 'workbenchUnreachable' });
    expect((await waitForEvent(page, 'error')).payload.errorCode).toBe('workbenchUnreachable');
    expect(await page.evaluate(() => window.tccc.Agent.getStatus())).toBe('offline');

    // Loading the SDK again for the same user starts over.
    const fresh = await client.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
    await page.evaluate(async ({ token, sdkAppId, userId, sdkUrl }) => {
      await (window as unknown as { injectTcccScript: (o: object) => Promise<void> }).injectTcccScript({ token, sdkAppId, userId, sdkUrl });
    }, { token: fresh.Token as string, sdkAppId: String(server.sdkAppId), userId: mail, sdkUrl });
    await waitForEvent(page, 'ready', 1);
    expect(await page.evaluate(() => window.tccc.Agent.getStatus())).toBe('free');
    await page.close();
  });
});
