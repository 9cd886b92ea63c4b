import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { consoleErrorCode, consoleSignIn, type ConsoleClient } from './support/console-client.js';

let server: TestServer;
let client: CccClient;
let admin: ConsoleClient;
let support: number;
let sales: number;

interface RoutingView {
  group: { id: number; name: string; ringAll: boolean };
  policy: string;
  own: Record<string, unknown>;
  effective: Record<string, unknown>;
  sources: Record<string, string>;
  overflowGroupMissing: boolean;
  defaults: { settings: Record<string, unknown>; sources: Record<string, string> };
}

beforeAll(async () => {
  server = await startTestServer({ flags: { 'ring-timeout': '25' } });
  client = officialClient(server);
  admin = await consoleSignIn(server.url, server.adminUser, server.adminPassword);
  support = (await client.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: 'Support', SkillGroupType: 0 })).SkillGroupId as number;
  sales = (await client.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: 'Sales', SkillGroupType: 0 })).SkillGroupId as number;
});

afterAll(async () => {
  await server?.close();
});

describe('GET/PUT /console/api/v1/skill-groups/:id/routing', () => {
  it('shows what applies and where it comes from: the server flag, else the built-in default', async () => {
    const res = await admin.call(`/skill-groups/${support}/routing`);
    expect(res.status).toBe(200);
    const view = (await res.json()) as RoutingView;
    expect(view.group).toMatchObject({ id: support, name: 'Support', ringAll: false });
    expect(view.own).toEqual({});
    expect(view.effective['ringTimeoutSeconds']).toBe(25);
    expect(view.sources['ringTimeoutSeconds']).toBe('server');
    expect(view.sources['overflowGroupId']).toBe('default');
    expect(view.defaults).toMatchObject({ settings: { ringTimeoutSeconds: 25 }, sources: { ringTimeoutSeconds: 'server', maxWaitSeconds: 'server' } });
  });

  it('sets the group’s own settings, ring-all through the skill group, and "default" removes a setting again', async () => {
    const put = await admin.call(`/skill-groups/${support}/routing`, {
      method: 'PUT',
      body: { ringTimeoutSeconds: 40, maxWaitSeconds: 120, overflowGroupId: sales, whenNoneOnline: 'exit', afterCallWorkSeconds: 15, ringAll: true },
    });
    expect(put.status).toBe(200);
    const view = (await put.json()) as RoutingView;
    expect(view.own).toEqual({ ringTimeoutSeconds: 40, maxWaitSeconds: 120, overflowGroupId: sales, whenNoneOnline: 'exit', afterCallWorkSeconds: 15 });
    expect(view.sources['ringTimeoutSeconds']).toBe('group');
    expect(view.policy).toBe('ringAll');
    // The Cloud API sees the same group.
    const listed = await client.DescribeSkillGroupInfoList({ SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, SkillGroupId: support });
    expect(listed.SkillGroupList?.[0]?.RingAll).toBe(true);

    const reset = await admin.call(`/skill-groups/${support}/routing`, { method: 'PUT', body: { ringTimeoutSeconds: 'default', ringAll: false } });
    const after = (await reset.json()) as RoutingView;
    expect(after.own['ringTimeoutSeconds']).toBeUndefined();
    expect(after.effective['ringTimeoutSeconds']).toBe(25);
    expect(after.own['maxWaitSeconds']).toBe(120);
    expect(after.policy).not.toBe('ringAll');
    // What an empty field falls back to does not depend on the group's own values.
    expect(after.defaults.settings['maxWaitSeconds']).not.toBe(120);
  });

  it('refuses bad values with the field they are about, in the language asked for', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ringTimeoutSeconds: 2 }, 'ringTimeoutSeconds'],
      [{ maxWaitSeconds: 'soon' }, 'maxWaitSeconds'],
      [{ afterCallWorkSeconds: 99999 }, 'afterCallWorkSeconds'],
      [{ whenNoneOnline: 'wait' }, 'whenNoneOnline'],
      [{ overflowGroupId: support }, 'overflowGroupId'],
      [{ overflowGroupId: 999999 }, 'overflowGroupId'],
      [{ ringAll: 'yes' }, 'ringAll'],
      [{ colour: 'blue' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await admin.call(`/skill-groups/${support}/routing`, { method: 'PUT', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; field?: string; message: string } };
      expect(error).toMatchObject({ code: 'invalid', field });
    }
    const english = await fetch(`${server.url}/console/api/v1/skill-groups/${support}/routing`, {
      method: 'PUT',
      headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json', 'x-tc-language': 'en-US' },
      body: JSON.stringify({ ringTimeoutSeconds: 2 }),
    });
    expect(((await english.json()) as { error: { message: string } }).error.message).toContain('The ring timeout must be a whole number of seconds from 5 to 600');
    const chinese = await admin.call(`/skill-groups/${support}/routing`, { method: 'PUT', body: { ringTimeoutSeconds: 2 } });
    expect(((await chinese.json()) as { error: { message: string } }).error.message).toContain('振铃超时');
    // Nothing of a refused change was applied.
    const view = (await (await admin.call(`/skill-groups/${support}/routing`)).json()) as RoutingView;
    expect(view.own['overflowGroupId']).toBe(sales);
  });

  it('answers 404 for a group that does not exist, and 400 for a body that is not an object', async () => {
    expect((await admin.call('/skill-groups/999999/routing')).status).toBe(404);
    expect((await admin.call('/skill-groups/abc/routing')).status).toBe(404);
    const array = await admin.call(`/skill-groups/${support}/routing`, { method: 'PUT', body: [1, 2] });
    expect(array.status).toBe(400);
  });

  it('lets QA staff read but refuses their changes with 403', async () => {
    await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Name: 'QA', Mail: 'qa@example.com', StaffNumber: '', Role: 2 }] });
    await client.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: 'qa@example.com', Password: 'Quality-1234' });
    const qa = await consoleSignIn(server.url, 'qa@example.com', 'Quality-1234');
    expect((await qa.call(`/skill-groups/${support}/routing`)).status).toBe(200);
    const refused = await qa.call(`/skill-groups/${support}/routing`, { method: 'PUT', body: { maxWaitSeconds: 5 } });
    expect(refused.status).toBe(403);
    expect(await consoleErrorCode(refused)).toBe('forbidden');
    const view = (await (await admin.call(`/skill-groups/${support}/routing`)).json()) as RoutingView;
    expect(view.own['maxWaitSeconds']).toBe(120);
  });

  it('refuses a write without the CSRF token', async () => {
    const res = await admin.call(`/skill-groups/${support}/routing`, { method: 'PUT', body: { maxWaitSeconds: 5 }, csrf: null });
    expect(res.status).toBe(403);
    expect(await consoleErrorCode(res)).toBe('csrf');
  });

  it('never shows or changes another instance’s group', async () => {
    const other = await createInstance(server.folder.store, 'other', Date.now());
    const stranger = await consoleSignIn(server.url, other.adminUser, other.adminPassword, other.sdkAppId);
    const read = await stranger.call(`/skill-groups/${support}/routing`);
    expect(read.status).toBe(404);
    const write = await stranger.call(`/skill-groups/${support}/routing`, { method: 'PUT', body: { maxWaitSeconds: 7 } });
    expect(write.status).toBe(404);
    const view = (await (await admin.call(`/skill-groups/${support}/routing`)).json()) as RoutingView;
    expect(view.own['maxWaitSeconds']).toBe(120);
  });
});
