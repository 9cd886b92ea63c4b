import { isRecord, type Language } from '@openccc/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { TrunkRegistrationStatus } from '../sip/gateway/trunk-registrations.js';
import { DEFAULT_DIAL_PLAN } from '../sip/security/dial-plan.js';
import { TRUNK_DEFAULTS, TrunkError, trunkView, type SipTrunks, type TrunkChange, type TrunkInput, type TrunkView } from '../sip/trunks.js';
import type { SipTrunk } from '../store/ports.js';
import type { ConsoleAuth } from './console-auth.js';
import { ConsoleError } from './console-error.js';
import { consoleRoute } from './console-route.js';
import { languageOf } from './numbers-routes.js';
import { trunkErrorMessage } from './sip-trunk-errors.js';

/** The running SIP gateway as these routes need it (`RunningServer.sip`); null while SIP is off. */
export interface SipGatewayView {
  /** Re-reads the trunks and brings the registrations in line, after a change. */
  trunksChanged(): Promise<void>;
  registrations: { statuses(): TrunkRegistrationStatus[] };
}

export interface SipRoutesDeps {
  auth: ConsoleAuth;
  trunks: SipTrunks;
  gateway: SipGatewayView | null;
  /** The instance's SIP domain, `<SdkAppId>.<--sip-domain>`. */
  domainOf: (sdkAppId: number) => string;
  /** `host:port` phones send to (`--sip-address`, `--sip-port`; see `listeningProxy`). */
  outboundProxy: () => string;
  log: Logger;
}

/** What the console shows about SIP on the trunks and extensions pages. */
export interface ConsoleSipStatus {
  /** Whether the server runs the SIP gateway (`--sip on`); trunks and extensions can be prepared either way. */
  enabled: boolean;
  domain: string;
  outboundProxy: string;
  transport: 'udp';
  /** What a trunk gets for the settings left out, for the form to start from. */
  trunkDefaults: { port: number; transport: 'udp' | 'tcp'; expires: number; maxConcurrentCalls: number; dialPlan: { allow: string[]; deny: string[] } };
}

/** A trunk's registration as the console shows it; null for an ip trunk, or while SIP is off. */
export interface ConsoleTrunkRegistration {
  state: TrunkRegistrationStatus['state'] | 'disabled';
  until: number | null;
  reason: string | null;
}

export type ConsoleTrunk = TrunkView & { registration: ConsoleTrunkRegistration | null };

/**
 * The console's SIP trunks of the user's instance: list them with their registration state, add,
 * change, enable, disable and remove them. `SipTrunks` does the checks; its refusals come back with
 * the setting at fault as `error.field` and the message in the console's language. After a change
 * the gateway re-reads the trunks at once.
 */
export function registerSipRoutes(app: FastifyInstance, deps: SipRoutesDeps): void {
  const { auth, trunks, gateway } = deps;

  consoleRoute(app, auth, 'GET', '/sip', 'read', ({ user }): ConsoleSipStatus => ({
    enabled: gateway !== null,
    domain: deps.domainOf(user.sdkAppId),
    outboundProxy: deps.outboundProxy(),
    transport: 'udp',
    trunkDefaults: {
      port: TRUNK_DEFAULTS.sipPort,
      transport: TRUNK_DEFAULTS.transport,
      expires: TRUNK_DEFAULTS.expires,
      maxConcurrentCalls: TRUNK_DEFAULTS.maxConcurrentCalls,
      dialPlan: { allow: [...DEFAULT_DIAL_PLAN.allow], deny: [...DEFAULT_DIAL_PLAN.deny] },
    },
  }));

  consoleRoute(app, auth, 'GET', '/sip/trunks', 'read', async ({ user }) => {
    const list = await trunks.list(user.sdkAppId);
    return { trunks: list.map(withRegistration) };
  });

  consoleRoute<unknown, Record<string, string | undefined>, { id: string }>(app, auth, 'GET', '/sip/trunks/:id', 'read', async ({ user, req, params }) => {
    return withRegistration(await checked(req, trunks.require(user.sdkAppId, trunkId(params.id, req))));
  });

  consoleRoute(app, auth, 'POST', '/sip/trunks', 'admin', async ({ user, req, body }) => {
    const added = await checked(req, trunks.add(user.sdkAppId, trunkInputOf(body, languageOf(req))));
    await changed();
    return withRegistration(added);
  });

  consoleRoute<unknown, Record<string, string | undefined>, { id: string }>(app, auth, 'PUT', '/sip/trunks/:id', 'admin', async ({ user, req, params, body }) => {
    const updated = await checked(req, trunks.update(user.sdkAppId, trunkId(params.id, req), trunkChangeOf(body, languageOf(req))));
    await changed();
    return withRegistration(updated);
  });

  consoleRoute<unknown, Record<string, string | undefined>, { id: string }>(app, auth, 'PUT', '/sip/trunks/:id/state', 'admin', async ({ user, req, params, body }) => {
    const enabled = isRecord(body) ? body['enabled'] : undefined;
    if (typeof enabled !== 'boolean') throw shapeError(languageOf(req), 'enabled', 'enabled is true or false.', 'enabled 须为 true 或 false。');
    const updated = await checked(req, trunks.update(user.sdkAppId, trunkId(params.id, req), { enabled }));
    await changed();
    return withRegistration(updated);
  });

  consoleRoute<unknown, Record<string, string | undefined>, { id: string }>(app, auth, 'DELETE', '/sip/trunks/:id', 'admin', async ({ user, req, params }) => {
    await checked(req, trunks.remove(user.sdkAppId, trunkId(params.id, req)));
    await changed();
  });

  function withRegistration(trunk: SipTrunk): ConsoleTrunk {
    return { ...trunkView(trunk), registration: registrationOf(trunk, gateway) };
  }

  /** The change is saved whatever happens here: a gateway that cannot re-read now does so within half a minute. */
  async function changed(): Promise<void> {
    try {
      await gateway?.trunksChanged();
    } catch (err) {
      deps.log.warn({ err }, 'the SIP gateway could not re-read the trunks after a console change');
    }
  }
}

