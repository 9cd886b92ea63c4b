import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js';
import { cleanup, requireBuiltCli, runCli, runJson, tempDir, type InitOutput } from './helpers.js';

let dir: string;
let init: InitOutput;
let sales: number;
let support: number;
let elsewhere: number;
let otherApp: number;

interface RoutingJson {
  sdkAppId: number;
  skillGroupId: number;
  name: string;
  policy: string;
  own: Record<string, unknown>;
  effective: Record<string, unknown>;
  sources: Record<string, string>;
  overflowGroupMissing: boolean;
}

beforeAll(requireBuiltCli);

beforeEach(async () => {
  dir = join(tempDir('openccc-groups-'), 'data');
  init = await runJson<InitOutput>(['init', '--data', dir]);
  otherApp = (await runJson<{ sdkAppId: number }>(['instances', 'create', '--name', 'other', '--data', dir])).sdkAppId;
  const store = openSqliteStore(join(dir, 'openccc.db'));
  sales = (await store.skillGroups.create({ sdkAppId: init.sdkAppId, name: 'Sales', type: 0, maxConcurrency: 1 }, Date.now())) ?? 0;
  support = (await store.skillGroups.create({ sdkAppId: init.sdkAppId, name: 'Support', type: 0, maxConcurrency: 1 }, Date.now())) ?? 0;
  elsewhere = (await store.skillGroups.create({ sdkAppId: otherApp, name: 'Elsewhere', type: 0, maxConcurrency: 1 }, Date.now())) ?? 0;
  await store.close();
});

afterEach(cleanup);

const BUILT_IN = { ringTimeoutSeconds: 30, maxWaitSeconds: 0, overflowGroupId: null, whenNoneOnline: 'exit', afterCallWorkSeconds: 0 };
const ALL_DEFAULT = { ringTimeoutSeconds: 'default', maxWaitSeconds: 'default', overflowGroupId: 'default', whenNoneOnline: 'default', afterCallWorkSeconds: 'default' };

