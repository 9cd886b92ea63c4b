import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createLogger } from '../../../packages/server/src/log.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../../packages/server/src/test-support/sdk-client.js';
import type { HostSite } from './host-site.js';

export interface PageEvent {
  name: string;
  payload: Record<string, unknown> & { data?: Record<string, unknown> };
}

/** An OpenCCC server whose instance allows the host site's origin, and the official SDK client for it. */
export async function startE2eServer(site: HostSite, options: TestServerOptions = {}): Promise<{ server: TestServer; client: CccClient }> {
  // OPENCCC_TEST_LOG=info prints the server's log, to follow a failing run.
  const level = process.env['OPENCCC_TEST_LOG'];
  const server = await startTestServer(level && !options.log ? { ...options, log: createLogger(level) } : options);
  await server.folder.store.origins.add(server.sdkAppId, site.origin, Date.now());
  return { server, client: officialClient(server) };
}

/** Creates an agent and mints an SDK login token for it through the official SDK, as a customer's backend does. */
export async function agentWithToken(client: CccClient, sdkAppId: number, mail: string, onlyOnce = false) {
  const created = await client.CreateStaff({ SdkAppId: sdkAppId, Staffs: [{ Name: mail.split('@')[0] ?? mail, Mail: mail, StaffNumber: '1' }] });
  if (created.ErrorStaffList?.length && created.ErrorStaffList[0]?.Code !== 'FailedOperation.DuplicatedAccount') throw new Error(JSON.stringify(created));
  const minted = await client.CreateSDKLoginToken({ SdkAppId: sdkAppId, SeatUserId: mail, OnlyOnce: onlyOnce });
  return { token: minted.Token as string, sdkUrl: minted.SdkURL as string };
}

export async function openSeedPage(context: BrowserContext | Browser, site: HostSite, params: Record<string, string | number>): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error));
  await page.goto(site.url('seed.html', params));
  return page;
}

/** Resolves with the first page event of that name (events recorded by the test page's handlers). */
export async function waitForEvent(page: Page, name: string, after = 0): Promise<PageEvent> {
  const handle = await page.waitForFunction(
    ([n, skip]) => (window as unknown as { events: PageEvent[] }).events.filter((e) => e.name === n)[skip],
    [name, after] as const,
    { timeout: 20_000 },
  );
  return (await handle.jsonValue()) as PageEvent;
}

export function events(page: Page): Promise<PageEvent[]> {
  return page.evaluate(() => (window as unknown as { events: PageEvent[] }).events);
}

/** The workbench document inside the SDK's iframe. */
export function workbench(page: Page) {
  return page.frameLocator('iframe[data-openccc="frame"]');
}