/** The configured outbound proxy with the port SIP listens on, when `--sip-port 0` let the system choose it. */
export function listeningProxy(configured: string, listeningPort: number | null): string {
  return listeningPort !== null && configured.endsWith(':0') ? `${configured.slice(0, -2)}:${listeningPort}` : configured;
}

/** A register trunk's state: the gateway's registration, else disabled or not (yet) registering. */
export function registrationOf(trunk: SipTrunk, gateway: SipGatewayView | null): ConsoleTrunkRegistration | null {
  if (trunk.kind !== 'register' || gateway === null) return null;
  if (!trunk.enabled) return { state: 'disabled', until: null, reason: null };
  const status = gateway.registrations.statuses().find((s) => s.trunkId === trunk.id);
  return status ? { state: status.state, until: status.until, reason: status.reason } : { state: 'unregistered', until: null, reason: null };
}

function trunkId(text: string, req: FastifyRequest): number {
  const id = /^[1-9]\d{0,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id)) throw new ConsoleError(404, 'not-found', languageOf(req) === 'en-US' ? `There is no trunk ${text}.` : `没有中继 ${text}。`);
  return id;
}

/** Awaits a trunk operation; a `TrunkError` becomes the console's, in the request's language, with its field. */
async function checked<T>(req: FastifyRequest, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof TrunkError)) throw error;
    const message = trunkErrorMessage(error, languageOf(req));
    if (error.code === 'not-found') throw new ConsoleError(404, 'not-found', message);
    throw new ConsoleError(error.code === 'conflict' ? 409 : 400, error.code, message, error.field);
  }
}

function shapeError(lang: Language, field: string, en: string, zh: string): ConsoleError {
  return new ConsoleError(400, 'invalid', lang === 'en-US' ? en : zh, field);
}

/** Reads a request body's trunk settings by their JSON types; what they hold is for `SipTrunks` to judge. */
class BodyReader {
  constructor(private readonly lang: Language) {}

  object(value: unknown, field: string): Record<string, unknown> {
    if (!isRecord(value)) throw shapeError(this.lang, field, `${field} must be an object.`, `${field} 须为对象。`);
    return value;
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string') throw shapeError(this.lang, field, `${field} must be text.`, `${field} 须为文本。`);
    return value;
  }

  integer(value: unknown, field: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw shapeError(this.lang, field, `${field} must be a whole number.`, `${field} 须为整数。`);
    return value;
  }

  strings(value: unknown, field: string): string[] {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw shapeError(this.lang, field, `${field} must be a list of texts.`, `${field} 须为文本列表。`);
    return value;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') throw shapeError(this.lang, field, `${field} is true or false.`, `${field} 须为 true 或 false。`);
    return value;
  }

  kind(value: unknown): TrunkInput['kind'] {
    if (value !== 'ip' && value !== 'register') throw shapeError(this.lang, 'kind', 'kind is "ip" or "register".', '类型须为 ip 或 register。');
    return value;
  }

