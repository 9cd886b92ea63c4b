import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { loadPromptLibrary } from '../../packages/server/src/ivr/index.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { uniqMail } from '../realtime/helpers.js';

const API = '/console/api/v1';

interface Answer {
  status: number;
  type: string;
  body: unknown;
  bytes: Buffer;
}

/** A console user's cookie and CSRF token, and requests made with them. */
class ConsoleUserAgent {
  constructor(
    private readonly url: string,
    private readonly cookie: string,
    private readonly csrf: string,
  ) {}

  static async withPassword(url: string, mail: string, password: string, sdkAppId: number): Promise<ConsoleUserAgent> {
    const res = await fetch(`${url}${API}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mail, password, sdkAppId }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { csrfToken: string };
    return new ConsoleUserAgent(url, (res.headers.get('set-cookie') ?? '').split(';')[0]!, body.csrfToken);
  }

  /** Signs in through a CreateAdminURL link (administrators and QA staff). */
  static async withLink(url: string, client: CccClient, sdkAppId: number, mail: string): Promise<ConsoleUserAgent> {
    const link = await client.CreateAdminURL({ SdkAppId: sdkAppId, SeatUserId: mail });
    const res = await fetch(link.URL as string, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const session = await fetch(`${url}${API}/session`, { headers: { cookie } });
    return new ConsoleUserAgent(url, cookie, ((await session.json()) as { csrfToken: string }).csrfToken);
  }

  async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const raw = body instanceof Uint8Array;
    const res = await fetch(`${this.url}${API}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...(body === undefined ? {} : { 'content-type': raw ? 'audio/wav' : 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: raw ? body : JSON.stringify(body) }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, bytes, body: type.startsWith('application/json') && bytes.length > 0 ? (JSON.parse(bytes.toString('utf8')) as unknown) : undefined };
  }
}

/** A WAV file: a RIFF header, a 16-byte fmt chunk and `dataBytes` of silence. */
function wav({ formatTag = 7, channels = 1, sampleRate = 8000, bits = 8, dataBytes = 8000 } = {}): Buffer {
  const file = Buffer.alloc(44 + dataBytes, formatTag === 7 ? 0xff : 0);
  file.write('RIFF', 0, 'ascii');
  file.writeUInt32LE(36 + dataBytes, 4);
  file.write('WAVEfmt ', 8, 'ascii');
  file.writeUInt32LE(16, 16);
  file.writeUInt16LE(formatTag, 20);
  file.writeUInt16LE(channels, 22);
  file.writeUInt32LE(sampleRate, 24);
  file.writeUInt32LE((sampleRate * channels * bits) / 8, 28);
  file.writeUInt16LE((channels * bits) / 8, 32);
  file.writeUInt16LE(bits, 34);
  file.write('data', 36, 'ascii');
  file.writeUInt32LE(dataBytes, 40);
  return file;
}

let server: TestServer;
let client: CccClient;
let admin: ConsoleUserAgent;
let qa: ConsoleUserAgent;
let stranger: ConsoleUserAgent;
let groupId: number;
let numbers = 0;

const nextNumber = () => `008640100${String(++numbers).padStart(4, '0')}`;

function menuFlow(keys: Record<string, unknown>) {
  return { version: 1, name: 'Hotline', start: 'main', nodes: { main: { kind: 'menu', label: '主菜单', prompts: ['zh-CN/welcome'], keys } } };
}

beforeAll(async () => {
  server = await startTestServer();
  client = officialClient(server);
  groupId = (await client.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: 'Sales', SkillGroupType: 0, MaxConcurrency: 1 })).SkillGroupId as number;
  admin = await ConsoleUserAgent.withPassword(server.url, server.adminUser, server.adminPassword, server.sdkAppId);
  const inspector = uniqMail('qa');
  await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Mail: inspector, Name: 'Inspector', StaffNumber: '77', Role: 2 }] });
  qa = await ConsoleUserAgent.withLink(server.url, client, server.sdkAppId, inspector);
  const other = await createInstance(server.folder.store, 'other', Date.now());
  stranger = await ConsoleUserAgent.withPassword(server.url, other.adminUser, other.adminPassword, other.sdkAppId);
}, 60_000);

afterAll(async () => {
  await server?.close();
});

