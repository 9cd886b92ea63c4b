import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../bootstrap.js';
import { SipTrunks, TrunkError, validateTrunk, type TrunkInput } from '../sip/trunks.js';
import type { SipTrunk } from '../store/ports.js';
import { startTestServer, type TestServer } from '../test-support/harness.js';
import { officialClient } from '../test-support/sdk-client.js';
import { listeningProxy, registrationOf, trunkChangeOf, trunkInputOf, type ConsoleTrunk, type SipGatewayView } from './sip-routes.js';
import { trunkErrorMessage, trunkErrorZh } from './sip-trunk-errors.js';

const API = '/console/api/v1';

interface Answer {
  status: number;
  body: unknown;
}

/** A signed-in console user: the session cookie and the CSRF token, as the console holds them. */
class ConsoleUser {
  constructor(
    private readonly url: string,
    private readonly cookie: string,
    private readonly csrf: string,
  ) {}

  static async signIn(url: string, mail: string, password: string, sdkAppId: number): Promise<ConsoleUser> {
    const res = await fetch(`${url}${API}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mail, password, sdkAppId }) });
    expect(res.status).toBe(200);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return new ConsoleUser(url, (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrfToken);
  }

  async send(method: string, path: string, body?: unknown, lang: 'zh-CN' | 'en-US' = 'zh-CN'): Promise<Answer> {
    const res = await fetch(`${this.url}${API}${path}`, {
      method,
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, 'x-tc-language': lang, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }
}

const errorOf = (answer: Answer) => (answer.body as { error: { code: string; message: string; field?: string } }).error;

const IP_TRUNK = {
  name: 'carrier-a',
  kind: 'ip',
  allow: ['192.0.2.0/24', '198.51.100.7'],
  outbound: { host: 'sip.carrier-a.example', port: 5070, transport: 'tcp' },
  dialPlan: { allow: ['86', '+1'], deny: ['86900'] },
  maxConcurrentCalls: 12,
} as const;

describe('console SIP trunk routes (SIP on)', () => {
  let server: TestServer;
  let admin: ConsoleUser;
  let qa: ConsoleUser;
  let stranger: ConsoleUser;
  let strangerSdkAppId: number;
  const hotline = '00864000007001';

  beforeAll(async () => {
    server = await startTestServer({ flags: { sip: 'on', 'sip-address': '127.0.0.1', 'sip-port': '0', 'sip-domain': 'sip.test' } });
    admin = await ConsoleUser.signIn(server.url, server.adminUser, server.adminPassword, server.sdkAppId);
    const client = officialClient(server);
    await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Mail: 'qa-sip@example.com', Name: 'QA', StaffNumber: '2', Role: 2 }] });
    await client.ModifyStaffPassword({ SdkAppId: server.sdkAppId, Email: 'qa-sip@example.com', Password: 'Qa-password-1234' });
    qa = await ConsoleUser.signIn(server.url, 'qa-sip@example.com', 'Qa-password-1234', server.sdkAppId);
    const other = await createInstance(server.folder.store, 'other', Date.now());
    strangerSdkAppId = other.sdkAppId;
    stranger = await ConsoleUser.signIn(server.url, other.adminUser, other.adminPassword, other.sdkAppId);
    await server.server.services.numbers.add(server.sdkAppId, hotline, {});
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('says SIP is on, with the instance domain and the outbound proxy phones use, the port it listens on included', async () => {
    const port = server.server.sip?.transport.local('udp').port;
    expect((await qa.send('GET', '/sip')).body).toEqual({ enabled: true, domain: `${server.sdkAppId}.sip.test`, outboundProxy: `127.0.0.1:${port}`,
      transport: 'udp',
      trunkDefaults: { port: 5060, transport: 'udp', expires: 3600, maxConcurrentCalls: 30, dialPlan: { allow: ['86'], deny: ['979', '870', '881', '882', '883'] } },
    });
    // DescribeExtension tells phones the same listening port.
    const client = officialClient(server);
    await client.CreateExtension({ SdkAppId: server.sdkAppId, ExtensionId: '8001', ExtensionName: 'Desk' });
    expect(await client.DescribeExtension({ SdkAppId: server.sdkAppId, ExtensionId: '8001' })).toMatchObject({ ExtensionDomain: `${server.sdkAppId}.sip.test`, OutboundProxy: `127.0.0.1:${port}` });
  });

  it('adds an ip trunk that QA staff can list but not change, and another instance cannot see', async () => {
    const added = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, callerIdNumbers: [hotline] });
    expect(added.status).toBe(200);
    const trunk = added.body as ConsoleTrunk;
    expect(trunk).toMatchObject({ ...IP_TRUNK, callerIdNumbers: [hotline], allow: ['192.0.2.0/24', '198.51.100.7/32'], enabled: true, register: null, registration: null });
    const stored = await server.server.services.store.sipTrunks.get(server.sdkAppId, trunk.id);
    expect(stored).toMatchObject({ name: 'carrier-a', outbound: IP_TRUNK.outbound, maxConcurrentCalls: 12 });

    expect((await qa.send('GET', '/sip/trunks')).body).toEqual({ trunks: [trunk] });
    expect((await qa.send('GET', `/sip/trunks/${trunk.id}`)).body).toEqual(trunk);
    for (const [method, path, body] of [
      ['POST', '/sip/trunks', { ...IP_TRUNK, name: 'qa-trunk' }],
      ['PUT', `/sip/trunks/${trunk.id}`, { maxConcurrentCalls: 1 }],
      ['PUT', `/sip/trunks/${trunk.id}/state`, { enabled: false }],
      ['DELETE', `/sip/trunks/${trunk.id}`, undefined],
    ] as const) {
      const refused = await qa.send(method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(errorOf(refused).code).toBe('forbidden');
    }

    expect((await stranger.send('GET', '/sip/trunks')).body).toEqual({ trunks: [] });
    expect((await stranger.send('GET', `/sip/trunks/${trunk.id}`)).status).toBe(404);
    expect((await stranger.send('PUT', `/sip/trunks/${trunk.id}`, { maxConcurrentCalls: 1 })).status).toBe(404);
    expect((await stranger.send('PUT', `/sip/trunks/${trunk.id}/state`, { enabled: false })).status).toBe(404);
    expect((await stranger.send('DELETE', `/sip/trunks/${trunk.id}`)).status).toBe(404);
    // The other instance's administrator may not present this instance's number either.
    const foreign = await stranger.send('POST', '/sip/trunks', { ...IP_TRUNK, callerIdNumbers: [hotline] }, 'en-US');
    expect(errorOf(foreign)).toMatchObject({ code: 'invalid', field: 'callerIdNumbers', message: expect.stringContaining(`not a number of instance ${strangerSdkAppId}`) });
    expect(await server.server.services.store.sipTrunks.list(strangerSdkAppId)).toEqual([]);
    expect((await admin.send('GET', `/sip/trunks/${trunk.id}`)).body).toEqual(trunk);

    expect((await admin.send('DELETE', `/sip/trunks/${trunk.id}`)).status).toBe(204);
    expect((await admin.send('GET', `/sip/trunks/${trunk.id}`)).status).toBe(404);
  });

  it('refuses settings with the field at fault, in the language asked for', async () => {
    const wide = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, name: 'wide', allow: ['10.0.0.0/4'] });
    expect(wide.status).toBe(400);
    expect(errorOf(wide)).toMatchObject({ code: 'invalid', field: 'allow', message: '10.0.0.0/4 范围过大，会信任互联网的很大一部分；请填写运营商的地址（前缀至少 /8）。' });
    const wideEn = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, name: 'wide', allow: ['10.0.0.0/4'] }, 'en-US');
    expect(errorOf(wideEn)).toMatchObject({ field: 'allow', message: expect.stringContaining('10.0.0.0/4 is too wide') });

    const host = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, name: 'bad-host', outbound: { host: 'not a host', port: 5060 } });
    expect(errorOf(host)).toMatchObject({ field: 'outbound.host', message: '外呼地址须为主机名或 IP 地址，例如 sip.carrier.example 或 192.0.2.10，而不是“not a host”。' });

    const noPassword = await admin.send('POST', '/sip/trunks', { name: 'reg', kind: 'register', register: { registrar: 'sip.carrier.example', username: 'acct' } });
    expect(errorOf(noPassword)).toMatchObject({ field: 'register.password', message: expect.stringContaining('密码须为 1 到 256 个字符') });

    const notNumber = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, name: 'typed', maxConcurrentCalls: '12' }, 'en-US');
    expect(errorOf(notNumber)).toEqual({ code: 'invalid', field: 'maxConcurrentCalls', message: 'maxConcurrentCalls must be a whole number.' });
    const badPort = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, name: 'typed', outbound: { host: 'sip.example.com', port: 70000 } });
    expect(errorOf(badPort)).toMatchObject({ field: 'outbound.port', message: '外呼端口须为 1 到 65535 之间的端口，而不是 70000。' });

    const first = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, name: 'twice' });
    expect(first.status).toBe(200);
    const twice = await admin.send('POST', '/sip/trunks', { ...IP_TRUNK, name: 'twice' });
    expect(twice.status).toBe(409);
    expect(errorOf(twice)).toMatchObject({ code: 'conflict', field: 'name', message: `实例 ${server.sdkAppId} 中已有名为“twice”的中继。` });
    expect((await admin.send('GET', '/sip/trunks/abc')).status).toBe(404);
    expect((await server.server.services.store.sipTrunks.list(server.sdkAppId)).map((t) => t.name)).toEqual(['twice']);
    await admin.send('DELETE', `/sip/trunks/${(first.body as ConsoleTrunk).id}`);
  });

  it('keeps a registration password write-only and shows the registration, stopped when the trunk is disabled', async () => {
    const trunks = new SipTrunks({ store: server.folder.store, box: server.folder.box });
    // Nothing answers on this port: the registration keeps trying.
    const created = await admin.send('POST', '/sip/trunks', { name: 'reg', kind: 'register', register: { registrar: '127.0.0.1:9', username: 'acct-1', password: 's3cret-pass', expires: 600 } });
    expect(created.status).toBe(200);
    const trunk = created.body as ConsoleTrunk;
    expect(JSON.stringify(trunk)).not.toContain('s3cret-pass');
    expect(trunk.register).toEqual({ registrar: '127.0.0.1:9', username: 'acct-1', realm: null, expires: 600, passwordSet: true });
    // The gateway picked the trunk up before the answer.
    expect(trunk.registration?.state).toMatch(/^(registering|failed)$/);
    expect(server.server.sip?.registrations.statuses().map((s) => s.trunkId)).toContain(trunk.id);

    const renamed = await admin.send('PUT', `/sip/trunks/${trunk.id}`, { name: 'reg-renamed', register: { username: 'acct-2', password: '' } });
    expect(renamed.body).toMatchObject({ name: 'reg-renamed', register: { username: 'acct-2', passwordSet: true } });
    expect(trunks.password((await trunks.require(server.sdkAppId, trunk.id)) as SipTrunk)).toBe('s3cret-pass');
    await admin.send('PUT', `/sip/trunks/${trunk.id}`, { register: { password: 'new-pass' } });
    expect(trunks.password(await trunks.require(server.sdkAppId, trunk.id))).toBe('new-pass');

    const disabled = await admin.send('PUT', `/sip/trunks/${trunk.id}/state`, { enabled: false });
    expect(disabled.body).toMatchObject({ enabled: false, registration: { state: 'disabled' } });
    expect(server.server.sip?.registrations.statuses().map((s) => s.trunkId)).not.toContain(trunk.id);
    expect(errorOf(await admin.send('PUT', `/sip/trunks/${trunk.id}/state`, { enabled: 'no' }))).toMatchObject({ field: 'enabled' });

    // Back to an ip trunk: the registration goes.
    const ip = await admin.send('PUT', `/sip/trunks/${trunk.id}`, { kind: 'ip', allow: ['203.0.113.5'], register: null, enabled: true });
    expect(ip.body).toMatchObject({ kind: 'ip', register: null, registration: null, enabled: true });
    await admin.send('DELETE', `/sip/trunks/${trunk.id}`);
  });
});

describe('console SIP routes with SIP off', () => {
  let server: TestServer;
  let admin: ConsoleUser;

  beforeAll(async () => {
    server = await startTestServer({ flags: { 'sip-domain': 'sip.test' } });
    admin = await ConsoleUser.signIn(server.url, server.adminUser, server.adminPassword, server.sdkAppId);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('says SIP is off and still saves trunks, without a registration state', async () => {
    expect((await admin.send('GET', '/sip')).body).toMatchObject({ enabled: false, domain: `${server.sdkAppId}.sip.test` });
    const created = await admin.send('POST', '/sip/trunks', { name: 'later', kind: 'register', register: { registrar: 'sip.carrier.example', username: 'acct', password: 'pw-123456' } });
    expect(created.body).toMatchObject({ name: 'later', registration: null, register: { passwordSet: true } });
  });
});

describe('trunk request bodies', () => {
  it('reads a new trunk by its JSON types', () => {
    expect(trunkInputOf({ ...IP_TRUNK, enabled: false }, 'en-US')).toEqual({ ...IP_TRUNK, allow: [...IP_TRUNK.allow], dialPlan: { allow: ['86', '+1'], deny: ['86900'] }, enabled: false, register: null });
    expect(trunkInputOf({ name: 'r', kind: 'register', register: { registrar: 'h', username: 'u', password: 'p', realm: null } }, 'en-US').register).toEqual({ registrar: 'h', username: 'u', password: 'p', realm: null });
    expect(() => trunkInputOf({ kind: 'ip' }, 'en-US')).toThrow('name must be text.');
    expect(() => trunkInputOf({ name: 'x', kind: 'sip' }, 'zh-CN')).toThrow('类型须为 ip 或 register。');
    expect(() => trunkInputOf({ name: 'x', kind: 'ip', allow: '192.0.2.1' }, 'en-US')).toThrow('allow must be a list of texts.');
    expect(() => trunkInputOf({ name: 'x', kind: 'ip', outbound: { host: 'h', transport: 'tls' } }, 'en-US')).toThrow('outbound.transport is "udp" or "tcp".');
    expect(() => trunkInputOf([], 'en-US')).toThrow('trunk must be an object.');
  });

  it('reads a change: only what it names, an empty password kept, a null registration removed', () => {
    expect(trunkChangeOf({ maxConcurrentCalls: 3 }, 'en-US')).toEqual({ maxConcurrentCalls: 3 });
    expect(trunkChangeOf({ register: { username: 'u', password: '' } }, 'en-US')).toEqual({ register: { username: 'u' } });
    expect(trunkChangeOf({ register: { password: 'p' } }, 'en-US')).toEqual({ register: { password: 'p' } });
    expect(trunkChangeOf({ kind: 'ip', register: null }, 'en-US')).toEqual({ kind: 'ip', register: null });
    expect(() => trunkChangeOf({ register: { expires: 'long' } }, 'en-US')).toThrow('register.expires must be a whole number.');
  });
});

describe('the outbound proxy', () => {
  it('names the port SIP listens on when the configured one is 0', () => {
    expect(listeningProxy('127.0.0.1:0', 40123)).toBe('127.0.0.1:40123');
    expect(listeningProxy('[::1]:0', 40123)).toBe('[::1]:40123');
    expect(listeningProxy('sip.example.com:5060', 40123)).toBe('sip.example.com:5060');
    expect(listeningProxy('127.0.0.1:0', null)).toBe('127.0.0.1:0');
  });
});

describe('registration states', () => {
  const trunk = (patch: Partial<SipTrunk>): SipTrunk => ({
    id: 7,
    sdkAppId: 1400000001,
    name: 't',
    kind: 'register',
    allow: [],
    outbound: null,
    register: { registrar: 'h', username: 'u', passwordSealed: Buffer.alloc(0), realm: null, expires: 3600 },
    callerIdNumbers: [],
    dialPlan: { allow: [], deny: [] },
    maxConcurrentCalls: 1,
    enabled: true,
    createdAt: 0,
    modifiedAt: 0,
    ...patch,
  });
  const gateway = (statuses: ReturnType<SipGatewayView['registrations']['statuses']>): SipGatewayView => ({ trunksChanged: () => Promise.resolve(), registrations: { statuses: () => statuses } });

  it('merges the gateway state of a register trunk, and says nothing of ip trunks or while SIP is off', () => {
    const registered = gateway([{ trunkId: 7, state: 'registered', until: 99, reason: null }]);
    expect(registrationOf(trunk({}), registered)).toEqual({ state: 'registered', until: 99, reason: null });
    expect(registrationOf(trunk({ id: 8 }), registered)).toEqual({ state: 'unregistered', until: null, reason: null });
    expect(registrationOf(trunk({ enabled: false }), registered)).toEqual({ state: 'disabled', until: null, reason: null });
    expect(registrationOf(trunk({ kind: 'ip', register: null }), registered)).toBeNull();
    expect(registrationOf(trunk({}), null)).toBeNull();
  });
});

describe('trunk messages in Chinese', () => {
  const base: TrunkInput = { name: 'carrier', kind: 'ip', allow: ['192.0.2.1'] };
  const reg = { registrar: 'sip.example.com', username: 'u', password: 'p' };
  const refusals: Array<[string, TrunkInput]> = [
    ['name', { ...base, name: ' ' }],
    ['kind', { ...base, kind: 'sip' as TrunkInput['kind'] }],
    ['allow (list)', { ...base, allow: Array.from({ length: 101 }, (_, i) => `192.0.2.${i}`) }],
    ['allow (cidr)', { ...base, allow: ['nowhere'] }],
    ['allow (wide)', { ...base, allow: ['0.0.0.0/1'] }],
    ['allow (none)', { ...base, allow: [] }],
    ['register (missing)', { ...base, kind: 'register', allow: [] }],
    ['register (ip)', { ...base, register: reg }],
    ['register.expires', { ...base, kind: 'register', register: { ...reg, expires: 5 } }],
    ['register.realm', { ...base, kind: 'register', register: { ...reg, realm: 'r'.repeat(200) } }],
    ['register.registrar', { ...base, kind: 'register', register: { ...reg, registrar: 'a b:c:d' } }],
    ['register.username', { ...base, kind: 'register', register: { ...reg, username: 'a b' } }],
    ['outbound.host', { ...base, outbound: { host: '-' } }],
    ['outbound.port', { ...base, outbound: { host: 'sip.example.com', port: 0 } }],
    ['outbound.transport', { ...base, outbound: { host: 'sip.example.com', transport: 'tls' as 'udp' } }],
    ['dialPlan.allow', { ...base, dialPlan: { allow: ['abc'] } }],
    ['maxConcurrentCalls', { ...base, maxConcurrentCalls: 0 }],
  ];

  it.each(refusals)('%s', (_, input) => {
    let refusal: unknown;
    try {
      validateTrunk(1400000001, input);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(TrunkError);
    const zh = trunkErrorZh(refusal as TrunkError);
    expect(zh, (refusal as TrunkError).message).not.toBeNull();
    expect(zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('says the store-side refusals in Chinese too, and anything unknown after its field', () => {
    expect(trunkErrorZh(new TrunkError('invalid', '00861 is not a number of instance 1400000001; a trunk presents only…', 'callerIdNumbers'))).toBe('00861 不是实例 1400000001 的号码；中继只能显示本实例自己的号码。');
    expect(trunkErrorZh(new TrunkError('not-found', 'Instance 1400000001 has no trunk 5; `openccc sip trunk list` lists its trunks.'))).toBe('实例 1400000001 中没有中继 5。');
    expect(trunkErrorZh(new TrunkError('invalid', 'A new registration needs its registrar, username and password.', 'register'))).toBe('新的注册需要填写注册服务器、用户名和密码。');
    expect(trunkErrorMessage(new TrunkError('invalid', 'Something new.', 'callerIdNumbers'), 'zh-CN')).toBe('主叫号码：Something new.');
    expect(trunkErrorMessage(new TrunkError('invalid', 'Something new.', 'callerIdNumbers'), 'en-US')).toBe('Something new.');
  });
});
