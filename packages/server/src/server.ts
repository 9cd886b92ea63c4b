import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LoginService } from './auth/login-service.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { LoginTokens } from './auth/login-tokens.js';
import { RateLimiter } from './auth/rate-limiter.js';
import { RequestVerifier } from './auth/request-verifier.js';
import type { SecretBox } from './auth/secret-box.js';
import { SignatureLedger } from './auth/signature-ledger.js';
import { WorkQueue } from './auth/work-queue.js';
import { callsUnavailable } from './calls/call-control.js';
import type { Services } from './cloudapi/context.js';
import { CloudApiDispatcher } from './cloudapi/dispatcher.js';
import { localUrl, type ServerConfig } from './config/config.js';
import { buildApp } from './http/app.js';
import { Metrics } from './http/metrics.js';
import { registerSdkRoutes } from './http/sdk-routes.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { loadAssets } from './http/static-assets.js';
import { registerWorkbenchRoutes } from './http/workbench-routes.js';
import { registerAgentRequests } from './realtime/agent-requests.js';
import { CallEngine } from './engine/call-engine.js';
import { registerCallRequests } from './engine/agent-call-requests.js';
import { loadPromptLibrary } from './ivr/prompt-library.js';
import { MediaPlane } from './media/media-plane.js';
import { RecordingLinks } from './calls/recording-links.js';
import { registerRecordingRoutes } from './http/recording-routes.js';
import { registerPhonePageRoutes } from './http/phone-page-routes.js';
import type { MediaPlaneOptions } from './media/media-options.js';
import { defaultScriptedNumbers } from './phone/scripted-numbers.js';
import { VirtualPhoneNetwork } from './phone/virtual-network.js';
import { AgentSessions } from './realtime/agent-sessions.js';
import { RealtimeHub } from './realtime/hub.js';
import { systemScheduler } from './realtime/scheduler.js';
import { NumberService } from './numbers/number-service.js';
import { promptCheck } from './numbers/prompt-check.js';
import { PromptService, promptFolder } from './prompts/prompt-service.js';
import { ExtensionService } from './sip/extensions.js';
import { SipService } from './sip/gateway/sip-service.js';
import { aorKey } from './sip/gateway/sip-gateway.js';
import { storeDirectorySource } from './sip/gateway/store-source.js';
import { OriginPolicy } from './staff/origins.js';
import { Presence } from './staff/presence.js';
import { SkillGroupService } from './staff/skill-group-service.js';
import { StaffService } from './staff/staff-service.js';
import { StatusService } from './staff/status-service.js';
import { groupRoutingLookup } from './staff/group-routing-service.js';
import { ConsoleAuth } from './console/console-auth.js';
import { registerConsole } from './console/console-app.js';
import { registerRoutingRoutes } from './console/routing-routes.js';
import { registerPushRoutes } from './console/push-routes.js';
import { PushService } from './push/push-service.js';
import type { PushDeliveryOptions } from './push/push-options.js';
import type { FetchFn } from './push/http-exchange.js';
import { registerExplorerRoutes } from './console/explorer-routes.js';
import { DashboardEndpoint } from './console/dashboard/dashboard-endpoint.js';
import { DashboardFeeds } from './console/dashboard/dashboard-feed.js';
import { registerKeyRoutes } from './console/keys-routes.js';
import { registerOriginRoutes } from './console/origins-routes.js';
import { KeyUsage } from './auth/key-usage.js';
import { registerNumberRoutes } from './console/numbers-routes.js';
import { registerPromptRoutes } from './console/prompts-routes.js';
import { listeningProxy, registerSipRoutes } from './console/sip-routes.js';
import { SipTrunks } from './sip/trunks.js';
import type { Store } from './store/ports.js';

