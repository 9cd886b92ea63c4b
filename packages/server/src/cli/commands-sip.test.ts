import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInstance, initialize } from '../bootstrap.js';
import { openDataFolder } from '../data-folder.js';
import { ExtensionService } from '../sip/extensions.js';
import { SipTrunks } from '../sip/trunks.js';
import { sipCommand } from './commands-sip.js';
import { CliError } from './output.js';

let dir: string;
let sdkAppId: number;
let otherSdkAppId: number;

/** Runs `openccc sip …` on the test folder; returns what it printed. */
async function sip(...argv: string[]): Promise<string> {
  return sipWithInput('', ...argv);
}

async function sipWithInput(input: string, ...argv: string[]): Promise<string> {
  let out = '';
  await sipCommand([...argv, '--data', dir], {}, { write: (text) => (out += text), readInput: () => Promise.resolve(input) });
  return out;
}

async function sipJson<T>(...argv: string[]): Promise<T> {
  return JSON.parse(await sip(...argv, '--json')) as T;
}

async function refusal(...argv: string[]): Promise<string> {
  try {
    await sip(...argv);
  } catch (error) {
    if (error instanceof CliError) return error.message;
    throw error;
  }
  throw new Error(`openccc sip ${argv.join(' ')} succeeded`);
}

interface TrunkJson {
  id: number;
  name: string;
  kind: string;
  enabled: boolean;
  allow: string[];
  outbound: { host: string; port: number; transport: string } | null;
  register: { registrar: string; username: string; realm: string | null; expires: number; passwordSet: boolean } | null;
  callerIdNumbers: string[];
  dialPlan: { allow: string[]; deny: string[] };
  maxConcurrentCalls: number;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openccc-sip-cli-'));
  const folder = openDataFolder(dir, null);
  sdkAppId = (await initialize(folder.store, folder.box, Date.now()))?.sdkAppId ?? 0;
  otherSdkAppId = (await createInstance(folder.store, 'other', Date.now())).sdkAppId;
  await folder.store.numbers.add({ sdkAppId, number: '00864001234567', route: { kind: 'none' }, state: 'enabled' }, Date.now());
  await folder.store.close();
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openccc sip trunk', () => {
  it('adds an ip trunk with its options, shows and lists it', async () => {
    const added = await sipJson<TrunkJson>(
      'trunk', 'add', '--name', 'Carrier A', '--kind', 'ip', '--allow', '192.0.2.0/24, 198.51.100.7', '--outbound', 'sbc.carrier.example:5080', '--transport', 'tcp',
      '--caller-ids', '+86 400 123 4567', '--dial-allow', '86,+852', '--dial-deny', 'none', '--max-calls', '12',
    );
    expect(added).toMatchObject({
      name: 'Carrier A',
      kind: 'ip',
      enabled: true,
      allow: ['192.0.2.0/24', '198.51.100.7/32'],
      outbound: { host: 'sbc.carrier.example', port: 5080, transport: 'tcp' },
      register: null,
      callerIdNumbers: ['00864001234567'],
      dialPlan: { allow: ['86', '+852'], deny: [] },
      maxConcurrentCalls: 12,
    });
    expect(await sipJson<TrunkJson>('trunk', 'show', String(added.id))).toEqual(added);
    const text = await sip('trunk', 'show', String(added.id));
    expect(text).toContain(`Trunk ${added.id} "Carrier A" (instance ${sdkAppId}): ip, enabled`);
    expect(text).toContain('outbound:    sbc.carrier.example:5080/tcp');
    const listed = await sipJson<{ sdkAppId: number; trunks: TrunkJson[] }>('trunk', 'list');
    expect(listed).toEqual({ sdkAppId, trunks: [added] });
    expect(await sip('trunk', 'list')).toMatch(new RegExp(`^id\\s+name\\s+kind\\s+state\\s+outbound\\s+maxCalls\\n${added.id}\\s+Carrier A\\s+ip\\s+enabled\\s+sbc.carrier.example:5080/tcp\\s+12\\n$`));
    // Another instance sees none of it.
    expect(await sipJson<{ trunks: TrunkJson[] }>('trunk', 'list', '--instance', String(otherSdkAppId))).toEqual({ sdkAppId: otherSdkAppId, trunks: [] });
  });

  it('adds a register trunk that sends calls to its registrar, and never prints the password', async () => {
    const out = await sip('trunk', 'add', '--name', 'B', '--kind', 'register', '--registrar', 'reg.carrier.example', '--username', 'acct', '--password', 'carrier-secret', '--json');
    expect(out).not.toContain('carrier-secret');
    const added = JSON.parse(out) as TrunkJson;
    expect(added).toMatchObject({
      kind: 'register',
      register: { registrar: 'reg.carrier.example', username: 'acct', realm: null, expires: 3600, passwordSet: true },
      outbound: { host: 'reg.carrier.example', port: 5060, transport: 'udp' },
      dialPlan: { allow: ['86'], deny: ['979', '870', '881', '882', '883'] },
    });
    expect(await sip('trunk', 'show', String(added.id))).not.toContain('carrier-secret');
  });

