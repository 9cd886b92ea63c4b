import type {
  CreateCCCSkillGroupRequest,
  CreateCCCSkillGroupResponse,
  DescribeSkillGroupInfoListResponse,
  SkillGroupInfoItem,
  UnbindStaffSkillGroupListRequest,
  UpdateCCCSkillGroupRequest,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import {
  METHODS,
  UUID_RE,
  clientFor,
  createSkillGroup,
  createStaff,
  expectCloudError,
  expectExactFields,
  fieldsOf,
  nowSeconds,
  uniq,
  uniqMail,
  unknownSdkAppId,
  type SdkError,
} from './helpers.js';

const CREATE_FIELDS = fieldsOf<CreateCCCSkillGroupResponse>({ SkillGroupId: true, RequestId: true });
const LIST_FIELDS = fieldsOf<DescribeSkillGroupInfoListResponse>({ TotalCount: true, SkillGroupList: true, RequestId: true });
const INFO_FIELDS = fieldsOf<SkillGroupInfoItem>({
  SkillGroupId: true,
  SkillGroupName: true,
  Type: true,
  RoutePolicy: true,
  UsingLastSeat: true,
  MaxConcurrency: true,
  LastModifyTimestamp: true,
  SkillGroupType: true,
  Alias: true,
  RingAll: true,
});

let server: TestServer;
/** A second instance on the same server: its skill groups must stay invisible to the first. */
let otherSdkAppId: number;

beforeAll(async () => {
  server = await startTestServer();
  otherSdkAppId = (await createInstance(server.folder.store, 'other', Date.now())).sdkAppId;
});

afterAll(async () => {
  await server?.close();
});

async function describeGroup(c: CccClient, id: number): Promise<SkillGroupInfoItem | undefined> {
  const res = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupId: id });
  expect(res.TotalCount).toBeLessThanOrEqual(1);
  return res.SkillGroupList?.[0];
}

async function groupsOf(c: CccClient, mail: string) {
  const res = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: mail });
  return res.StaffList?.[0]?.SkillGroupList?.map((g) => [g.SkillGroupId, g.Priority]);
}

