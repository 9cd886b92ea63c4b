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
import { SipStack } from './sip-stack.js';

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
    private readonly sweep: NodeJS.Timeout,
  ) {}

  static async start(options: SipServiceOptions): Promise<SipService> {
    const { settings, now, log, scheduler } = options;
    const directory = new SipDirectory(options.source, now);
    const proxies = new IpAllowlist(settings.trustedProxies);
    const flood = new FloodGuard({ now, trusted: (address) => proxies.has(address) || directory.trusted(address) });
    const transport = await SipSocketTransport.listen({
      address: settings.address,
      udpPort: settings.port,
      tcpPort: settings.port,
      admit: (source) => flood.admit(source.address),
      log: log.child({ sip: 'transport' }),
    });
    const transactions = new TransactionLayer({ transport, scheduler, log: log.child({ sip: 'transactions' }), responseTarget });
    const stack = new SipStack(transport, transactions, settings.advertisedAddress ? { address: settings.advertisedAddress } : null);
    const secret = randomBytes(32);
    const digests = new Map<string, DigestServer>();
    const registrar = new Registrar({ now, log: log.child({ sip: 'registrar' }) });
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
    });
    const sweep = setInterval(() => registrar.sweep(), 30_000);
    sweep.unref();
    log.info({ udp: transport.local('udp'), tcp: transport.local('tcp') }, 'SIP listening');
    return new SipService(transport, transactions, gateway, registrar, directory, sweep);
  }

  async close(): Promise<void> {
    clearInterval(this.sweep);
    this.gateway.close();
    this.transactions.close();
    await this.transport.close();
  }
}
