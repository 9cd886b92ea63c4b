import { CloudApiError, isRecord, type Language } from '@openccc/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SkillGroupService } from '../staff/skill-group-service.js';
import {
  GroupRoutingService,
  ROUTING_LIMITS,
  ROUTING_SETTINGS,
  validateGroupRoutingChange,
  type GroupRoutingChange,
  type RoutingSettingName,
  effectiveGroupRouting,
  type ServerRoutingDefaults,
} from '../staff/group-routing-service.js';
import type { Store } from '../store/ports.js';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { consoleRoute } from './console-route.js';

export interface RoutingRouteDeps {
  auth: ConsoleAuth;
  store: Store;
  /** The service UpdateCCCSkillGroup uses: `ringAll` goes through it, so the call engine hears of the change. */
  skillGroups: SkillGroupService;
  /** The server's routing flags, which apply where a group has no value of its own. */
  serverDefaults: ServerRoutingDefaults;
  clock: () => number;
}

/**
 * A skill group's routing for the console: `GET /skill-groups/:id/routing` shows the policy, the
 * group's own settings, what applies and where it comes from, and what would apply without the
 * group's own values; `PUT` changes them (a value sets the
 * group's own, `"default"` removes it, a missing key keeps it). Values are checked by the same
 * validation as `openccc group routing`.
 */
export function registerRoutingRoutes(app: FastifyInstance, deps: RoutingRouteDeps): void {
  const routing = new GroupRoutingService(deps.store, deps.clock);

  const view = async (sdkAppId: number, groupId: number) => {
    const shown = await routing.show(sdkAppId, groupId, deps.serverDefaults);
    const { group } = shown;
    return {
      group: { id: group.id, name: group.name, type: group.type, maxConcurrency: group.maxConcurrency, ringAll: group.ringAll },
      policy: shown.policy,
      own: shown.own,
      effective: shown.effective.settings,
      sources: shown.effective.sources,
      overflowGroupMissing: shown.overflowGroupMissing,
      /** What applies where the group has no value of its own. */
      defaults: effectiveGroupRouting({}, deps.serverDefaults),
      limits: ROUTING_LIMITS,
    };
  };

  consoleRoute<unknown, Record<string, string | undefined>, { id: string }>(app, deps.auth, 'GET', '/skill-groups/:id/routing', 'read', async ({ user, params, req }) => {
    const groupId = await existingGroup(deps.store, user.sdkAppId, params.id);
    return guarded(req, () => view(user.sdkAppId, groupId));
  });

  consoleRoute<unknown, Record<string, string | undefined>, { id: string }>(app, deps.auth, 'PUT', '/skill-groups/:id/routing', 'admin', async ({ user, params, body, req }) => {
    const groupId = await existingGroup(deps.store, user.sdkAppId, params.id);
    const { change, ringAll } = changeFrom(body, groupId, languageOf(req));
    return guarded(req, async () => {
      if (Object.keys(change).length > 0) await routing.update(user.sdkAppId, groupId, change);
      if (ringAll !== undefined) await deps.skillGroups.update(user.sdkAppId, groupId, { ringAll });
      return view(user.sdkAppId, groupId);
    });
  });
}

/** The group's id when it exists in the user's instance; another instance's group is simply not found. */
async function existingGroup(store: Store, sdkAppId: number, text: string): Promise<number> {
  const id = /^\d{1,15}$/.test(text) ? Number(text) : 0;
  if (id < 1 || !(await store.skillGroups.get(sdkAppId, id))) throw new ConsoleError(404, 'not-found', `There is no skill group ${text} in this instance.`);
  return id;
}

/**
 * The request body as a change. Shapes are checked here; values by `validateGroupRoutingChange`,
 * one setting at a time, so that an error names its field.
 */
function changeFrom(body: unknown, groupId: number, language: Language): { change: GroupRoutingChange; ringAll: boolean | undefined } {
  if (!isRecord(body)) throw new ConsoleError(400, 'invalid', 'Send the settings as a JSON object.');
  const known = new Set<string>([...ROUTING_SETTINGS, 'ringAll']);
  for (const key of Object.keys(body)) {
    if (!known.has(key)) throw new ConsoleError(400, 'invalid', `Unknown setting ${key}; the settings are ringAll, ${ROUTING_SETTINGS.join(', ')}.`, key);
  }
  const ringAll = body['ringAll'];
  if (ringAll !== undefined && typeof ringAll !== 'boolean') throw new ConsoleError(400, 'invalid', 'ringAll is true or false.', 'ringAll');
  const change: Record<string, unknown> = {};
  for (const name of ROUTING_SETTINGS) {
    if (!(name in body)) continue;
    const value = body[name];
    const single = { [name]: value } as GroupRoutingChange;
    try {
      validateGroupRoutingChange(groupId, single);
    } catch (error) {
      if (error instanceof CloudApiError) throw new ConsoleError(400, 'invalid', error.messageIn(language), name satisfies RoutingSettingName);
      throw error;
    }
    change[name] = value;
  }
  return { change: change as GroupRoutingChange, ringAll: ringAll as boolean | undefined };
}

/** The service's Cloud API errors (an overflow group that does not exist, a group deleted meanwhile) as console errors. */
async function guarded<T>(req: FastifyRequest, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    const message = error.messageIn(languageOf(req));
    if (/overflow/i.test(error.text.en)) throw new ConsoleError(400, 'invalid', message, 'overflowGroupId');
    if (error.code === 'InvalidParameterValue.SkillGroupError') throw new ConsoleError(404, 'not-found', message);
    throw new ConsoleError(400, 'invalid', message);
  }
}

function languageOf(req: FastifyRequest): Language {
  return req.headers['x-tc-language'] === 'en-US' ? 'en-US' : 'zh-CN';
}
