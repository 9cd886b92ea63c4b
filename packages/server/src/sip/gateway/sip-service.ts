/**
 * SIP in the server: the listener, the transaction layer, the guards, the registrar and the
 * gateway, started when SIP is switched on and stopped with the server.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Dialer } from '../../engine/lines.js';
import type { Scheduler } from '../../realtime/scheduler.js';
import { DigestServer } from '../digest.js';
import { Registrar } from '../registrar.js';
import { AuthGuard } from '../security/auth-guard.js';
import { ConcurrencyCaps } from '../security/dial-plan.js';
import { FloodGuard } from '../security/flood-guard.js';
import { CallRateCap } from '../security/global-cap.js';
import { IpAllowlist } from '../security/ip-allowlist.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import { responseTarget } from '../transport/response-target.js';
import { SipSocketTransport } from '../transport/socket-transport.js';
import { SipDirectory, type SipDirectorySource } from './directory.js';
import { SipGateway, type GatewayEngine } from './sip-gateway.js';
import { PhoneAddresses } from './phone-addresses.js';
import { SipStack } from './sip-stack.js';
import { TrunkRegistrations } from './trunk-registrations.js';

/** The SIP listener could not open its port: the message says which setting moves it. */
export class SipListenError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'SipListenError';
  }
}

export interface SipSettings {
  address: string;
  port: number;
  /** The address written in Via and Contact, when peers must reach us at another one (NAT). */
  advertisedAddress: string | null;
  maxCalls: number;
  callsPerSecond: number;
  /** Addresses of the SIP edge (Kamailio) in front: their `X-OpenCCC-Source-IP` header is believed. */
  trustedProxies: string[];
}

export interface SipServiceOptions {
  settings: SipSettings;
  source: SipDirectorySource;
  engine: GatewayEngine;
  fallbackDialer: Dialer | null;
  scheduler: Scheduler;
  now: () => number;
  log: Logger;
}

export class SipService {
  private constructor(
    readonly transport: SipSocketTransport,
    readonly transactions: TransactionLayer,
    readonly gateway: SipGateway,
    readonly registrar: Registrar,
    readonly directory: SipDirectory,
    readonly registrations: TrunkRegistrations,
    private readonly sweep: NodeJS.Timeout,
  ) {}

  /** Re-reads the trunks now (after an operator changed them) instead of within the next half minute. */
  async trunksChanged(): Promise<void> {
    this.directory.invalidate();
    await this.registrations.reconcile();
  }

  static async start(options: SipServiceOptions): Promise<SipService> {
    const { settings, now, log, scheduler } = options;
    const directory = new SipDirectory(options.source, now);
    const proxies = new IpAllowlist(settings.trustedProxies);
    let registrations: TrunkRegistrations | null = null;
    const phones = new PhoneAddresses();
    // Carriers, the edge, registrars we registered with, and addresses where phones are registered
    // (an office's phones behind one NAT address) are not flood-limited; they authenticated.
    const flood = new FloodGuard({ now, trusted: (address) => proxies.has(address) || directory.trusted(address) || registrations?.trusted(address) === true || phones.has(address) });
    const transport = await SipSocketTransport.listen({
      address: settings.address,
      udpPort: settings.port,
      tcpPort: settings.port,
      admit: (source) => flood.admit(source.address),
      log: log.child({ sip: 'transport' }),
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      const where = `${settings.address}:${settings.port}`;
      if (code === 'EADDRINUSE') throw new SipListenError(`The SIP port ${where} is in use (EADDRINUSE), by another SIP server perhaps. Choose another with --sip-port (or OPENCCC_SIP_PORT), or stop what holds it.`, { cause: error });
      if (code === 'EACCES') throw new SipListenError(`Listening for SIP on ${where} is not permitted (EACCES). Use --sip-port 5060 or another port from 1024 up.`, { cause: error });
      if (code === 'EADDRNOTAVAIL') throw new SipListenError(`${settings.address} is not an address of this machine (EADDRNOTAVAIL). Choose one with --sip-address (or OPENCCC_SIP_ADDRESS).`, { cause: error });
      throw error;
    });
    const transactions = new TransactionLayer({ transport, scheduler, log: log.child({ sip: 'transactions' }), responseTarget });
    const stack = new SipStack(transport, transactions, settings.advertisedAddress ? { address: settings.advertisedAddress } : null);
    const secret = randomBytes(32);
    const digests = new Map<string, DigestServer>();
    const registrar = new Registrar({ now, log: log.child({ sip: 'registrar' }) });
    registrar.on('changed', (aor, bindings) => phones.set(aor, bindings.map((b) => b.source.address)));
    const trunkRegistrations = new TrunkRegistrations({ stack, directory, scheduler, now, log: log.child({ sip: 'trunks' }) });
    registrations = trunkRegistrations;
    const gateway = new SipGateway({
      stack,
      directory,
      registrar,
      digest: (realm) => {
        let digest = digests.get(realm);
        if (!digest) digests.set(realm, (digest = new DigestServer({ realm, secret, now })));
        return digest;
      },
      authGuard: new AuthGuard({ now }),
      rateCap: new CallRateCap({ now, maxPerSecond: settings.callsPerSecond, maxConcurrent: settings.maxCalls }),
      caps: new ConcurrencyCaps(),
      engine: options.engine,
      fallbackDialer: options.fallbackDialer,
      scheduler,
      now,
      log: log.child({ sip: 'gateway' }),
      trustedProxies: (address) => proxies.has(address),
      registrations: trunkRegistrations,
    });
    const reconcile = () => trunkRegistrations.reconcile().catch((err: unknown) => log.warn({ err }, 'the trunk registrations could not be brought up to date'));
    await reconcile();
    // Trunks changed by the CLI or the console (another process, perhaps) are picked up within this.
    const sweep = setInterval(() => {
      registrar.sweep();
      directory.invalidate();
      void reconcile();
    }, 30_000);
    sweep.unref();
    log.info({ udp: transport.local('udp'), tcp: transport.local('tcp') }, 'SIP listening');
    return new SipService(transport, transactions, gateway, registrar, directory, trunkRegistrations, sweep);
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    this.gateway.close();
    await this.registrations.close();
    this.transactions.close();
    await this.transport.close();
  }
}
