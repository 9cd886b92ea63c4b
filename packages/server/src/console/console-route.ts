import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ConsoleAuth, ROLE_ADMIN, type ConsoleSession, type ConsoleUser } from './console-auth.js';
import { ConsoleError } from './console-error.js';

/** Where the console's API lives; every route below it answers JSON. */
export const CONSOLE_API = '/console/api/v1';
export const SESSION_COOKIE = 'openccc_console';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Who may use a route: `read` — administrators and QA staff (read-only views); `admin` —
 * administrators only. Every route that changes something is `admin`.
 */
export type ConsoleAccess = 'read' | 'admin';

export interface ConsoleRequest<Body = unknown, Query = Record<string, string | undefined>, Params = Record<string, string>> {
  user: ConsoleUser;
  session: ConsoleSession;
  body: Body;
  query: Query;
  params: Params;
  req: FastifyRequest;
  reply: FastifyReply;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Registers a console API route (path relative to `/console/api/v1`). Before the handler runs: the
 * session cookie must name a live session of an administrator or QA staff of the instance; the
 * role must allow the access; a request that is not GET must carry the session's CSRF token in
 * `X-CSRF-Token` and, when the browser sends one, an `Origin` equal to the server's own. The
 * handler's result is sent as JSON (undefined → 204); a thrown `ConsoleError` as its envelope.
 * Handlers act only on `user.sdkAppId`: an instance is never taken from the request.
 */
export function consoleRoute<Body = unknown, Query = Record<string, string | undefined>, Params = Record<string, string>>(
  app: FastifyInstance,
  auth: ConsoleAuth,
  method: Method,
  path: string,
  access: ConsoleAccess,
  handler: (request: ConsoleRequest<Body, Query, Params>) => unknown,
  options: { bodyLimit?: number } = {},
): void {
  app.route({
    method,
    url: `${CONSOLE_API}${path}`,
    ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
    handler: async (req, reply) => {
      try {
        const session = await requireSession(auth, req, access);
        const result = await handler({ user: session.user, session, body: req.body as Body, query: req.query as Query, params: req.params as Params, req, reply });
        if (reply.sent) return reply;
        void reply.header('Cache-Control', 'no-store');
        return result === undefined ? reply.code(204).send() : reply.send(result);
      } catch (error) {
        return sendConsoleError(req, reply, error);
      }
    },
  });
}

/** The session of a request, checked for role, CSRF token and origin; throws a `ConsoleError`. */
export async function requireSession(auth: ConsoleAuth, req: FastifyRequest, access: ConsoleAccess): Promise<ConsoleSession> {
  const session = await auth.session(cookieOf(req, SESSION_COOKIE));
  if (!session) throw new ConsoleError(401, 'unauthenticated', 'Sign in to the console first.');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    checkOrigin(req);
    const header = req.headers[CSRF_HEADER];
    if (!ConsoleAuth.csrfMatches(session, typeof header === 'string' ? header : undefined)) {
      throw new ConsoleError(403, 'csrf', 'The X-CSRF-Token header is missing or does not belong to this session; reload the console.');
    }
  }
  if (access === 'admin' && session.user.role !== ROLE_ADMIN) throw new ConsoleError(403, 'forbidden', 'Only administrators may do this.');
  return session;
}

/** A browser's cross-site request carries a foreign Origin: refused before anything else is read. */
export function checkOrigin(req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  const own = `${req.protocol}://${req.host}`;
  if (origin.toLowerCase() !== own.toLowerCase()) throw new ConsoleError(403, 'csrf', `Requests from ${origin} may not use this console.`);
}

export function sendConsoleError(req: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  const failure =
    error instanceof ConsoleError
      ? error
      : isFramework(error)
        ? new ConsoleError(error.statusCode, error.statusCode === 413 ? 'too-large' : 'invalid', error.message)
        : null;
  if (!failure) {
    req.log.error({ err: error, url: req.url }, 'a console request failed');
    return reply.code(500).header('Cache-Control', 'no-store').send(new ConsoleError(500, 'internal', 'Something went wrong on the server; its log says what.').toJSON());
  }
  return reply.code(failure.status).header('Cache-Control', 'no-store').send(failure.toJSON());
}

function isFramework(error: unknown): error is { statusCode: number; message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { statusCode?: unknown }).statusCode === 'number' && (error as { statusCode: number }).statusCode < 500;
}

/** One cookie's value from the request's Cookie header. */
export function cookieOf(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value for a session (or, without one, for ending it). */
export function sessionCookie(req: FastifyRequest, session: ConsoleSession | null): string {
  const secure = req.protocol === 'https' ? '; Secure' : '';
  if (!session) return `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0${secure}`;
  return `${SESSION_COOKIE}=${session.secret}; Path=/console; HttpOnly; SameSite=Strict${secure}`;
}
