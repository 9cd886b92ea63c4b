import { isIP } from 'node:net';
import type { SecretBox } from '../auth/secret-box.js';
import { parseInstanceNumber } from '../numbers/number-format.js';
import type { NewSipTrunk, SipTrunk, SipTrunkKind, Store } from '../store/ports.js';
import { DEFAULT_DIAL_PLAN } from './security/dial-plan.js';
import { parseCidr } from './security/ip-allowlist.js';

/**
 * Carrier trunks, one instance's each. An `ip` trunk is trusted by the source address of its
 * requests (`allow`, CIDRs); a `register` trunk registers with the carrier's registrar and is
 * trusted on that flow or by digest. Either may send calls out (`outbound`), within its dial plan,
 * its caller ids and its cap of concurrent calls.
 */

/** What an operator gives for a trunk (the CLI, later the console); the password in clear. */
export interface TrunkInput {
  name: string;
  kind: SipTrunkKind;
  allow?: string[];
  outbound?: { host: string; port?: number; transport?: 'udp' | 'tcp' } | null;
  register?: { registrar: string; username: string; password: string; realm?: string | null; expires?: number } | null;
  callerIdNumbers?: string[];
  dialPlan?: { allow?: string[]; deny?: string[] };
  maxConcurrentCalls?: number;
  enabled?: boolean;
}

/** A change to a trunk: absent fields are kept; a register block without password keeps the password. */
export type TrunkChange = Partial<Omit<TrunkInput, 'register'>> & {
  register?: { registrar?: string; username?: string; password?: string; realm?: string | null; expires?: number } | null;
};

/** A trunk as shown to operators: the password only as whether one is set. */
export type TrunkView = Omit<SipTrunk, 'register'> & {
  register: { registrar: string; username: string; realm: string | null; expires: number; passwordSet: boolean } | null;
};

/** A trunk that cannot be saved; `field` names the setting to fix. */
export class TrunkError extends Error {
  constructor(
    readonly code: 'invalid' | 'not-found' | 'conflict',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TrunkError';
  }
}

export const TRUNK_DEFAULTS = { sipPort: 5060, transport: 'udp', expires: 3600, maxConcurrentCalls: 30 } as const;
const LIMITS = { name: 64, list: 100, host: 253, username: 128, password: 256, realm: 128, expires: { min: 60, max: 86_400 }, calls: 100_000 } as const;
/** Shorter prefixes would trust a good part of the internet. */
const MIN_PREFIX = { ipv4: 8, ipv6: 32 } as const;
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function invalid(field: string, message: string): TrunkError {
  return new TrunkError('invalid', message, field);
}

function checkList(field: string, values: string[] | undefined): string[] {
  const list = (values ?? []).map((v) => v.trim());
  if (list.length > LIMITS.list) throw invalid(field, `${field} holds at most ${LIMITS.list} entries, not ${list.length}.`);
  return [...new Set(list)];
}

function checkHost(field: string, text: string): string {
  const host = text.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 0 && !HOST_NAME.test(host)) throw invalid(field, `${field} must be a host name or an IP address, such as sip.carrier.example or 192.0.2.10, not "${text}".`);
  return host.toLowerCase();
}

function checkPort(field: string, port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(field, `${field} must be a port from 1 to 65535, not ${port}.`);
  return port;
}

/** `host`, `host:port`, `[v6]:port`: a registrar's address. */
function checkHostPort(field: string, text: string): string {
  const trimmed = text.trim();
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(trimmed) ?? (isIP(trimmed) === 6 ? [trimmed, trimmed, undefined] : null);
  if (!match) throw invalid(field, `${field} must be host or host:port, such as sip.carrier.example:5060, not "${text}".`);
  const host = checkHost(field, match[1] ?? '');
  const port = match[2] === undefined ? null : checkPort(field, Number(match[2]));
  const shown = host.includes(':') ? `[${host}]` : host;
  return port === null ? shown : `${shown}:${port}`;
}

function checkText(field: string, text: string, max: number, what: string): string {
  if (text === '' || text.length > max || /[\s\p{Cc}]/u.test(text)) throw invalid(field, `${field} must be 1 to ${max} characters without spaces or control characters (${what}).`);
  return text;
}

function checkPrefixes(field: string, values: string[] | undefined, fallback: readonly string[]): string[] {
  if (values === undefined) return [...fallback];
  return checkList(field, values).map((prefix) => {
    const compact = prefix.replace(/[\s\-.()]/g, '');
    if (!/^\+?\d{0,20}$/.test(compact)) throw invalid(field, `${field} takes number prefixes such as 86, 0086 or +1 (empty: every number), not "${prefix}".`);
    return compact;
  });
}

/**
 * Checks and normalises a trunk (everything but whether its caller ids belong to the instance,
 * which needs the store). Returns it with the password in clear.
 */
