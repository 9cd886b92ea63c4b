import type { SipStatus, Trunk, TrunkKind, TrunkTransport } from './sip-api.js';

/**
 * The trunk form as the user edits it (texts as typed), and the request body it becomes. The form
 * does not judge the values: the server checks them and names the field at fault, which
 * `formFieldOf` maps back to the control.
 */
export interface TrunkForm {
  name: string;
  kind: TrunkKind;
  enabled: boolean;
  /** Source addresses or CIDRs, one per line (commas and spaces also separate). */
  allow: string;
  registrar: string;
  username: string;
  /** Write-only: empty when editing keeps the saved password. */
  password: string;
  realm: string;
  expires: string;
  /** Whether calls go out through the trunk. */
  outbound: boolean;
  host: string;
  port: string;
  transport: TrunkTransport;
  /** Instance numbers it may present; none: any of them. */
  callerIds: string[];
  dialAllow: string;
  dialDeny: string;
  maxCalls: string;
}

export type TrunkFormField = Exclude<keyof TrunkForm, 'enabled' | 'outbound'> | 'register' | 'form';

/** A new trunk's form: an ip trunk with the server's defaults filled in. */
export function newTrunkForm(defaults: SipStatus['trunkDefaults']): TrunkForm {
  return {
    name: '',
    kind: 'ip',
    enabled: true,
    allow: '',
    registrar: '',
    username: '',
    password: '',
    realm: '',
    expires: String(defaults.expires),
    outbound: true,
    host: '',
    port: String(defaults.port),
    transport: defaults.transport,
    callerIds: [],
    dialAllow: defaults.dialPlan.allow.join(' '),
    dialDeny: defaults.dialPlan.deny.join(' '),
    maxCalls: String(defaults.maxConcurrentCalls),
  };
}

/** A saved trunk's form; the password stays empty (kept unless a new one is typed). */
export function trunkForm(trunk: Trunk, defaults: SipStatus['trunkDefaults']): TrunkForm {
  return {
    name: trunk.name,
    kind: trunk.kind,
    enabled: trunk.enabled,
    allow: trunk.allow.join('\n'),
    registrar: trunk.register?.registrar ?? '',
    username: trunk.register?.username ?? '',
    password: '',
    realm: trunk.register?.realm ?? '',
    expires: String(trunk.register?.expires ?? defaults.expires),
    outbound: trunk.outbound !== null,
    host: trunk.outbound?.host ?? '',
    port: String(trunk.outbound?.port ?? defaults.port),
    transport: trunk.outbound?.transport ?? defaults.transport,
    callerIds: [...trunk.callerIdNumbers],
    dialAllow: trunk.dialPlan.allow.join(' '),
    dialDeny: trunk.dialPlan.deny.join(' '),
    maxCalls: String(trunk.maxConcurrentCalls),
  };
}

/** Entries of a list field: separated by new lines, commas, semicolons or spaces (Chinese punctuation too). */
export function splitList(text: string): string[] {
  return text.split(/[\s,;，；、]+/u).filter((entry) => entry !== '');
}

/**
 * A number field's value for the body: digits become a number, an empty field is left out (the
 * default, or on an edit the saved value), anything else is sent as typed for the server to refuse.
 */
export function numberOrText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : trimmed;
}

function withNumber(key: string, text: string): Record<string, number | string> {
  const value = numberOrText(text);
  return value === undefined ? {} : { [key]: value };
}

/**
 * The body of `POST /sip/trunks` or `PUT /sip/trunks/:id`: every setting, so that a change replaces
 * them all; the registration password only when one was typed (`editing`: an empty one keeps it).
 */
export function trunkBody(form: TrunkForm, editing: boolean): Record<string, unknown> {
  const register =
    form.kind === 'register'
      ? {
          registrar: form.registrar.trim(),
          username: form.username.trim(),
          ...(editing && form.password === '' ? {} : { password: form.password }),
          realm: form.realm.trim() === '' ? null : form.realm.trim(),
          ...withNumber('expires', form.expires),
        }
      : null;
  return {
    name: form.name.trim(),
    kind: form.kind,
    enabled: form.enabled,
    allow: splitList(form.allow),
    register,
    outbound: form.outbound ? { host: form.host.trim(), ...withNumber('port', form.port), transport: form.transport } : null,
    callerIdNumbers: [...form.callerIds],
    dialPlan: { allow: splitList(form.dialAllow), deny: splitList(form.dialDeny) },
    ...withNumber('maxConcurrentCalls', form.maxCalls),
  };
}

const SERVER_FIELDS: Readonly<Record<string, TrunkFormField>> = {
  name: 'name',
  kind: 'kind',
  allow: 'allow',
  outbound: 'host',
  'outbound.host': 'host',
  'outbound.port': 'port',
  'outbound.transport': 'transport',
  register: 'register',
  'register.registrar': 'registrar',
  'register.username': 'username',
  'register.password': 'password',
  'register.realm': 'realm',
  'register.expires': 'expires',
  callerIdNumbers: 'callerIds',
  dialPlan: 'dialAllow',
  'dialPlan.allow': 'dialAllow',
  'dialPlan.deny': 'dialDeny',
  maxConcurrentCalls: 'maxCalls',
};

/** The form control a server refusal's `field` names; `form` for one the form has no control for. */
export function formFieldOf(serverField: string | undefined): TrunkFormField {
  return (serverField !== undefined && SERVER_FIELDS[serverField]) || 'form';
}
