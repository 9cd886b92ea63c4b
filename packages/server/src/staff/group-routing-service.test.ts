import { CloudApiError } from '@openccc/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultGroupSettings } from '../acd/defaults.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import {
  BUILT_IN_ROUTING,
  GroupRoutingService,
  applyGroupRoutingChange,
  effectiveGroupRouting,
  groupRoutingLookup,
  toGroupConfig,
  validateGroupRoutingChange,
  type GroupRoutingChange,
} from './group-routing-service.js';

const APP = 1400000001;
const OTHER_APP = 1400000002;
const T0 = 1_700_000_000_000;
const SERVER = { ringTimeoutSeconds: 20, maxWaitSeconds: 120, afterCallWorkSeconds: 10 };

/** The error a call throws, as a CloudApiError. */
function refusal(run: () => unknown): CloudApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof CloudApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function refusalOf(promise: Promise<unknown>): Promise<CloudApiError> {
  const error = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  if (error instanceof CloudApiError) return error;
  throw error;
}

describe('validateGroupRoutingChange', () => {
  const ok = (change: GroupRoutingChange) => expect(() => validateGroupRoutingChange(3, change)).not.toThrow();

  it('accepts each range\'s bounds, the two choices, none, another group and default', () => {
    ok({ ringTimeoutSeconds: 5, maxWaitSeconds: 0, afterCallWorkSeconds: 0 });
    ok({ ringTimeoutSeconds: 600, maxWaitSeconds: 86_400, afterCallWorkSeconds: 3600 });
    ok({ whenNoneOnline: 'queue', overflowGroupId: null });
    ok({ whenNoneOnline: 'exit', overflowGroupId: 4 });
    ok({ ringTimeoutSeconds: 'default', maxWaitSeconds: 'default', overflowGroupId: 'default', whenNoneOnline: 'default', afterCallWorkSeconds: 'default' });
    ok({});
  });

  it.each([
    [{ ringTimeoutSeconds: 4 }, 'The ring timeout must be a whole number of seconds from 5 to 600, not 4.', '振铃超时须为 5 到 600 之间的整数秒，不能是 4。'],
    [{ ringTimeoutSeconds: 601 }, 'from 5 to 600, not 601', '不能是 601'],
    [{ ringTimeoutSeconds: 7.5 }, 'not 7.5', '整数秒'],
    [{ maxWaitSeconds: -1 }, 'The longest wait in the queue (0: no limit) must be a whole number of seconds from 0 to 86400, not -1.', '最长排队时间'],
    [{ maxWaitSeconds: 86_401 }, 'from 0 to 86400, not 86401', '0 到 86400'],
    [{ afterCallWorkSeconds: 3601 }, 'After-call work must be a whole number of seconds from 0 to 3600, not 3601.', '话后处理时长须为 0 到 3600 之间的整数秒'],
    [{ afterCallWorkSeconds: Number.NaN }, 'not NaN', '话后处理时长'],
    [{ whenNoneOnline: 'wait' }, 'either waits in the queue ("queue") or leaves it at once ("exit"), not "wait".', '无成员在线时'],
    [{ overflowGroupId: 0 }, 'The overflow group must be a skill group id, not 0.', '溢出目标须为技能组 ID'],
    [{ overflowGroupId: 3 }, 'Skill group 3 cannot overflow to itself', '技能组 3 不能溢出到自身'],
  ])('refuses %j in both languages', (change, en, zh) => {
    const error = refusal(() => validateGroupRoutingChange(3, change as GroupRoutingChange));
    expect(error.code).toBe('InvalidParameterValue');
    expect(error.text.en).toContain(en);
    expect(error.text.zh).toContain(zh);
  });
});

