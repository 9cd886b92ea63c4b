import { randomUUID } from 'node:crypto';
import { ActionSchemas, CloudApiError, isImplementedAction, isRecord, type ImplementedAction, type Language, type Schema } from '@openccc/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ActionHandler, Services } from '../cloudapi/context.js';
import { actionHandlers } from '../cloudapi/handlers.js';
import { escapeHtml, page } from '../http/pages.js';
import { sendAsset, type Asset } from '../http/static-assets.js';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { CONSOLE_API, checkOrigin, consoleRoute, cookieOf, requireSession, sendConsoleError, sessionCookie, SESSION_COOKIE } from './console-route.js';

export interface ConsoleDeps {
  auth: ConsoleAuth;
  services: Services;
  /** The built console (`packages/console/dist`); null when not built. */
  assets: Map<string, Asset> | null;
}

/** The console's Content-Security-Policy: its own scripts, its own API and live socket, nothing framed but its own pages. */
export const CONSOLE_CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; media-src 'self' blob:; frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * The console: the single-page application at `/console/`, sign-in and sessions, one-time links
 * from CreateAdminURL, and the Cloud API bridge through which the console calls the same actions
 * as signed API requests do, on the signed-in user's instance.
 */
export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  const { auth } = deps;
  registerPages(app, deps);
  // Bodies the framework refuses (not JSON, too large) get the console's envelope too; other routes keep theirs.
  app.setErrorHandler((error, req, reply) => {
    if (req.url.startsWith(`${CONSOLE_API}/`)) return sendConsoleError(req, reply, error);
    throw error;
  });

  app.post(`${CONSOLE_API}/session`, async (req, reply) => {
    try {
      checkOrigin(req);
      const body = isRecord(req.body) ? req.body : {};
      const mail = typeof body['mail'] === 'string' ? body['mail'].trim() : '';
      const password = typeof body['password'] === 'string' ? body['password'] : '';
      const sdkAppIdValue = body['sdkAppId'];
      if (!mail || mail.length > 128) throw new ConsoleError(400, 'invalid', 'Enter the account email.', 'mail');
      if (!password || password.length > 256) throw new ConsoleError(400, 'invalid', 'Enter the password.', 'password');
      if (sdkAppIdValue !== undefined && sdkAppIdValue !== null && sdkAppIdValue !== '' && !Number.isSafeInteger(Number(sdkAppIdValue))) {
        throw new ConsoleError(400, 'invalid', 'SdkAppId is a number.', 'sdkAppId');
      }
      const sdkAppId = sdkAppIdValue === undefined || sdkAppIdValue === null || sdkAppIdValue === '' ? undefined : Number(sdkAppIdValue);
      const session = await auth.signIn(mail, password, sdkAppId, req.ip);
      return reply.header('Set-Cookie', sessionCookie(req, session)).header('Cache-Control', 'no-store').send({ user: session.user, csrfToken: session.csrfToken });
    } catch (error) {
      return sendConsoleError(req, reply, error);
    }
  });

  consoleRoute(app, auth, 'GET', '/session', 'read', ({ session }) => ({ user: session.user, csrfToken: session.csrfToken }));

  app.delete(`${CONSOLE_API}/session`, async (req, reply) => {
    try {
      checkOrigin(req);
      await auth.signOut(cookieOf(req, SESSION_COOKIE));
      return reply.header('Set-Cookie', sessionCookie(req, null)).code(204).send();
    } catch (error) {
      return sendConsoleError(req, reply, error);
    }
  });

  // The Cloud API actions, on the user's instance: QA staff may call those that only read.
  app.post<{ Params: { action: string } }>(`${CONSOLE_API}/actions/:action`, async (req, reply) => {
    const action = req.params.action;
    const language: Language = req.headers['x-tc-language'] === 'en-US' ? 'en-US' : 'zh-CN';
    const requestId = randomUUID();
    try {
      // DescribeExtension answers a desk phone's password: administrators only.
      const access = action.startsWith('Describe') && action !== 'DescribeExtension' ? 'read' : 'admin';
      // Session checks answer in the console's error format, like every console route.
      const session = await requireSession(auth, req, access);
      if (!isImplementedAction(action)) throw new ConsoleError(404, 'not-found', `OpenCCC does not implement the action ${action}.`);
      const params = forInstance(action, isRecord(req.body) ? req.body : {}, session.user.sdkAppId);
      try {
        const schema = ActionSchemas[action] as Schema<Record<string, unknown>>;
        const parsed = schema.parse(params, '', 'json');
        const handler = actionHandlers[action] as ActionHandler<ImplementedAction>;
        const result = await handler({ services: deps.services, language, requestId }, parsed as never);
        return reply.header('Cache-Control', 'no-store').send({ Response: { ...result, RequestId: requestId } });
      } catch (error) {
        if (!(error instanceof CloudApiError)) throw error;
        return reply.header('Cache-Control', 'no-store').send({ Response: { Error: { Code: error.code, Message: error.messageIn(language) }, RequestId: requestId } });
      }
    } catch (error) {
      return sendConsoleError(req, reply, error);
    }
  });

  app.all(`${CONSOLE_API}/*`, (req, reply) => sendConsoleError(req, reply, new ConsoleError(404, 'not-found', `The console API has no ${req.method} ${req.url.split('?')[0]}.`)));
}