export function validateTrunk(sdkAppId: number, input: TrunkInput): Omit<NewSipTrunk, 'register'> & { register: NonNullable<TrunkInput['register']> | null } {
  const name = input.name.trim();
  if (name === '' || name.length > LIMITS.name) throw invalid('name', `name must be 1 to ${LIMITS.name} characters.`);
  if (input.kind !== 'ip' && input.kind !== 'register') throw invalid('kind', `kind must be ip (trusted by source address) or register (registers with the carrier), not "${String(input.kind)}".`);
  const allow = checkList('allow', input.allow).map((text) => {
    const cidr = parseCidr(text);
    if (!cidr) throw invalid('allow', `allow takes IP addresses or CIDRs such as 192.0.2.0/24 or 2001:db8::/32, not "${text}".`);
    if (cidr.prefix < MIN_PREFIX[cidr.family]) throw invalid('allow', `${text} is too wide: it would trust a large part of the internet; give the carrier's addresses (at least /${MIN_PREFIX[cidr.family]}).`);
    return `${cidr.address}/${cidr.prefix}`;
  });
  if (input.kind === 'ip' && allow.length === 0) throw invalid('allow', 'An ip trunk needs the addresses its calls come from (allow), such as 192.0.2.10 or 192.0.2.0/24.');
  const register = input.register ?? null;
  if (input.kind === 'register' && register === null) throw invalid('register', 'A register trunk needs its registrar, username and password.');
  if (input.kind === 'ip' && register !== null) throw invalid('register', 'An ip trunk does not register; remove the registration or make the trunk kind register.');
  const expires = register?.expires ?? TRUNK_DEFAULTS.expires;
  if (register && (!Number.isInteger(expires) || expires < LIMITS.expires.min || expires > LIMITS.expires.max)) {
    throw invalid('register.expires', `register.expires must be ${LIMITS.expires.min} to ${LIMITS.expires.max} seconds, not ${expires}.`);
  }
  const realm = register?.realm?.trim() || null;
  if (realm !== null && realm.length > LIMITS.realm) throw invalid('register.realm', `register.realm is longer than ${LIMITS.realm} characters.`);
  const outbound = input.outbound
    ? {
        host: checkHost('outbound.host', input.outbound.host),
        port: checkPort('outbound.port', input.outbound.port ?? TRUNK_DEFAULTS.sipPort),
        transport: input.outbound.transport ?? TRUNK_DEFAULTS.transport,
      }
    : null;
  if (outbound && outbound.transport !== 'udp' && outbound.transport !== 'tcp') throw invalid('outbound.transport', `outbound.transport must be udp or tcp, not "${String(outbound.transport)}".`);
  const callerIdNumbers = checkList('callerIdNumbers', input.callerIdNumbers).map((text) => {
    const parsed = parseInstanceNumber(text);
    if (!parsed.ok) throw invalid('callerIdNumbers', parsed.reason.en);
    return parsed.number;
  });
  const maxConcurrentCalls = input.maxConcurrentCalls ?? TRUNK_DEFAULTS.maxConcurrentCalls;
  if (!Number.isInteger(maxConcurrentCalls) || maxConcurrentCalls < 1 || maxConcurrentCalls > LIMITS.calls) {
    throw invalid('maxConcurrentCalls', `maxConcurrentCalls must be 1 to ${LIMITS.calls}, not ${maxConcurrentCalls}.`);
  }
  return {
    sdkAppId,
    name,
    kind: input.kind,
    allow,
    outbound,
    register: register && {
      registrar: checkHostPort('register.registrar', register.registrar),
      username: checkText('register.username', register.username, LIMITS.username, 'the account the carrier gave'),
      password: checkText('register.password', register.password, LIMITS.password, 'the account\'s password'),
      realm,
      expires,
    },
    callerIdNumbers: [...new Set(callerIdNumbers)],
    dialPlan: { allow: checkPrefixes('dialPlan.allow', input.dialPlan?.allow, DEFAULT_DIAL_PLAN.allow), deny: checkPrefixes('dialPlan.deny', input.dialPlan?.deny, DEFAULT_DIAL_PLAN.deny) },
    maxConcurrentCalls,
    enabled: input.enabled ?? true,
  };
}

/** What a sealed register password is bound to: the instance and the account, so it cannot be moved. */
export function trunkSecretContext(sdkAppId: number, username: string, registrar: string): string {
  return `sip-trunk:${sdkAppId}:${username}@${registrar}`;
}

/** The trunk without its sealed password. */
export function trunkView(trunk: SipTrunk): TrunkView {
  const { register, ...rest } = trunk;
  return { ...rest, register: register && { registrar: register.registrar, username: register.username, realm: register.realm, expires: register.expires, passwordSet: true } };
}

