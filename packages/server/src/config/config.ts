import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseCidr } from '../sip/security/ip-allowlist.js';

/** Everything the server needs from flags and environment, read once by the CLI. */
export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  /** Base URL browsers and SDKs reach this server at, without a trailing slash; null: derived from the listening address. */
  publicUrl: string | null;
  tokenTtlSeconds: number;
  /** Login tickets live this long without a connection (a working day by default); connected agents' tickets are extended. */
  ticketTtlSeconds: number;
  /** An agent with no connection stays online this long before going offline. */
  presenceGraceSeconds: number;
  /** Cloud API requests per second per key (0: unlimited) and the burst allowed. */
  rateLimit: { rate: number; burst: number };
  tls: { certFile: string; keyFile: string } | null;
  masterKey: string | null;
  logLevel: string;
  /**
   * Behind reverse proxies: false, or the trusted proxies' addresses (comma-separated IPs, CIDRs or
   * `loopback`/`linklocal`/`uniquelocal`). The client address is then read from X-Forwarded-For, right
   * to left, skipping only trusted proxies, so a client cannot choose it.
   */
  trustProxy: false | string;
  /** Whether the older v1 signatures (the SDKs' `signMethod`) are accepted. */
  legacySignatures: boolean;
  /** The most bytes of Cloud API request bodies held at once, across all requests in flight. */
  bodyBudgetBytes: number;
  /** The media plane: UDP ports of RTP and WebRTC legs, worker threads, the address peers send audio to (null: derived from the host). */
  media: { ports: { min: number; max: number }; workers: number; address: string | null };
  /** Whether the virtual phone network (`/phone`, `/phone/v1`, scripted numbers) is on. */
  virtualPhones: boolean;
  /** Whether agents may answer with a plain RTP socket instead of the workbench's WebRTC (scripted agents for tests and benchmarks). */
  rtpAgents: boolean;
  /** Routing defaults of every skill group: ring timeout, longest queue wait (0: none), after-call work. */
  routing: { ringTimeoutSeconds: number; maxWaitSeconds: number; afterCallWorkSeconds: number };
  /** The SIP gateway (carrier trunks, desk phones): off until configured; see `resolveSipConfig`. */
  sip: SipConfig;
}

/** The SIP gateway's settings. */
export interface SipConfig {
  /** Off by default: no SIP socket is opened until an operator turns it on. */
  enabled: boolean;
  /** The address the SIP listener binds (default: the server's host). */
  address: string;
  port: number;
  /** The SIP domain: each instance's extensions live under `<SdkAppId>.<domain>`, which is also their digest realm. */
  domain: string;
  /** `host:port` phones send to (DescribeExtension's OutboundProxy). */
  outboundProxy: string;
  /** The address written in Via and Contact when it is not the bound one (a wildcard bind, NAT): `--sip-advertised-address`. */
  advertisedAddress: string | null;
  /** The SIP edge in front (Kamailio), as addresses or CIDRs: its `X-OpenCCC-Source-IP` header names a request's real source. */
  trustedProxies: string[];
  /** Concurrent SIP calls across every trunk and phone. */
  maxCalls: number;
  /** New SIP calls per second across the server. */
  cps: number;
}

