import { cloudError } from '@openccc/protocol';
import { defaultGroupSettings, routePolicyFromTccc } from '../acd/defaults.js';
import type { GroupConfig, RoutePolicy } from '../acd/types.js';
import { DEFAULTS } from '../config/config.js';
import type { SkillGroup, SkillGroupRoutingSettings, Store } from '../store/ports.js';
import { requireInstance } from './instances.js';
import { SkillGroupService } from './skill-group-service.js';

/**
 * Skill groups' own routing settings. Each setting of a group is, in order of
 * precedence: the group's own value (stored by this service), else the
 * server-wide flag (`--ring-timeout`, `--max-wait`, `--after-call-work`), else
 * the built-in default. The call engine reads them through `groupRoutingLookup`
 * whenever it (re)configures a group, so a change reaches calls within its
 * directory refresh.
 */

export type RoutingSettingName = keyof SkillGroupRoutingSettings;

/** Every setting, in the order they are shown. */
export const ROUTING_SETTINGS: readonly RoutingSettingName[] = ['ringTimeoutSeconds', 'maxWaitSeconds', 'overflowGroupId', 'whenNoneOnline', 'afterCallWorkSeconds'];

export type EffectiveRoutingSettings = Required<SkillGroupRoutingSettings>;

/** The server-wide routing flags (`ServerConfig['routing']`); some may be unknown (the CLI sees only its own environment). */
export interface ServerRoutingDefaults {
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  afterCallWorkSeconds: number;
}

/** What applies when neither the group nor the server sets a value. */
export const BUILT_IN_ROUTING: Readonly<EffectiveRoutingSettings> = Object.freeze({
  ringTimeoutSeconds: DEFAULTS.ringTimeoutSeconds,
  maxWaitSeconds: DEFAULTS.maxWaitSeconds,
  overflowGroupId: null,
  whenNoneOnline: defaultGroupSettings.whenNoneOnline,
  afterCallWorkSeconds: DEFAULTS.afterCallWorkSeconds,
});

/** The allowed range of each duration, in seconds (the same as the server flags'). */
export const ROUTING_LIMITS = {
  ringTimeoutSeconds: { min: 5, max: 600 },
  maxWaitSeconds: { min: 0, max: 86_400 },
  afterCallWorkSeconds: { min: 0, max: 3600 },
} as const;

/** A change to a group's settings: a value sets the group's own, `'default'` removes it (the default applies again), a missing key keeps it. */
export type GroupRoutingChange = { [K in RoutingSettingName]?: Exclude<SkillGroupRoutingSettings[K], undefined> | 'default' };

/** Where an effective value comes from. */
export type RoutingSource = 'group' | 'server' | 'default';

export interface EffectiveGroupRouting {
  settings: EffectiveRoutingSettings;
  sources: Record<RoutingSettingName, RoutingSource>;
}

export interface GroupRoutingView {
  group: SkillGroup;
  /** The distribution policy the ACD applies (from TCCC's RoutePolicy and RingAll). */
  policy: RoutePolicy;
  /** The group's own settings. */
  own: SkillGroupRoutingSettings;
  effective: EffectiveGroupRouting;
  /** The overflow group set no longer exists: calls leaving the queue hang up. */
  overflowGroupMissing: boolean;
}

/** The effective settings of a group with these settings of its own, under these server flags. */
export function effectiveGroupRouting(own: SkillGroupRoutingSettings, server: Partial<ServerRoutingDefaults> = {}): EffectiveGroupRouting {
  const settings = { ...BUILT_IN_ROUTING } as EffectiveRoutingSettings;
  const sources = {} as Record<RoutingSettingName, RoutingSource>;
  const record = settings as Record<RoutingSettingName, unknown>;
  for (const name of ROUTING_SETTINGS) {
    const mine = own[name];
    const fromServer = (server as Partial<Record<RoutingSettingName, unknown>>)[name];
    if (mine !== undefined) {
      record[name] = mine;
      sources[name] = 'group';
    } else if (fromServer !== undefined) {
      record[name] = fromServer;
      sources[name] = 'server';
    } else sources[name] = 'default';
  }
  return { settings, sources };
}

