import type { DescribeTelCdrResponse, TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { Agent } from 'node:http';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTelCdr } from '../../packages/server/src/calls/index.js';
import { scenarios, T0 } from '../../packages/server/src/calls/test-support/session-harness.js';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { restartTestServer, startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { METHODS, clientFor, expectCloudError, expectExactFields, fieldsOf, nowSeconds, unknownSdkAppId } from './helpers.js';

const RESPONSE_FIELDS = fieldsOf<DescribeTelCdrResponse>({ TotalCount: true, TelCdrList: true, TelCdrs: true, RequestId: true });
const DAY = 86_400;

let server: TestServer;
/** Records start here, an hour ago, a second apart. */
let base: number;
let scripted: TelCdrInfo;

/** A copy of a record with every timestamp moved by `seconds` (0 stays 0: a moment that never came). */
function shifted<T>(value: T, seconds: number): T {
  if (Array.isArray(value)) return value.map((item: unknown) => shifted(item, seconds)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([key, field]) => {
    const isTime = (key === 'Time' || key.endsWith('Timestamp')) && typeof field === 'number' && field > 0;
    return [key, isTime ? field + seconds : shifted(field, seconds)];
  });
  return Object.fromEntries(entries) as T;
}

function cdr(sessionId: string, start: number, caller: string, callee = '00864001234567'): TelCdrInfo & { SessionId: string } {
  return { SessionId: sessionId, Caller: caller, Callee: callee, Time: start, StartTimestamp: start, Direction: 0, CallType: 2, Duration: 0, EndStatus: 105, EndStatusString: 'noSeatOnline', HungUpSide: 'system' };
}

beforeAll(async () => {
  server = await startTestServer();
  base = nowSeconds() - 3600;
  // A record the calls module built from a scripted inbound call (IVR key, queue, an agent answering), moved to an hour ago.
  const built = shifted(buildTelCdr(scenarios.inboundAnswered().ended()), base - T0 / 1000);
  scripted = built;
  const records = server.folder.store.callRecords;
  expect(await records.add(server.sdkAppId, { ...built, SessionId: built.SessionId ?? '' })).toBe(true);
  for (let i = 1; i <= 5; i++) await records.add(server.sdkAppId, cdr(`00000000-0000-4000-8000-00000000010${i}`, base + i, `00861390000000${i}`));
  const other = await createInstance(server.folder.store, 'other', Date.now());
  await records.add(other.sdkAppId, cdr('00000000-0000-4000-8000-000000000999', base + 2, '008613900000002'));
});

afterAll(async () => {
  await server?.close();
});

const window = () => ({ StartTimeStamp: base - 60, EndTimeStamp: base + 60 });

describe.each(METHODS)('DescribeTelCdr over %s', (method) => {
  it('returns the instance\'s records in the window, ordered by start time, with the official fields', async () => {
    const res = await clientFor(server, method).DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 100, PageNumber: 0 });
    expectExactFields(res, RESPONSE_FIELDS);
    expect(res.TotalCount).toBe(6);
    expect(res.TelCdrList?.[0]).toEqual(scripted);
    expect(res.TelCdrList?.map((r) => r.StartTimestamp)).toEqual([base, base + 1, base + 2, base + 3, base + 4, base + 5]);
    expect(res.TelCdrs).toEqual(res.TelCdrList);
  });

  it('pages with PageSize and PageNumber', async () => {
    const page = await clientFor(server, method).DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 4, PageNumber: 1 });
    expect(page.TotalCount).toBe(6);
    expect(page.TelCdrList?.map((r) => r.StartTimestamp)).toEqual([base + 4, base + 5]);
  });

  it('filters by Phones (caller or callee, any accepted form) and SessionIds', async () => {
    const c = clientFor(server, method);
    const byPhone = await c.DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 10, PageNumber: 0, Phones: ['+86 139 0000 0002', '008613900000004'] });
    expect(byPhone.TelCdrList?.map((r) => r.Caller)).toEqual(['008613900000002', '008613900000004']);
    const byCallee = await c.DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 10, PageNumber: 0, Phones: [scripted.Callee ?? ''] });
    expect(byCallee.TelCdrList?.map((r) => r.SessionId)).toEqual([scripted.SessionId]);
    const bySession = await c.DescribeTelCdr({
      SdkAppId: server.sdkAppId,
      ...window(),
      PageSize: 10,
      PageNumber: 0,
      SessionIds: ['00000000-0000-4000-8000-000000000103', '00000000-0000-4000-8000-000000000999'],
    });
    expect(bySession.TotalCount).toBe(1);
    expect(bySession.TelCdrList?.[0]?.SessionId).toBe('00000000-0000-4000-8000-000000000103');
  });

  it('includes both ends of the window', async () => {
    const res = await clientFor(server, method).DescribeTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: base + 1, EndTimeStamp: base + 3, PageSize: 10, PageNumber: 0 });
    expect(res.TelCdrList?.map((r) => r.StartTimestamp)).toEqual([base + 1, base + 2, base + 3]);
  });
});

describe('DescribeTelCdr: bad input', () => {
  const c = () => clientFor(server, 'POST');
  const page = { PageSize: 10, PageNumber: 0 };

  it('refuses an end before the start, a window of 90 days or more, and a start over 180 days ago, saying which', async () => {
    const now = nowSeconds();
    expect((await expectCloudError(c().DescribeTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: now, EndTimeStamp: now - 1, ...page }), 'InvalidParameterValue')).message).toContain('before');
    expect((await expectCloudError(c().DescribeTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: now - 90 * DAY, EndTimeStamp: now, ...page }), 'InvalidParameterValue')).message).toContain('90 days');
    await c().DescribeTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: now - 90 * DAY + 1, EndTimeStamp: now, ...page });
    expect((await expectCloudError(c().DescribeTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: now - 181 * DAY, EndTimeStamp: now - 180 * DAY, ...page }), 'InvalidParameterValue')).message).toContain('180 days');
  });

  it('refuses PageSize over 100 or under 1, and names an unknown instance', async () => {
    await expectCloudError(c().DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 101, PageNumber: 0 }), 'InvalidParameterValue');
    await expectCloudError(c().DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 0, PageNumber: 0 }), 'InvalidParameterValue');
    await expectCloudError(c().DescribeTelCdr({ SdkAppId: unknownSdkAppId(server), ...window(), ...page }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('needs StartTimeStamp, EndTimeStamp, PageSize and PageNumber', async () => {
    await expectCloudError(c().request('DescribeTelCdr', { SdkAppId: server.sdkAppId, EndTimeStamp: base, ...page }), 'MissingParameter');
    await expectCloudError(c().request('DescribeTelCdr', { SdkAppId: server.sdkAppId, ...window(), PageSize: 10 }), 'MissingParameter');
  });
});

describe('call records across a restart', () => {
  it('are all there after the server stops and starts again on the same data', async () => {
    const before = await clientFor(server, 'POST').DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 100, PageNumber: 0 });
    await server.server.close();
    server = await restartTestServer(server);
    // A connection of its own: a kept-alive socket to the stopped server may not have noticed the close yet.
    const fresh = new tencentcloud.ccc.v20200210.Client({
      credential: { secretId: server.secretId, secretKey: server.secretKey },
      region: '',
      profile: { httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', agent: new Agent({ keepAlive: false }) } },
    });
    const after = await fresh.DescribeTelCdr({ SdkAppId: server.sdkAppId, ...window(), PageSize: 100, PageNumber: 0 });
    expect(after.TelCdrList).toEqual(before.TelCdrList);
    expect(after.TotalCount).toBe(6);
  });
});