export const DEFAULTS = {
  dataDir: './data',
  host: '127.0.0.1',
  port: 8080,
  tokenTtlSeconds: 600,
  ticketTtlSeconds: 43_200,
  presenceGraceSeconds: 30,
  rateLimit: 200,
  logLevel: 'info',
  legacySignatures: true,
  bodyBudgetMegabytes: 64,
  mediaPorts: '20000-29999',
  ringTimeoutSeconds: 30,
  maxWaitSeconds: 0,
  afterCallWorkSeconds: 0,
  sipPort: 5060,
  sipMaxCalls: 1000,
  sipCps: 100,
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not "${text}".`);
  return Number(text);
}

/** Flag value, else environment variable, else default. */
export function resolveServerConfig(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv): ServerConfig {
  const pick = (flag: string, envName: string): string | undefined => flags[flag] ?? env[envName];
  const dataDir = resolve(pick('data', 'OPENCCC_DATA_DIR') ?? DEFAULTS.dataDir);
  const host = pick('host', 'OPENCCC_HOST') ?? DEFAULTS.host;
  const port = integer('--port / OPENCCC_PORT', pick('port', 'OPENCCC_PORT') ?? String(DEFAULTS.port), 0, 65535);
  const tokenTtlSeconds = integer('--token-ttl / OPENCCC_TOKEN_TTL_SECONDS', pick('token-ttl', 'OPENCCC_TOKEN_TTL_SECONDS') ?? String(DEFAULTS.tokenTtlSeconds), 1, 86400);
  const ticketTtlSeconds = integer('--ticket-ttl / OPENCCC_TICKET_TTL_SECONDS', pick('ticket-ttl', 'OPENCCC_TICKET_TTL_SECONDS') ?? String(DEFAULTS.ticketTtlSeconds), 60, 30 * 86400);
  const presenceGraceSeconds = integer('--presence-grace / OPENCCC_PRESENCE_GRACE_SECONDS', pick('presence-grace', 'OPENCCC_PRESENCE_GRACE_SECONDS') ?? String(DEFAULTS.presenceGraceSeconds), 0, 3600);
  const rate = integer('--rate-limit / OPENCCC_RATE_LIMIT', pick('rate-limit', 'OPENCCC_RATE_LIMIT') ?? String(DEFAULTS.rateLimit), 0, 10_000_000);
  const certFile = pick('tls-cert', 'OPENCCC_TLS_CERT');
  const keyFile = pick('tls-key', 'OPENCCC_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new ConfigError('--tls-cert and --tls-key must be given together.');
  const tls = certFile && keyFile ? { certFile: resolve(certFile), keyFile: resolve(keyFile) } : null;
  const publicUrlText = pick('public-url', 'OPENCCC_PUBLIC_URL');
  let publicUrl: string | null = null;
  if (publicUrlText) {
    let parsed: URL;
    try {
      parsed = new URL(publicUrlText);
    } catch {
      throw new ConfigError(`--public-url must be an absolute URL such as https://ccc.example.com, not "${publicUrlText}".`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError('--public-url must be an http:// or https:// URL.');
    publicUrl = parsed.href.replace(/\/+$/, '');
  }
  const logLevel = pick('log-level', 'OPENCCC_LOG_LEVEL') ?? DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}".`);
  const trustProxy = parseTrustProxy(pick('trust-proxy', 'OPENCCC_TRUST_PROXY') ?? 'false');
  const legacySignatures = onOff('--legacy-signatures / OPENCCC_LEGACY_SIGNATURES', pick('legacy-signatures', 'OPENCCC_LEGACY_SIGNATURES'), DEFAULTS.legacySignatures);
  // At least one maximum-size (10 MB) body must fit.
  const bodyBudgetMegabytes = integer('--body-budget / OPENCCC_BODY_BUDGET_MB', pick('body-budget', 'OPENCCC_BODY_BUDGET_MB') ?? String(DEFAULTS.bodyBudgetMegabytes), 10, 65_536);
  const media = {
    ports: portRange('--media-ports / OPENCCC_MEDIA_PORTS', pick('media-ports', 'OPENCCC_MEDIA_PORTS') ?? DEFAULTS.mediaPorts),
    workers: integer('--media-workers / OPENCCC_MEDIA_WORKERS', pick('media-workers', 'OPENCCC_MEDIA_WORKERS') ?? String(Math.min(availableParallelism(), 16)), 1, 64),
    address: pick('media-address', 'OPENCCC_MEDIA_ADDRESS') ?? null,
  };
  const virtualPhones = onOff('--virtual-phones / OPENCCC_VIRTUAL_PHONES', pick('virtual-phones', 'OPENCCC_VIRTUAL_PHONES'), true);
  const rtpAgents = onOff('--rtp-agents / OPENCCC_RTP_AGENTS', pick('rtp-agents', 'OPENCCC_RTP_AGENTS'), false);
  const routing = {
    ringTimeoutSeconds: integer('--ring-timeout / OPENCCC_RING_TIMEOUT_SECONDS', pick('ring-timeout', 'OPENCCC_RING_TIMEOUT_SECONDS') ?? String(DEFAULTS.ringTimeoutSeconds), 5, 600),
    maxWaitSeconds: integer('--max-wait / OPENCCC_MAX_WAIT_SECONDS', pick('max-wait', 'OPENCCC_MAX_WAIT_SECONDS') ?? String(DEFAULTS.maxWaitSeconds), 0, 86_400),
    afterCallWorkSeconds: integer('--after-call-work / OPENCCC_AFTER_CALL_WORK_SECONDS', pick('after-call-work', 'OPENCCC_AFTER_CALL_WORK_SECONDS') ?? String(DEFAULTS.afterCallWorkSeconds), 0, 3600),
  };
  const sip = resolveSipConfig(pick, host, publicUrl);
  return {
    dataDir,
    host,
    port,
    publicUrl,
    tokenTtlSeconds,
    ticketTtlSeconds,
    presenceGraceSeconds,
    rateLimit: { rate, burst: Math.max(rate * 2, 1) },
    tls,
    masterKey: env['OPENCCC_MASTER_KEY'] ?? null,
    logLevel,
    trustProxy,
    legacySignatures,
    bodyBudgetBytes: bodyBudgetMegabytes * 1024 * 1024,
    media,
    virtualPhones,
    rtpAgents,
    routing,
    sip,
  };
}