export interface SipTrunksDeps {
  store: Store;
  box: SecretBox;
  clock?: () => number;
}

/** The instances' trunks: validation, the sealed password, caller ids owned by the instance. */
export class SipTrunks {
  private readonly clock: () => number;

  constructor(private readonly deps: SipTrunksDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  list(sdkAppId: number): Promise<SipTrunk[]> {
    return this.deps.store.sipTrunks.list(sdkAppId);
  }

  async require(sdkAppId: number, id: number): Promise<SipTrunk> {
    const trunk = await this.deps.store.sipTrunks.get(sdkAppId, id);
    if (!trunk) throw new TrunkError('not-found', `Instance ${sdkAppId} has no trunk ${id}; \`openccc sip trunk list\` lists its trunks.`);
    return trunk;
  }

  async add(sdkAppId: number, input: TrunkInput): Promise<SipTrunk> {
    const trunk = await this.prepare(sdkAppId, input);
    const id = await this.deps.store.sipTrunks.create(trunk, this.clock());
    if (id === undefined) throw new TrunkError('conflict', `Instance ${sdkAppId} already has a trunk named "${trunk.name}".`, 'name');
    return this.require(sdkAppId, id);
  }

  /** Applies a change; settings not named are kept, the password too unless a new one is given. */
  async update(sdkAppId: number, id: number, change: TrunkChange): Promise<SipTrunk> {
    const current = await this.require(sdkAppId, id);
    const previous = current.register;
    let register: TrunkInput['register'];
    if (change.register === null) register = null;
    else if (change.register === undefined && previous === null) register = null;
    else {
      const given = change.register ?? {};
      const password = given.password ?? (previous ? this.deps.box.open(previous.passwordSealed, trunkSecretContext(sdkAppId, previous.username, previous.registrar)) : undefined);
      const registrar = given.registrar ?? previous?.registrar;
      const username = given.username ?? previous?.username;
      if (registrar === undefined || username === undefined || password === undefined) throw invalid('register', 'A new registration needs its registrar, username and password.');
      const realm = given.realm === undefined ? previous?.realm : given.realm;
      register = { registrar, username, password, realm: realm ?? null, expires: given.expires ?? previous?.expires ?? TRUNK_DEFAULTS.expires };
    }
    const input: TrunkInput = {
      name: change.name ?? current.name,
      kind: change.kind ?? current.kind,
      allow: change.allow ?? current.allow,
      outbound: change.outbound === undefined ? current.outbound : change.outbound,
      register,
      callerIdNumbers: change.callerIdNumbers ?? current.callerIdNumbers,
      dialPlan: { allow: change.dialPlan?.allow ?? current.dialPlan.allow, deny: change.dialPlan?.deny ?? current.dialPlan.deny },
      maxConcurrentCalls: change.maxConcurrentCalls ?? current.maxConcurrentCalls,
      enabled: change.enabled ?? current.enabled,
    };
    const next = await this.prepare(sdkAppId, input);
    const result = await this.deps.store.sipTrunks.replace(id, next, this.clock());
    if (result === 'not-found') throw new TrunkError('not-found', `Instance ${sdkAppId} has no trunk ${id}.`);
    if (result === 'name-taken') throw new TrunkError('conflict', `Instance ${sdkAppId} already has a trunk named "${next.name}".`, 'name');
    return this.require(sdkAppId, id);
  }

  async remove(sdkAppId: number, id: number): Promise<void> {
    if (!(await this.deps.store.sipTrunks.delete(sdkAppId, id))) throw new TrunkError('not-found', `Instance ${sdkAppId} has no trunk ${id}.`);
  }

  /** The register password in clear, for the gateway's registration client only. */
  password(trunk: SipTrunk): string | null {
    if (!trunk.register) return null;
    return this.deps.box.open(trunk.register.passwordSealed, trunkSecretContext(trunk.sdkAppId, trunk.register.username, trunk.register.registrar));
  }

  private async prepare(sdkAppId: number, input: TrunkInput): Promise<NewSipTrunk> {
    const valid = validateTrunk(sdkAppId, input);
    for (const number of valid.callerIdNumbers) {
      const owner = await this.deps.store.numbers.find(number);
      if (owner?.sdkAppId !== sdkAppId) throw invalid('callerIdNumbers', `${number} is not a number of instance ${sdkAppId}; a trunk presents only the instance's own numbers (\`openccc number list\`).`);
    }
    const { register, ...rest } = valid;
    return {
      ...rest,
      register: register && {
        registrar: register.registrar,
        username: register.username,
        passwordSealed: this.deps.box.seal(register.password, trunkSecretContext(sdkAppId, register.username, register.registrar)),
        realm: register.realm ?? null,
        expires: register.expires ?? TRUNK_DEFAULTS.expires,
      },
    };
  }
}