describe('effective settings', () => {
  it('takes the group\'s own value, else the server flag, else the built-in default, and says which', () => {
    expect(effectiveGroupRouting({})).toEqual({
      settings: { ringTimeoutSeconds: 30, maxWaitSeconds: 0, overflowGroupId: null, whenNoneOnline: 'exit', afterCallWorkSeconds: 0 },
      sources: { ringTimeoutSeconds: 'default', maxWaitSeconds: 'default', overflowGroupId: 'default', whenNoneOnline: 'default', afterCallWorkSeconds: 'default' },
    });
    expect(effectiveGroupRouting({ ringTimeoutSeconds: 45, overflowGroupId: 9 }, { maxWaitSeconds: 60, ringTimeoutSeconds: 20 })).toEqual({
      settings: { ringTimeoutSeconds: 45, maxWaitSeconds: 60, overflowGroupId: 9, whenNoneOnline: 'exit', afterCallWorkSeconds: 0 },
      sources: { ringTimeoutSeconds: 'group', maxWaitSeconds: 'server', overflowGroupId: 'group', whenNoneOnline: 'default', afterCallWorkSeconds: 'default' },
    });
  });

  it('has built-in defaults that agree with the ACD\'s', () => {
    expect(toGroupConfig(BUILT_IN_ROUTING)).toEqual({
      ringTimeoutMs: defaultGroupSettings.ringTimeoutMs,
      maxWaitMs: defaultGroupSettings.maxWaitMs,
      wrapUpMs: defaultGroupSettings.wrapUpMs,
      whenNoneOnline: defaultGroupSettings.whenNoneOnline,
      onQueueExit: defaultGroupSettings.onQueueExit,
    });
  });

  it('applies a change: values set, default removes, missing keys stay', () => {
    expect(applyGroupRoutingChange({ ringTimeoutSeconds: 45, maxWaitSeconds: 60 }, { ringTimeoutSeconds: 'default', overflowGroupId: null, afterCallWorkSeconds: 15 })).toEqual({
      maxWaitSeconds: 60,
      overflowGroupId: null,
      afterCallWorkSeconds: 15,
    });
  });

  it('speaks the ACD\'s terms: milliseconds, and the queue exit', () => {
    expect(toGroupConfig({})).toEqual({});
    expect(toGroupConfig({ ringTimeoutSeconds: 45, maxWaitSeconds: 300, afterCallWorkSeconds: 20, whenNoneOnline: 'queue', overflowGroupId: 7 })).toEqual({
      ringTimeoutMs: 45_000,
      maxWaitMs: 300_000,
      wrapUpMs: 20_000,
      whenNoneOnline: 'queue',
      onQueueExit: { action: 'overflow', groupId: 7 },
    });
    expect(toGroupConfig({ overflowGroupId: null })).toEqual({ onQueueExit: { action: 'hangup' } });
  });
});

