import { randomInt } from 'node:crypto';
import { cloudError } from '@openccc/protocol';
import type { SecretBox } from '../auth/secret-box.js';
import { requireInstance } from '../staff/instances.js';
import type { SipExtension, SipExtensionPatch, Store } from '../store/ports.js';
import { digestHa1 } from './digest.js';

/**
 * SIP extensions: the accounts desk phones and softphones register with (TCCC's CreateExtension
 * family). A phone registers `<ExtensionId>@<SdkAppId>.<sip domain>` through the outbound proxy
 * (OpenCCC's SIP listener) and authenticates with the ExtensionId as digest username, as TCCC's
 * phones do; the realm is the instance's domain, so equal ids in two instances never meet.
 *
 * The username is therefore guessable (short digits): resistance to scanners such as sipvicious'
 * svwar/svcrack rests on the generated passwords (20 characters from 57, about 116 bits) and on the
 * gateway's auth guard (identical answers for unknown users, per source and per username backoff,
 * bans), not on secret usernames.
 */

/** 1 to 32 digits: dialable from any keypad, and within the staff's ExtensionNumber limit. */
export const EXTENSION_ID_PATTERN = /^[0-9]{1,32}$/;

/** Letters and digits without the look-alikes 0/O, 1/l/I: read off a screen and typed into a phone's keypad menu. */
export const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
export const PASSWORD_LENGTH = 20;

/** A new extension password; `pick(n)` returns a uniform integer in [0, n) (crypto-random by default). */
export function generateExtensionPassword(pick: (max: number) => number = randomInt): string {
  let password = '';
  for (let i = 0; i < PASSWORD_LENGTH; i++) password += PASSWORD_ALPHABET[pick(PASSWORD_ALPHABET.length)];
  return password;
}

/** The digest HA1 (MD5, which every SIP phone supports) the registrar checks an extension's answers against. */
export function extensionHa1(extensionId: string, realm: string, password: string): string {
  return digestHa1('MD5', extensionId, realm, password);
}

/** What a sealed extension password is bound to, so that it cannot be moved to another extension. */
export function extensionSecretContext(sdkAppId: number, extensionId: string): string {
  return `sip-extension:${sdkAppId}:${extensionId}`;
}

/** An instance's SIP domain, also its digest realm: `1400000001.sip.example.com`. */
export function instanceSipDomain(sdkAppId: number, sipDomain: string): string {
  return `${sdkAppId}.${sipDomain.toLowerCase()}`;
}

/** The instance a SIP domain names (the host of an AOR or Request-URI), or null. */
export function instanceOfSipDomain(host: string, sipDomain: string): number | null {
  const suffix = `.${sipDomain.toLowerCase()}`;
  const lower = host.toLowerCase();
  if (!lower.endsWith(suffix)) return null;
  const prefix = lower.slice(0, -suffix.length);
  return /^[1-9][0-9]{0,15}$/.test(prefix) && Number.isSafeInteger(Number(prefix)) ? Number(prefix) : null;
}

/** An extension's live state, from the registrar and the calls. */
export interface ExtensionRegistration {
  registered: boolean;
  /** In a call. */
  busy: boolean;
}

/** Looks up whether an extension is registered (the SIP registrar provides it). */
export type RegistrationLookup = (sdkAppId: number, extensionId: string) => ExtensionRegistration;

/** The lookup while no registrar runs: every extension unregistered. */
export const UNREGISTERED: RegistrationLookup = () => ({ registered: false, busy: false });

/** What phones are told to use: the SIP domain (`--sip-domain`) and OpenCCC's SIP listener as `host:port`. */
export interface SipAccountSettings {
  domain: string;
  outboundProxy: string;
}

/** What a phone is configured with (DescribeExtension). */
export interface ExtensionAccount {
  extensionId: string;
  domain: string;
  password: string;
  outboundProxy: string;
  transport: 'udp';
}

export interface NewExtensionInput {
  extensionId: string;
  name: string;
  skillGroupIds?: number[];
  /** A staff mail; absent or empty: bound to nobody. */
  relation?: string;
}

export interface ExtensionChange {
  name?: string;
  skillGroupIds?: number[];
  /** A staff mail to bind, or empty to unbind. */
  relation?: string;
}

export interface ExtensionListQuery {
  pageNumber: number;
  pageSize: number;
  extensionIds?: string[];
  keyword?: string;
}

