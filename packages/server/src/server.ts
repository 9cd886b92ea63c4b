import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LoginTokens } from './auth/login-tokens.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { RequestVerifier } from './auth/request-verifier.js';
import type { SecretBox } from './auth/secret-box.js';
import type { Services } from './cloudapi/context.js';
import { CloudApiDispatcher } from './cloudapi/dispatcher.js';
import { localUrl, type ServerConfig } from './config/config.js';
import { buildApp } from './http/app.js';
import { Metrics } from './http/metrics.js';
import { Presence } from './staff/presence.js';
import { SkillGroupService } from './staff/skill-group-service.js';
import { StaffService } from './staff/staff-service.js';
import { StatusService } from './staff/status-service.js';
import type { Store } from './store/ports.js';

export interface RunningServer {
  /** The public base URL (SdkURL and links are built on it). */
  url: string;
  port: number;
  app: FastifyInstance;
  services: Services;
  /** Stops accepting requests, finishes in-flight ones, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: ServerConfig;
  store: Store;
  box: SecretBox;
  log: Logger;
  clock?: () => number;
}

const PURGE_INTERVAL_MS = 60_000;

/** Starts OpenCCC's HTTP server on an opened data folder. */
export async function startServer({ config, store, box, log, clock = Date.now }: StartOptions): Promise<RunningServer> {
  const presence = new Presence();
  const staff = new StaffService(store, presence, clock);
  const services: Services = {
    store,
    presence,
    staff,
    skillGroups: new SkillGroupService(store, clock),
    status: new StatusService(store, presence, staff, clock),
    tokens: new LoginTokens(store.credentials, clock),
    clock,
    publicUrl: config.publicUrl ?? '',
    tokenTtlSeconds: config.tokenTtlSeconds,
  };
  const metrics = new Metrics();
  const dispatcher = new CloudApiDispatcher({
    services,
    verifier: new RequestVerifier(store.apiKeys, box),
    limiter: new RateLimiter(config.rateLimit.rate, config.rateLimit.burst),
    log,
  });
  let ready = false;
  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  const app = await buildApp({ log, dispatcher, metrics, store, clock, publicUrl: () => services.publicUrl, isReady: () => ready, https });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  services.publicUrl = config.publicUrl ?? localUrl(config.host, port, config.tls !== null);

  const purge = setInterval(() => {
    store.credentials.purgeExpired(clock()).catch((err: unknown) => log.warn({ err }, 'purging expired credentials failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();

  ready = true;
  log.info({ url: services.publicUrl, port, dataDir: config.dataDir }, 'openccc ready');

  let closing: Promise<void> | null = null;
  return {
    url: services.publicUrl,
    port,
    app,
    services,
    close() {
      closing ??= (async () => {
        ready = false;
        clearInterval(purge);
        await app.close();
        await store.close();
        log.info('openccc stopped');
      })();
      return closing;
    },
  };
}
