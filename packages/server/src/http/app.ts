import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CloudApiDispatcher } from '../cloudapi/dispatcher.js';
import type { Store } from '../store/ports.js';
import { registerCloudApi, unsupportedMethod } from './cloud-api-route.js';
import { trackInFlight } from './in-flight.js';
import type { Metrics } from './metrics.js';
import { createClientErrors } from './malformed-http.js';
import { answerNotFound } from './not-found.js';
import { landingPage } from './pages.js';

/**
 * Slow senders are cut with an answer rather than held: the headers must arrive within 20 s (the
 * official SDKs send them at once), the whole request within 120 s (10 MB at about 0.7 Mbit/s).
 * Node checks every connection against these once a second.
 */
const HTTP_TIMEOUTS = { headersMs: 20_000, requestMs: 120_000, checkEveryMs: 1_000 } as const;

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
  /** Whether the virtual phone network is on: the landing page then links the web phone. */
  webPhone?: boolean;
}

/** The one HTTP application: Cloud API, health, metrics and pages. */
export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; drain: () => Promise<void> }> {
  // GET Cloud API requests may carry 32 KB of parameters in the URL, above Node's 16 KB header default.
  const maxHeaderSize = 64 * 1024;
  const tls = deps.https;
  const serverOptions = {
    maxHeaderSize,
    headersTimeout: HTTP_TIMEOUTS.headersMs,
    requestTimeout: HTTP_TIMEOUTS.requestMs,
    connectionsCheckingInterval: HTTP_TIMEOUTS.checkEveryMs,
  };
  const clientErrors = createClientErrors({
    log: deps.log,
    metrics: deps.metrics,
    // Read when an error happens, so the message states the limits in force.
    timeouts: () => ({ headersMs: app.server.headersTimeout, requestMs: app.server.requestTimeout }),
  });
  const app = Fastify({
    loggerInstance: deps.log,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler: clientErrors.handler,
    trustProxy: deps.trustProxy ?? false,
    serverFactory: (handler) => {
      const tracked: typeof handler = (req, res) => {
        clientErrors.track(req, res);
        handler(req, res);
      };
      return tls ? createHttpsServer({ ...tls, ...serverOptions }, tracked) : createHttpServer(serverOptions, tracked);
    },
  }) as unknown as FastifyInstance;

  // Registered first so that every route, in every scope, is counted.
  const drain = trackInFlight(app);
  await registerCloudApi(app, deps.dispatcher, deps.metrics, (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(landingPage({ publicUrl: deps.publicUrl(), webPhone: deps.webPhone ?? false })),
  );

  // Methods Fastify has no route table for (PROPFIND, …) end here; on `/` they still get the envelope.
  // Other unknown paths: JSON under the APIs, an HTML page in the reader's language elsewhere.
  const cloudApiMethod = unsupportedMethod(deps.metrics);
  app.setNotFoundHandler((req, reply) => (req.url === '/' || req.url.startsWith('/?') ? cloudApiMethod(req, reply) : answerNotFound(req, reply)));
  app.get('/healthz', (_req, reply) =>
    deps.isReady() ? reply.send({ status: 'ok' }) : reply.code(503).send({ status: 'starting' }),
  );
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.contentType).send(await deps.metrics.render()));
  return { app, drain };
}
