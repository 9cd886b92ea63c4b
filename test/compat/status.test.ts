import type {
  ClientInfo,
  DescribeStaffStatusMetricsResponse,
  SetStaffStatusRequest,
  SetStaffStatusResponse,
  SetStaffStatusRspItem,
  StaffStatusExtra,
  StaffStatusMetrics,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StaffStatus } from '../../packages/server/src/staff/presence.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import {
  METHODS,
  clientFor,
  createSkillGroup,
  createStaff,
  expectCloudError,
  expectExactFields,
  expectKnownFields,
  fieldsOf,
  uniq,
  uniqMail,
  unknownSdkAppId,
} from './helpers.js';

const SET_FIELDS = fieldsOf<SetStaffStatusResponse>({ StaffStatusList: true, RequestId: true });
const SET_ITEM_FIELDS = fieldsOf<SetStaffStatusRspItem>({
  StaffUserId: true,
  ErrorCode: true,
  ErrorMessage: true,
  Status: true,
  Reason: true,
  PreviousStatus: true,
  PreviousReason: true,
});
const METRICS_FIELDS = fieldsOf<DescribeStaffStatusMetricsResponse>({ Metrics: true, RequestId: true });
const METRIC_FIELDS = fieldsOf<StaffStatusMetrics>({
  Email: true,
  Status: true,
  StatusExtra: true,
  OnlineDuration: true,
  FreeDuration: true,
  BusyDuration: true,
  NotReadyDuration: true,
  RestDuration: true,
  AfterCallWorkDuration: true,
  Reason: true,
  ReserveRest: true,
  ReserveNotReady: true,
  UseMobileAccept: true,
  UseMobileCallOut: true,
  LastOnlineTimestamp: true,
  LastStatusTimestamp: true,
  ClientInfo: true,
});
const EXTRA_FIELDS = fieldsOf<StaffStatusExtra>({ Type: true, Direct: true });
const CLIENT_INFO_FIELDS = fieldsOf<ClientInfo>({ ClientType: true, IsConnected: true });

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

async function metricsOf(c: CccClient, mail: string): Promise<StaffStatusMetrics | undefined> {
  const res = await c.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [mail] });
  expect(res.Metrics?.length).toBeLessThanOrEqual(1);
  return res.Metrics?.[0];
}