describe('console numbers', () => {
  it('adds a number, lists it with its route and state, routes it to a skill group and removes it', async () => {
    const number = nextNumber();
    const added = await admin.send('POST', '/numbers', { number: `+${number.slice(2)}`, route: { kind: 'skillGroup', skillGroupId: groupId } });
    expect(added).toMatchObject({ status: 200, body: { number, state: 'enabled', route: { kind: 'skillGroup', skillGroupId: groupId } } });
    expect((await admin.send('POST', '/numbers', { number })).status).toBe(409);

    const disabled = await admin.send('PUT', `/numbers/${number}/state`, { state: 'disabled' });
    expect(disabled.body).toMatchObject({ state: 'disabled' });
    const listed = await qa.send('GET', '/numbers');
    expect((listed.body as { numbers: unknown[] }).numbers).toContainEqual(expect.objectContaining({ number, state: 'disabled', route: { kind: 'skillGroup', skillGroupId: groupId } }));

    const flow = menuFlow({ '1': { action: 'queue', skillGroupId: groupId, label: '业务咨询' } });
    expect((await admin.send('PUT', `/numbers/${number}/route`, { kind: 'ivr', flow })).body).toMatchObject({ route: { kind: 'ivr', name: 'Hotline' } });
    expect((await qa.send('GET', `/numbers/${number}`)).body).toMatchObject({ route: { kind: 'ivr', flow } });
    expect((await admin.send('PUT', `/numbers/${number}/route`, { kind: 'none' })).body).toMatchObject({ route: { kind: 'none' } });

    expect((await admin.send('DELETE', `/numbers/${number}`)).status).toBe(204);
    expect((await admin.send('GET', `/numbers/${number}`)).status).toBe(404);
  });

  it('refuses a flow with every issue and the path of its field', async () => {
    const number = nextNumber();
    await admin.send('POST', '/numbers', { number });
    const broken = menuFlow({ '1': { action: 'goto', node: 'sales' }, '2': { action: 'queue', skillGroupId: 999_999 } });
    const res = await admin.send('PUT', `/numbers/${number}/route`, { kind: 'ivr', flow: broken });
    expect(res.status).toBe(400);
    const error = (res.body as { error: { code: string; field: string; issues: Array<{ code: string; path: string; nodeId: string }> } }).error;
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('flow.nodes.main.keys.1.node');
    expect(error.issues).toEqual([expect.objectContaining({ code: 'unknownTarget', path: 'nodes.main.keys.1.node', nodeId: 'main' })]);

    const unknownGroup = await admin.send('PUT', `/numbers/${number}/route`, { kind: 'ivr', flow: menuFlow({ '2': { action: 'queue', skillGroupId: 999_999 } }) });
    expect((unknownGroup.body as { error: { issues: unknown[] } }).error.issues).toEqual([expect.objectContaining({ code: 'unknownSkillGroup', path: 'nodes.main.keys.2.skillGroupId' })]);

    const badPrompt = await admin.send('PUT', `/numbers/${number}/route`, { kind: 'ivr', flow: { ...menuFlow({ '1': { action: 'repeat' } }), workTime: { timeZone: 'Asia/Shanghai', weekly: [{ days: [1], from: '09:00', to: '18:00' }], closedPrompts: ['uploaded/424242'] } } });
    expect((badPrompt.body as { error: { issues: unknown[] } }).error.issues).toEqual([expect.objectContaining({ code: 'missingPrompt', path: 'workTime.closedPrompts.0' })]);

    const format = await admin.send('PUT', `/numbers/${number}/route`, { kind: 'ivr', flow: { ...menuFlow({ '1': { action: 'hangup' } }), start: 'Main menu' } });
    expect(format.status).toBe(400);
    expect((format.body as { error: { issues: Array<{ code: string; path: string }> } }).error.issues[0]).toMatchObject({ code: 'invalidFormat', path: 'start' });

    expect((await admin.send('PUT', `/numbers/${number}/route`, { kind: 'skillGroup', skillGroupId: 999_999 })).body).toMatchObject({ error: { code: 'invalid', field: 'skillGroupId' } });
    expect((await admin.send('PUT', `/numbers/${number}/route`, { kind: 'queue' })).body).toMatchObject({ error: { code: 'invalid', field: 'route.kind' } });
    // Nothing was saved.
    expect((await admin.send('GET', `/numbers/${number}`)).body).toMatchObject({ route: { kind: 'none' } });
  });

  it('keeps QA staff to reading, and another instance out', async () => {
    const number = nextNumber();
    await admin.send('POST', '/numbers', { number });
    expect((await qa.send('POST', '/numbers', { number: nextNumber() })).body).toMatchObject({ error: { code: 'forbidden' } });
    expect((await qa.send('PUT', `/numbers/${number}/route`, { kind: 'none' })).status).toBe(403);
    expect((await qa.send('DELETE', `/numbers/${number}`)).status).toBe(403);
    expect((await qa.send('POST', '/prompts?name=x', wav())).status).toBe(403);

    expect((await stranger.send('GET', '/numbers')).body).toEqual({ numbers: [] });
    expect((await stranger.send('GET', `/numbers/${number}`)).status).toBe(404);
    expect((await stranger.send('PUT', `/numbers/${number}/route`, { kind: 'none' })).status).toBe(404);
    expect((await stranger.send('DELETE', `/numbers/${number}`)).status).toBe(404);
    // Another instance's number cannot be taken.
    expect((await stranger.send('POST', '/numbers', { number })).status).toBe(409);
    expect((await admin.send('GET', `/numbers/${number}`)).status).toBe(200);
  });

  it('refuses a write without the CSRF token', async () => {
    const res = await admin.send('POST', '/numbers', { number: nextNumber() }, { 'x-csrf-token': 'nope' });
    expect(res.body).toMatchObject({ error: { code: 'csrf' } });
  });
});

