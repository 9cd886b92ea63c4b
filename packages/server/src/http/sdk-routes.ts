import {
  CloudApiError,
  PASSWORD_LOGIN_REQUEST,
  TOKEN_LOGIN_REQUEST,
  type LoginFailure,
  type PasswordLoginRequest,
  type Schema,
  type TokenLoginRequest,
} from '@openccc/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { LoginService } from '../auth/login-service.js';
import { SdkError } from '../auth/sdk-error.js';
import type { OriginPolicy } from '../staff/origins.js';
import { sendAsset, type Asset } from './static-assets.js';

export interface SdkRouteDeps {
  sdkAssets: Map<string, Asset> | null;
  login: LoginService;
  origins: OriginPolicy;
}

function fail(reply: FastifyReply, error: SdkError): FastifyReply {
  const body: LoginFailure = { error: { code: error.code, message: error.message } };
  return reply.code(error.httpStatus).header('Cache-Control', 'no-store').send(body);
}

/** Validates a login body with the protocol's schema; a body that does not fit is `invalidArgument`, naming the field. */
function parseBody<T>(schema: Schema<T>, body: unknown, hint: string): T {
  try {
    return schema.parse(body, '', 'json');
  } catch (error) {
    if (error instanceof CloudApiError) throw new SdkError('invalidArgument', `${error.message} ${hint}`);
    throw error;
  }
}

function parseTokenLogin(body: unknown): TokenLoginRequest {
  const request = parseBody(TOKEN_LOGIN_REQUEST, body, 'sdkAppId, userId and token come from the script tag (data-sdk-app-id, data-userid, data-token).');
  if (!/^[0-9a-f]{32}$/.test(request.token)) throw new SdkError('tokenInvalid', 'The token (data-token) must be the 32-character Token from CreateSDKLoginToken.');
  return request;
}

function parsePasswordLogin(body: unknown): PasswordLoginRequest {
  return parseBody(PASSWORD_LOGIN_REQUEST, body, 'Send {mail, password, sdkAppId?}.');
}

/**
 * The SdkURL script and the login endpoints: `/sdk/v1/tccc.js` (+ `.d.ts`),
 * `/sdk/v1/origin-check`, `/sdk/v1/login` (token → ticket) and
 * `/workbench/api/login` (password → ticket).
 */
export async function registerSdkRoutes(app: FastifyInstance, deps: SdkRouteDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler((error: { statusCode?: number }, req, reply) => {
      if (error instanceof SdkError) return fail(reply, error);
      // Fastify's own 4xx errors are about the request body; anything else is ours.
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return fail(reply, new SdkError('invalidArgument', 'The request body must be JSON of at most 16 KB.'));
      }
      req.log.error({ err: error }, 'login request failed');
      return fail(reply, new SdkError('internal', 'Internal error; try again.'));
    });

    for (const file of ['tccc.js', 'tccc.d.ts']) {
      scope.get(`/sdk/v1/${file}`, (req, reply) => {
        const asset = deps.sdkAssets?.get(file);
        if (!asset) return reply.code(503).type('text/plain').send('The SDK is not built; run `npm run build`.');
        // Any page may load the script (pages often add crossorigin="anonymous"); it holds no secrets.
        void reply.header('Access-Control-Allow-Origin', '*').header('Cross-Origin-Resource-Policy', 'cross-origin');
        return sendAsset(req, reply, asset, 'public, max-age=300, must-revalidate');
      });
    }

    scope.get<{ Querystring: { sdkAppId?: string; origin?: string } }>('/sdk/v1/origin-check', async (req, reply) => {
      // Browsers omit Origin on same-origin GETs; the script then names its page's origin. Advisory only:
      // the workbench, CSP frame-ancestors and the login endpoint enforce the list.
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : typeof req.query.origin === 'string' ? req.query.origin : '';
      const sdkAppId = Number(req.query.sdkAppId);
      void reply.header('Access-Control-Allow-Origin', '*').header('Cache-Control', 'no-store');
      if (!Number.isSafeInteger(sdkAppId) || !origin) return reply.send({ allowed: false, origin });
      return reply.send({ allowed: await deps.origins.isAllowed(sdkAppId, origin), origin });
    });

    scope.post('/sdk/v1/login', { bodyLimit: 16 * 1024 }, async (req, reply) => {
      return reply.header('Cache-Control', 'no-store').send(await deps.login.exchangeToken(parseTokenLogin(req.body), req.ip));
    });

    scope.post('/workbench/api/login', { bodyLimit: 16 * 1024 }, async (req, reply) => {
      return reply.header('Cache-Control', 'no-store').send(await deps.login.passwordLogin(parsePasswordLogin(req.body), req.ip));
    });
  });
}