  it('updates only what is given, keeping the password; enables, disables and removes', async () => {
    const added = await sipJson<TrunkJson>('trunk', 'add', '--name', 'B', '--kind', 'register', '--registrar', 'reg.example:5070', '--username', 'acct', '--password', 'first', '--max-calls', '5');
    const updated = await sipJson<TrunkJson>('trunk', 'update', String(added.id), '--name', 'Carrier B', '--expires', '600', '--dial-allow', 'any');
    expect(updated).toMatchObject({ name: 'Carrier B', maxConcurrentCalls: 5, register: { registrar: 'reg.example:5070', username: 'acct', expires: 600 }, dialPlan: { allow: [''] } });
    const folder = openDataFolder(dir, null);
    try {
      const stored = await new SipTrunks({ store: folder.store, box: folder.box }).require(sdkAppId, added.id);
      expect(new SipTrunks({ store: folder.store, box: folder.box }).password(stored)).toBe('first');
    } finally {
      await folder.store.close();
    }
    await sipWithInput('from-stdin\nignored\n', 'trunk', 'update', String(added.id), '--password', '-');
    const reread = openDataFolder(dir, null);
    try {
      const trunks = new SipTrunks({ store: reread.store, box: reread.box });
      expect(trunks.password(await trunks.require(sdkAppId, added.id))).toBe('from-stdin');
    } finally {
      await reread.store.close();
    }
    expect(await refusal('trunk', 'update', String(added.id), '--password', '-')).toMatch(/standard input, which gave none/);
    expect((await sipJson<TrunkJson>('trunk', 'update', String(added.id), '--transport', 'tcp')).outbound).toEqual({ host: 'reg.example', port: 5070, transport: 'tcp' });
    expect((await sipJson<TrunkJson>('trunk', 'disable', String(added.id))).enabled).toBe(false);
    expect(await sip('trunk', 'enable', String(added.id))).toContain(`Trunk ${added.id} "Carrier B" (instance ${sdkAppId}): register, enabled`);
    expect(await sipJson('trunk', 'remove', String(added.id))).toEqual({ sdkAppId, id: added.id, result: 'removed' });
    expect(await refusal('trunk', 'show', String(added.id))).toBe(`Instance ${sdkAppId} has no trunk ${added.id}; \`openccc sip trunk list\` lists its trunks.`);
  });

  it('refuses what it cannot save, saying what to fix', async () => {
    expect(await refusal('trunk', 'add', '--kind', 'ip')).toBe('Give the new trunk a --name.');
    expect(await refusal('trunk', 'add', '--name', 'A')).toMatch(/--kind: ip .* or register/);
    expect(await refusal('trunk', 'add', '--name', 'A', '--kind', 'ip')).toMatch(/needs the addresses its calls come from \(allow\)/);
    expect(await refusal('trunk', 'add', '--name', 'A', '--kind', 'ip', '--allow', '0.0.0.0/0')).toMatch(/too wide.*\(allow\)$/);
    expect(await refusal('trunk', 'add', '--name', 'A', '--kind', 'register', '--registrar', 'r.example')).toBe('A registration needs --registrar, --username and --password.');
    expect(await refusal('trunk', 'add', '--name', 'A', '--kind', 'ip', '--allow', '192.0.2.1', '--transport', 'tcp')).toMatch(/give --outbound/);
    expect(await refusal('trunk', 'add', '--name', 'A', '--kind', 'ip', '--allow', '192.0.2.1', '--caller-ids', '4009999999')).toMatch(/not a number of instance/);
    expect(await refusal('trunk', 'add', '--name', 'A', '--kind', 'ip', '--allow', '192.0.2.1', '--max-calls', 'many')).toBe('--max-calls takes a whole number, not "many".');
    await sip('trunk', 'add', '--name', 'A', '--kind', 'ip', '--allow', '192.0.2.1');
    expect(await refusal('trunk', 'add', '--name', 'a', '--kind', 'ip', '--allow', '192.0.2.2')).toBe(`Instance ${sdkAppId} already has a trunk named "a". (name)`);
    expect(await refusal('trunk', 'show', 'x')).toMatch(/the trunk's id .*not "x"/);
    expect(await refusal('trunk', 'rename', '1')).toMatch(/^Usage: openccc sip trunk add/);
    expect(await refusal('trunk', 'add', '--frobnicate')).toMatch(/Unknown option '--frobnicate'/);
  });
});

describe('openccc sip extension list', () => {
  it('lists the instance\'s extensions with their staff and groups', async () => {
    const folder = openDataFolder(dir, null);
    try {
      const extensions = new ExtensionService({ store: folder.store, box: folder.box, sip: { domain: 'localhost', outboundProxy: '127.0.0.1:5060' } });
      await extensions.create(sdkAppId, { extensionId: '8001', name: 'Front desk', relation: 'admin@openccc.local' });
      await extensions.create(otherSdkAppId, { extensionId: '9001', name: 'elsewhere' });
    } finally {
      await folder.store.close();
    }
    expect(await sipJson('extension', 'list')).toEqual({ sdkAppId, extensions: [{ extensionId: '8001', name: 'Front desk', relation: 'admin@openccc.local', skillGroupIds: [] }] });
    expect(await sip('extension', 'list')).toMatch(/^extension\s+name\s+staff\s+skillGroups\n8001\s+Front desk\s+admin@openccc.local\s+-\n$/);
  });
});

describe('openccc sip --help', () => {
  it('prints the usage with every option, without opening the data folder', async () => {
    let out = '';
    const nowhere = join(dir, 'not-created');
    await sipCommand(['trunk', '--help', '--data', nowhere], {}, { write: (text) => (out += text), readInput: () => Promise.reject(new Error('no input expected')) });
    expect(existsSync(nowhere)).toBe(false);
    expect(out).toMatch(/^Usage: openccc sip trunk add/);
    for (const flag of ['--name', '--kind', '--allow', '--outbound', '--transport', '--registrar', '--expires', '--caller-ids', '--dial-allow', '--dial-deny', '--max-calls', '--instance', '--data', '--json']) {
      expect(out).toContain(flag);
    }
  });
});