export interface RunningServer {
  /** The public base URL (SdkURL and links are built on it). */
  url: string;
  port: number;
  app: FastifyInstance;
  services: Services;
  hub: RealtimeHub;
  /** The agents' sessions: connections, presence coupling, request handlers, call reservations. */
  sessions: AgentSessions;
  /** The call engine. */
  engine: CallEngine;
  media: MediaPlane;
  /** Data push: settings, the durable outbox and its deliverer. */
  push: PushService;
  /** The SIP gateway (trunks, desk phones), when `--sip on`. */
  sip: SipService | null;
  /** Stops accepting requests, finishes in-flight ones, closes the store. Idempotent. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: ServerConfig;
  store: Store;
  box: SecretBox;
  log: Logger;
  clock?: () => number;
  /** Built front-ends; default: the sdk, workbench and phone packages next to this one. */
  assetDirs?: { sdk: string; workbench: string; phone?: string; console?: string };
  /** Media plane overrides (tests run the workers from source). */
  media?: Partial<MediaPlaneOptions>;
  /** How long a virtual phone rung by an agent rings before it gives up (default 30 s; also the scripted no-answer numbers). */
  virtualNoAnswerMs?: number;
  /** Data push overrides: retry delays, timeout, concurrency (tests, benchmarks), and the `fetch` it sends with. */
  push?: { options?: Partial<PushDeliveryOptions>; fetch?: FetchFn };
}

const PURGE_INTERVAL_MS = 60_000;
const EXPIRED_RETENTION_MS = 86_400_000;
const DEFAULT_ASSET_DIRS = {
  sdk: fileURLToPath(new URL('../../sdk/dist/', import.meta.url)),
  workbench: fileURLToPath(new URL('../../workbench/dist/', import.meta.url)),
  phone: fileURLToPath(new URL('../../phone/dist/', import.meta.url)),
  console: fileURLToPath(new URL('../../console/dist/', import.meta.url)),
};

