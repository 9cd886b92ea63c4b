import type {
  DescribeStaffStatusHistoryResponse,
  ForceMemberOfflineRequest,
  StaffStatus as StaffStatusRecord,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffStatus } from '../../packages/server/src/staff/presence.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { METHODS, clientFor, createStaff, expectCloudError, expectExactFields, fieldsOf, uniqMail, unknownSdkAppId } from './helpers.js';

const HISTORY_FIELDS = fieldsOf<DescribeStaffStatusHistoryResponse>({ Data: true, RequestId: true });
const RECORD_FIELDS = fieldsOf<StaffStatusRecord>({
  Cursor: true,
  Timestamp: true,
  Status: true,
  SessionId: true,
  Reason: true,
  StaffEmail: true,
  StaffNo: true,
});

const DAY = 86_400;

// A server clock the tests move forward (instead of sleeping); it starts 200 ms into a second.
let now = Math.floor(Date.now() / 1000) * 1000 + 200;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
});

afterAll(async () => {
  await server?.close();
});

/** What the realtime layer calls when an agent's status changes. */
function record(mail: string, status: StaffStatus, reason = ''): Promise<void> {
  return server.server.services.status.record(server.sdkAppId, mail, status, reason);
}

function nowSeconds(): number {
  return Math.floor(now / 1000);
}

async function statusOf(c: CccClient, mail: string): Promise<string | undefined> {
  const res = await c.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [mail] });
  return res.Metrics?.[0]?.Status;
}