/** Checks the values of a change (not whether the overflow group exists); throws InvalidParameterValue with an English and a Chinese message. */
export function validateGroupRoutingChange(groupId: number, change: GroupRoutingChange): void {
  const seconds = (name: keyof typeof ROUTING_LIMITS, en: string, zh: string) => {
    const value = change[name];
    if (value === undefined || value === 'default') return;
    const { min, max } = ROUTING_LIMITS[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw cloudError('InvalidParameterValue', `${en} must be a whole number of seconds from ${min} to ${max}, not ${String(value)}.`, `${zh}须为 ${min} 到 ${max} 之间的整数秒，不能是 ${String(value)}。`);
    }
  };
  seconds('ringTimeoutSeconds', 'The ring timeout', '振铃超时');
  seconds('maxWaitSeconds', 'The longest wait in the queue (0: no limit)', '最长排队时间（0 为不限）');
  seconds('afterCallWorkSeconds', 'After-call work', '话后处理时长');
  const none = change.whenNoneOnline;
  if (none !== undefined && none !== 'default' && none !== 'queue' && none !== 'exit') {
    throw cloudError(
      'InvalidParameterValue',
      `When no member is online, a call either waits in the queue ("queue") or leaves it at once ("exit"), not "${String(none)}".`,
      `无成员在线时，来电只能排队等待（"queue"）或立即离开队列（"exit"），不能是 "${String(none)}"。`,
    );
  }
  const overflow = change.overflowGroupId;
  if (overflow === undefined || overflow === null || overflow === 'default') return;
  if (typeof overflow !== 'number' || !Number.isSafeInteger(overflow) || overflow < 1) {
    throw cloudError('InvalidParameterValue', `The overflow group must be a skill group id, not ${String(overflow)}.`, `溢出目标须为技能组 ID，不能是 ${String(overflow)}。`);
  }
  if (overflow === groupId) {
    throw cloudError('InvalidParameterValue', `Skill group ${groupId} cannot overflow to itself; choose another group, or none.`, `技能组 ${groupId} 不能溢出到自身，请选择其他技能组或不溢出。`);
  }
}

/** A change applied to a group's own settings. */
export function applyGroupRoutingChange(own: SkillGroupRoutingSettings, change: GroupRoutingChange): SkillGroupRoutingSettings {
  const next: Record<string, unknown> = { ...own };
  for (const name of ROUTING_SETTINGS) {
    const value = change[name];
    if (value === 'default') delete next[name];
    else if (value !== undefined) next[name] = value;
  }
  return next as SkillGroupRoutingSettings;
}

/** Settings in the ACD's terms; only those given. */
export function toGroupConfig(settings: SkillGroupRoutingSettings): Partial<GroupConfig> {
  const config: Partial<GroupConfig> = {};
  if (settings.ringTimeoutSeconds !== undefined) config.ringTimeoutMs = settings.ringTimeoutSeconds * 1000;
  if (settings.maxWaitSeconds !== undefined) config.maxWaitMs = settings.maxWaitSeconds * 1000;
  if (settings.afterCallWorkSeconds !== undefined) config.wrapUpMs = settings.afterCallWorkSeconds * 1000;
  if (settings.whenNoneOnline !== undefined) config.whenNoneOnline = settings.whenNoneOnline;
  if (settings.overflowGroupId !== undefined) {
    config.onQueueExit = settings.overflowGroupId === null ? { action: 'hangup' } : { action: 'overflow', groupId: settings.overflowGroupId };
  }
  return config;
}

export type GroupRoutingLookup = (sdkAppId: number, groupId: number) => Promise<Partial<GroupConfig>>;