describe('console prompts', () => {
  it('uploads a WAV, lists it with the built-in prompts, plays it back, and lets a flow use it', async () => {
    const file = wav({ dataBytes: 16_000 });
    const res = await admin.send('POST', `/prompts?name=${encodeURIComponent('节假日问候')}&fileName=holiday.wav`, file);
    expect(res).toMatchObject({ status: 200, body: { name: '节假日问候', text: 'holiday.wav', durationMs: 2000, format: 'mulaw', builtIn: false } });
    const promptId = (res.body as { promptId: string }).promptId;
    expect(promptId).toMatch(/^uploaded\/\d+$/);

    const listed = (await qa.send('GET', '/prompts')).body as { prompts: Array<{ promptId: string; builtIn: boolean; text: string; durationMs: number | null }> };
    expect(listed.prompts).toContainEqual(expect.objectContaining({ promptId: 'zh-CN/welcome', builtIn: true, text: '欢迎致电客服中心。业务咨询请按1，技术支持请按2，重听请按0。', format: 'mulaw' }));
    // zh-CN/welcome lasts about 7 s.
    expect(listed.prompts.find((p) => p.promptId === 'zh-CN/welcome')?.durationMs).toBeGreaterThan(5000);
    expect(listed.prompts).toContainEqual(expect.objectContaining({ promptId, builtIn: false }));

    const audio = await qa.send('GET', `/prompts/audio/${promptId}`);
    expect(audio.status).toBe(200);
    expect(audio.type).toBe('audio/wav');
    expect(audio.bytes.equals(file)).toBe(true);
    const builtIn = await qa.send('GET', '/prompts/audio/zh-CN/welcome');
    const library = await loadPromptLibrary();
    expect(builtIn.bytes.equals(await readFile(library.get('zh-CN/welcome')!.path))).toBe(true);

    const number = nextNumber();
    await admin.send('POST', '/numbers', { number });
    const flow = menuFlow({ '1': { action: 'hangup', prompts: [promptId] } });
    expect((await admin.send('PUT', `/numbers/${number}/route`, { kind: 'ivr', flow })).status).toBe(200);

    // Another instance neither hears it nor may use it.
    expect((await stranger.send('GET', `/prompts/audio/${promptId}`)).status).toBe(404);
    expect((await stranger.send('GET', '/prompts')).body).not.toMatchObject({ prompts: expect.arrayContaining([expect.objectContaining({ promptId })]) });
    expect((await stranger.send('GET', '/prompts/audio/..%2F..%2Fmanifest')).status).toBe(404);
  });

  it('refuses a file that is not a playable WAV, and one over 5 MB', async () => {
    const stereo = await admin.send('POST', '/prompts?name=stereo', wav({ channels: 2 }));
    expect(stereo).toMatchObject({ status: 400, body: { error: { code: 'invalid', field: 'file' } } });
    expect((stereo.body as { error: { message: string } }).error.message).toContain('8000 Hz');
    const text = await admin.send('POST', '/prompts?name=text', Buffer.from('not a wav file at all'));
    expect(text).toMatchObject({ status: 400, body: { error: { code: 'invalid', field: 'file' } } });
    const noName = await admin.send('POST', '/prompts', wav());
    expect(noName).toMatchObject({ status: 400, body: { error: { field: 'name' } } });
    const json = await admin.send('POST', '/prompts?name=json', { AudioUrl: 'x' });
    expect(json.status).toBe(415);

    const huge = await admin.send('POST', '/prompts?name=huge', wav({ dataBytes: 5 * 1024 * 1024 }));
    expect(huge).toMatchObject({ status: 413, body: { error: { code: 'too-large' } } });
    const names = ((await admin.send('GET', '/prompts')).body as { prompts: Array<{ name: string }> }).prompts.map((p) => p.name);
    expect(names).not.toContain('stereo');
    expect(names).not.toContain('huge');
  });

  it('refuses an upload without a session before reading it', async () => {
    const res = await fetch(`${server.url}${API}/prompts?name=x`, { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: wav() });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });
});
