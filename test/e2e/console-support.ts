import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createLogger } from '../../packages/server/src/log.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { launchChromium } from './support/browser.js';

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** A server with the console, the official SDK client for its instance, and Chromium. */
export interface ConsoleEnv {
  server: TestServer;
  client: CccClient;
  browser: Browser;
  /** The first-run administrator. */
  admin: ConsoleCredentials;
  /** Signed-in sessions by mail, reused by `openConsole`. */
  sessions: Map<string, StorageState>;
  close(): Promise<void>;
}

export interface ConsoleCredentials {
  mail: string;
  password: string;
  /** Only needed when the account exists in several instances. */
  sdkAppId?: number;
}

export interface OpenConsoleOptions {
  /** Who signs in; default the first-run administrator. */
  as?: ConsoleCredentials;
  /** Opens the console in this language (`?lang=`); default zh-CN, the console's own default. */
  lang?: 'zh-CN' | 'en-US';
  /** The page to open after sign-in, e.g. `#/staff`. */
  hash?: string;
  viewport?: { width: number; height: number };
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
}

/** Starts a test server (the console is served from `packages/console/dist`) and Chromium. */
export async function startConsoleEnv(options: TestServerOptions = {}): Promise<ConsoleEnv> {
  const level = process.env['OPENCCC_TEST_LOG'];
  const server = await startTestServer(level && !options.log ? { ...options, log: createLogger(level) } : options);
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.close();
    throw error;
  }
  return {
    server,
    client: officialClient(server),
    browser,
    admin: { mail: server.adminUser, password: server.adminPassword },
    sessions: new Map(),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Opens the console in a fresh browser context, signed in as the user; resolves once the top bar
 * shows. The first time for a user it signs in through the sign-in form; later calls reuse that
 * session's cookie, because the server allows only 5 password attempts a minute per address and
 * account, successful ones included. Page errors fail loudly in the test's output.
 */
export async function openConsole(env: ConsoleEnv, options: OpenConsoleOptions = {}): Promise<ConsolePage> {
  const who = options.as ?? env.admin;
  const key = who.mail.toLowerCase();
  const saved = env.sessions.get(key);
  const context = await env.browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 }, locale: options.lang ?? 'zh-CN', ...(saved ? { storageState: saved } : {}) });
  // Below the test timeout, so that a stuck step fails naming its locator.
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[console page error]', error));
  const query = options.lang ? `?lang=${options.lang}` : '';
  await page.goto(`${env.server.url}/console/${query}${options.hash ?? ''}`);
  // A reused session may have ended (signed out, password reset): then sign in again.
  await page.locator('header.topbar, form.sign-in-card').first().waitFor();
  if (await page.locator('form.sign-in-card').isVisible()) {
    await signIn(page, who);
    env.sessions.set(key, await context.storageState());
  }
  return { page, context };
}

/** Fills and submits the sign-in form on a page that shows it; resolves when the console shows. */
export async function signIn(page: Page, who: ConsoleCredentials): Promise<void> {
  await page.locator('input[name="mail"]').fill(who.mail);
  await page.locator('input[name="password"]').fill(who.password);
  if (who.sdkAppId !== undefined) await page.locator('input[name="sdkAppId"]').fill(String(who.sdkAppId));
  await page.locator('form.sign-in-card button[type="submit"]').click();
  await page.locator('header.topbar').waitFor();
}

/**
 * Creates a console user of the instance through the official SDK: Role 1 administrator, Role 2 QA.
 * The password is set with ModifyStaffPassword, as an integrator would.
 */
export async function createConsoleUser(env: ConsoleEnv, mail: string, role: 1 | 2, password = 'Console-pass-1234'): Promise<ConsoleCredentials> {
  const created = await env.client.CreateStaff({ SdkAppId: env.server.sdkAppId, Staffs: [{ Name: mail.split('@')[0] ?? mail, Mail: mail, StaffNumber: '', Role: role }] });
  if (created.ErrorStaffList?.length) throw new Error(`CreateStaff failed: ${JSON.stringify(created.ErrorStaffList)}`);
  await env.client.ModifyStaffPassword({ SdkAppId: env.server.sdkAppId, Email: mail, Password: password });
  return { mail, password };
}

/**
 * Calls the console API from inside the signed-in page, with its cookie and CSRF token, as the
 * console's own code does; resolves with the HTTP status and the parsed body.
 */
export async function consoleFetch(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ([m, p, b]) => {
      const session = await fetch('/console/api/v1/session', { credentials: 'same-origin' });
      const token = session.ok ? ((await session.json()) as { csrfToken: string }).csrfToken : '';
      const headers: Record<string, string> = { 'X-CSRF-Token': token };
      if (b !== undefined) headers['Content-Type'] = 'application/json';
      const response = await fetch(`/console/api/v1${p}`, { method: m, headers, credentials: 'same-origin', ...(b === undefined ? {} : { body: JSON.stringify(b) }) });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    },
    [method, path, body] as const,
  );
}
