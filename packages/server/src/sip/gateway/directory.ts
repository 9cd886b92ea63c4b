/**
 * What the gateway reads of the contact center's configuration: trunks and extensions, kept in a
 * short-lived cache so that a flood of requests never becomes a flood of store reads.
 */
import { IpAllowlist } from '../security/ip-allowlist.js';

/** A trunk as the gateway uses it. */
export interface GatewayTrunk {
  id: number;
  sdkAppId: number;
  name: string;
  kind: 'ip' | 'register';
  /** Source addresses an IP trunk's calls come from (CIDRs). */
  allow: string[];
  outbound: { host: string; port: number; transport: 'udp' | 'tcp' } | null;
  register: { registrar: string; username: string; password: string; realm?: string; expires: number } | null;
  callerIdNumbers: string[];
  dialPlan: { allow: string[]; deny: string[] };
  maxConcurrentCalls: number;
}

export interface GatewayExtension {
  sdkAppId: number;
  extensionId: string;
  /** Digest HA1 for the instance's realm. */
  ha1: string;
  /** The staff member (mail) the extension is bound to. */
  relation: string | null;
}

/** The store behind the gateway (the server adapts its store to this). */
export interface SipDirectorySource {
  trunks(): Promise<GatewayTrunk[]>;
  extension(sdkAppId: number, extensionId: string): Promise<GatewayExtension | null>;
  extensionOfStaff(sdkAppId: number, mail: string): Promise<GatewayExtension | null>;
  /** The digest realm and the domain of an instance's extensions. */
  realmOf(sdkAppId: number): string;
  /** The instance that owns a number as dialled (any usual spelling), if any. */
  numberOwner(number: string): Promise<number | null>;
  /** The instance a domain (the host of a phone's AOR or Request-URI) names, if any. */
  instanceOfDomain(host: string): number | null;
}

const TRUNK_CACHE_MS = 2_000;

export class SipDirectory {
  /** The trunks, each one's allowlist, and all their addresses in one list (asked for every datagram). */
  private cached: { at: number; trunks: GatewayTrunk[]; lists: Map<number, IpAllowlist>; trusted: IpAllowlist } | null = null;
  private loading: Promise<void> | null = null;

  constructor(
    readonly source: SipDirectorySource,
    private readonly now: () => number,
  ) {}

  /** The IP trunks whose allowlist holds `address`. */
  async trunksFrom(address: string): Promise<GatewayTrunk[]> {
    const { trunks, lists } = await this.load();
    return trunks.filter((t) => t.kind === 'ip' && lists.get(t.id)?.has(address));
  }

  /** Whether any trunk trusts `address` (flood control skips trusted carriers). */
  trusted(address: string): boolean {
    return this.cached?.trusted.has(address) ?? false;
  }

  /** The trunk an instance's outbound calls use: the first enabled one with an outbound target. */
  async outboundTrunk(sdkAppId: number): Promise<GatewayTrunk | null> {
    const { trunks } = await this.load();
    return trunks.find((t) => t.sdkAppId === sdkAppId && t.outbound !== null) ?? null;
  }

  async allTrunks(): Promise<GatewayTrunk[]> {
    return (await this.load()).trunks;
  }

  /** Forgets the cache (a trunk was changed). */
  invalidate(): void {
    this.cached = null;
  }

  private async load(): Promise<{ trunks: GatewayTrunk[]; lists: Map<number, IpAllowlist> }> {
    if (this.cached && this.now() - this.cached.at < TRUNK_CACHE_MS) return this.cached;
    this.loading ??= this.source.trunks().then(
      (trunks) => {
        this.cached = { at: this.now(), trunks, lists: new Map(trunks.map((t) => [t.id, new IpAllowlist(t.allow)])), trusted: new IpAllowlist(trunks.flatMap((t) => t.allow)) };
        this.loading = null;
      },
      (err: unknown) => {
        this.loading = null;
        throw err;
      },
    );
    await this.loading;
    return this.cached ?? { trunks: [], lists: new Map() };
  }
}