describe.each(METHODS)('status history and forced sign-out over %s', (method) => {
  const client = () => clientFor(server, method);

  it('DescribeStaffStatusHistory returns the recorded changes with every StaffStatus field', async () => {
    const c = client();
    const mail = uniqMail('history');
    await createStaff(c, server.sdkAppId, [{ Mail: mail, StaffNumber: '5150' }]);
    const start = nowSeconds();
    await record(mail, 'free');
    now += 1000;
    await c.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'rest', Reason: 'lunch' }] });
    now += 1000;
    await record(mail, 'notReady');
    now += 1000;
    await c.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: mail });

    const res = await c.DescribeStaffStatusHistory({ SdkAppId: server.sdkAppId, StaffUserId: mail, StartTimestamp: start - 60, EndTimestamp: nowSeconds() + 60 });
    expectExactFields(res, HISTORY_FIELDS);
    for (const entry of res.Data ?? []) expectExactFields(entry, RECORD_FIELDS);
    expect(res.Data?.map((e) => [e.Status, e.Reason, e.Timestamp])).toEqual([
      ['free', '', start],
      ['rest', 'lunch', start + 1],
      ['notReady', '', start + 2],
      ['offline', '', start + 3],
    ]);
    expect(res.Data?.[0]).toMatchObject({ StaffEmail: mail, StaffNo: '5150', SessionId: '' });
    expect(res.Data?.every((e) => typeof e.Cursor === 'string' && e.Cursor !== '')).toBe(true);

    const other = await c.DescribeStaffStatusHistory({ SdkAppId: server.sdkAppId, StaffUserId: server.adminUser, StartTimestamp: start - 60, EndTimestamp: nowSeconds() + 60 });
    expect(other.Data).toEqual([]);
  });

  it('DescribeStaffStatusHistory pages with Cursor and PageSize', async () => {
    const c = client();
    const mail = uniqMail('paging');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const start = nowSeconds();
    const statuses: StaffStatus[] = ['free', 'rest', 'free', 'notReady', 'free'];
    for (const status of statuses) {
      await record(mail, status);
      now += 1000;
    }
    const query = { SdkAppId: server.sdkAppId, StaffUserId: mail, StartTimestamp: start, EndTimestamp: nowSeconds(), PageSize: 2 };
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await c.DescribeStaffStatusHistory(cursor === undefined ? query : { ...query, Cursor: cursor });
      const data = res.Data ?? [];
      expect(data.length).toBeLessThanOrEqual(2);
      if (data.length === 0) break;
      seen.push(...data.map((e) => e.Status as string));
      cursor = data[data.length - 1]?.Cursor;
    }
    expect(seen).toEqual(statuses);
  });

  it('DescribeStaffStatusHistory includes a change in the second given as EndTimestamp', async () => {
    const c = client();
    const mail = uniqMail('boundary');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    // The clock stands 200 ms into a second: the change is stamped with this second.
    await record(mail, 'free');
    const second = nowSeconds();
    const wide = await c.DescribeStaffStatusHistory({ SdkAppId: server.sdkAppId, StaffUserId: mail, StartTimestamp: second - 60, EndTimestamp: second + 60 });
    expect(wide.Data?.map((e) => e.Timestamp)).toEqual([second]);
    // A caller asking "up to now" in whole seconds must see the entry reported with that very second.
    const upToNow = await c.DescribeStaffStatusHistory({ SdkAppId: server.sdkAppId, StaffUserId: mail, StartTimestamp: second - 60, EndTimestamp: second });
    expect(upToNow.Data?.map((e) => [e.Status, e.Timestamp])).toEqual([['free', second]]);
  });

  it('DescribeStaffStatusHistory refuses bad ranges, cursors and unknown staff', async () => {
    const c = client();
    const mail = uniqMail('ranges');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const end = nowSeconds();
    const ask = (StartTimestamp: number, EndTimestamp: number, extra: { StaffUserId?: string; Cursor?: string; SdkAppId?: number } = {}) =>
      c.DescribeStaffStatusHistory({ SdkAppId: server.sdkAppId, StaffUserId: mail, StartTimestamp, EndTimestamp, ...extra });

    expect((await ask(end - 6 * DAY, end)).Data).toEqual([]);
    await expectCloudError(ask(end - 8 * DAY, end), 'InvalidParameterValue');
    await expectCloudError(ask(end, end - 60), 'InvalidParameterValue');
    await expectCloudError(ask(end - 200 * DAY, end - 199 * DAY), 'InvalidParameterValue');
    await expectCloudError(ask(end - 60, end, { Cursor: 'not-a-cursor' }), 'InvalidParameterValue');
    await expectCloudError(ask(end - 60, end, { StaffUserId: uniqMail('nobody') }), 'InvalidParameterValue.AccountNotExist');
    await expectCloudError(ask(end - 60, end, { SdkAppId: unknownSdkAppId(server) }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('ForceMemberOffline signs an online agent out and RestoreMemberOnline lifts the block', async () => {
    const c = client();
    const mail = uniqMail('forced');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    await record(mail, 'free');
    expect(await statusOf(c, mail)).toBe('free');

    const forced = await c.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: mail });
    expectExactFields(forced, ['RequestId']);
    expect(await statusOf(c, mail)).toBe('offline');
    expect((await server.folder.store.staff.get(server.sdkAppId, mail))?.forcedOffline).toBe(true);
    const set = await c.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'free' }] });
    expect(set.StaffStatusList?.[0]?.ErrorCode).toBe('FailedOperation.CurStateNotAllowModify');

    const restored = await c.RestoreMemberOnline({ SdkAppId: server.sdkAppId, UserId: mail });
    expectExactFields(restored, ['RequestId']);
    expect((await server.folder.store.staff.get(server.sdkAppId, mail))?.forcedOffline).toBe(false);
    // Restoring allows the agent to sign in again; it does not sign them in.
    expect(await statusOf(c, mail)).toBe('offline');
  });

  it('ForceMemberOffline on an offline agent still blocks them', async () => {
    const c = client();
    const mail = uniqMail('forced-offline');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    await c.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: mail });
    expect((await server.folder.store.staff.get(server.sdkAppId, mail))?.forcedOffline).toBe(true);
    expect(await statusOf(c, mail)).toBe('offline');
    await c.RestoreMemberOnline({ SdkAppId: server.sdkAppId, UserId: mail });
    expect((await server.folder.store.staff.get(server.sdkAppId, mail))?.forcedOffline).toBe(false);
  });

  it('ForceMemberOffline and RestoreMemberOnline answer AccountNotExist, InstanceNotExist and MissingParameter', async () => {
    const c = client();
    const ghost = uniqMail('ghost');
    await expectCloudError(c.ForceMemberOffline({ SdkAppId: server.sdkAppId, UserId: ghost }), 'InvalidParameterValue.AccountNotExist');
    await expectCloudError(c.RestoreMemberOnline({ SdkAppId: server.sdkAppId, UserId: ghost }), 'InvalidParameterValue.AccountNotExist');
    await expectCloudError(c.ForceMemberOffline({ SdkAppId: unknownSdkAppId(server), UserId: server.adminUser }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c.RestoreMemberOnline({ SdkAppId: unknownSdkAppId(server), UserId: server.adminUser }), 'InvalidParameterValue.InstanceNotExist');
    const noUser = { SdkAppId: server.sdkAppId } as unknown as ForceMemberOfflineRequest;
    expect((await expectCloudError(c.ForceMemberOffline(noUser), 'MissingParameter')).message).toContain('UserId');
    expect((await expectCloudError(c.RestoreMemberOnline(noUser), 'MissingParameter')).message).toContain('UserId');
  });
});