describe.each(METHODS)('agent status over %s', (method) => {
  const client = () => clientFor(server, method);

  it('SetStaffStatus reports an offline agent per item with CurStateNotAllowModify', async () => {
    const c = client();
    const mail = uniqMail('offline');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const res = await c.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'free' }] });
    expectExactFields(res, SET_FIELDS);
    expect(res.StaffStatusList).toHaveLength(1);
    const item = res.StaffStatusList?.[0];
    expectKnownFields(item, SET_ITEM_FIELDS);
    expect(item).toMatchObject({ StaffUserId: mail, ErrorCode: 'FailedOperation.CurStateNotAllowModify', Status: 'offline', PreviousStatus: 'offline' });
    expect(item?.ErrorMessage).toBeTypeOf('string');
    expect(await metricsOf(c, mail)).toMatchObject({ Status: 'offline' });
  });

  it('SetStaffStatus changes an online agent and reports the previous status', async () => {
    const c = client();
    const mail = uniqMail('online');
    const offline = uniqMail('bystander');
    const ghost = uniqMail('ghost');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }, { Mail: offline }]);
    await record(mail, 'free');
    now += 1000;

    const rest = await c.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'rest', Reason: 'lunch' }] });
    const item = rest.StaffStatusList?.[0];
    expectKnownFields(item, SET_ITEM_FIELDS);
    expect(item).toMatchObject({ StaffUserId: mail, Status: 'rest', Reason: 'lunch', PreviousStatus: 'free', PreviousReason: '' });
    expect(item?.ErrorCode ?? '').toBe('');
    expect(await metricsOf(c, mail)).toMatchObject({ Status: 'rest', Reason: 'lunch' });

    now += 1000;
    const batch = await c.SetStaffStatus({
      SdkAppId: server.sdkAppId,
      StaffStatusList: [
        { StaffUserId: mail, Status: 'notReady', Reason: 'ignored' },
        { StaffUserId: offline, Status: 'free' },
        { StaffUserId: ghost, Status: 'free' },
      ],
    });
    expect(batch.StaffStatusList?.map((i) => [i.StaffUserId, i.ErrorCode ?? '', i.Status, i.PreviousStatus])).toEqual([
      [mail, '', 'notReady', 'rest'],
      [offline, 'FailedOperation.CurStateNotAllowModify', 'offline', 'offline'],
      [ghost, 'InvalidParameterValue.AccountNotExist', 'offline', 'offline'],
    ]);
    expect(batch.StaffStatusList?.[0]).toMatchObject({ Reason: '', PreviousReason: 'lunch' });
    expect(await metricsOf(c, mail)).toMatchObject({ Status: 'notReady', Reason: '' });
  });

  it('SetStaffStatus leaves an agent in a session alone (SeatStatusBusy)', async () => {
    const c = client();
    const mail = uniqMail('busy');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    // As the call engine will: the agent is online, then a session starts.
    await record(mail, 'free');
    await record(mail, 'busy');
    const res = await c.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: mail, Status: 'rest' }] });
    expect(res.StaffStatusList?.[0]).toMatchObject({ StaffUserId: mail, ErrorCode: 'FailedOperation.SeatStatusBusy', Status: 'busy', PreviousStatus: 'busy' });
    expect(await metricsOf(c, mail)).toMatchObject({ Status: 'busy' });
  });

  it('SetStaffStatus validates its parameters', async () => {
    const c = client();
    const err = await expectCloudError(
      c.SetStaffStatus({ SdkAppId: server.sdkAppId, StaffStatusList: [{ StaffUserId: server.adminUser, Status: 'busy' }] }),
      'InvalidParameterValue',
    );
    expect(err.message).toContain('StaffStatusList.0.Status');
    const noList = { SdkAppId: server.sdkAppId } as unknown as SetStaffStatusRequest;
    expect((await expectCloudError(c.SetStaffStatus(noList), 'MissingParameter')).message).toContain('StaffStatusList');
    await expectCloudError(
      c.SetStaffStatus({ SdkAppId: unknownSdkAppId(server), StaffStatusList: [{ StaffUserId: server.adminUser, Status: 'free' }] }),
      'InvalidParameterValue.InstanceNotExist',
    );
  });

  it('DescribeStaffStatusMetrics shows a new agent offline with every StaffStatusMetrics field', async () => {
    const c = client();
    const mail = uniqMail('metrics-new');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const res = await c.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StaffList: [mail] });
    expectExactFields(res, METRICS_FIELDS);
    expect(res.Metrics).toHaveLength(1);
    const m = res.Metrics?.[0];
    expectExactFields(m, METRIC_FIELDS);
    expectExactFields(m?.StatusExtra, EXTRA_FIELDS);
    expect(m).toMatchObject({
      Email: mail,
      Status: 'offline',
      OnlineDuration: 0,
      FreeDuration: 0,
      BusyDuration: 0,
      NotReadyDuration: 0,
      RestDuration: 0,
      AfterCallWorkDuration: 0,
      Reason: '',
      ReserveRest: false,
      ReserveNotReady: false,
      UseMobileAccept: 0,
      UseMobileCallOut: false,
      LastOnlineTimestamp: 0,
      LastStatusTimestamp: 0,
      ClientInfo: [],
    });

    const everyone = await c.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId });
    expect(everyone.Metrics?.map((x) => x.Email)).toEqual(expect.arrayContaining([mail, server.adminUser]));
    // Nobody has connected as the administrator: offline, like every agent by default.
    expect(everyone.Metrics?.find((x) => x.Email === server.adminUser)).toMatchObject({ Status: 'offline', LastStatusTimestamp: 0 });
    for (const x of everyone.Metrics ?? []) {
      expectExactFields(x, METRIC_FIELDS);
      for (const info of x.ClientInfo ?? []) expectExactFields(info, CLIENT_INFO_FIELDS);
    }
  });

  it('DescribeStaffStatusMetrics shows status changes, durations and timestamps', async () => {
    const c = client();
    const mail = uniqMail('metrics-live');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const online = Math.floor(now / 1000);
    await record(mail, 'free');
    now += 5000;
    expect(await metricsOf(c, mail)).toMatchObject({ Status: 'free', FreeDuration: 5, OnlineDuration: 5, LastOnlineTimestamp: online, LastStatusTimestamp: online });

    await record(mail, 'rest', 'break');
    const restAt = Math.floor(now / 1000);
    now += 3000;
    expect(await metricsOf(c, mail)).toMatchObject({
      Status: 'rest',
      Reason: 'break',
      FreeDuration: 5,
      RestDuration: 3,
      OnlineDuration: 8,
      LastOnlineTimestamp: online,
      LastStatusTimestamp: restAt,
    });

    await c.ModifyStaff({ SdkAppId: server.sdkAppId, Email: mail, UseMobileAccept: 2, UseMobileCallOut: true });
    expect(await metricsOf(c, mail)).toMatchObject({ UseMobileAccept: 2, UseMobileCallOut: true });
  });

  it('DescribeStaffStatusMetrics filters by StaffList, GroupIdList and StatusList', async () => {
    const c = client();
    const group = uniq('metrics-group');
    const groupId = await createSkillGroup(c, server.sdkAppId, group);
    const [a, b, d] = [uniqMail('m-free'), uniqMail('m-rest'), uniqMail('m-off')];
    await createStaff(c, server.sdkAppId, [
      { Mail: a, SkillGroupNameList: [group] },
      { Mail: b, SkillGroupNameList: [group] },
      { Mail: d },
    ]);
    await record(a, 'free');
    await record(b, 'rest', 'tea');
    const emails = async (filter: { StaffList?: string[]; GroupIdList?: number[]; StatusList?: string[] }) =>
      ((await c.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, ...filter })).Metrics ?? []).map((m) => m.Email).sort();

    expect(await emails({ StaffList: [a, b, d] })).toEqual([a, b, d].sort());
    expect(await emails({ GroupIdList: [groupId] })).toEqual([a, b].sort());
    expect(await emails({ StaffList: [a, b, d], StatusList: ['free'] })).toEqual([a]);
    expect(await emails({ StaffList: [a, b, d], StatusList: ['offline'] })).toEqual([d]);
    expect(await emails({ StaffList: [a, b, d], StatusList: ['free', 'rest'] })).toEqual([a, b].sort());
    expect(await emails({ GroupIdList: [groupId], StatusList: ['rest'] })).toEqual([b]);
    expect(await emails({ StaffList: [uniqMail('nobody')] })).toEqual([]);

    await expectCloudError(c.DescribeStaffStatusMetrics({ SdkAppId: server.sdkAppId, StatusList: ['away'] }), 'InvalidParameterValue');
    await expectCloudError(c.DescribeStaffStatusMetrics({ SdkAppId: unknownSdkAppId(server) }), 'InvalidParameterValue.InstanceNotExist');
  });
});
