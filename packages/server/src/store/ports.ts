import type { TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';

/**
 * Storage ports. Callers depend only on these interfaces; adapters (SQLite now,
 * PostgreSQL later) implement them and must pass the shared contract suite in
 * `test-support/store-contract.ts`. All times are unix milliseconds.
 */

export interface Instance {
  sdkAppId: number;
  name: string;
  createdAt: number;
}

export type ApiKeyStatus = 'enabled' | 'disabled';

export interface ApiKeyPolicy {
  /** Allowed actions; `*` and trailing wildcards such as `Describe*` allowed. */
  actions: string[];
  /** Allowed SdkAppIds; null means every instance. */
  sdkAppIds: number[] | null;
}

export interface ApiKey {
  secretId: string;
  /** The SecretKey, encrypted with the data folder's master key. */
  secretKeySealed: Buffer;
  /** null for a main-account key (everything allowed). */
  policy: ApiKeyPolicy | null;
  status: ApiKeyStatus;
  description: string;
  createdAt: number;
  /** Refuse requests that do not sign X-TC-Action (x-tc-action in SignedHeaders). */
  requireSignedAction: boolean;
  /** Refuse any second use of a signature, even for the same action in the same second. */
  singleUseSignatures: boolean;
}

/** The per-key signature options, all off by default. */
export type ApiKeyOptions = Pick<ApiKey, 'requireSignedAction' | 'singleUseSignatures'>;

export interface ForwardingConfigRecord {
  Enabled?: boolean;
  Condition?: number;
  Target?: { Type?: number; StaffUserId?: string; SkillGroupId?: number; Extension?: string };
}

export interface Staff {
  sdkAppId: number;
  mail: string;
  name: string;
  staffNumber: string;
  phone: string;
  nick: string;
  userId: string;
  role: number;
  extensionNumber: string;
  passwordHash: string;
  useMobileCallOut: boolean;
  useMobileAccept: number;
  forwardingConfig: ForwardingConfigRecord | null;
  /** Set by ForceMemberOffline: the staff may not be online until RestoreMemberOnline. */
  forcedOffline: boolean;
  createdAt: number;
  modifiedAt: number;
}

export type NewStaff = Omit<Staff, 'createdAt' | 'modifiedAt' | 'forcedOffline'>;
export type StaffPatch = Partial<
  Pick<Staff, 'name' | 'phone' | 'nick' | 'staffNumber' | 'extensionNumber' | 'passwordHash' | 'useMobileCallOut' | 'useMobileAccept' | 'forwardingConfig' | 'forcedOffline'>
>;

export interface StaffQuery {
  mail?: string;
  modifiedSince?: number;
  skillGroupId?: number;
  limit: number;
  offset: number;
}

export interface SkillGroup {
  id: number;
  sdkAppId: number;
  name: string;
  type: number;
  maxConcurrency: number;
  ringAll: boolean;
  routePolicy: string;
  usingLastSeat: boolean;
  alias: string;
  createdAt: number;
  modifiedAt: number;
}

export type NewSkillGroup = Pick<SkillGroup, 'sdkAppId' | 'name' | 'type' | 'maxConcurrency'>;
export type SkillGroupPatch = Partial<Pick<SkillGroup, 'name' | 'maxConcurrency' | 'ringAll'>>;

export interface SkillGroupQuery {
  id?: number;
  name?: string;
  modifiedSince?: number;
  limit: number;
  offset: number;
}

export interface Membership {
  skillGroupId: number;
  skillGroupName: string;
  skillGroupType: number;
  priority: number;
}

export type CredentialKind = 'sdk-token' | 'admin-link' | 'login-ticket' | 'console-session';

/** A short-lived bearer secret; only the SHA-256 of the secret is stored. */
export interface Credential {
  kind: CredentialKind;
  hash: string;
  sdkAppId: number;
  mail: string;
  onlyOnce: boolean;
  expiresAt: number;
  createdAt: number;
  usedAt: number | null;
}

export interface StatusHistoryEntry {
  sdkAppId: number;
  mail: string;
  status: string;
  reason: string;
  sessionId: string;
  at: number;
}

export interface InstanceRepo {
  create(instance: Instance): Promise<void>;
  get(sdkAppId: number): Promise<Instance | undefined>;
  list(): Promise<Instance[]>;
}

export interface ApiKeyRepo {
  create(key: ApiKey): Promise<void>;
  get(secretId: string): Promise<ApiKey | undefined>;
  list(): Promise<ApiKey[]>;
  setStatus(secretId: string, status: ApiKeyStatus): Promise<boolean>;
  /** Changes the given options of an existing key; false when there is no such key. */
  setOptions(secretId: string, options: Partial<ApiKeyOptions>): Promise<boolean>;
  delete(secretId: string): Promise<boolean>;
  /** Records that the key signed a request at `at` (unix ms). */
  touch(secretId: string, at: number): Promise<void>;
  /** When each key last signed a request; keys never used are absent. */
  lastUsed(): Promise<Map<string, number>>;
}

export interface StaffRepo {
  /** Inserts each row; returns for each whether it was created (false: the mail exists). */
  createMany(rows: NewStaff[], memberships: Array<Array<{ skillGroupId: number; priority: number }>>, now: number): Promise<boolean[]>;
  get(sdkAppId: number, mail: string): Promise<Staff | undefined>;
  list(sdkAppId: number, query: StaffQuery): Promise<{ total: number; items: Staff[] }>;
  update(sdkAppId: number, mail: string, patch: StaffPatch, now: number): Promise<boolean>;
  /** Deletes staff and every credential (tokens, tickets, links) they held; returns the mails deleted. */
  delete(sdkAppId: number, mails: string[]): Promise<string[]>;
  /** Memberships keyed by lower-case mail, each list ordered by priority. */
  memberships(sdkAppId: number, mails: string[]): Promise<Map<string, Membership[]>>;
  /** Adds or re-prioritises memberships; groups of other instances are ignored. */
  bind(sdkAppId: number, mail: string, groups: Array<{ skillGroupId: number; priority: number }>, now: number): Promise<void>;
  /** Replaces all memberships. */
  setGroups(sdkAppId: number, mail: string, groups: Array<{ skillGroupId: number; priority: number }>, now: number): Promise<void>;
  unbind(sdkAppId: number, mail: string, skillGroupIds: number[], now: number): Promise<void>;
  mailsInGroups(sdkAppId: number, skillGroupIds: number[]): Promise<string[]>;
}

export interface SkillGroupRepo {
  /** Returns the new id, or undefined when the name is taken in the instance. */
  create(group: NewSkillGroup, now: number): Promise<number | undefined>;
  get(sdkAppId: number, id: number): Promise<SkillGroup | undefined>;
  byNames(sdkAppId: number, names: string[]): Promise<SkillGroup[]>;
  list(sdkAppId: number, query: SkillGroupQuery): Promise<{ total: number; items: SkillGroup[] }>;
  /** false when the group does not exist; throws on nothing; 'name-taken' when renaming onto another group. */
  update(sdkAppId: number, id: number, patch: SkillGroupPatch, now: number): Promise<'ok' | 'not-found' | 'name-taken'>;
  delete(sdkAppId: number, id: number): Promise<boolean>;
}

export interface CredentialRepo {
  issue(credential: Credential): Promise<void>;
  /** Issues a credential and revokes every other of its kind held by the same staff, in one step. */
  issueExclusive(credential: Credential): Promise<void>;
  /** Looks a credential up without marking it used. */
  find(kind: CredentialKind, hash: string): Promise<Credential | undefined>;
  /**
   * Looks a credential up and marks it used in the same step. `firstUse` is
   * true for exactly one redeem of a given credential, whatever the concurrency.
   */
  redeem(kind: CredentialKind, hash: string, now: number): Promise<{ credential: Credential; firstUse: boolean } | undefined>;
  /** Extends a credential's lifetime (login tickets while the agent is connected). */
  extend(kind: CredentialKind, hash: string, expiresAt: number): Promise<void>;
  revoke(kind: CredentialKind, hash: string): Promise<void>;
  /** Revokes every credential of that kind held by the staff except `keepHash`; returns how many. */
  revokeOthers(kind: CredentialKind, sdkAppId: number, mail: string, keepHash: string): Promise<number>;
  purgeExpired(now: number): Promise<number>;
}

export interface StatusHistoryRepo {
  append(entry: StatusHistoryEntry): Promise<void>;
  /** Entries of one staff with `at` in [from, to], in the order they were appended, after the cursor (an opaque id). */
  list(sdkAppId: number, mail: string, from: number, to: number, afterCursor: number, limit: number): Promise<Array<StatusHistoryEntry & { cursor: number }>>;
}

/** Origins allowed to embed an instance's workbench (`https://crm.example.com`, or `*`). */
export interface OriginRepo {
  list(sdkAppId: number): Promise<string[]>;
  /** false when it was already there. */
  add(sdkAppId: number, origin: string, now: number): Promise<boolean>;
  /** false when it was not there. */
  remove(sdkAppId: number, origin: string): Promise<boolean>;
}

export type NumberState = 'enabled' | 'disabled';

/** Where an inbound call to a number goes: nowhere yet, straight to a skill group, or into an IVR flow (its JSON, validated before it is stored). */
export type NumberRoute = { kind: 'none' } | { kind: 'skillGroup'; skillGroupId: number } | { kind: 'ivr'; flow: string };

/** An instance's phone number, in `0086…` form; a number belongs to one instance at most. */
export interface InstanceNumber {
  sdkAppId: number;
  number: string;
  /** A skill-group route whose group was deleted reads as `none`. */
  route: NumberRoute;
  state: NumberState;
  /** Skill groups whose outbound calls may show this number, ascending. */
  callOutSkillGroupIds: number[];
  createdAt: number;
  modifiedAt: number;
}

export type NewInstanceNumber = Pick<InstanceNumber, 'sdkAppId' | 'number' | 'route' | 'state'>;

export interface NumberRepo {
  /** false when the number exists already, in any instance. */
  add(row: NewInstanceNumber, now: number): Promise<boolean>;
  /** The number in whichever instance holds it (inbound calls look numbers up this way). */
  find(number: string): Promise<InstanceNumber | undefined>;
  /** The instance's numbers in ascending order. */
  list(sdkAppId: number, page: { limit: number; offset: number }): Promise<{ total: number; items: InstanceNumber[] }>;
  /** false when the instance has no such number. */
  setRoute(sdkAppId: number, number: string, route: NumberRoute, now: number): Promise<boolean>;
  /** Sets the state of those of `numbers` the instance holds; returns them. */
  setState(sdkAppId: number, numbers: string[], state: NumberState, now: number): Promise<string[]>;
  /** Adds outbound bindings; groups of other instances are ignored. false when the instance has no such number. */
  bindCallOut(sdkAppId: number, number: string, skillGroupIds: number[], now: number): Promise<boolean>;
  /** false when the instance has no such number. */
  unbindCallOut(sdkAppId: number, number: string, skillGroupIds: number[], now: number): Promise<boolean>;
  /** false when the instance has no such number. */
  remove(sdkAppId: number, number: string): Promise<boolean>;
}

export interface CallRecordQuery {
  /** `StartTimestamp` window, unix seconds, both ends included. */
  fromSeconds: number;
  toSeconds: number;
  /** Records whose Caller or Callee is one of these (exact match). */
  phones?: string[];
  sessionIds?: string[];
  limit: number;
  offset: number;
}

/** What the records of some instances, started in a window, add up to (TCCC's DescribeTelCallInfo). */
export interface CallRecordUsage {
  /**
   * Line time in whole minutes, by CallType: each record's time rounded up to
   * the minute on its own, then summed. An outbound record's time (CallType 1
   * and 5) runs from the callee's answer to the end of the conversation
   * (`Duration`); any other record's from its start to its end.
   */
  minutesByCallType: Map<number, number>;
  /** Distinct agents, by instance and mail, that the records name (ServeParticipants and SeatUser). */
  seats: number;
}

/** Call records (TCCC's TelCdrInfo), exactly one per session; an acknowledged `add` is on disk. */
export interface CallRecordRepo {
  /** Stores the session's record; a second write for the same session replaces the first (recovery may write a record again). false when it replaced one. */
  add(sdkAppId: number, record: TelCdrInfo & { SessionId: string }): Promise<boolean>;
  /** Ordered by StartTimestamp, then SessionId. */
  list(sdkAppId: number, query: CallRecordQuery): Promise<{ total: number; items: TelCdrInfo[] }>;
  /** Adds up the records of the instances whose StartTimestamp lies in the window (unix seconds, both ends included). */
  usage(sdkAppIds: number[], fromSeconds: number, toSeconds: number): Promise<CallRecordUsage>;
}

/** An uploaded IVR prompt: a WAV file in the data folder, played by flows as `uploaded/<id>`. */
export interface IvrPrompt {
  id: number;
  sdkAppId: number;
  /** The alias given at upload (TCCC's CustomFileName; need not be unique). */
  customName: string;
  /** The file's name (TCCC's AudioFileName). */
  fileName: string;
  /** The file under the data folder's prompt directory, relative to it. */
  storedFile: string;
  /** WAVE format tag: 7 μ-law, 6 A-law, 1 PCM. */
  formatTag: number;
  sampleRate: number;
  durationMs: number;
  bytes: number;
  createdAt: number;
}

export type NewIvrPrompt = Omit<IvrPrompt, 'id'>;

export interface IvrPromptQuery {
  customNames?: string[];
  fileNames?: string[];
  ids?: number[];
  limit: number;
  offset: number;
}

export interface IvrPromptRepo {
  /** Returns the new prompt's id. */
  add(prompt: NewIvrPrompt): Promise<number>;
  /** Ascending by id; each filter keeps prompts matching one of its values. */
  list(sdkAppId: number, query: IvrPromptQuery): Promise<{ total: number; items: IvrPrompt[] }>;
}

/** The live calls' latest snapshots (`calls/snapshot.ts`), read back after a crash to close them with a record. */
export interface CallJournalRepo {
  /** Writes the snapshots, replacing each session's previous one, in one transaction. */
  put(entries: Array<{ sessionId: string; sdkAppId: number; snapshot: string }>, now: number): Promise<void>;
  delete(sessionId: string): Promise<void>;
  all(): Promise<Array<{ sessionId: string; sdkAppId: number; snapshot: string }>>;
}

/**
 * A skill group's own routing settings: the overrides of the server-wide defaults
 * (`--ring-timeout`, `--max-wait`, `--after-call-work`) and of the built-in ones.
 * A setting left out follows the default.
 */
export interface SkillGroupRoutingSettings {
  /** How long an offer rings an agent before it moves on, 5–600 s. */
  ringTimeoutSeconds?: number;
  /** Longest wait in the group's queue, 0–86400 s; 0: no limit. */
  maxWaitSeconds?: number;
  /** Where a call goes when it leaves the queue (waited too long, or nobody online): another group of the instance, or null to hang up. */
  overflowGroupId?: number | null;
  /** Whether a call arriving while no member is online waits or leaves the queue at once. */
  whenNoneOnline?: 'queue' | 'exit';
  /** After-call work after a call served from the group, 0–3600 s. */
  afterCallWorkSeconds?: number;
}

export interface SkillGroupRouting {
  skillGroupId: number;
  settings: SkillGroupRoutingSettings;
  modifiedAt: number;
}

/** Skill groups' routing settings, one entry per group at most; deleting a group deletes its entry. Values are validated by the caller. */
export interface SkillGroupRoutingRepo {
  /** undefined when the group has no settings of its own, or is not the instance's. */
  get(sdkAppId: number, skillGroupId: number): Promise<SkillGroupRouting | undefined>;
  /** Replaces the group's settings; empty settings remove its entry. false when the instance has no such group. */
  set(sdkAppId: number, skillGroupId: number, settings: SkillGroupRoutingSettings, now: number): Promise<boolean>;
  /** The instance's groups that have settings of their own, ascending by group id. */
  list(sdkAppId: number): Promise<SkillGroupRouting[]>;
}

/** How a data push receiver is authenticated (`docs/data-push.md`). */
export type PushAuthMode = 'none' | 'basic' | 'oauth';
/** What a push carries: TCCC's `action` query parameter. */
export type PushAction = 'cdr' | 'record';

/** An instance's data push settings. */
export interface PushSettings {
  sdkAppId: number;
  /** The receiver's http(s) URL; empty when none is set. */
  url: string;
  /** Push call records (`action=cdr`). */
  cdr: boolean;
  /** Push recordings (`action=record`). */
  record: boolean;
  authMode: PushAuthMode;
  /** basic: the user name; oauth: the client id; empty otherwise. */
  principal: string;
  /** oauth: the token endpoint's URL; empty otherwise. */
  tokenUrl: string;
  /** basic: the password; oauth: the client secret; sealed with the master key. null when none is set. */
  secretSealed: Buffer | null;
  modifiedAt: number;
}

/**
 * A push's state in the outbox: `pending` waits for its next attempt (`nextAttemptAt`); `held` waits
 * for its instance to turn push on again (it was off, or had no URL, when the push was due);
 * `delivered` was acknowledged with ErrCode 0; `failed` used its four attempts and waits for a resend.
 */
export type PushState = 'pending' | 'held' | 'delivered' | 'failed';

/** One push in the durable outbox. */
export interface PushEntry {
  /** Ascending in the order pushes were queued. */
  id: number;
  /** `X-TCCC-PUSH-UUID`: the same on every attempt and resend. */
  uuid: string;
  sdkAppId: number;
  action: PushAction;
  sessionId: string;
  /** The stored call record (TelCdrInfo JSON) the body is built from when sent. */
  payload: string;
  state: PushState;
  /** Attempts since it was queued or last resent. */
  attempts: number;
  nextAttemptAt: number;
  /** Why the last attempt failed (or why it is held); empty when none did. */
  lastError: string;
  /** The HTTP status of the last answer; null when there was none. */
  lastStatus: number | null;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

export type NewPush = Pick<PushEntry, 'uuid' | 'sdkAppId' | 'action' | 'sessionId' | 'payload'>;
/** What an attempt changed. */
export type PushOutcome = Pick<PushEntry, 'state' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'lastStatus' | 'deliveredAt'>;

export interface PushQuery {
  state?: PushState;
  limit: number;
  offset: number;
}

/** Data push: per-instance settings and the durable outbox. Writes resolve once on disk. */
export interface PushRepo {
  settings(sdkAppId: number): Promise<PushSettings | undefined>;
  /** Replaces the instance's settings, and makes its `held` pushes `pending` again, due at `modifiedAt`; returns how many. */
  saveSettings(settings: PushSettings): Promise<number>;
  /**
   * Queues, in order, the pushes whose instance has a URL and the push's action switched on at the
   * moment of the write; returns the ones queued.
   */
  enqueue(pushes: NewPush[], now: number): Promise<PushEntry[]>;
  /** The instance's `pending` pushes due at `now`, oldest first, leaving out `exclude` (ids in flight). */
  due(sdkAppId: number, now: number, limit: number, exclude: readonly number[]): Promise<PushEntry[]>;
  /** The instances that have `pending` pushes due at `now`. */
  dueInstances(now: number): Promise<number[]>;
  /** When the earliest `pending` push due after `after` is due; null when there is none. */
  nextDueAt(after: number): Promise<number | null>;
  /** Writes the outcomes of attempts, in one transaction. */
  settle(outcomes: ReadonlyArray<{ id: number; outcome: PushOutcome }>, now: number): Promise<void>;
  /** Makes a push of the instance `pending` again with no attempts, due at `now`; false when there is no such push. */
  resend(sdkAppId: number, id: number, now: number): Promise<boolean>;
  get(sdkAppId: number, id: number): Promise<PushEntry | undefined>;
  /** Newest first. */
  list(sdkAppId: number, query: PushQuery): Promise<{ total: number; items: PushEntry[] }>;
  /** Deletes delivered pushes settled before `before`; returns how many. */
  purgeDelivered(before: number): Promise<number>;
}

/**
 * A SIP extension (a desk phone or softphone account) of an instance. The phone authenticates with
 * the extension id as digest username against `ha1`, which was computed for `realm`; the password
 * itself is kept sealed because DescribeExtension returns it.
 */
export interface SipExtension {
  sdkAppId: number;
  /** Digits, unique in the instance. */
  extensionId: string;
  name: string;
  /** Ascending; groups deleted since are gone. */
  skillGroupIds: number[];
  /** The staff whose `extensionNumber` is this extension (the last modified one, should several name it). */
  relation: { mail: string; name: string } | null;
  /** MD5 of `extensionId:realm:password`, lower-case hex. */
  ha1: string;
  realm: string;
  passwordSealed: Buffer;
  createdAt: number;
  modifiedAt: number;
}

export interface NewSipExtension extends Pick<SipExtension, 'sdkAppId' | 'extensionId' | 'name' | 'skillGroupIds' | 'ha1' | 'realm' | 'passwordSealed'> {
  /** The mail of the staff to bind, or null. */
  relation: string | null;
}

export interface SipExtensionPatch {
  name?: string;
  skillGroupIds?: number[];
  /** A staff mail to bind (unbinding whoever held the extension), or null to unbind. */
  relation?: string | null;
}

export type SipExtensionCredentials = Pick<SipExtension, 'ha1' | 'realm' | 'passwordSealed'>;

export interface SipExtensionQuery {
  /** Only these ids. */
  extensionIds?: string[];
  /** A substring of the id, the name, the bound staff's mail or name (case-insensitive). */
  keyword?: string;
  limit: number;
  offset: number;
}

export interface SipExtensionRepo {
  /**
   * Creates the extension and, when `relation` is set, binds the staff to it in the same write
   * (the staff's `extensionNumber` becomes the id). 'exists': the id is taken in the instance;
   * 'no-staff': the instance has no such staff. Groups of other instances are ignored.
   */
  create(row: NewSipExtension, now: number): Promise<'ok' | 'exists' | 'no-staff'>;
  get(sdkAppId: number, extensionId: string): Promise<SipExtension | undefined>;
  /** In numeric order of the ids (shorter first, then by digits). */
  list(sdkAppId: number, query: SipExtensionQuery): Promise<{ total: number; items: SipExtension[] }>;
  /** Applies the patch in one write; binding a staff moves them off any other extension. */
  update(sdkAppId: number, extensionId: string, patch: SipExtensionPatch, now: number): Promise<'ok' | 'not-found' | 'no-staff'>;
  /** false when the instance has no such extension. */
  setCredentials(sdkAppId: number, extensionId: string, credentials: SipExtensionCredentials, now: number): Promise<boolean>;
  /** Deletes the extension and clears the `extensionNumber` of staff bound to it; false when there was none. */
  delete(sdkAppId: number, extensionId: string, now: number): Promise<boolean>;
}

export type SipTrunkKind = 'ip' | 'register';

/** A carrier trunk of an instance, as stored: the register password sealed. */
export interface SipTrunk {
  id: number;
  sdkAppId: number;
  name: string;
  kind: SipTrunkKind;
  /** Source CIDRs an `ip` trunk's calls come from. */
  allow: string[];
  /** Where calls out through the trunk go; null: the trunk only takes calls in. */
  outbound: { host: string; port: number; transport: 'udp' | 'tcp' } | null;
  /** A `register` trunk's registration with the carrier. */
  register: { registrar: string; username: string; passwordSealed: Buffer; realm: string | null; expires: number } | null;
  /** Instance numbers (0086…) this trunk may present as caller id; empty: any of the instance's numbers. */
  callerIdNumbers: string[];
  /** Number prefixes calls out may (allow; empty: any) and may not (deny, checked first) go to. */
  dialPlan: { allow: string[]; deny: string[] };
  maxConcurrentCalls: number;
  enabled: boolean;
  createdAt: number;
  modifiedAt: number;
}

export type NewSipTrunk = Omit<SipTrunk, 'id' | 'createdAt' | 'modifiedAt'>;

export interface SipTrunkRepo {
  /** The new id, or undefined when the name is taken in the instance. */
  create(trunk: NewSipTrunk, now: number): Promise<number | undefined>;
  get(sdkAppId: number, id: number): Promise<SipTrunk | undefined>;
  /** The instance's trunks by id. */
  list(sdkAppId: number): Promise<SipTrunk[]>;
  /** Every enabled trunk of every instance (what the gateway admits and registers). */
  listEnabled(): Promise<SipTrunk[]>;
  /** Replaces every setting of the trunk. */
  replace(id: number, trunk: NewSipTrunk, now: number): Promise<'ok' | 'not-found' | 'name-taken'>;
  delete(sdkAppId: number, id: number): Promise<boolean>;
}

export interface Store {
  readonly instances: InstanceRepo;
  readonly apiKeys: ApiKeyRepo;
  readonly staff: StaffRepo;
  readonly skillGroups: SkillGroupRepo;
  readonly credentials: CredentialRepo;
  readonly statusHistory: StatusHistoryRepo;
  readonly origins: OriginRepo;
  readonly numbers: NumberRepo;
  readonly callRecords: CallRecordRepo;
  readonly prompts: IvrPromptRepo;
  readonly callJournal: CallJournalRepo;
  readonly groupRouting: SkillGroupRoutingRepo;
  readonly push: PushRepo;
  readonly sipExtensions: SipExtensionRepo;
  readonly sipTrunks: SipTrunkRepo;
  close(): Promise<void>;
}