/**
 * What the call engine spreads over the ACD defaults when it (re)configures a
 * group: the server flags, if given, overridden by the group's own settings.
 * An overflow group that no longer exists in the instance (or the group
 * itself) reads as hanging up. Rejects when the store does.
 */
export function groupRoutingLookup(store: Pick<Store, 'groupRouting' | 'skillGroups'>, server?: ServerRoutingDefaults): GroupRoutingLookup {
  const base: SkillGroupRoutingSettings = server
    ? { ringTimeoutSeconds: server.ringTimeoutSeconds, maxWaitSeconds: server.maxWaitSeconds, afterCallWorkSeconds: server.afterCallWorkSeconds }
    : {};
  return async (sdkAppId, groupId) => {
    const own = (await store.groupRouting.get(sdkAppId, groupId))?.settings ?? {};
    const settings: SkillGroupRoutingSettings = { ...base, ...own };
    const overflow = settings.overflowGroupId;
    if (typeof overflow === 'number' && (overflow === groupId || !(await store.skillGroups.get(sdkAppId, overflow)))) settings.overflowGroupId = null;
    return toGroupConfig(settings);
  };
}

/** Reads and changes skill groups' routing settings, validated. */
export class GroupRoutingService {
  private readonly groups: SkillGroupService;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {
    this.groups = new SkillGroupService(store, clock);
  }

  /** The group, its own settings and what applies, under the server flags known to the caller. */
  async show(sdkAppId: number, groupId: number, server: Partial<ServerRoutingDefaults> = {}): Promise<GroupRoutingView> {
    await requireInstance(this.store.instances, sdkAppId);
    const group = await this.groups.require(sdkAppId, groupId);
    const own = (await this.store.groupRouting.get(sdkAppId, groupId))?.settings ?? {};
    const overflow = own.overflowGroupId;
    const overflowGroupMissing = typeof overflow === 'number' && (overflow === groupId || !(await this.store.skillGroups.get(sdkAppId, overflow)));
    return { group, policy: routePolicyFromTccc(group.routePolicy, group.ringAll), own, effective: effectiveGroupRouting(own, server), overflowGroupMissing };
  }

  /** Applies a change to the group's own settings and returns them. */
  async update(sdkAppId: number, groupId: number, change: GroupRoutingChange): Promise<SkillGroupRoutingSettings> {
    await requireInstance(this.store.instances, sdkAppId);
    await this.groups.require(sdkAppId, groupId);
    validateGroupRoutingChange(groupId, change);
    const overflow = change.overflowGroupId;
    if (typeof overflow === 'number' && !(await this.store.skillGroups.get(sdkAppId, overflow))) {
      throw cloudError(
        'InvalidParameterValue.SkillGroupError',
        `The overflow group ${overflow} does not exist in instance ${sdkAppId}.`,
        `溢出目标技能组 ${overflow} 在实例 ${sdkAppId} 中不存在。`,
      );
    }
    const own = (await this.store.groupRouting.get(sdkAppId, groupId))?.settings ?? {};
    const next = applyGroupRoutingChange(own, change);
    // The group may have been deleted meanwhile.
    if (!(await this.store.groupRouting.set(sdkAppId, groupId, next, this.clock()))) await this.groups.require(sdkAppId, groupId);
    return next;
  }

  /** Every group of the instance, ascending by id, with its policy and own settings. */
  async list(sdkAppId: number): Promise<Array<{ group: SkillGroup; policy: RoutePolicy; own: SkillGroupRoutingSettings }>> {
    await requireInstance(this.store.instances, sdkAppId);
    const { items } = await this.store.skillGroups.list(sdkAppId, { limit: 1_000_000, offset: 0 });
    const own = new Map((await this.store.groupRouting.list(sdkAppId)).map((r) => [r.skillGroupId, r.settings]));
    return items.map((group) => ({ group, policy: routePolicyFromTccc(group.routePolicy, group.ringAll), own: own.get(group.id) ?? {} }));
  }
}