describe.each(METHODS)('skill group actions over %s', (method) => {
  const client = () => clientFor(server, method);

  it('CreateCCCSkillGroup returns the id and DescribeSkillGroupInfoList shows every field', async () => {
    const c = client();
    const name = uniq('phone-queue');
    const before = nowSeconds();
    const res = await c.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: name, SkillGroupType: 0 });
    expectExactFields(res, CREATE_FIELDS);
    expect(res.SkillGroupId).toBeGreaterThan(0);

    const list = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupId: res.SkillGroupId });
    expectExactFields(list, LIST_FIELDS);
    expect(list.TotalCount).toBe(1);
    const item = list.SkillGroupList?.[0];
    expectExactFields(item, INFO_FIELDS);
    expect(item).toMatchObject({ SkillGroupId: res.SkillGroupId, SkillGroupName: name, Type: 'TEL', SkillGroupType: 0, MaxConcurrency: 1, RingAll: false, UsingLastSeat: 0 });
    expect(item?.RoutePolicy).toBeTypeOf('string');
    expect(item?.Alias).toBeTypeOf('string');
    expect(item?.LastModifyTimestamp).toBeGreaterThanOrEqual(before);
    expect(item?.LastModifyTimestamp).toBeLessThanOrEqual(nowSeconds());

    const online = await c.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: uniq('chat-queue'), SkillGroupType: 1, MaxConcurrency: 5 });
    expect(await describeGroup(c, online.SkillGroupId as number)).toMatchObject({ Type: 'IM', SkillGroupType: 1, MaxConcurrency: 5 });
  });

  it('CreateCCCSkillGroup refuses a taken name, bad types and bad concurrency', async () => {
    const c = client();
    const name = uniq('taken');
    await createSkillGroup(c, server.sdkAppId, name);
    const err = await expectCloudError(c.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: name, SkillGroupType: 0 }), 'InvalidParameterValue.SkillGroupExist');
    expect(err.message).toContain(name);
    await expectCloudError(c.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: uniq('mc'), SkillGroupType: 0, MaxConcurrency: 3 }), 'InvalidParameterValue');
    await expectCloudError(c.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: uniq('type2'), SkillGroupType: 2 }), 'InvalidParameterValue');
    await expectCloudError(c.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: uniq('type5'), SkillGroupType: 5 }), 'InvalidParameterValue');
    await expectCloudError(c.CreateCCCSkillGroup({ SdkAppId: unknownSdkAppId(server), SkillGroupName: uniq('noinst'), SkillGroupType: 0 }), 'InvalidParameterValue.InstanceNotExist');
    const noName = { SdkAppId: server.sdkAppId, SkillGroupType: 0 } as unknown as CreateCCCSkillGroupRequest;
    expect((await expectCloudError(c.CreateCCCSkillGroup(noName), 'MissingParameter')).message).toContain('SkillGroupName');
  });

  it('DescribeSkillGroupInfoList filters by SkillGroupName and pages from PageNumber 0', async () => {
    const c = client();
    const alpha = uniq('alpha');
    const alphaId = await createSkillGroup(c, server.sdkAppId, alpha);
    await createSkillGroup(c, server.sdkAppId, uniq('beta'));
    const byName = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupName: alpha });
    expect(byName.TotalCount).toBe(1);
    expect(byName.SkillGroupList?.map((g) => [g.SkillGroupId, g.SkillGroupName])).toEqual([[alphaId, alpha]]);

    const all = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 9999, PageNumber: 0 });
    const total = all.TotalCount as number;
    expect(all.SkillGroupList).toHaveLength(total);
    const first = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: 0 });
    const last = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: total - 1 });
    const beyond = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: total });
    expect(first.SkillGroupList?.map((g) => g.SkillGroupId)).toEqual([all.SkillGroupList?.[0]?.SkillGroupId]);
    expect(last.SkillGroupList?.map((g) => g.SkillGroupId)).toEqual([all.SkillGroupList?.[total - 1]?.SkillGroupId]);
    expect(beyond).toMatchObject({ TotalCount: total, SkillGroupList: [] });
    await expectCloudError(c.DescribeSkillGroupInfoList({ SdkAppId: unknownSdkAppId(server), PageSize: 1, PageNumber: 0 }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('UpdateCCCSkillGroup takes SkillGroupID and changes only the given fields', async () => {
    const c = client();
    const id = await createSkillGroup(c, server.sdkAppId, uniq('chat'), 1);
    const renamed = uniq('renamed');
    const res = await c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: id, SkillGroupName: renamed });
    expectExactFields(res, ['RequestId']);
    expect(await describeGroup(c, id)).toMatchObject({ SkillGroupName: renamed, MaxConcurrency: 1, RingAll: false, SkillGroupType: 1 });
    await c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: id, MaxConcurrency: 4, RingAll: true });
    expect(await describeGroup(c, id)).toMatchObject({ SkillGroupName: renamed, MaxConcurrency: 4, RingAll: true });
    // Keeping its own name is not a clash; members see the group's current name.
    await c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: id, SkillGroupName: renamed });
    const mail = uniqMail('sees-rename');
    await createStaff(c, server.sdkAppId, [{ Mail: mail, SkillGroupNameList: [renamed] }]);
    const final = uniq('final');
    await c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: id, SkillGroupName: final });
    const member = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 1, PageNumber: 0, StaffMail: mail });
    expect(member.StaffList?.[0]?.SkillGroupList).toEqual([{ SkillGroupId: id, SkillGroupName: final, Priority: 3, Type: 'IM' }]);

    // The official field is SkillGroupID; the lower-case spelling of other actions is not accepted here.
    const wrongCase = { SdkAppId: server.sdkAppId, SkillGroupId: id, SkillGroupName: uniq('x') } as unknown as UpdateCCCSkillGroupRequest;
    const err = await c.UpdateCCCSkillGroup(wrongCase).then(
      () => undefined,
      (e: unknown) => e as SdkError,
    );
    expect(['UnknownParameter', 'MissingParameter']).toContain(err?.code);
    expect(err?.requestId).toMatch(UUID_RE);
    expect(await describeGroup(c, id)).toMatchObject({ SkillGroupName: final });
  });

  it('UpdateCCCSkillGroup refuses a taken name, an unknown group and bad concurrency', async () => {
    const c = client();
    const taken = uniq('taken');
    await createSkillGroup(c, server.sdkAppId, taken);
    const id = await createSkillGroup(c, server.sdkAppId, uniq('phone'));
    await expectCloudError(c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: id, SkillGroupName: taken }), 'InvalidParameterValue.SkillGroupExist');
    await expectCloudError(c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: 999_999, SkillGroupName: uniq('x') }), 'InvalidParameterValue.SkillGroupError');
    await expectCloudError(c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: id, MaxConcurrency: 2 }), 'InvalidParameterValue');
    await expectCloudError(c.UpdateCCCSkillGroup({ SdkAppId: unknownSdkAppId(server), SkillGroupID: id, RingAll: true }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('DeleteCCCSkillGroup removes the group and its memberships', async () => {
    const c = client();
    const name = uniq('doomed');
    const id = await createSkillGroup(c, server.sdkAppId, name);
    const mail = uniqMail('member');
    await createStaff(c, server.sdkAppId, [{ Mail: mail, SkillGroupNameList: [name] }]);
    const res = await c.DeleteCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupId: id });
    expectExactFields(res, ['RequestId']);
    expect(await describeGroup(c, id)).toBeUndefined();
    expect(await groupsOf(c, mail)).toEqual([]);
    await expectCloudError(c.DeleteCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupId: id }), 'InvalidParameterValue.SkillGroupError');
    await expectCloudError(c.DeleteCCCSkillGroup({ SdkAppId: unknownSdkAppId(server), SkillGroupId: id }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('BindStaffSkillGroupList binds with priorities, also in the older SkillGroupList form', async () => {
    const c = client();
    const [g1, g2, g3] = [await createSkillGroup(c, server.sdkAppId, uniq('b1')), await createSkillGroup(c, server.sdkAppId, uniq('b2')), await createSkillGroup(c, server.sdkAppId, uniq('b3'))];
    const mail = uniqMail('binder');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const res = await c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: g2 }, { SkillGroupId: g1, Priority: 2 }] });
    expectExactFields(res, ['RequestId']);
    expect(await groupsOf(c, mail)).toEqual([
      [g1, 2],
      [g2, 3],
    ]);
    await c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [], SkillGroupList: [g3] });
    await c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: g2, Priority: 1 }] });
    expect(await groupsOf(c, mail)).toEqual([
      [g2, 1],
      [g1, 2],
      [g3, 3],
    ]);
    const members = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupId: g3 });
    expect(members.StaffList?.map((s) => s.Mail)).toEqual([mail]);
  });

  it('BindStaffSkillGroupList answers SkillGroupError, AccountNotExist and InvalidParameterValue', async () => {
    const c = client();
    const g = await createSkillGroup(c, server.sdkAppId, uniq('bind-err'));
    const mail = uniqMail('bind-err');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    await expectCloudError(
      c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: g }, { SkillGroupId: 999_999 }] }),
      'InvalidParameterValue.SkillGroupError',
    );
    expect(await groupsOf(c, mail)).toEqual([]);
    await expectCloudError(
      c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: uniqMail('nobody'), StaffSkillGroupList: [{ SkillGroupId: g }] }),
      'InvalidParameterValue.AccountNotExist',
    );
    const err = await expectCloudError(
      c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: g, Priority: 6 }] }),
      'InvalidParameterValue',
    );
    expect(err.message).toContain('StaffSkillGroupList.0.Priority');
  });

  it('keeps the skill groups of another instance out of reach', async () => {
    const c = client();
    const name = uniq('foreign');
    const foreign = await createSkillGroup(c, otherSdkAppId, name);
    expect(await describeGroup(c, foreign)).toBeUndefined();
    // The same name is free in this instance.
    const local = await createSkillGroup(c, server.sdkAppId, name);
    expect(local).not.toBe(foreign);
    const mail = uniqMail('isolated');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    await expectCloudError(
      c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: foreign }] }),
      'InvalidParameterValue.SkillGroupError',
    );
    await expectCloudError(c.UpdateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupID: foreign, RingAll: true }), 'InvalidParameterValue.SkillGroupError');
    await expectCloudError(c.DeleteCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupId: foreign }), 'InvalidParameterValue.SkillGroupError');
    expect((await c.DescribeSkillGroupInfoList({ SdkAppId: otherSdkAppId, PageSize: 10, PageNumber: 0, SkillGroupId: foreign })).TotalCount).toBe(1);
  });

  it('UnbindStaffSkillGroupList removes only the given groups', async () => {
    const c = client();
    const [n1, n2] = [uniq('u1'), uniq('u2')];
    const [g1, g2] = [await createSkillGroup(c, server.sdkAppId, n1), await createSkillGroup(c, server.sdkAppId, n2)];
    const mail = uniqMail('unbinder');
    await createStaff(c, server.sdkAppId, [{ Mail: mail, SkillGroupNameList: [n1, n2] }]);
    const res = await c.UnbindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, SkillGroupList: [g1] });
    expectExactFields(res, ['RequestId']);
    expect(await groupsOf(c, mail)).toEqual([[g2, 3]]);
    await expectCloudError(c.UnbindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: uniqMail('nobody'), SkillGroupList: [g2] }), 'InvalidParameterValue.AccountNotExist');
    const noList = { SdkAppId: server.sdkAppId, StaffEmail: mail } as unknown as UnbindStaffSkillGroupListRequest;
    expect((await expectCloudError(c.UnbindStaffSkillGroupList(noList), 'MissingParameter')).message).toContain('SkillGroupList');
    expect(await groupsOf(c, mail)).toEqual([[g2, 3]]);
  });
});
