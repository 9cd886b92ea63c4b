import type {
  CreateStaffRequest,
  CreateStaffResponse,
  DeleteStaffResponse,
  DescribeStaffInfoListRequest,
  DescribeStaffInfoListResponse,
  ErrStaffItem,
  SeatUserInfo,
  StaffInfo,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../packages/server/src/crypto/passwords.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import {
  CHINESE_RE,
  METHODS,
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
} from './helpers.js';

const CREATE_FIELDS = fieldsOf<CreateStaffResponse>({ ErrorStaffList: true, RequestId: true });
const ERR_STAFF_FIELDS = fieldsOf<ErrStaffItem>({ StaffEmail: true, Code: true, Message: true });
const LIST_FIELDS = fieldsOf<DescribeStaffInfoListResponse>({ TotalCount: true, StaffList: true, RequestId: true });
const DELETE_FIELDS = fieldsOf<DeleteStaffResponse>({ OnlineStaffList: true, DeleteStatusInfo: true, RequestId: true });
const STAFF_INFO_FIELDS = fieldsOf<StaffInfo>({
  Name: true,
  Mail: true,
  Phone: true,
  Nick: true,
  StaffNumber: true,
  RoleId: true,
  RoleIdList: true,
  RoleList: true,
  SkillGroupList: true,
  LastModifyTimestamp: true,
  ExtensionNumber: true,
  ForwardingConfig: true,
});

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

function seat(mail: string, extra: Partial<SeatUserInfo> = {}): SeatUserInfo {
  return { Name: 'Agent', Mail: mail, StaffNumber: '100', ...extra };
}

async function describeOne(c: CccClient, mail: string): Promise<StaffInfo | undefined> {
  const res = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: mail });
  expect(res.TotalCount).toBeLessThanOrEqual(1);
  return res.StaffList?.[0];
}