/** Starts OpenCCC's HTTP server on an opened data folder. */
export async function startServer({ config, store, box, log, clock = Date.now, assetDirs = DEFAULT_ASSET_DIRS, media: mediaOverrides, virtualNoAnswerMs = 30_000, push: pushOverrides = {} }: StartOptions): Promise<RunningServer> {
  const presence = new Presence();
  const staff = new StaffService(store, presence, clock);
  const status = new StatusService(store, presence, staff, clock);
  const prompts = new PromptService(store, promptFolder(config.dataDir), clock);
  const services: Services = {
    store,
    presence,
    staff,
    skillGroups: new SkillGroupService(store, clock),
    status,
    numbers: new NumberService(store, promptCheck(prompts), clock),
    prompts,
    extensions: new ExtensionService({
      store,
      box,
      clock,
      // Read when asked: with --sip-port 0 the port is known only once SIP listens.
      sip: {
        domain: config.sip.domain,
        get outboundProxy() {
          return listeningProxy(config.sip.outboundProxy, sip?.transport.local('udp').port ?? null);
        },
      },
    }),
    tokens: new LoginTokens(store.credentials, clock),
    calls: callsUnavailable(),
    clock,
    publicUrl: config.publicUrl ?? '',
    tokenTtlSeconds: config.tokenTtlSeconds,
  };
  const metrics = new Metrics();
  const keyUsage = new KeyUsage(store.apiKeys, clock, log);
  const dispatcher = new CloudApiDispatcher({
    keyUsage,
    services,
    verifier: new RequestVerifier(store.apiKeys, box),
    limiter: new RateLimiter(config.rateLimit.rate, config.rateLimit.burst),
    ledger: new SignatureLedger(clock),
    legacySignatures: config.legacySignatures,
    bodyBudgetBytes: config.bodyBudgetBytes,
    log,
  });
  const origins = new OriginPolicy(store.origins, () => new URL(services.publicUrl).origin);
  let sessions: AgentSessions | null = null;
  const throttle = new LoginThrottle(clock);
  // scrypt runs on libuv's thread pool (four threads by default): two at a time leave room for file I/O.
  const passwordWork = new WorkQueue({ maxActive: 2, maxWaiting: 32 });
  const login = new LoginService(store, origins, {
    ticketTtlSeconds: config.ticketTtlSeconds,
    throttle,
    passwordWork,
    clock,
    onLogin: (sdkAppId, mail, hash) => sessions?.onLogin(sdkAppId, mail, hash),
  });
  sessions = new AgentSessions({
    login,
    presence,
    status,
    log,
    clock,
    scheduler: systemScheduler,
    graceMs: config.presenceGraceSeconds * 1000,
    // Often enough that a connected agent's ticket never lapses, whatever the configured lifetime.
    extendEveryMs: Math.min(10 * 60_000, (config.ticketTtlSeconds * 1000) / 2),
  });
  registerAgentRequests(sessions, { presence, status });
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  // RTP legs take the lower half of the media ports, WebRTC legs (ICE) the upper half.
  const middle = Math.floor((config.media.ports.min + config.media.ports.max) / 2);
  const mediaAddress = config.media.address ?? (wildcard || config.host === 'localhost' ? '127.0.0.1' : config.host);
  const media = new MediaPlane({
    workers: config.media.workers,
    portRange: { min: config.media.ports.min, max: middle },
    webrtc: { portRange: [middle + 1, config.media.ports.max], additionalHostAddresses: [mediaAddress] },
    bindAddress: config.host === 'localhost' ? '127.0.0.1' : config.host,
    advertisedAddress: mediaAddress,
    logger: log,
    ...mediaOverrides,
  });
  const routing = config.routing;
  const engine = new CallEngine({
    store,
    presence,
    status,
    sessions,
    media,
    prompts: await loadPromptLibrary(),
    uploadedPromptFolder: prompts.folder,
    dataDir: config.dataDir,
    log,
    clock,
    scheduler: systemScheduler,
    directRingTimeoutMs: routing.ringTimeoutSeconds * 1000,
    groupSettings: groupRoutingLookup(store, routing),
  });
  services.staff.onMembershipChanged((sdkAppId, mails) => engine.membershipsChanged(sdkAppId, mails));
  services.skillGroups.onGroupChanged((sdkAppId, groupId) => engine.groupChanged(sdkAppId, groupId));
  // Subscribed before recovery: the records of calls a killed run left are pushed too.
  const push = new PushService({
    repo: store.push,
    box,
    log,
    clock,
    scheduler: systemScheduler,
    links: () => services.recordings,
    publicUrl: () => services.publicUrl,
    ...(pushOverrides.fetch ? { fetch: pushOverrides.fetch } : {}),
    ...(pushOverrides.options ? { options: pushOverrides.options } : {}),
  });
  engine.events.on('recordWritten', push.recordWritten);
  await engine.recover();
  services.calls = engine;
  services.recordings = RecordingLinks.fromDataFolder(config.dataDir, { clock });
  sessions.setCallViews((agent) => engine.callsOf(agent));
  registerCallRequests(sessions, engine, { rtpAgents: config.rtpAgents });
  const network = config.virtualPhones
    ? new VirtualPhoneNetwork({ engine, scripted: defaultScriptedNumbers(virtualNoAnswerMs), scheduler: systemScheduler, log, noAnswerMs: virtualNoAnswerMs })
    : null;
  if (network) engine.setDialer(network);
  // Before the registrar reads them: extensions made under another --sip-domain keep their passwords.
  const rekeyed = await services.extensions.rekeyRealms();
  if (rekeyed > 0) log.info({ extensions: rekeyed, domain: config.sip.domain }, 'sip extensions rekeyed for the sip domain');
  const sip = config.sip.enabled
    ? await SipService.start({
        settings: {
          address: config.sip.address,
          port: config.sip.port,
          advertisedAddress: config.sip.advertisedAddress,
          maxCalls: config.sip.maxCalls,
          callsPerSecond: config.sip.cps,
          trustedProxies: config.sip.trustedProxies,
        },
        source: storeDirectorySource(store, box, config.sip.domain),
        engine,
        fallbackDialer: network,
        scheduler: systemScheduler,
        now: clock,
        log,
      })
    : null;
  if (sip) {
    engine.setDialer(sip.gateway);
    services.sipRegistrations = (sdkAppId, extensionId) => ({ registered: sip.registrar.lookup(aorKey(sdkAppId, extensionId)).length > 0, busy: false });
  }
  engine.start();
  const hub = new RealtimeHub({ sessions, log, clock });

  let ready = false;
  const https = config.tls ? { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } : undefined;
  const { app, drain } = await buildApp({ log, dispatcher, metrics, store, clock, publicUrl: () => services.publicUrl, isReady: () => ready, https, trustProxy: config.trustProxy, webPhone: config.virtualPhones });
  // Hooks apply to every route of the app, those registered by buildApp included.
  registerSecurityHeaders(app);
  await registerSdkRoutes(app, { sdkAssets: loadAssets(assetDirs.sdk), login, origins });
  registerWorkbenchRoutes(app, loadAssets(assetDirs.workbench), origins, () => services.publicUrl);
  registerRecordingRoutes(app, { links: services.recordings, dataDir: config.dataDir });
  if (network) registerPhonePageRoutes(app, assetDirs.phone ? loadAssets(assetDirs.phone) : null);
  const consoleAssets = assetDirs.console ? loadAssets(assetDirs.console) : null;
  const consoleAuth = new ConsoleAuth({ store, throttle, passwordWork, clock });
  registerConsole(app, { auth: consoleAuth, services, assets: consoleAssets });
  registerRoutingRoutes(app, { auth: consoleAuth, store, skillGroups: services.skillGroups, serverDefaults: config.routing, clock });
  registerPushRoutes(app, consoleAuth, push);
  registerKeyRoutes(app, { auth: consoleAuth, store, box, usage: keyUsage, clock });
  registerExplorerRoutes(app, { auth: consoleAuth, assets: consoleAssets, publicUrl: () => services.publicUrl });
  registerOriginRoutes(app, { auth: consoleAuth, store, clock, serverOrigin: () => new URL(services.publicUrl).origin });
  registerNumberRoutes(app, consoleAuth, services);
  registerPromptRoutes(app, consoleAuth, services);
  registerSipRoutes(app, { auth: consoleAuth, trunks: new SipTrunks({ store, box, clock }), gateway: sip, domainOf: (id) => services.extensions.domainOf(id), outboundProxy: () => listeningProxy(config.sip.outboundProxy, sip?.transport.local('udp').port ?? null), log });
  const dashboard = new DashboardEndpoint({
    auth: consoleAuth,
    feeds: new DashboardFeeds({ presence, engine, store, clock, scheduler: systemScheduler, log }),
    log,
    publicUrl: () => services.publicUrl,
  });
  hub.attach(app.server, dashboard.route(network ? (req, socket, head) => network.upgrade(req, socket, head) : undefined));
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  services.publicUrl = config.publicUrl ?? localUrl(config.host, port, config.tls !== null);

  const purge = setInterval(() => {
    // Kept a day past expiry so that late uses are told 'expired' rather than 'invalid'.
    store.credentials.purgeExpired(clock() - EXPIRED_RETENTION_MS).catch((err: unknown) => log.warn({ err }, 'purging expired credentials failed'));
  }, PURGE_INTERVAL_MS);
  purge.unref();

  // After listen: the public URL, which recording links in pushes are built on, is known.
  push.start();
  ready = true;
  log.info({ url: services.publicUrl, port, dataDir: config.dataDir }, 'openccc ready');

  const realtime = hub;
  const agentSessions = sessions;
  let closing: Promise<void> | null = null;
  return {
    url: services.publicUrl,
    port,
    app,
    services,
    hub: realtime,
    sessions: agentSessions,
    engine,
    media,
    push,
    sip,
    close() {
      closing ??= (async () => {
        ready = false;
        clearInterval(purge);
        network?.close();
        await sip?.close();
        await engine.close();
        // After the engine (its last records are queued), before the store: attempts in flight are aborted and stay pending.
        await push.close();
        realtime.close();
        dashboard.close();
        const closed = app.close();
        // Requests in flight finish; then every connection (browsers keep some open) is closed.
        await drain();
        app.server.closeAllConnections();
        await closed;
        await media.close();
        await store.close();
        log.info('openccc stopped');
      })();
      return closing;
    },
  };
}
