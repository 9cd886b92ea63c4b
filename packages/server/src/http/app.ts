import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CloudApiDispatcher } from '../cloudapi/dispatcher.js';
import type { Store } from '../store/ports.js';
import { clientErrorHandler, registerCloudApi } from './cloud-api-route.js';
import { trackInFlight } from './in-flight.js';
import { registerConsoleLogin } from './console-login.js';
import type { Metrics } from './metrics.js';
import { landingPage } from './pages.js';

export interface AppDeps {
  log: Logger;
  dispatcher: CloudApiDispatcher;
  metrics: Metrics;
  store: Store;
  clock: () => number;
  publicUrl: () => string;
  isReady: () => boolean;
  https?: { cert: Buffer; key: Buffer };
  trustProxy?: false | string;
}

/** The one HTTP application: Cloud API, health, metrics and pages. */
export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; drain: () => Promise<void> }> {
  // GET Cloud API requests may carry 32 KB of parameters in the URL, above Node's 16 KB header default.
  const maxHeaderSize = 64 * 1024;
  const tls = deps.https;
  const app = Fastify({
    loggerInstance: deps.log,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler,
    trustProxy: deps.trustProxy ?? false,
    serverFactory: (handler) => (tls ? createHttpsServer({ ...tls, maxHeaderSize }, handler) : createHttpServer({ maxHeaderSize }, handler)),
  }) as unknown as FastifyInstance;

  // Registered first so that every route, in every scope, is counted.
  const drain = trackInFlight(app);
  await registerCloudApi(app, deps.dispatcher, deps.metrics, (_req, reply) => reply.type('text/html; charset=utf-8').send(landingPage(deps.publicUrl())));

  app.get('/healthz', (_req, reply) =>
    deps.isReady() ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' }),
  );
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()));
  registerConsoleLogin(app, deps.store, deps.clock);
  return { app, drain };
}
