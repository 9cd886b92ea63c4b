import { isRecord } from '@openccc/protocol';
import type { FastifyInstance } from 'fastify';
import type { KeyUsage } from '../auth/key-usage.js';
import { checkActionPatterns } from '../auth/policy.js';
import type { SecretBox } from '../auth/secret-box.js';
import { createApiKey } from '../bootstrap.js';
import type { ApiKey, Store } from '../store/ports.js';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { consoleRoute } from './console-route.js';

export interface KeysRouteDeps {
  auth: ConsoleAuth;
  store: Store;
  box: SecretBox;
  usage: KeyUsage;
  clock: () => number;
}

/** A key as the console lists it: never its SecretKey. */
export interface ConsoleKey {
  secretId: string;
  /** `main`: every action; `sub`: the listed ones. */
  kind: 'main' | 'sub';
  actions: string[];
  status: 'enabled' | 'disabled';
  description: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** Whether the key reaches other instances too (made with the CLI): then the console only shows it. */
  reachesOthers: boolean;
  manageable: boolean;
}

const MAX_DESCRIPTION = 200;

/**
 * API keys of the signed-in administrator's instance. Keys made here are limited to that instance;
 * "main" means every action on it. Keys that reach other instances (the CLI's main-account keys)
 * are shown and managed only when this is the only instance, so that no instance's administrator
 * can act on another's keys.
 */
export function registerKeyRoutes(app: FastifyInstance, deps: KeysRouteDeps): void {
  const { auth, store } = deps;

  const visible = async (sdkAppId: number): Promise<ConsoleKey[]> => {
    const [keys, lastUsed, instances] = await Promise.all([store.apiKeys.list(), deps.usage.lastUsed(), store.instances.list()]);
    const onlyInstance = instances.length === 1 && instances[0]?.sdkAppId === sdkAppId;
    return keys.filter((key) => reaches(key, sdkAppId)).map((key) => view(key, sdkAppId, onlyInstance, lastUsed.get(key.secretId) ?? null));
  };

  const manageable = async (sdkAppId: number, secretId: string): Promise<ConsoleKey> => {
    const key = (await visible(sdkAppId)).find((k) => k.secretId === secretId);
    if (!key) throw new ConsoleError(404, 'not-found', `This instance has no key ${secretId}.`);
    if (!key.manageable) throw new ConsoleError(403, 'forbidden', `The key ${secretId} reaches other instances too; manage it with \`openccc keys\`.`);
    return key;
  };

  consoleRoute(app, auth, 'GET', '/keys', 'admin', async ({ user }) => ({ keys: await visible(user.sdkAppId) }));

  consoleRoute(app, auth, 'POST', '/keys', 'admin', async ({ user, body }) => {
    const input = isRecord(body) ? body : {};
    const kind = input['kind'];
    if (kind !== 'main' && kind !== 'sub') throw new ConsoleError(400, 'invalid', 'Choose the kind of key: main (every action) or sub (the actions you list).', 'kind');
    const description = typeof input['description'] === 'string' ? input['description'].trim() : '';
    if (description.length > MAX_DESCRIPTION) throw new ConsoleError(400, 'invalid', `The description is at most ${MAX_DESCRIPTION} characters.`, 'description');
    let actions = ['*'];
    if (kind === 'sub') {
      const list = input['actions'];
      actions = Array.isArray(list) ? list.filter((a): a is string => typeof a === 'string').map((a) => a.trim()).filter(Boolean) : [];
      if (actions.length === 0) throw new ConsoleError(400, 'invalid', 'A sub-account key needs at least one action, e.g. CreateSDKLoginToken or Describe*.', 'actions');
      const bad = checkActionPatterns(actions);
      if (bad) throw new ConsoleError(400, 'invalid', bad, 'actions');
    }
    const created = await createApiKey(store, deps.box, { actions, sdkAppIds: [user.sdkAppId] }, description, deps.clock());
    app.log.info({ mail: user.mail, secretId: created.secretId }, 'an API key was created in the console');
    // The only time the SecretKey leaves the server.
    return { secretId: created.secretId, secretKey: created.secretKey };
  });

  consoleRoute<unknown, Record<string, string | undefined>, { secretId: string }>(app, auth, 'PUT', '/keys/:secretId/status', 'admin', async ({ user, body, params }) => {
    const status = isRecord(body) ? body['status'] : undefined;
    if (status !== 'enabled' && status !== 'disabled') throw new ConsoleError(400, 'invalid', 'status is enabled or disabled.', 'status');
    await manageable(user.sdkAppId, params.secretId);
    await store.apiKeys.setStatus(params.secretId, status);
    return { secretId: params.secretId, status };
  });

  consoleRoute<unknown, Record<string, string | undefined>, { secretId: string }>(app, auth, 'DELETE', '/keys/:secretId', 'admin', async ({ user, params }) => {
    await manageable(user.sdkAppId, params.secretId);
    await store.apiKeys.delete(params.secretId);
  });
}


function reaches(key: ApiKey, sdkAppId: number): boolean {
  return !key.policy || key.policy.sdkAppIds === null || key.policy.sdkAppIds.includes(sdkAppId);
}

function view(key: ApiKey, sdkAppId: number, onlyInstance: boolean, lastUsedAt: number | null): ConsoleKey {
  const reachesOthers = !key.policy || key.policy.sdkAppIds === null || key.policy.sdkAppIds.some((id) => id !== sdkAppId);
  const actions = key.policy ? key.policy.actions : ['*'];
  return {
    secretId: key.secretId,
    kind: actions.length === 1 && actions[0] === '*' ? 'main' : 'sub',
    actions,
    status: key.status,
    description: key.description,
    createdAt: key.createdAt,
    lastUsedAt,
    reachesOthers,
    manageable: !reachesOthers || onlyInstance,
  };
}
