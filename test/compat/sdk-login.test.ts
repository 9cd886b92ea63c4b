import { join } from 'node:path';
import Database from 'better-sqlite3';
import type {
  CreateAdminURLRequest,
  CreateAdminURLResponse,
  CreateSDKLoginTokenRequest,
  CreateSDKLoginTokenResponse,
  SkillGroupItem,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import {
  CHINESE_RE,
  HEX32_RE,
  METHODS,
  clientFor,
  createSkillGroup,
  createStaff,
  expectCloudError,
  expectExactFields,
  fieldsOf,
  nowSeconds,
  sha256Hex,
  uniq,
  uniqMail,
  unknownSdkAppId,
} from './helpers.js';

const TOKEN_FIELDS = fieldsOf<CreateSDKLoginTokenResponse>({ Token: true, ExpiredTime: true, SdkURL: true, RequestId: true });
const ADMIN_URL_FIELDS = fieldsOf<CreateAdminURLResponse>({ URL: true, RequestId: true });
const SKILL_GROUP_ITEM_FIELDS = fieldsOf<SkillGroupItem>({ SkillGroupId: true, SkillGroupName: true, Priority: true, Type: true });

interface CredentialRow {
  kind: string;
  hash: string;
  sdk_app_id: number;
  mail: string;
  only_once: number;
  expires_at: number;
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** Reads the credentials table straight from the SQLite file, read-only. */
function credentialRows(): CredentialRow[] {
  const db = new Database(join(server.dataDir, 'openccc.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM credentials').all() as CredentialRow[];
  } finally {
    db.close();
  }
}

describe.each(METHODS)('SDK login and console links over %s', (method) => {
  const client = () => clientFor(server, method);

  it('runs the whole onboarding flow: staff, skill group, binding, listing, login token', async () => {
    const c = client();
    const groupName = uniq('queue');
    const groupId = await createSkillGroup(c, server.sdkAppId, groupName);
    const mail = uniqMail('flow');
    await createStaff(c, server.sdkAppId, [{ Mail: mail, Name: 'Flow Agent', StaffNumber: '7001' }]);
    await c.BindStaffSkillGroupList({ SdkAppId: server.sdkAppId, StaffEmail: mail, StaffSkillGroupList: [{ SkillGroupId: groupId, Priority: 1 }] });

    const list = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: mail });
    expect(list.TotalCount).toBe(1);
    const staff = list.StaffList?.[0];
    expect(staff?.Mail).toBe(mail);
    expect(staff?.SkillGroupList).toEqual([{ SkillGroupId: groupId, SkillGroupName: groupName, Priority: 1, Type: 'TEL' }]);
    expectExactFields(staff?.SkillGroupList?.[0], SKILL_GROUP_ITEM_FIELDS);

    const before = nowSeconds();
    const token = await c.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
    const after = nowSeconds();
    expectExactFields(token, TOKEN_FIELDS);
    expect(token.Token).toMatch(HEX32_RE);
    expect(token.SdkURL).toBe(`${server.url}/sdk/v1/tccc.js`);
    expect(token.ExpiredTime).toBeGreaterThanOrEqual(before + 600);
    expect(token.ExpiredTime).toBeLessThanOrEqual(after + 600);
  });

  it('mints a different token on every call and accepts OnlyOnce', async () => {
    const c = client();
    const mail = uniqMail('tokens');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const first = await c.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
    const second = await c.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail, OnlyOnce: true });
    expect(second.Token).toMatch(HEX32_RE);
    expect(second.Token).not.toBe(first.Token);
    const row = credentialRows().find((r) => r.hash === sha256Hex(second.Token as string));
    expect(row).toMatchObject({ kind: 'sdk-token', sdk_app_id: server.sdkAppId, mail, only_once: 1 });
  });

  it('stores a login token only as its SHA-256 hash', async () => {
    const c = client();
    const mail = uniqMail('hashed');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const { Token } = await c.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail });
    const token = Token as string;
    const rows = credentialRows();
    expect(rows.filter((r) => r.hash === token)).toEqual([]);
    expect(JSON.stringify(rows)).not.toContain(token);
    const stored = rows.filter((r) => r.hash === sha256Hex(token));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ kind: 'sdk-token', sdk_app_id: server.sdkAppId, mail, only_once: 0 });
  });

  it('answers InvalidParameterValue.InstanceNotExist for an unknown SdkAppId', async () => {
    await expectCloudError(
      client().CreateSDKLoginToken({ SdkAppId: unknownSdkAppId(server), SeatUserId: server.adminUser }),
      'InvalidParameterValue.InstanceNotExist',
    );
  });

  it('answers InvalidParameterValue.AccountNotExist for an unknown staff, naming it', async () => {
    const mail = uniqMail('ghost');
    const err = await expectCloudError(client().CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail }), 'InvalidParameterValue.AccountNotExist');
    expect(err.message).toContain(mail);
    expect(err.message).not.toMatch(CHINESE_RE);
  });

  it('answers in Chinese when the client asks for zh-CN', async () => {
    const mail = uniqMail('ghost-zh');
    const err = await expectCloudError(
      clientFor(server, method, 'zh-CN').CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail }),
      'InvalidParameterValue.AccountNotExist',
    );
    expect(err.message).toMatch(CHINESE_RE);
    expect(err.message).toContain(mail);
    const noApp = { SeatUserId: mail } as unknown as CreateSDKLoginTokenRequest;
    const missing = await expectCloudError(clientFor(server, method, 'zh-CN').CreateSDKLoginToken(noApp), 'MissingParameter');
    expect(missing.message).toMatch(CHINESE_RE);
    expect(missing.message).toContain('SdkAppId');
  });

  it('answers MissingParameter naming a missing required parameter', async () => {
    const noApp = { SeatUserId: server.adminUser } as unknown as CreateSDKLoginTokenRequest;
    const err = await expectCloudError(client().CreateSDKLoginToken(noApp), 'MissingParameter');
    expect(err.message).toContain('SdkAppId');
    const noUser = { SdkAppId: server.sdkAppId } as unknown as CreateSDKLoginTokenRequest;
    const err2 = await expectCloudError(client().CreateSDKLoginToken(noUser), 'MissingParameter');
    expect(err2.message).toContain('SeatUserId');
  });

  it('answers InvalidParameter for a parameter of the wrong type', async () => {
    const bad = { SdkAppId: 'abc', SeatUserId: server.adminUser } as unknown as CreateSDKLoginTokenRequest;
    const err = await expectCloudError(client().CreateSDKLoginToken(bad), 'InvalidParameter');
    expect(err.message).toContain('SdkAppId');
  });

  it('answers UnknownParameter for a parameter the action does not have', async () => {
    const extra = { SdkAppId: server.sdkAppId, SeatUserId: server.adminUser, Shoe: 'x' } as unknown as CreateSDKLoginTokenRequest;
    const err = await expectCloudError(client().CreateSDKLoginToken(extra), 'UnknownParameter');
    expect(err.message).toContain('Shoe');
  });

  it('CreateAdminURL gives the administrator a console link that works exactly once', async () => {
    const res = await client().CreateAdminURL({ SdkAppId: server.sdkAppId, SeatUserId: server.adminUser });
    expectExactFields(res, ADMIN_URL_FIELDS);
    const url = res.URL as string;
    const prefix = `${server.url}/console/login?code=`;
    expect(url.startsWith(prefix)).toBe(true);
    expect(url.slice(prefix.length)).toMatch(HEX32_RE);
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/console/');
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toMatch(/^openccc_console=[0-9a-f]{64}$/);
    const session = await fetch(`${server.url}/console/api/v1/session`, { headers: { cookie } });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { user: { mail: string } }).user.mail).toBe(server.adminUser);
    const second = await fetch(url, { redirect: 'manual' });
    expect(second.status).toBe(410);
    await second.arrayBuffer();
  });

  it('CreateAdminURL stores only the hash of the link code', async () => {
    const res = await client().CreateAdminURL({ SdkAppId: server.sdkAppId, SeatUserId: server.adminUser });
    const code = new URL(res.URL as string).searchParams.get('code') as string;
    const rows = credentialRows();
    expect(JSON.stringify(rows)).not.toContain(code);
    expect(rows.filter((r) => r.hash === sha256Hex(code))).toEqual([
      expect.objectContaining({ kind: 'admin-link', sdk_app_id: server.sdkAppId, mail: server.adminUser, only_once: 1 }),
    ]);
  });

  it('CreateAdminURL works for a quality inspector (Role 2) and refuses an agent (Role 3)', async () => {
    const c = client();
    const inspector = uniqMail('qa');
    const agent = uniqMail('agent');
    await createStaff(c, server.sdkAppId, [
      { Mail: inspector, Role: 2 },
      { Mail: agent, Role: 3 },
    ]);
    const ok = await c.CreateAdminURL({ SdkAppId: server.sdkAppId, SeatUserId: inspector });
    expect(ok.URL).toMatch(/\/console\/login\?code=[0-9a-f]{32}$/);
    const err = await expectCloudError(c.CreateAdminURL({ SdkAppId: server.sdkAppId, SeatUserId: agent }), 'FailedOperation.PermissionDenied');
    expect(err.message).toContain(agent);
  });

  it('CreateAdminURL answers AccountNotExist, InstanceNotExist and MissingParameter', async () => {
    const c = client();
    await expectCloudError(c.CreateAdminURL({ SdkAppId: server.sdkAppId, SeatUserId: uniqMail('nobody') }), 'InvalidParameterValue.AccountNotExist');
    await expectCloudError(c.CreateAdminURL({ SdkAppId: unknownSdkAppId(server), SeatUserId: server.adminUser }), 'InvalidParameterValue.InstanceNotExist');
    const missing = { SdkAppId: server.sdkAppId } as unknown as CreateAdminURLRequest;
    const err = await expectCloudError(c.CreateAdminURL(missing), 'MissingParameter');
    expect(err.message).toContain('SeatUserId');
  });

  it('a console link code that was never issued is refused', async () => {
    const res = await fetch(`${server.url}/console/login?code=${'0'.repeat(32)}`);
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