/** A host name (not an IP address): labels of letters, digits and hyphens, the last one starting with a letter. */
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function resolveSipConfig(pick: (flag: string, envName: string) => string | undefined, host: string, publicUrl: string | null): SipConfig {
  const enabled = onOff('--sip / OPENCCC_SIP', pick('sip', 'OPENCCC_SIP'), false);
  const address = pick('sip-address', 'OPENCCC_SIP_ADDRESS') ?? host;
  const port = integer('--sip-port / OPENCCC_SIP_PORT', pick('sip-port', 'OPENCCC_SIP_PORT') ?? String(DEFAULTS.sipPort), 0, 65535);
  const publicHost = publicUrl === null ? null : new URL(publicUrl).hostname;
  const domainText = pick('sip-domain', 'OPENCCC_SIP_DOMAIN');
  if (domainText !== undefined && !DNS_NAME.test(domainText)) {
    throw new ConfigError(
      `--sip-domain / OPENCCC_SIP_DOMAIN must be a host name such as sip.example.com, not "${domainText}": each instance's phones register under <SdkAppId>.<domain>, so an IP address cannot serve. The name need not resolve; phones reach the server through its address (the outbound proxy).`,
    );
  }
  // The server's own name when it has one, else localhost: phones send to the outbound proxy, so the domain is a name only.
  const domain = (domainText ?? [host, publicHost].find((name): name is string => name !== null && DNS_NAME.test(name)) ?? 'localhost').toLowerCase();
  const wildcard = address === '0.0.0.0' || address === '::';
  const advertised = wildcard ? (publicHost ?? domain) : address;
  const outboundProxy = `${advertised.includes(':') && !advertised.startsWith('[') ? `[${advertised}]` : advertised}:${port}`;
  return {
    enabled,
    address,
    port,
    domain,
    outboundProxy,
    advertisedAddress: pick('sip-advertised-address', 'OPENCCC_SIP_ADVERTISED_ADDRESS') ?? (wildcard ? advertised : null),
    trustedProxies: trustedProxies(pick('sip-trusted-proxies', 'OPENCCC_SIP_TRUSTED_PROXIES') ?? ''),
    maxCalls: integer('--sip-max-calls / OPENCCC_SIP_MAX_CALLS', pick('sip-max-calls', 'OPENCCC_SIP_MAX_CALLS') ?? String(DEFAULTS.sipMaxCalls), 1, 1_000_000),
    cps: integer('--sip-cps / OPENCCC_SIP_CPS', pick('sip-cps', 'OPENCCC_SIP_CPS') ?? String(DEFAULTS.sipCps), 1, 100_000),
  };
}

/** Comma-separated addresses or CIDRs of the SIP edge. */
function trustedProxies(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const bad = entries.find((entry) => parseCidr(entry) === null);
  if (bad !== undefined) throw new ConfigError(`--sip-trusted-proxies / OPENCCC_SIP_TRUSTED_PROXIES must list addresses or CIDRs such as 10.0.0.5 or 10.0.0.0/24, not "${bad}".`);
  return entries;
}

/** `MIN-MAX`: a UDP port range of at least 100 ports (each call needs a few). */
function portRange(name: string, text: string): { min: number; max: number } {
  const match = /^(\d{1,5})-(\d{1,5})$/.exec(text.trim());
  const min = Number(match?.[1]);
  const max = Number(match?.[2]);
  if (!match || min < 1024 || max > 65535 || max - min < 99) throw new ConfigError(`${name} must be a range of at least 100 ports within 1024–65535, such as 20000-29999, not "${text}".`);
  return { min, max };
}

/** `on` or `off` (also true/false, yes/no, 1/0); the default when not given. */
export function onOff(name: string, text: string | undefined, fallback: boolean): boolean {
  if (text === undefined) return fallback;
  const value = text.trim().toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(value)) return true;
  if (['off', 'false', 'no', '0'].includes(value)) return false;
  throw new ConfigError(`${name} must be on or off, not "${text}".`);
}

/** The URL a browser on this machine reaches a server listening on host:port at. */
export function localUrl(host: string, port: number, tls: boolean): string {
  const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'https' : 'http'}://${shownHost}:${port}`;
}

function parseTrustProxy(text: string): false | string {
  if (text === 'false') return false;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.every((p) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p) || ['loopback', 'linklocal', 'uniquelocal'].includes(p))) return parts.join(',');
  throw new ConfigError(
    `--trust-proxy / OPENCCC_TRUST_PROXY must be false or the proxies' addresses, such as 127.0.0.1, 10.0.0.0/8 or loopback (trusting any sender would let clients choose their address), not "${text}".`,
  );
}