describe('GroupRoutingService and the engine lookup', () => {
  let store: SqliteStore;
  let service: GroupRoutingService;
  let sales: number;
  let support: number;
  let elsewhere: number;

  beforeEach(async () => {
    store = openSqliteStore(':memory:');
    let now = T0;
    service = new GroupRoutingService(store, () => ++now);
    await store.instances.create({ sdkAppId: APP, name: 'Main', createdAt: T0 });
    await store.instances.create({ sdkAppId: OTHER_APP, name: 'Other', createdAt: T0 });
    sales = (await store.skillGroups.create({ sdkAppId: APP, name: 'Sales', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    support = (await store.skillGroups.create({ sdkAppId: APP, name: 'Support', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
    elsewhere = (await store.skillGroups.create({ sdkAppId: OTHER_APP, name: 'Elsewhere', type: 0, maxConcurrency: 1 }, T0)) ?? -1;
  });

  afterEach(() => store.close());

  it('stores only the settings changed, and shows what applies', async () => {
    expect(await service.update(APP, sales, { ringTimeoutSeconds: 45, overflowGroupId: support })).toEqual({ ringTimeoutSeconds: 45, overflowGroupId: support });
    expect(await service.update(APP, sales, { whenNoneOnline: 'queue' })).toEqual({ ringTimeoutSeconds: 45, overflowGroupId: support, whenNoneOnline: 'queue' });
    expect((await store.groupRouting.get(APP, sales))?.settings).toEqual({ ringTimeoutSeconds: 45, overflowGroupId: support, whenNoneOnline: 'queue' });
    const view = await service.show(APP, sales, { maxWaitSeconds: 90 });
    expect(view.group.name).toBe('Sales');
    expect(view.policy).toBe('longestIdle');
    expect(view.overflowGroupMissing).toBe(false);
    expect(view.effective.settings).toEqual({ ringTimeoutSeconds: 45, maxWaitSeconds: 90, overflowGroupId: support, whenNoneOnline: 'queue', afterCallWorkSeconds: 0 });
    expect(view.effective.sources.maxWaitSeconds).toBe('server');
  });

  it('removes settings set back to default, and the entry with the last one', async () => {
    await service.update(APP, sales, { ringTimeoutSeconds: 45, afterCallWorkSeconds: 30 });
    expect(await service.update(APP, sales, { ringTimeoutSeconds: 'default' })).toEqual({ afterCallWorkSeconds: 30 });
    expect(await service.update(APP, sales, { afterCallWorkSeconds: 'default' })).toEqual({});
    expect(await store.groupRouting.list(APP)).toEqual([]);
  });

  it('refuses an overflow group of another instance or none at all, and changes nothing', async () => {
    await service.update(APP, sales, { ringTimeoutSeconds: 45 });
    for (const target of [elsewhere, 999_999]) {
      const error = await refusalOf(service.update(APP, sales, { overflowGroupId: target, ringTimeoutSeconds: 60 }));
      expect(error.code).toBe('InvalidParameterValue.SkillGroupError');
      expect(error.text.en).toBe(`The overflow group ${target} does not exist in instance ${APP}.`);
      expect(error.text.zh).toBe(`溢出目标技能组 ${target} 在实例 ${APP} 中不存在。`);
    }
    expect((await store.groupRouting.get(APP, sales))?.settings).toEqual({ ringTimeoutSeconds: 45 });
  });

  it('refuses an unknown group or instance, and an invalid value before storing anything', async () => {
    expect((await refusalOf(service.update(APP, elsewhere, { ringTimeoutSeconds: 45 }))).text.en).toBe(`Skill group ${elsewhere} does not exist in instance ${APP}.`);
    expect((await refusalOf(service.show(APP, 424_242))).code).toBe('InvalidParameterValue.SkillGroupError');
    expect((await refusalOf(service.show(1_400_000_009, sales))).code).toBe('InvalidParameterValue.InstanceNotExist');
    expect((await refusalOf(service.update(APP, sales, { ringTimeoutSeconds: 2 }))).code).toBe('InvalidParameterValue');
    expect(await store.groupRouting.list(APP)).toEqual([]);
  });

  it('lists every group with its policy and own settings', async () => {
    await service.update(APP, support, { maxWaitSeconds: 600 });
    const listed = await service.list(APP);
    expect(listed.map((g) => [g.group.id, g.group.name, g.policy, g.own])).toEqual([
      [sales, 'Sales', 'longestIdle', {}],
      [support, 'Support', 'longestIdle', { maxWaitSeconds: 600 }],
    ]);
  });

  it('gives the engine the server flags overridden by the group\'s own settings', async () => {
    await service.update(APP, sales, { ringTimeoutSeconds: 45, overflowGroupId: support, whenNoneOnline: 'queue' });
    const lookup = groupRoutingLookup(store, SERVER);
    expect(await lookup(APP, sales)).toEqual({
      ringTimeoutMs: 45_000,
      maxWaitMs: 120_000,
      wrapUpMs: 10_000,
      whenNoneOnline: 'queue',
      onQueueExit: { action: 'overflow', groupId: support },
    });
    expect(await lookup(APP, support)).toEqual({ ringTimeoutMs: 20_000, maxWaitMs: 120_000, wrapUpMs: 10_000 });
    // Without server flags: only the group's own settings.
    expect(await groupRoutingLookup(store)(APP, support)).toEqual({});
    // Another instance's lookup of the group sees no settings of its own.
    expect(await lookup(OTHER_APP, sales)).toEqual({ ringTimeoutMs: 20_000, maxWaitMs: 120_000, wrapUpMs: 10_000 });
  });

  it('reads a change at the next lookup, and an overflow group deleted since as hanging up', async () => {
    const lookup = groupRoutingLookup(store, SERVER);
    await service.update(APP, sales, { overflowGroupId: support });
    expect((await lookup(APP, sales)).onQueueExit).toEqual({ action: 'overflow', groupId: support });
    await store.skillGroups.delete(APP, support);
    expect((await lookup(APP, sales)).onQueueExit).toEqual({ action: 'hangup' });
    expect((await service.show(APP, sales)).overflowGroupMissing).toBe(true);
    await service.update(APP, sales, { overflowGroupId: null });
    expect((await lookup(APP, sales)).onQueueExit).toEqual({ action: 'hangup' });
    expect((await service.show(APP, sales)).overflowGroupMissing).toBe(false);
  });
});
