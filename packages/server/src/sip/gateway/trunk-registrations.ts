/**
 * The registrations of registration-based trunks: one client per enabled trunk, kept in step with
 * the configuration (added, changed and removed trunks are picked up on the next reconcile), and
 * the carrier addresses they registered with, from which that trunk's calls are accepted.
 */
import type { Logger } from 'pino';
import type { Scheduler } from '../../realtime/scheduler.js';
import { TrunkRegistration, type TrunkRegistrationEvent } from '../trunk-registration.js';
import type { Endpoint } from '../types.js';
import type { GatewayTrunk, SipDirectory } from './directory.js';
import { endpointOfUri, type SipStack } from './sip-stack.js';

/** A trunk's registration as operators see it. */
export interface TrunkRegistrationStatus {
  trunkId: number;
  state: 'registering' | 'registered' | 'failed' | 'unregistered';
  /** Registered until (ms since the epoch), or the next retry after a failure. */
  until: number | null;
  reason: string | null;
}

interface Running {
  /** The settings it was started with: a change restarts it. */
  fingerprint: string;
  client: TrunkRegistration;
  target: Endpoint;
  trunk: GatewayTrunk;
  status: TrunkRegistrationStatus;
}

export class TrunkRegistrations {
  private readonly running = new Map<number, Running>();
  private reconciling: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly options: { stack: SipStack; directory: SipDirectory; scheduler: Scheduler; now: () => number; log: Logger },
  ) {}

  /** The registration trunk whose registrar is at `address`, if any. */
  trunkFrom(address: string): GatewayTrunk | null {
    for (const running of this.running.values()) if (running.target.address === address) return running.trunk;
    return null;
  }

  /** Whether `address` is a registrar we registered with (its requests skip flood control). */
  trusted(address: string): boolean {
    return this.trunkFrom(address) !== null;
  }

  statuses(): TrunkRegistrationStatus[] {
    return [...this.running.values()].map((r) => ({ ...r.status }));
  }

  /** Starts, restarts and stops registrations to match the enabled trunks. */
  reconcile(): Promise<void> {
    this.reconciling ??= this.apply().finally(() => (this.reconciling = null));
    return this.reconciling;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.running.values()].map((r) => r.client.stop()));
    this.running.clear();
  }

  private async apply(): Promise<void> {
    if (this.closed) return;
    const trunks = (await this.options.directory.allTrunks()).filter((t) => t.kind === 'register' && t.register);
    const wanted = new Map(trunks.map((t) => [t.id, t]));
    for (const [id, running] of this.running) {
      const trunk = wanted.get(id);
      if (!trunk || fingerprint(trunk) !== running.fingerprint) {
        this.running.delete(id);
        void running.client.stop();
      }
    }
    for (const trunk of trunks) {
      if (this.running.has(trunk.id) || this.closed) continue;
      await this.start(trunk);
    }
  }

  private async start(trunk: GatewayTrunk): Promise<void> {
    const register = trunk.register!;
    const registrar = register.registrar.startsWith('sip:') ? register.registrar : `sip:${register.registrar}`;
    const target = trunk.outbound
      ? { transport: trunk.outbound.transport, address: (await endpointOfUri(`sip:${trunk.outbound.host}:${trunk.outbound.port}`))?.address ?? trunk.outbound.host, port: trunk.outbound.port }
      : await endpointOfUri(registrar);
    if (!target) {
      this.options.log.warn({ trunk: trunk.id, registrar }, 'a trunk registrar could not be resolved');
      return;
    }
    const { stack, scheduler, now, log } = this.options;
    const host = new URL(registrar.replace(/^sip:/, 'http://')).hostname;
    const status: TrunkRegistrationStatus = { trunkId: trunk.id, state: 'registering', until: null, reason: null };
    const client = new TrunkRegistration({
      transactions: stack.transactions,
      scheduler,
      now,
      target,
      registrar,
      aor: `sip:${register.username}@${host}`,
      contact: stack.contactUri(register.username, target.transport),
      username: register.username,
      password: register.password,
      expires: register.expires,
      via: () => stack.via(target.transport),
      log: log.child({ trunk: trunk.id }),
      onState: (event: TrunkRegistrationEvent) => {
        status.state = event.state;
        status.until = event.state === 'registered' ? event.expiresAt : event.state === 'failed' ? event.retryAt : null;
        status.reason = event.state === 'failed' ? event.reason : null;
      },
    });
    this.running.set(trunk.id, { fingerprint: fingerprint(trunk), client, target, trunk, status });
    client.start();
  }
}

function fingerprint(trunk: GatewayTrunk): string {
  return JSON.stringify([trunk.register, trunk.outbound]);
}