describe.each(METHODS)('staff actions over %s', (method) => {
  const client = () => clientFor(server, method);

  it('CreateStaff creates a batch and DescribeStaffInfoList shows every StaffInfo field', async () => {
    const c = client();
    const a = uniqMail('create-a');
    const b = uniqMail('create-b');
    const before = nowSeconds();
    const res = await c.CreateStaff({
      SdkAppId: server.sdkAppId,
      Staffs: [seat(a, { Name: 'Ann', StaffNumber: '11', Phone: '008613800000000', Nick: 'annie', ExtensionNumber: '8011' }), seat(b, { Role: 2 })],
      SendPassword: false,
    });
    expectExactFields(res, CREATE_FIELDS);
    expect(res.ErrorStaffList).toEqual([]);

    const list = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: a });
    expectExactFields(list, LIST_FIELDS);
    expect(list.TotalCount).toBe(1);
    const info = list.StaffList?.[0];
    expectExactFields(info, STAFF_INFO_FIELDS);
    expect(info).toMatchObject({
      Name: 'Ann',
      Mail: a,
      Phone: '008613800000000',
      Nick: 'annie',
      StaffNumber: '11',
      RoleId: 3,
      RoleIdList: 3,
      RoleList: [3],
      SkillGroupList: [],
      ExtensionNumber: '8011',
      ForwardingConfig: { Enabled: false },
    });
    expect(info?.LastModifyTimestamp).toBeGreaterThanOrEqual(before);
    expect(info?.LastModifyTimestamp).toBeLessThanOrEqual(nowSeconds());
    expect(await describeOne(c, b)).toMatchObject({ Mail: b, RoleId: 2, RoleList: [2], Phone: '', Nick: '', ExtensionNumber: '' });
  });

  it('CreateStaff reports duplicates in ErrorStaffList and creates the others', async () => {
    const c = client();
    const existing = uniqMail('dup-existing');
    await createStaff(c, server.sdkAppId, [{ Mail: existing }]);
    const a = uniqMail('dup-a');
    const b = uniqMail('dup-b');
    const res = await c.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [seat(a), seat(b), seat(a, { Name: 'Again' }), seat(existing), seat(existing.toUpperCase())] });
    const errors = res.ErrorStaffList ?? [];
    for (const item of errors) expectExactFields(item, ERR_STAFF_FIELDS);
    // The order of ErrorStaffList is not specified; each refused row appears once.
    expect(errors.map((e) => `${e.StaffEmail} ${e.Code}`).sort()).toEqual(
      [a, existing, existing.toUpperCase()].map((m) => `${m} FailedOperation.DuplicatedAccount`).sort(),
    );
    expect(errors.find((e) => e.StaffEmail === a)?.Message).toContain(a);
    expect(await describeOne(c, a)).toMatchObject({ Mail: a, Name: 'Agent' });
    expect(await describeOne(c, b)).toMatchObject({ Mail: b });
  });

  it('CreateStaff reports an unknown SkillGroupNameList name as SkillGroupError for that staff only', async () => {
    const c = client();
    const group = uniq('known-group');
    const groupId = await createSkillGroup(c, server.sdkAppId, group);
    const missing = uniq('missing-group');
    const good = uniqMail('sg-good');
    const bad = uniqMail('sg-bad');
    const res = await c.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [seat(good, { SkillGroupNameList: [group] }), seat(bad, { SkillGroupNameList: [group, missing] })] });
    expect(res.ErrorStaffList).toEqual([{ StaffEmail: bad, Code: 'InvalidParameterValue.SkillGroupError', Message: expect.stringContaining(missing) }]);
    expect(await describeOne(c, bad)).toBeUndefined();
    expect((await describeOne(c, good))?.SkillGroupList).toEqual([{ SkillGroupId: groupId, SkillGroupName: group, Priority: 3, Type: 'TEL' }]);

    const zh = await clientFor(server, method, 'zh-CN').CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [seat(uniqMail('sg-zh'), { SkillGroupNameList: [missing] })] });
    expect(zh.ErrorStaffList?.[0]?.Code).toBe('InvalidParameterValue.SkillGroupError');
    expect(zh.ErrorStaffList?.[0]?.Message).toMatch(CHINESE_RE);
  });

  it('CreateStaff refuses more than 10 staffs and invalid rows as a whole', async () => {
    const c = client();
    const eleven = Array.from({ length: 11 }, (_, i) => seat(uniqMail(`eleven-${i}`)));
    const err = await expectCloudError(c.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: eleven }), 'InvalidParameterValue');
    expect(err.message).toContain('Staffs');
    expect(await describeOne(c, eleven[0]?.Mail as string)).toBeUndefined();

    const badMail = await expectCloudError(c.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [seat('not-a-mail')] }), 'InvalidParameterValue');
    expect(badMail.message).toContain('Staffs.0.Mail');
    const noName = { SdkAppId: server.sdkAppId, Staffs: [{ Mail: uniqMail('noname'), StaffNumber: '1' }] } as unknown as CreateStaffRequest;
    const missing = await expectCloudError(c.CreateStaff(noName), 'MissingParameter');
    expect(missing.message).toContain('Staffs.0.Name');
    await expectCloudError(c.CreateStaff({ SdkAppId: unknownSdkAppId(server), Staffs: [seat(uniqMail('noinst'))] }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('DescribeStaffInfoList pages from PageNumber 0 and filters by SkillGroupId and StaffMail', async () => {
    const c = client();
    const group = uniq('paging');
    const groupId = await createSkillGroup(c, server.sdkAppId, group);
    const mails = [uniqMail('page-0'), uniqMail('page-1'), uniqMail('page-2')];
    await createStaff(c, server.sdkAppId, mails.map((Mail) => ({ Mail, SkillGroupNameList: [group] })));
    await createStaff(c, server.sdkAppId, [{ Mail: uniqMail('page-outsider') }]);

    const page = (PageNumber: number) => c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 2, PageNumber, SkillGroupId: groupId });
    const [p0, p1, p2] = await Promise.all([page(0), page(1), page(2)]);
    expect([p0.TotalCount, p1.TotalCount, p2.TotalCount]).toEqual([3, 3, 3]);
    expect(p0.StaffList).toHaveLength(2);
    expect(p1.StaffList).toHaveLength(1);
    expect(p2.StaffList).toEqual([]);
    // The pages split the three members without overlap.
    expect([...(p0.StaffList ?? []), ...(p1.StaffList ?? [])].map((s) => s.Mail).sort()).toEqual([...mails].sort());

    const one = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 100, PageNumber: 0, StaffMail: mails[1] });
    expect(one.TotalCount).toBe(1);
    expect(one.StaffList?.map((s) => s.Mail)).toEqual([mails[1]]);
    const none = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 100, PageNumber: 0, StaffMail: uniqMail('nobody') });
    expect(none).toMatchObject({ TotalCount: 0, StaffList: [] });
  });

  it('DescribeStaffInfoList filters by ModifiedTime', async () => {
    const c = client();
    const mail = uniqMail('modified');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const stamp = (await describeOne(c, mail))?.LastModifyTimestamp as number;
    const since = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 9999, PageNumber: 0, ModifiedTime: stamp });
    expect(since.StaffList?.map((s) => s.Mail)).toContain(mail);
    const later = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 9999, PageNumber: 0, ModifiedTime: nowSeconds() + 3600 });
    expect(later).toMatchObject({ TotalCount: 0, StaffList: [] });
  });

  it('keeps unusual characters intact on the way in and out', async () => {
    const c = client();
    const mail = uniqMail("o'brien+tag");
    const name = '张三 & O\'Brien = 50% +1 #?/';
    const res = await c.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [seat(mail, { Name: name, Nick: '小张 😀', StaffNumber: 'A&B=C' })] });
    expect(res.ErrorStaffList).toEqual([]);
    expect(await describeOne(c, mail)).toMatchObject({ Mail: mail, Name: name, Nick: '小张 😀', StaffNumber: 'A&B=C' });
    await c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: mail, Nick: 'a+b c', Phone: '' });
    expect(await describeOne(c, mail)).toMatchObject({ Name: name, Nick: 'a+b c', Phone: '' });
  });

  it('DescribeStaffInfoList validates its parameters', async () => {
    const c = client();
    await expectCloudError(c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 0, PageNumber: 0 }), 'InvalidParameterValue');
    await expectCloudError(c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: -1 }), 'InvalidParameterValue');
    const noPage = { SdkAppId: server.sdkAppId, PageSize: 10 } as unknown as DescribeStaffInfoListRequest;
    expect((await expectCloudError(c.DescribeStaffInfoList(noPage), 'MissingParameter')).message).toContain('PageNumber');
    await expectCloudError(c.DescribeStaffInfoList({ SdkAppId: unknownSdkAppId(server), PageSize: 10, PageNumber: 0 }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('ModifyStaff changes only the given fields, StaffNo maps to StaffNumber', async () => {
    const c = client();
    const mail = uniqMail('modify');
    await c.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [seat(mail, { Name: 'Old', StaffNumber: '1', Phone: '0086100', Nick: 'old-nick', ExtensionNumber: '8100' })] });
    const res = await c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: mail, Nick: 'new-nick', StaffNo: '42' });
    expectExactFields(res, ['RequestId']);
    expect(await describeOne(c, mail)).toMatchObject({ Name: 'Old', Phone: '0086100', Nick: 'new-nick', StaffNumber: '42', ExtensionNumber: '8100', RoleId: 3 });

    const forwarding = { Enabled: true, Condition: 2, Target: { Type: 1, StaffUserId: server.adminUser } };
    await c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: mail, Name: 'New', ForwardingConfig: forwarding });
    expect(await describeOne(c, mail)).toMatchObject({ Name: 'New', Nick: 'new-nick', StaffNumber: '42', ForwardingConfig: forwarding });
  });

  it('ModifyStaff SkillGroupIds replaces the memberships', async () => {
    const c = client();
    const [n1, n2, n3] = [uniq('repl-1'), uniq('repl-2'), uniq('repl-3')];
    const [g1, g2, g3] = [await createSkillGroup(c, server.sdkAppId, n1), await createSkillGroup(c, server.sdkAppId, n2), await createSkillGroup(c, server.sdkAppId, n3)];
    const mail = uniqMail('replace');
    await createStaff(c, server.sdkAppId, [{ Mail: mail, SkillGroupNameList: [n2] }]);
    await c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: g1, Priority: 1 }] });

    await c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: mail, SkillGroupIds: [g1, g3] });
    expect((await describeOne(c, mail))?.SkillGroupList).toEqual([
      { SkillGroupId: g1, SkillGroupName: n1, Priority: 1, Type: 'TEL' },
      { SkillGroupId: g3, SkillGroupName: n3, Priority: 3, Type: 'TEL' },
    ]);

    await expectCloudError(c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: mail, SkillGroupIds: [g2, 999_999] }), 'InvalidParameterValue.SkillGroupError');
    expect((await describeOne(c, mail))?.SkillGroupList?.map((g) => g.SkillGroupId)).toEqual([g1, g3]);
  });

  it('ModifyStaff answers AccountNotExist and InvalidParameterValue', async () => {
    const c = client();
    await expectCloudError(c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: uniqMail('nobody'), Name: 'x' }), 'InvalidParameterValue.AccountNotExist');
    const err = await expectCloudError(c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: 'no-at-sign', Name: 'x' }), 'InvalidParameterValue');
    expect(err.message).toContain('Email');
    await expectCloudError(c.ModifyStaff({ SdkAppId: unknownSdkAppId(server), Email: server.adminUser, Name: 'x' }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('DeleteStaff deletes offline staff and keeps online ones', async () => {
    const c = client();
    const offline = uniqMail('del-offline');
    const online = uniqMail('del-online');
    await createStaff(c, server.sdkAppId, [{ Mail: offline }, { Mail: online }]);
    const res = await c.DeleteStaff({ SdkAppId: server.sdkAppId, StaffList: [offline] });
    expectExactFields(res, DELETE_FIELDS);
    expect(res.OnlineStaffList).toEqual([]);
    expect(res.DeleteStatusInfo).toBeTypeOf('string');
    expect(await describeOne(c, offline)).toBeUndefined();

    await server.server.services.status.record(server.sdkAppId, online, 'free', '');
    const kept = await c.DeleteStaff({ SdkAppId: server.sdkAppId, StaffList: [online] });
    expect(kept.OnlineStaffList).toEqual([online]);
    expect(await describeOne(c, online)).toMatchObject({ Mail: online });
    await expectCloudError(c.DeleteStaff({ SdkAppId: unknownSdkAppId(server), StaffList: [online] }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('ModifyStaffPassword stores a hash of the new password', async () => {
    const c = client();
    const mail = uniqMail('password');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const password = `pw-${uniq('secret')}`;
    const res = await c.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: mail, Password: password });
    expectExactFields(res, ['RequestId']);
    const stored = await server.folder.store.staff.get(server.sdkAppId, mail);
    expect(stored?.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, stored?.passwordHash as string)).toBe(true);
    expect(await verifyPassword(`${password}x`, stored?.passwordHash as string)).toBe(false);

    await expectCloudError(c.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: mail, Password: 'short' }), 'InvalidParameterValue');
    await expectCloudError(c.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: uniqMail('nobody'), Password: 'long-enough-1' }), 'InvalidParameterValue.AccountNotExist');
  });
});
