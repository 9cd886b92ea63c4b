import type { FastifyInstance } from 'fastify';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { consoleRoute } from './console-route.js';
import { PushError } from '../push/push-settings.js';
import { parseStateFilter, type PushService } from '../push/push-service.js';

const MAX_PAGE_SIZE = 100;

/** Converts the push service's errors to the console's envelope. */
async function answer<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PushError) {
      const status = error.code === 'not-found' ? 404 : error.code === 'conflict' ? 409 : 400;
      throw new ConsoleError(status, error.code, error.message, error.field);
    }
    throw error;
  }
}

function whole(value: string | undefined, fallback: number, min: number, max: number, field: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConsoleError(400, 'invalid', `${field} is a whole number from ${min} to ${max}.`, field);
  return n;
}

/**
 * Data push in the console, administrators only (the settings name an outbound URL and its
 * credentials): `GET`/`PUT /push/settings`, `GET /push/deliveries?state=&page=&pageSize=` (the
 * delivery log, newest first, pages from 0), `POST /push/deliveries/:id/resend` and `POST /push/test`.
 */
export function registerPushRoutes(app: FastifyInstance, auth: ConsoleAuth, push: PushService): void {
  consoleRoute(app, auth, 'GET', '/push/settings', 'admin', ({ user }) => push.settings(user.sdkAppId));

  consoleRoute(app, auth, 'PUT', '/push/settings', 'admin', ({ user, body }) => answer(() => push.saveSettings(user.sdkAppId, body)));

  consoleRoute(app, auth, 'GET', '/push/deliveries', 'admin', ({ user, query }) =>
    answer(async () => {
      const pageSize = whole(query['pageSize'], 20, 1, MAX_PAGE_SIZE, 'pageSize');
      const page = whole(query['page'], 0, 0, 1_000_000, 'page');
      const state = parseStateFilter(query['state']);
      const result = await push.deliveries(user.sdkAppId, { ...(state ? { state } : {}), limit: pageSize, offset: page * pageSize });
      return { ...result, page, pageSize };
    }),
  );

  consoleRoute<unknown, Record<string, string | undefined>, { id: string }>(app, auth, 'POST', '/push/deliveries/:id/resend', 'admin', ({ user, params }) =>
    answer(() => push.resend(user.sdkAppId, whole(params.id, 0, 1, Number.MAX_SAFE_INTEGER, 'id'))),
  );

  consoleRoute(app, auth, 'POST', '/push/test', 'admin', ({ user }) => answer(() => push.testPush(user.sdkAppId)));
}
