import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../packages/server/src/store/sqlite/sqlite-store.js';
import { cleanup, requireBuiltCli, runCli, runJson, tempDir, type InitOutput } from './helpers.js';

let dir: string;
let init: InitOutput;
let groupId: number;

beforeAll(requireBuiltCli);

beforeEach(async () => {
  dir = join(tempDir('openccc-numbers-'), 'data');
  init = await runJson<InitOutput>(['init', '--data', dir]);
  const store = openSqliteStore(join(dir, 'openccc.db'));
  groupId = (await store.skillGroups.create({ sdkAppId: init.sdkAppId, name: 'Sales', type: 0, maxConcurrency: 1 }, Date.now())) ?? 0;
  await store.close();
});

afterEach(cleanup);

function flowFile(flow: unknown): string {
  const file = join(dir, '..', `flow-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof flow === 'string' ? flow : JSON.stringify(flow));
  return file;
}

const menu = (queueTo: number, gotoNode = 'bye') => ({
  version: 1,
  name: 'Hotline',
  start: 'main',
  nodes: {
    main: { kind: 'menu', prompts: ['zh-CN/welcome'], keys: { '1': { action: 'queue', skillGroupId: queueTo }, '9': { action: 'goto', node: gotoNode } } },
    bye: { kind: 'hangup' },
  },
});

describe('openccc number', () => {
  it('adds (normalised to 0086), lists, refuses a duplicate, and removes', async () => {
    expect(await runJson(['number', 'add', '+86 400-123-4567', '--skill-group', String(groupId), '--data', dir])).toEqual({
      sdkAppId: init.sdkAppId,
      number: '00864001234567',
      route: { kind: 'skillGroup', skillGroupId: groupId },
      state: 'enabled',
      callOutSkillGroupIds: [],
    });
    const listed = await runJson<{ numbers: Array<{ number: string }> }>(['number', 'list', '--data', dir]);
    expect(listed.numbers.map((n) => n.number)).toEqual(['00864001234567']);
    const text = await runCli(['number', 'list', '--data', dir]);
    expect(text.stdout).toMatch(/00864001234567\s+skill group \d+\s+enabled/);
    const again = await runCli(['number', 'add', '4001234567', '--data', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already belongs to this instance');
    expect(await runJson(['number', 'remove', '0086 400 123 4567', '--data', dir])).toMatchObject({ number: '00864001234567', result: 'removed' });
    const gone = await runCli(['number', 'remove', '00864001234567', '--data', dir]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`Instance ${init.sdkAppId} has no number 00864001234567`);
  });

  it('routes to a validated IVR flow, and re-routes', async () => {
    const added = await runJson<{ route: { kind: string; flow: { name: string } } }>(['number', 'add', '95555', '--ivr', flowFile(menu(groupId)), '--data', dir]);
    expect(added.route.kind).toBe('ivr');
    expect(added.route.flow.name).toBe('Hotline');
    expect((await runCli(['number', 'list', '--data', dir])).stdout).toContain('IVR "Hotline"');
    expect(await runJson(['number', 'route', '95555', '--skill-group', String(groupId), '--data', dir])).toMatchObject({ route: { kind: 'skillGroup' } });
    expect(await runJson(['number', 'route', '95555', '--data', dir])).toMatchObject({ route: { kind: 'none' } });
  });

  it('refuses an invalid flow with the validator\'s messages naming the node, and adds nothing', async () => {
    const broken = await runCli(['number', 'add', '95555', '--ivr', flowFile(menu(groupId, 'sales')), '--data', dir]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('Node `main` goes to node `sales`');
    const unknownGroup = await runCli(['number', 'add', '95555', '--ivr', flowFile(menu(4242)), '--data', dir]);
    expect(unknownGroup.stderr).toContain('Skill group 4242 in node `main`');
    const notJson = await runCli(['number', 'add', '95555', '--ivr', flowFile('{ nope'), '--data', dir]);
    expect(notJson.stderr).toContain('is not JSON');
    const missing = await runCli(['number', 'add', '95555', '--ivr', join(dir, 'missing.json'), '--data', dir]);
    expect(missing.stderr).toContain('Cannot read the IVR flow');
    expect(await runJson(['number', 'list', '--data', dir])).toEqual({ sdkAppId: init.sdkAppId, numbers: [] });
  });

  it('explains a bad number, an unknown skill group and conflicting routes', async () => {
    const bad = await runCli(['number', 'add', '+1 415 555 0100', '--data', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a mainland China number');
    const group = await runCli(['number', 'add', '95555', '--skill-group', '999', '--data', dir]);
    expect(group.stderr).toContain(`Skill group 999 does not exist in instance ${init.sdkAppId}`);
    const both = await runCli(['number', 'add', '95555', '--skill-group', '1', '--ivr', 'x.json', '--data', dir]);
    expect(both.stderr).toContain('not both');
    const usage = await runCli(['number', 'add', '--data', dir]);
    expect(usage.stderr).toContain('Usage: openccc number add');
  });

  it('disables and enables a number', async () => {
    await runJson(['number', 'add', '95555', '--data', dir]);
    expect(await runJson(['number', 'disable', '95555', '--data', dir])).toMatchObject({ state: 'disabled' });
    expect(await runJson(['number', 'enable', '95555', '--instance', String(init.sdkAppId), '--data', dir])).toMatchObject({ state: 'enabled' });
  });
});
