import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { METHODS, UUID_RE, clientFor, createStaff, uniq, uniqMail, type SdkError } from './helpers.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** Settles a call into its outcome: 'ok' or the error code. */
function outcome(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'ok',
    (e: SdkError) => {
      expect(e.requestId).toMatch(UUID_RE);
      return e.code ?? `no code: ${e.message}`;
    },
  );
}

describe.each(METHODS)('concurrent requests over %s', (method) => {
  const client = () => clientFor(server, method);

  it('creating the same staff from several requests at once creates it once', async () => {
    const c = client();
    const mail = uniqMail('race');
    const results = await Promise.all(
      [1, 2, 3].map((i) => c.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Name: `Racer ${i}`, Mail: mail, StaffNumber: String(i) }] })),
    );
    const errors = results.flatMap((r) => r.ErrorStaffList ?? []);
    expect(errors.map((e) => [e.StaffEmail, e.Code])).toEqual([
      [mail, 'FailedOperation.DuplicatedAccount'],
      [mail, 'FailedOperation.DuplicatedAccount'],
    ]);
    const list = await c.DescribeStaffInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, StaffMail: mail });
    expect(list.TotalCount).toBe(1);
  });

  it('creating the same skill group name from several requests at once succeeds once', async () => {
    const c = client();
    const name = uniq('race-group');
    const results = await Promise.all([1, 2, 3].map(() => outcome(c.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: name, SkillGroupType: 0 }))));
    expect(results.sort()).toEqual(['InvalidParameterValue.SkillGroupExist', 'InvalidParameterValue.SkillGroupExist', 'ok']);
    const list = await c.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupName: name });
    expect(list.SkillGroupList?.filter((g) => g.SkillGroupName === name)).toHaveLength(1);
  });

  it('a console link opened several times at once works exactly once', async () => {
    const { URL: url } = await client().CreateAdminURL({ SdkAppId: server.sdkAppId, SeatUserId: server.adminUser });
    const statuses = await Promise.all(
      [1, 2, 3, 4, 5].map(async () => {
        const res = await fetch(url as string);
        await res.arrayBuffer();
        return res.status;
      }),
    );
    expect(statuses.sort()).toEqual([200, 410, 410, 410, 410]);
  });

  it('many tokens minted at once are all different', async () => {
    const c = client();
    const mail = uniqMail('many-tokens');
    await createStaff(c, server.sdkAppId, [{ Mail: mail }]);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => c.CreateSDKLoginToken({ SdkAppId: server.sdkAppId, SeatUserId: mail })));
    expect(new Set(tokens.map((t) => t.Token)).size).toBe(20);
  });
});