export interface ExtensionServiceDeps {
  store: Store;
  box: SecretBox;
  sip: SipAccountSettings;
  clock?: () => number;
  generatePassword?: () => string;
}

/** The instances' extensions: validation, passwords (HA1 and sealed) and the staff binding. Errors are Cloud API errors. */
export class ExtensionService {
  private readonly clock: () => number;
  private readonly generatePassword: () => string;

  constructor(private readonly deps: ExtensionServiceDeps) {
    this.clock = deps.clock ?? Date.now;
    this.generatePassword = deps.generatePassword ?? (() => generateExtensionPassword());
  }

  /** The instance's SIP domain and digest realm. */
  domainOf(sdkAppId: number): string {
    return instanceSipDomain(sdkAppId, this.deps.sip.domain);
  }

  /** Creates an extension with a generated password. */
  async create(sdkAppId: number, input: NewExtensionInput): Promise<void> {
    await requireInstance(this.deps.store.instances, sdkAppId);
    checkExtensionId(input.extensionId);
    const name = input.name.trim();
    if (name === '') throw cloudError('InvalidParameterValue', 'ExtensionName may not be empty.', 'ExtensionName 不能为空。');
    await this.requireGroups(sdkAppId, input.skillGroupIds ?? []);
    const relation = input.relation === undefined || input.relation === '' ? null : input.relation;
    const result = await this.deps.store.sipExtensions.create(
      { sdkAppId, extensionId: input.extensionId, name, skillGroupIds: input.skillGroupIds ?? [], relation, ...this.credentialsFor(sdkAppId, input.extensionId, this.generatePassword()) },
      this.clock(),
    );
    if (result === 'exists') {
      throw cloudError('FailedOperation.DuplicatedAccount', `Extension ${input.extensionId} already exists in instance ${sdkAppId}.`, `实例 ${sdkAppId} 中已存在分机 ${input.extensionId}。`);
    }
    if (result === 'no-staff') throw noStaff(sdkAppId, relation ?? '');
  }

  /** Throws ResourceNotFound for an extension the instance does not have. */
  async require(sdkAppId: number, extensionId: string): Promise<SipExtension> {
    await requireInstance(this.deps.store.instances, sdkAppId);
    const extension = await this.deps.store.sipExtensions.get(sdkAppId, extensionId);
    if (!extension) throw notFound(sdkAppId, extensionId);
    return extension;
  }

  /** The settings a phone registers with, the password included. */
  async account(sdkAppId: number, extensionId: string): Promise<ExtensionAccount> {
    const extension = await this.require(sdkAppId, extensionId);
    return {
      extensionId,
      domain: this.domainOf(sdkAppId),
      password: this.deps.box.open(extension.passwordSealed, extensionSecretContext(sdkAppId, extensionId)),
      outboundProxy: this.deps.sip.outboundProxy,
      transport: 'udp',
    };
  }

  async list(sdkAppId: number, query: ExtensionListQuery): Promise<{ total: number; items: SipExtension[] }> {
    await requireInstance(this.deps.store.instances, sdkAppId);
    return this.deps.store.sipExtensions.list(sdkAppId, {
      ...(query.extensionIds === undefined ? {} : { extensionIds: query.extensionIds }),
      ...(query.keyword === undefined ? {} : { keyword: query.keyword }),
      limit: query.pageSize,
      offset: query.pageNumber * query.pageSize,
    });
  }

  async modify(sdkAppId: number, extensionId: string, change: ExtensionChange): Promise<void> {
    await requireInstance(this.deps.store.instances, sdkAppId);
    const patch: SipExtensionPatch = {};
    if (change.name !== undefined) {
      const name = change.name.trim();
      if (name === '') throw cloudError('InvalidParameterValue', 'ExtensionName may not be empty.', 'ExtensionName 不能为空。');
      patch.name = name;
    }
    if (change.skillGroupIds !== undefined) {
      await this.requireGroups(sdkAppId, change.skillGroupIds);
      patch.skillGroupIds = change.skillGroupIds;
    }
    if (change.relation !== undefined) patch.relation = change.relation === '' ? null : change.relation;
    const result = await this.deps.store.sipExtensions.update(sdkAppId, extensionId, patch, this.clock());
    if (result === 'not-found') throw notFound(sdkAppId, extensionId);
    if (result === 'no-staff') throw noStaff(sdkAppId, change.relation ?? '');
  }