/** The action's parameters with the instance set to the user's: the console never acts on another. */
function forInstance(action: ImplementedAction, params: Record<string, unknown>, sdkAppId: number): Record<string, unknown> {
  const scoped: Record<string, unknown> = { ...params, SdkAppId: sdkAppId };
  if (action === 'DescribeTelCallInfo') {
    delete scoped['SdkAppId'];
    scoped['SdkAppIdList'] = [sdkAppId];
  }
  return scoped;
}

function registerPages(app: FastifyInstance, deps: ConsoleDeps): void {
  const { auth, assets } = deps;
  const notBuilt = (reply: FastifyReply) => reply.code(503).type('text/plain; charset=utf-8').send('The console is not built; run `npm run build`.');
  const sendIndex = (reply: FastifyReply) => {
    const index = assets?.get('index.html');
    if (!index) return notBuilt(reply);
    return reply
      .header('Content-Security-Policy', CONSOLE_CSP)
      .header('Referrer-Policy', 'same-origin')
      .header('Cache-Control', 'no-store')
      .type(index.type)
      .send(index.body);
  };

  app.get('/console', (_req, reply) => reply.redirect('/console/', 301));
  app.get('/console/', (_req, reply) => sendIndex(reply));
  app.get<{ Params: { '*': string } }>('/console/assets/*', (req, reply) => {
    const asset = assets?.get(`assets/${req.params['*']}`);
    if (!asset) return assets ? reply.code(404).send() : notBuilt(reply);
    return sendAsset(req, reply, asset, 'public, max-age=31536000, immutable');
  });

  // A one-time link from CreateAdminURL: opens a session and goes to the console.
  app.get<{ Querystring: { code?: string } }>('/console/login', async (req, reply) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    void reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
    try {
      const session = await auth.redeemLink(code);
      return reply.header('Set-Cookie', sessionCookie(req, session)).redirect('/console/', 303);
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      const [zh, en] = LINK_PAGES[error.code] ?? ['链接无效', error.message];
      return reply
        .code(error.status)
        .type('text/html; charset=utf-8')
        .send(page(zh, `<h1>${zh}</h1><p class="en">${escapeHtml(en)}</p><p><a href="/console/">登录管理控制台 / Sign in to the console</a></p>`));
    }
  });
}

const LINK_PAGES: Partial<Record<string, [string, string]>> = {
  'link-invalid': ['链接无效', 'This console link is not valid.'],
  'link-expired': ['链接已过期', 'This console link has expired; create a new one with CreateAdminURL.'],
  'link-used': ['链接已被使用', 'This console link was already used; each link works once.'],
  forbidden: ['无权访问', 'This account may not use the console.'],
};
