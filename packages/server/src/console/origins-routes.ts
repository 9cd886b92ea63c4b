import { isRecord } from '@openccc/protocol';
import type { FastifyInstance } from 'fastify';
import { normalizeOrigin } from '../staff/origins.js';
import type { Store } from '../store/ports.js';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { consoleRoute } from './console-route.js';

/**
 * The host-page origins allowed to embed the instance's workbench (the same list as `openccc origins`).
 * An empty list allows only OpenCCC's own origin; `*` allows any page and must be chosen explicitly.
 */
export function registerOriginRoutes(app: FastifyInstance, deps: { auth: ConsoleAuth; store: Store; clock: () => number; serverOrigin: () => string }): void {
  const { auth, store } = deps;

  consoleRoute(app, auth, 'GET', '/origins', 'read', async ({ user }) => ({ origins: await store.origins.list(user.sdkAppId), serverOrigin: deps.serverOrigin() }));

  const originOf = (body: unknown): string => {
    const text = isRecord(body) && typeof body['origin'] === 'string' ? body['origin'].trim() : '';
    if (!text) throw new ConsoleError(400, 'invalid', 'Enter an origin, e.g. https://crm.example.com.', 'origin');
    const origin = normalizeOrigin(text);
    if (!origin) throw new ConsoleError(400, 'invalid', `"${text}" is not an origin: give scheme, host and optional port only, e.g. https://crm.example.com or http://localhost:3000 (or * for any).`, 'origin');
    return origin;
  };

  consoleRoute(app, auth, 'POST', '/origins', 'admin', async ({ user, body }) => {
    const origin = originOf(body);
    const added = await store.origins.add(user.sdkAppId, origin, deps.clock());
    return { origin, added };
  });

  consoleRoute(app, auth, 'DELETE', '/origins', 'admin', async ({ user, body }) => {
    const origin = originOf(body);
    if (!(await store.origins.remove(user.sdkAppId, origin))) throw new ConsoleError(404, 'not-found', `${origin} is not in the list.`, 'origin');
  });
}