  async delete(sdkAppId: number, extensionId: string): Promise<void> {
    await requireInstance(this.deps.store.instances, sdkAppId);
    if (!(await this.deps.store.sipExtensions.delete(sdkAppId, extensionId, this.clock()))) throw notFound(sdkAppId, extensionId);
  }

  /** Replaces the password with a new generated one and returns it; the old one stops verifying at once. */
  async resetPassword(sdkAppId: number, extensionId: string): Promise<string> {
    await requireInstance(this.deps.store.instances, sdkAppId);
    const password = this.generatePassword();
    if (!(await this.deps.store.sipExtensions.setCredentials(sdkAppId, extensionId, this.credentialsFor(sdkAppId, extensionId, password), this.clock()))) {
      throw notFound(sdkAppId, extensionId);
    }
    return password;
  }

  /**
   * The HA1 the registrar verifies against, for the instance's current realm. An extension created
   * under another `--sip-domain` has its HA1 recomputed from the sealed password and stored.
   */
  async digestCredentials(sdkAppId: number, extensionId: string): Promise<{ ha1: string; realm: string } | undefined> {
    const extension = await this.deps.store.sipExtensions.get(sdkAppId, extensionId);
    if (!extension) return undefined;
    const realm = this.domainOf(sdkAppId);
    if (extension.realm === realm) return { ha1: extension.ha1, realm };
    const password = this.deps.box.open(extension.passwordSealed, extensionSecretContext(sdkAppId, extensionId));
    const credentials = this.credentialsFor(sdkAppId, extensionId, password);
    await this.deps.store.sipExtensions.setCredentials(sdkAppId, extensionId, credentials, this.clock());
    return { ha1: credentials.ha1, realm };
  }

  /**
   * Recomputes, from the sealed passwords, the HA1 of every extension created under another SIP
   * domain (`--sip-domain` changed), so that phones keep their passwords; returns how many changed.
   * Run at start-up, before the registrar reads HA1s.
   */
  async rekeyRealms(): Promise<number> {
    const page = 500;
    let changed = 0;
    for (const { sdkAppId } of await this.deps.store.instances.list()) {
      const realm = this.domainOf(sdkAppId);
      for (let offset = 0; ; offset += page) {
        const { items } = await this.deps.store.sipExtensions.list(sdkAppId, { limit: page, offset });
        for (const extension of items) {
          if (extension.realm === realm) continue;
          await this.digestCredentials(sdkAppId, extension.extensionId);
          changed += 1;
        }
        if (items.length < page) break;
      }
    }
    return changed;
  }

  private credentialsFor(sdkAppId: number, extensionId: string, password: string): { ha1: string; realm: string; passwordSealed: Buffer } {
    const realm = this.domainOf(sdkAppId);
    return { ha1: extensionHa1(extensionId, realm, password), realm, passwordSealed: this.deps.box.seal(password, extensionSecretContext(sdkAppId, extensionId)) };
  }

  private async requireGroups(sdkAppId: number, ids: number[]): Promise<void> {
    for (const id of new Set(ids)) {
      if (!(await this.deps.store.skillGroups.get(sdkAppId, id))) {
        throw cloudError('InvalidParameterValue.SkillGroupError', `Skill group ${id} does not exist in instance ${sdkAppId}.`, `实例 ${sdkAppId} 中不存在技能组 ${id}。`);
      }
    }
  }
}

/** Throws InvalidParameterValue unless the id is 1 to 32 digits. */
export function checkExtensionId(extensionId: string): void {
  if (!EXTENSION_ID_PATTERN.test(extensionId)) {
    throw cloudError(
      'InvalidParameterValue',
      `ExtensionId must be 1 to 32 digits, such as 8001, not "${extensionId}".`,
      `ExtensionId 应为 1 到 32 位数字，例如 8001，而不是 "${extensionId}"。`,
    );
  }
}

function notFound(sdkAppId: number, extensionId: string) {
  return cloudError('ResourceNotFound', `Instance ${sdkAppId} has no extension ${extensionId}. DescribeExtensions lists its extensions.`, `实例 ${sdkAppId} 中没有分机 ${extensionId}，可用 DescribeExtensions 查看本实例的分机。`);
}

function noStaff(sdkAppId: number, mail: string) {
  return cloudError('InvalidParameterValue.AccountNotExist', `No staff with the account ${mail} exists in instance ${sdkAppId}.`, `实例 ${sdkAppId} 中不存在座席账号 ${mail}。`);
}
