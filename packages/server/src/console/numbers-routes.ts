import { CloudApiError, isRecord, type IvrIssue, type Language } from '@openccc/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Services } from '../cloudapi/context.js';
import { InvalidIvrFlow, type RouteInput } from '../numbers/number-service.js';
import type { InstanceNumber } from '../store/ports.js';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { consoleRoute } from './console-route.js';

/** An IVR flow is small; 256 KB leaves room for 500 nodes with labels. */
const ROUTE_BODY_LIMIT = 256 * 1024;

/** A number as the console lists it; an IVR route carries its flow's name only (`GET /numbers/:number` has the flow). */
export interface ConsoleNumber {
  number: string;
  state: InstanceNumber['state'];
  route: { kind: 'none' } | { kind: 'skillGroup'; skillGroupId: number } | { kind: 'ivr'; name: string };
  callOutSkillGroupIds: number[];
}

/** A flow the protocol's validation refused: every issue, each with the path of its field, for the form to point at. */
export class IvrFlowRejected extends ConsoleError {
  constructor(readonly issues: readonly IvrIssue[]) {
    super(400, 'invalid', `The IVR flow is not valid:\n${issues.map((i) => `- ${i.message.en}`).join('\n')}`, issues[0] ? `flow.${issues[0].path}` : 'flow');
  }

  override toJSON(): { error: ReturnType<ConsoleError['toJSON']>['error'] & { issues: readonly IvrIssue[] } } {
    return { error: { ...super.toJSON().error, issues: this.issues } };
  }
}

/**
 * The console's numbers: list them with route and state, add and remove them, enable or disable
 * them, and route each to nothing, a skill group or an IVR flow. The number service does the work
 * and its checks; these routes only read the request and scope it to the user's instance.
 */
export function registerNumberRoutes(app: FastifyInstance, auth: ConsoleAuth, services: Services): void {
  const { numbers } = services;

  consoleRoute(app, auth, 'GET', '/numbers', 'read', async ({ user, req }) => {
    const { items } = await cloud(req, numbers.list(user.sdkAppId, 0, 100_000));
    return { numbers: items.map(summary) };
  });

  consoleRoute<unknown, Record<string, string | undefined>, { number: string }>(app, auth, 'GET', '/numbers/:number', 'read', async ({ user, req, params }) => {
    const found = await cloud(req, numbers.require(user.sdkAppId, params.number));
    const route = found.route.kind === 'ivr' ? { kind: 'ivr' as const, flow: JSON.parse(found.route.flow) as unknown } : found.route;
    return { ...summary(found), route };
  });

  consoleRoute(
    app,
    auth,
    'POST',
    '/numbers',
    'admin',
    async ({ user, req, body }) => {
      const fields = isRecord(body) ? body : {};
      const raw = fields['number'];
      if (typeof raw !== 'string' || raw.trim() === '') throw new ConsoleError(400, 'invalid', 'Enter the phone number.', 'number');
      const input = routeInput(fields['route'] ?? { kind: 'none' });
      return summary(await cloud(req, numbers.add(user.sdkAppId, raw.trim(), input), 'number'));
    },
    { bodyLimit: ROUTE_BODY_LIMIT },
  );

  consoleRoute<unknown, Record<string, string | undefined>, { number: string }>(
    app,
    auth,
    'PUT',
    '/numbers/:number/route',
    'admin',
    async ({ user, req, params, body }) => {
      const input = routeInput(body);
      return summary(await cloud(req, numbers.route(user.sdkAppId, params.number, input)));
    },
    { bodyLimit: ROUTE_BODY_LIMIT },
  );

  consoleRoute<unknown, Record<string, string | undefined>, { number: string }>(app, auth, 'PUT', '/numbers/:number/state', 'admin', async ({ user, req, params, body }) => {
    const state = isRecord(body) ? body['state'] : undefined;
    if (state !== 'enabled' && state !== 'disabled') throw new ConsoleError(400, 'invalid', 'state is "enabled" or "disabled".', 'state');
    await cloud(req, numbers.setDisabled(user.sdkAppId, [params.number], state === 'disabled'));
    return summary(await cloud(req, numbers.require(user.sdkAppId, params.number)));
  });

  consoleRoute<unknown, Record<string, string | undefined>, { number: string }>(app, auth, 'DELETE', '/numbers/:number', 'admin', async ({ user, req, params }) => {
    await cloud(req, numbers.remove(user.sdkAppId, params.number));
  });

  /** The body of a route change: `{kind: 'none'}`, `{kind: 'skillGroup', skillGroupId}` or `{kind: 'ivr', flow}`. */
  function routeInput(body: unknown): RouteInput {
    const kind = isRecord(body) ? body['kind'] : undefined;
    if (!isRecord(body) || (kind !== 'none' && kind !== 'skillGroup' && kind !== 'ivr')) {
      throw new ConsoleError(400, 'invalid', 'route.kind is "none", "skillGroup" or "ivr".', 'route.kind');
    }
    if (kind === 'none') return {};
    if (kind === 'skillGroup') {
      const id = body['skillGroupId'];
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) throw new ConsoleError(400, 'invalid', 'Choose a skill group.', 'skillGroupId');
      return { skillGroupId: id };
    }
    // The service checks the flow; a refused one comes back with every issue and its path (`cloud`).
    return { ivrFlow: body['flow'] };
  }
}

function summary(found: InstanceNumber): ConsoleNumber {
  return { number: found.number, state: found.state, route: found.route.kind === 'ivr' ? { kind: 'ivr', name: flowName(found.route.flow) } : found.route, callOutSkillGroupIds: found.callOutSkillGroupIds };
}

function flowName(flow: string): string {
  const parsed: unknown = JSON.parse(flow);
  return isRecord(parsed) && typeof parsed['name'] === 'string' ? parsed['name'] : '';
}

/** The language the console asked for (`X-TC-Language`), for the services' bilingual messages. */
export function languageOf(req: FastifyRequest): Language {
  return req.headers['x-tc-language'] === 'en-US' ? 'en-US' : 'zh-CN';
}

/** Awaits a service call; its Cloud API errors become the console's (ResourceNotFound → 404, FailedOperation → 409, the rest 400). */
export async function cloud<T>(req: FastifyRequest, work: Promise<T>, field?: string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    if (error instanceof InvalidIvrFlow) throw new IvrFlowRejected(error.issues);
    const message = error.messageIn(languageOf(req));
    if (error.code === 'ResourceNotFound') throw new ConsoleError(404, 'not-found', message);
    if (error.code === 'FailedOperation') throw new ConsoleError(409, 'conflict', message, field);
    throw new ConsoleError(400, 'invalid', message, error.code === 'InvalidParameterValue.SkillGroupError' ? 'skillGroupId' : field);
  }
}