  transport(value: unknown): 'udp' | 'tcp' {
    if (value !== 'udp' && value !== 'tcp') throw shapeError(this.lang, 'outbound.transport', 'outbound.transport is "udp" or "tcp".', '传输协议须为 udp 或 tcp。');
    return value;
  }

  outbound(value: unknown): TrunkInput['outbound'] {
    if (value === null) return null;
    const fields = this.object(value, 'outbound');
    return {
      host: this.string(fields['host'], 'outbound.host'),
      ...(fields['port'] === undefined ? {} : { port: this.integer(fields['port'], 'outbound.port') }),
      ...(fields['transport'] === undefined ? {} : { transport: this.transport(fields['transport']) }),
    };
  }

  dialPlan(value: unknown): NonNullable<TrunkInput['dialPlan']> {
    const fields = this.object(value, 'dialPlan');
    return {
      ...(fields['allow'] === undefined ? {} : { allow: this.strings(fields['allow'], 'dialPlan.allow') }),
      ...(fields['deny'] === undefined ? {} : { deny: this.strings(fields['deny'], 'dialPlan.deny') }),
    };
  }

  /** A registration's fields; in a change, an absent or empty password keeps the one saved. */
  register(value: unknown, keepPassword: boolean): NonNullable<TrunkChange['register']> {
    const fields = this.object(value, 'register');
    const password = fields['password'] === undefined ? undefined : this.string(fields['password'], 'register.password');
    const realm = fields['realm'];
    return {
      ...(fields['registrar'] === undefined ? {} : { registrar: this.string(fields['registrar'], 'register.registrar') }),
      ...(fields['username'] === undefined ? {} : { username: this.string(fields['username'], 'register.username') }),
      ...(password === undefined || (keepPassword && password === '') ? {} : { password }),
      ...(realm === undefined ? {} : { realm: realm === null ? null : this.string(realm, 'register.realm') }),
      ...(fields['expires'] === undefined ? {} : { expires: this.integer(fields['expires'], 'register.expires') }),
    };
  }
}

/** The settings common to a new trunk and a change, each only when the body names it. */
function commonFields(read: BodyReader, body: Record<string, unknown>): Omit<TrunkChange, 'register'> {
  return {
    ...(body['name'] === undefined ? {} : { name: read.string(body['name'], 'name') }),
    ...(body['kind'] === undefined ? {} : { kind: read.kind(body['kind']) }),
    ...(body['allow'] === undefined ? {} : { allow: read.strings(body['allow'], 'allow') }),
    ...(body['outbound'] === undefined ? {} : { outbound: read.outbound(body['outbound']) }),
    ...(body['callerIdNumbers'] === undefined ? {} : { callerIdNumbers: read.strings(body['callerIdNumbers'], 'callerIdNumbers') }),
    ...(body['dialPlan'] === undefined ? {} : { dialPlan: read.dialPlan(body['dialPlan']) }),
    ...(body['maxConcurrentCalls'] === undefined ? {} : { maxConcurrentCalls: read.integer(body['maxConcurrentCalls'], 'maxConcurrentCalls') }),
    ...(body['enabled'] === undefined ? {} : { enabled: read.boolean(body['enabled'], 'enabled') }),
  };
}

/** The body of `POST /sip/trunks`: `name` and `kind` are required, the rest as `TrunkInput`. */
export function trunkInputOf(body: unknown, lang: Language): TrunkInput {
  const read = new BodyReader(lang);
  const fields = read.object(body, 'trunk');
  const common = commonFields(read, fields);
  const raw = fields['register'];
  let register: TrunkInput['register'];
  if (raw === undefined || raw === null) register = null;
  else {
    const given = read.register(raw, false);
    register = {
      registrar: given.registrar ?? '',
      username: given.username ?? '',
      password: given.password ?? '',
      ...(given.realm === undefined ? {} : { realm: given.realm }),
      ...(given.expires === undefined ? {} : { expires: given.expires }),
    };
  }
  return { ...common, name: common.name ?? read.string(fields['name'], 'name'), kind: common.kind ?? read.kind(fields['kind']), register };
}

/** The body of `PUT /sip/trunks/:id`: the settings to change; `register: null` removes the registration. */
export function trunkChangeOf(body: unknown, lang: Language): TrunkChange {
  const read = new BodyReader(lang);
  const fields = read.object(body, 'trunk');
  const raw = fields['register'];
  return { ...commonFields(read, fields), ...(raw === undefined ? {} : { register: raw === null ? null : read.register(raw, true) }) };
}