describe('openccc group routing', () => {
  it('shows the built-in defaults, marked, for a group without settings of its own', async () => {
    expect(await runJson<RoutingJson>(['group', 'routing', String(sales), '--data', dir])).toEqual({
      sdkAppId: init.sdkAppId,
      skillGroupId: sales,
      name: 'Sales',
      policy: 'longestIdle',
      own: {},
      effective: BUILT_IN,
      sources: ALL_DEFAULT,
      overflowGroupMissing: false,
    });
    const text = await runCli(['group', 'routing', String(sales), '--data', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Skill group ${sales} "Sales" (instance ${init.sdkAppId}), policy longestIdle`);
    expect(text.stdout).toMatch(/ring timeout\s+30 s\s+default/);
    expect(text.stdout).toMatch(/max wait\s+0 s \(no limit\)\s+default/);
    expect(text.stdout).toMatch(/overflow\s+none \(calls hang up\)\s+default/);
    expect(text.stdout).toMatch(/when none online\s+exit \(leave the queue\)\s+default/);
    expect(text.stdout).toMatch(/after-call work\s+0 s\s+default/);
    expect(text.stdout).toContain("default: the server's --ring-timeout");
  });

  it('sets the settings given, keeps the others, and shows what applies', async () => {
    const set = await runJson<RoutingJson>([
      'group', 'routing', String(sales), '--ring-timeout', '45', '--max-wait', '300', '--overflow', String(support), '--when-none-online', 'queue', '--data', dir,
    ]);
    expect(set.own).toEqual({ ringTimeoutSeconds: 45, maxWaitSeconds: 300, overflowGroupId: support, whenNoneOnline: 'queue' });
    expect(set.effective).toEqual({ ringTimeoutSeconds: 45, maxWaitSeconds: 300, overflowGroupId: support, whenNoneOnline: 'queue', afterCallWorkSeconds: 0 });
    expect(set.sources).toEqual({ ringTimeoutSeconds: 'group', maxWaitSeconds: 'group', overflowGroupId: 'group', whenNoneOnline: 'group', afterCallWorkSeconds: 'default' });

    const more = await runJson<RoutingJson>(['group', 'routing', String(sales), '--after-call-work', '20', '--instance', String(init.sdkAppId), '--data', dir]);
    expect(more.own).toEqual({ ringTimeoutSeconds: 45, maxWaitSeconds: 300, overflowGroupId: support, whenNoneOnline: 'queue', afterCallWorkSeconds: 20 });

    const text = await runCli(['group', 'routing', String(sales), '--data', dir]);
    expect(text.stdout).toMatch(/ring timeout\s+45 s\s+group/);
    expect(text.stdout).toMatch(new RegExp(`overflow\\s+group ${support} "Support"\\s+group`));
    expect(text.stdout).toMatch(/when none online\s+queue \(wait\)\s+group/);
    expect(text.stdout).not.toContain('default: ');
  });

  it('goes back to the default with default, and to hanging up with --overflow none', async () => {
    await runJson(['group', 'routing', String(sales), '--ring-timeout', '45', '--overflow', String(support), '--data', dir]);
    const none = await runJson<RoutingJson>(['group', 'routing', String(sales), '--overflow', 'none', '--ring-timeout', 'default', '--data', dir]);
    expect(none.own).toEqual({ overflowGroupId: null });
    expect(none.effective.ringTimeoutSeconds).toBe(30);
    expect(none.sources.ringTimeoutSeconds).toBe('default');
    const cleared = await runJson<RoutingJson>(['group', 'routing', String(sales), '--overflow', 'default', '--data', dir]);
    expect(cleared.own).toEqual({});
    expect(cleared.sources).toEqual(ALL_DEFAULT);
  });

  it('marks a value the server reads from this environment as the server\'s', async () => {
    const env = { OPENCCC_RING_TIMEOUT_SECONDS: '20', OPENCCC_MAX_WAIT_SECONDS: 'soon' };
    const shown = await runJson<RoutingJson>(['group', 'routing', String(sales), '--data', dir], env);
    expect(shown.effective).toMatchObject({ ringTimeoutSeconds: 20, maxWaitSeconds: 0 });
    expect(shown.sources).toMatchObject({ ringTimeoutSeconds: 'server', maxWaitSeconds: 'default' });
    const text = await runCli(['group', 'routing', String(sales), '--data', dir], env);
    expect(text.stdout).toMatch(/ring timeout\s+20 s\s+server \(OPENCCC_RING_TIMEOUT_SECONDS\)/);
  });

  it('explains each refused value and stores nothing', async () => {
    const refused: Array<[string[], string]> = [
      [['--ring-timeout', '4'], 'The ring timeout must be a whole number of seconds from 5 to 600, not 4.'],
      [['--ring-timeout', '601'], 'from 5 to 600, not 601'],
      [['--max-wait', '86401'], 'The longest wait in the queue (0: no limit) must be a whole number of seconds from 0 to 86400, not 86401.'],
      [['--after-call-work', '3601'], 'After-call work must be a whole number of seconds from 0 to 3600, not 3601.'],
      [['--max-wait', '1m'], '--max-wait takes a whole number of seconds, or default, not "1m".'],
      [['--when-none-online', 'wait'], 'either waits in the queue ("queue") or leaves it at once ("exit"), not "wait"'],
      [['--overflow', String(sales)], `Skill group ${sales} cannot overflow to itself`],
      [['--overflow', String(elsewhere)], `The overflow group ${elsewhere} does not exist in instance ${init.sdkAppId}.`],
      [['--overflow', '424242'], `The overflow group 424242 does not exist in instance ${init.sdkAppId}.`],
      [['--overflow', 'sales'], '--overflow takes a skill group id, none or default, not "sales".'],
    ];
    for (const [args, message] of refused) {
      const result = await runCli(['group', 'routing', String(sales), '--after-call-work', '10', ...args, '--data', dir]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(message);
    }
    expect((await runJson<RoutingJson>(['group', 'routing', String(sales), '--data', dir])).own).toEqual({});
  });

  it('refuses an unknown group, another instance\'s group, a bad id and a missing sub-command', async () => {
    const unknown = await runCli(['group', 'routing', '424242', '--data', dir]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`Skill group 424242 does not exist in instance ${init.sdkAppId}.`);
    const other = await runCli(['group', 'routing', String(elsewhere), '--ring-timeout', '20', '--data', dir]);
    expect(other.stderr).toContain(`Skill group ${elsewhere} does not exist in instance ${init.sdkAppId}.`);
    const there = await runJson<RoutingJson>(['group', 'routing', String(elsewhere), '--instance', String(otherApp), '--data', dir]);
    expect(there).toMatchObject({ sdkAppId: otherApp, name: 'Elsewhere', own: {} });
    expect((await runCli(['group', 'routing', 'sales', '--data', dir])).stderr).toContain('A skill group id is a positive integer, not "sales".');
    expect((await runCli(['group', 'routing', '--data', dir])).stderr).toContain('Usage: openccc group list');
    expect((await runCli(['group', '--data', dir])).stderr).toContain('Usage: openccc group list');
  });
});

describe('openccc group list', () => {
  it('lists the instance\'s groups with their policy and own routing settings', async () => {
    await runJson(['group', 'routing', String(support), '--max-wait', '600', '--overflow', 'none', '--data', dir]);
    expect(await runJson(['group', 'list', '--data', dir])).toEqual({
      sdkAppId: init.sdkAppId,
      groups: [
        { id: sales, name: 'Sales', type: 0, policy: 'longestIdle', routing: {} },
        { id: support, name: 'Support', type: 0, policy: 'longestIdle', routing: { maxWaitSeconds: 600, overflowGroupId: null } },
      ],
    });
    const text = await runCli(['group', 'list', '--data', dir]);
    expect(text.stdout).toMatch(/^id\s+name\s+policy\s+routing$/m);
    expect(text.stdout).toMatch(new RegExp(`^${sales}\\s+Sales\\s+longestIdle\\s+defaults$`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^${support}\\s+Support\\s+longestIdle\\s+max wait 600 s, overflow none$`, 'm'));
    expect(await runJson(['group', 'list', '--instance', String(otherApp), '--data', dir])).toEqual({
      sdkAppId: otherApp,
      groups: [{ id: elsewhere, name: 'Elsewhere', type: 0, policy: 'longestIdle', routing: {} }],
    });
  });

  it('shows a deleted overflow group as hanging up, and forgets a deleted group\'s settings', async () => {
    await runJson(['group', 'routing', String(sales), '--overflow', String(support), '--data', dir]);
    await runJson(['group', 'routing', String(support), '--ring-timeout', '15', '--data', dir]);
    const store = openSqliteStore(join(dir, 'openccc.db'));
    await store.skillGroups.delete(init.sdkAppId, support);
    await store.close();
    const shown = await runJson<RoutingJson>(['group', 'routing', String(sales), '--data', dir]);
    expect(shown.overflowGroupMissing).toBe(true);
    expect((await runCli(['group', 'routing', String(sales), '--data', dir])).stdout).toContain(`group ${support} (deleted: calls hang up)`);
    expect((await runJson<{ groups: Array<{ id: number }> }>(['group', 'list', '--data', dir])).groups.map((g) => g.id)).toEqual([sales]);
  });
});
