import type { DescribeExtensionResponse, DescribeExtensionsResponse, ExtensionInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { extensionHa1 } from '../../packages/server/src/sip/extensions.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { CHINESE_RE, METHODS, clientFor, createSkillGroup, createStaff, expectCloudError, expectExactFields, fieldsOf, uniq, uniqMail, unknownSdkAppId } from './helpers.js';

const DESCRIBE_FIELDS = fieldsOf<DescribeExtensionResponse>({ ExtensionId: true, ExtensionDomain: true, Password: true, OutboundProxy: true, Transport: true, RequestId: true });
const LIST_FIELDS = fieldsOf<DescribeExtensionsResponse>({ Total: true, ExtensionList: true, RequestId: true });
const INFO_FIELDS = fieldsOf<ExtensionInfo>({
  SdkAppId: true,
  FullExtensionId: true,
  ExtensionId: true,
  SkillGroupId: true,
  ExtensionName: true,
  CreateTime: true,
  ModifyTime: true,
  Status: true,
  Register: true,
  Relation: true,
  RelationName: true,
});
const INFO_FIELDS_WITHOUT_STATUS = INFO_FIELDS.filter((f) => f !== 'Status' && f !== 'Register');

let server: TestServer;
let otherSdkAppId: number;
let serial = 0;

/** An extension id no other test uses. */
function newId(): string {
  serial += 1;
  return String(7000 + serial);
}

/** Whether `password` verifies against what the registrar stores for the extension. */
async function verifies(extensionId: string, password: string): Promise<boolean> {
  const stored = await server.folder.store.sipExtensions.get(server.sdkAppId, extensionId);
  if (!stored) return false;
  return stored.ha1 === extensionHa1(extensionId, stored.realm, password);
}

async function staffExtension(mail: string): Promise<string | undefined> {
  return (await server.folder.store.staff.get(server.sdkAppId, mail))?.extensionNumber;
}

beforeAll(async () => {
  server = await startTestServer({ flags: { 'sip-domain': 'SIP.Example.com', 'sip-port': '5070' } });
  otherSdkAppId = (await createInstance(server.folder.store, 'other', Date.now())).sdkAppId;
});

afterAll(async () => {
  await server?.close();
});

describe.each(METHODS)('extensions over %s', (method) => {
  it('CreateExtension, then DescribeExtension answers the phone settings with the password ResetExtensionPassword gives', async () => {
    const c = clientFor(server, method);
    const id = newId();
    expect(await c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, ExtensionName: 'Front desk' })).toEqual({ RequestId: expect.any(String) });
    const described = await c.DescribeExtension({ SdkAppId: server.sdkAppId, ExtensionId: id });
    expectExactFields(described, DESCRIBE_FIELDS);
    expect(described).toMatchObject({ ExtensionId: id, ExtensionDomain: `${server.sdkAppId}.sip.example.com`, OutboundProxy: '127.0.0.1:5070', Transport: 'udp' });
    const first = described.Password ?? '';
    expect(first).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
    expect(await verifies(id, first)).toBe(true);

    const reset = await c.ResetExtensionPassword({ SdkAppId: server.sdkAppId, ExtensionId: id });
    expect(Object.keys(reset).sort()).toEqual(['Password', 'RequestId']);
    expect(reset.Password).not.toBe(first);
    expect((await c.DescribeExtension({ SdkAppId: server.sdkAppId, ExtensionId: id })).Password).toBe(reset.Password);
    expect(await verifies(id, reset.Password ?? '')).toBe(true);
    expect(await verifies(id, first)).toBe(false);
  });

  it('DescribeExtensions lists the instance\'s extensions in numeric order with the official fields, paged and filtered', async () => {
    const c = clientFor(server, method);
    const group = await createSkillGroup(c, server.sdkAppId, uniq('desk'));
    const ids = [newId(), newId(), newId()];
    const tag = uniq('list');
    for (const [i, id] of ids.entries()) {
      await c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, ExtensionName: `${tag} ${i}`, ...(i === 0 ? { SkillGroupIds: [group] } : {}) });
    }
    await server.server.services.extensions.create(otherSdkAppId, { extensionId: ids[0] ?? '', name: `${tag} elsewhere` });

    const all = await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, PageSize: 100, FuzzingKeyWord: tag });
    expectExactFields(all, LIST_FIELDS);
    expect(all.Total).toBe(3);
    expect(all.ExtensionList?.map((e) => e.ExtensionId)).toEqual(ids);
    const first = all.ExtensionList?.[0];
    expectExactFields(first, INFO_FIELDS_WITHOUT_STATUS);
    expect(first).toEqual({
      SdkAppId: server.sdkAppId,
      FullExtensionId: `${ids[0]}@${server.sdkAppId}.sip.example.com`,
      ExtensionId: ids[0],
      SkillGroupId: String(group),
      ExtensionName: `${tag} 0`,
      CreateTime: expect.any(Number),
      ModifyTime: expect.any(Number),
      Relation: '',
      RelationName: '',
    });
    expect(Math.abs((first?.CreateTime ?? 0) - Date.now() / 1000)).toBeLessThan(60);

    const second = await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 1, PageSize: 1, FuzzingKeyWord: tag });
    expect(second.Total).toBe(3);
    expect(second.ExtensionList?.map((e) => e.ExtensionId)).toEqual([ids[1]]);
    const chosen = await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, ExtensionIds: [ids[2] ?? '', 'nope'] });
    expect(chosen.ExtensionList?.map((e) => e.ExtensionId)).toEqual([ids[2]]);

    const withStatus = await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, ExtensionIds: [ids[0] ?? ''], IsNeedStatus: true });
    expectExactFields(withStatus.ExtensionList?.[0], INFO_FIELDS);
    expect(withStatus.ExtensionList?.[0]).toMatchObject({ Status: 0, Register: false });
  });

  it('reports the registrar\'s state when asked (IsNeedStatus)', async () => {
    const c = clientFor(server, method);
    const [idle, busy] = [newId(), newId()];
    await c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: idle, ExtensionName: 'idle' });
    await c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: busy, ExtensionName: 'busy' });
    server.server.services.sipRegistrations = (sdkAppId, extensionId) => ({ registered: sdkAppId === server.sdkAppId, busy: extensionId === busy });
    try {
      const res = await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, ExtensionIds: [idle, busy], IsNeedStatus: true });
      expect(res.ExtensionList?.map((e) => [e.ExtensionId, e.Status, e.Register])).toEqual([
        [idle, 100, true],
        [busy, 200, true],
      ]);
    } finally {
      delete server.server.services.sipRegistrations;
    }
  });

  it('ModifyExtension renames, regroups and binds a staff, whose ExtensionNumber follows; unbinding and deleting clear it', async () => {
    const c = clientFor(server, method);
    const [mail, other] = [uniqMail('desk'), uniqMail('desk')];
    await createStaff(c, server.sdkAppId, [
      { Mail: mail, Name: 'Ada' },
      { Mail: other, Name: 'Grace' },
    ]);
    const group = await createSkillGroup(c, server.sdkAppId, uniq('desk'));
    const id = newId();
    await c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, ExtensionName: 'old', Relation: mail });
    expect(await staffExtension(mail)).toBe(id);

    expect(await c.ModifyExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, ExtensionName: 'new', SkillGroupIds: [group], Relation: other })).toEqual({ RequestId: expect.any(String) });
    const [info] = (await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, ExtensionIds: [id] })).ExtensionList ?? [];
    expect(info).toMatchObject({ ExtensionName: 'new', SkillGroupId: String(group), Relation: other, RelationName: 'Grace' });
    expect(await staffExtension(other)).toBe(id);
    expect(await staffExtension(mail)).toBe('');
    const staffList = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: other });
    expect(staffList.StaffList?.[0]?.ExtensionNumber).toBe(id);

    // The other direction: ModifyStaff's ExtensionNumber moves the relation.
    await c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: mail, ExtensionNumber: id });
    await c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: other, ExtensionNumber: '' });
    const [moved] = (await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, ExtensionIds: [id] })).ExtensionList ?? [];
    expect(moved).toMatchObject({ Relation: mail, RelationName: 'Ada' });
    const byStaff = await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, FuzzingKeyWord: 'ada' });
    expect(byStaff.ExtensionList?.map((e) => e.ExtensionId)).toContain(id);

    await c.ModifyExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, Relation: '' });
    expect(await staffExtension(mail)).toBe('');
    await c.ModifyExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, Relation: mail });
    expect(await c.DeleteExtension({ SdkAppId: server.sdkAppId, ExtensionId: id })).toEqual({ RequestId: expect.any(String) });
    expect(await staffExtension(mail)).toBe('');
    await expectCloudError(c.DescribeExtension({ SdkAppId: server.sdkAppId, ExtensionId: id }), 'ResourceNotFound');
    expect((await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, ExtensionIds: [id] })).Total).toBe(0);
  });

  it('refuses a duplicate id, a malformed id, unknown extensions, staff and skill groups', async () => {
    const c = clientFor(server, method);
    const id = newId();
    await c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, ExtensionName: 'one' });
    const duplicate = await expectCloudError(c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, ExtensionName: 'two' }), 'FailedOperation.DuplicatedAccount');
    expect(duplicate.message).toContain(id);
    const bad = await expectCloudError(c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: '80a1', ExtensionName: 'x' }), 'InvalidParameterValue');
    expect(bad.message).toContain('ExtensionId');
    await expectCloudError(c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: '1'.repeat(33), ExtensionName: 'x' }), 'InvalidParameterValue');
    const unknown = newId();
    // One at a time, so on one connection: identical bodies in one second share a signature, which only its first connection may use for another action.
    await expectCloudError(c.DescribeExtension({ SdkAppId: server.sdkAppId, ExtensionId: unknown }), 'ResourceNotFound');
    await expectCloudError(c.ModifyExtension({ SdkAppId: server.sdkAppId, ExtensionId: unknown, ExtensionName: 'x' }), 'ResourceNotFound');
    await expectCloudError(c.DeleteExtension({ SdkAppId: server.sdkAppId, ExtensionId: unknown }), 'ResourceNotFound');
    await expectCloudError(c.ResetExtensionPassword({ SdkAppId: server.sdkAppId, ExtensionId: unknown }), 'ResourceNotFound');
    await expectCloudError(c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: newId(), ExtensionName: 'x', Relation: uniqMail('nobody') }), 'InvalidParameterValue.AccountNotExist');
    await expectCloudError(c.ModifyExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, Relation: uniqMail('nobody') }), 'InvalidParameterValue.AccountNotExist');
    await expectCloudError(c.ModifyExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, SkillGroupIds: [999_999] }), 'InvalidParameterValue.SkillGroupError');
    await expectCloudError(c.DescribeExtensions({ SdkAppId: unknownSdkAppId(server), PageNumber: 0 }), 'InvalidParameterValue.InstanceNotExist');
    const zh = await expectCloudError(clientFor(server, method, 'zh-CN').DescribeExtension({ SdkAppId: server.sdkAppId, ExtensionId: unknown }), 'ResourceNotFound');
    expect(zh.message).toMatch(CHINESE_RE);
  });

  it('another instance\'s extension is invisible', async () => {
    const c = clientFor(server, method);
    const id = newId();
    await server.server.services.extensions.create(otherSdkAppId, { extensionId: id, name: 'elsewhere' });
    await expectCloudError(c.DescribeExtension({ SdkAppId: server.sdkAppId, ExtensionId: id }), 'ResourceNotFound');
    await expectCloudError(c.ResetExtensionPassword({ SdkAppId: server.sdkAppId, ExtensionId: id }), 'ResourceNotFound');
    await expectCloudError(c.DeleteExtension({ SdkAppId: server.sdkAppId, ExtensionId: id }), 'ResourceNotFound');
    expect((await c.DescribeExtensions({ SdkAppId: server.sdkAppId, PageNumber: 0, ExtensionIds: [id] })).Total).toBe(0);
    // The same id is free in this instance, with its own password and realm.
    await c.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: id, ExtensionName: 'here' });
    const mine = await server.folder.store.sipExtensions.get(server.sdkAppId, id);
    const theirs = await server.folder.store.sipExtensions.get(otherSdkAppId, id);
    expect(mine?.realm).toBe(`${server.sdkAppId}.sip.example.com`);
    expect(theirs?.realm).toBe(`${otherSdkAppId}.sip.example.com`);
    expect(mine?.ha1).not.toBe(theirs?.ha1);
  });
});
