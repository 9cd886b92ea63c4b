import { afterEach, describe, expect, it, vi } from 'vitest';
import { SecretBox } from '../auth/secret-box.js';
import { createLogger } from '../log.js';
import type { ScheduledHandle, Scheduler } from '../realtime/scheduler.js';
import type { WrittenRecord } from '../engine/engine-events.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { FetchFn } from './http-exchange.js';
import { PushService } from './push-service.js';

const APP = 1400000001;
const OTHER_APP = 1400000002;
const URL_A = 'https://crm.example.com/ccc/push?tenant=7';

/** Timers and a clock that move only when the test advances them. */
class ManualTime implements Scheduler {
  now = 1_700_000_000_000;
  private readonly timers = new Map<ScheduledHandle, { at: number; callback: () => void }>();
  readonly clock = () => this.now;

  setTimeout(callback: () => void, ms: number): ScheduledHandle {
    const handle: ScheduledHandle = { scheduled: true };
    this.timers.set(handle, { at: this.now + ms, callback });
    return handle;
  }

  clearTimeout(handle: ScheduledHandle): void {
    this.timers.delete(handle);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

interface Sent {
  url: string;
  headers: Headers;
  body: string;
  signal: AbortSignal | null | undefined;
}

/** A fetch that records requests and answers with what `answer` returns for each. */
function fakeFetch(answer: (sent: Sent) => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fn: FetchFn = async (url, init) => {
    const request: Sent = { url, headers: new Headers(init.headers), body: String(init.body ?? ''), signal: init.signal };
    sent.push(request);
    return answer(request);
  };
  return { fn, sent };
}

const ok = () => Response.json({ ErrCode: 0, ErrMsg: '' });

function record(sessionId: string, extra: Partial<WrittenRecord> = {}): WrittenRecord {
  return {
    SessionId: sessionId,
    Caller: '008613800000000',
    Callee: '008640000001',
    Time: 1_700_000_000,
    StartTimestamp: 1_700_000_000,
    EndedTimestamp: 1_700_000_060,
    Direction: 0,
    CallType: 2,
    Duration: 60,
    EndStatus: 1,
    EndStatusString: 'ok',
    RecordId: '',
    RecordURL: '',
    SeatUser: { Name: 'Li Lei', Mail: 'lilei@example.com', StaffNumber: '1001' },
    ...extra,
  };
}

const stores: SqliteStore[] = [];
const services: PushService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function setup(answer: (sent: Sent) => Response | Promise<Response>, options: { concurrency?: number; settleDelayMs?: number } = {}) {
  const store = openSqliteStore(':memory:');
  stores.push(store);
  await store.instances.create({ sdkAppId: APP, name: 'a', createdAt: 0 });
  await store.instances.create({ sdkAppId: OTHER_APP, name: 'b', createdAt: 0 });
  const time = new ManualTime();
  const fetch = fakeFetch(answer);
  const box = SecretBox.fromEncoded('11'.repeat(32));
  const push = new PushService({
    repo: store.push,
    box,
    log: createLogger('silent'),
    clock: time.clock,
    scheduler: time,
    links: () => undefined,
    publicUrl: () => 'https://ccc.example.com',
    fetch: fetch.fn,
    options: { concurrency: options.concurrency ?? 4, settleDelayMs: options.settleDelayMs ?? 0 },
  });
  services.push(push);
  push.start();
  const log = async (sdkAppId = APP) => (await push.deliveries(sdkAppId, { limit: 100, offset: 0 })).items;
  return { store, time, fetch, push, log };
}

describe('PushService', () => {
  it('queues nothing while push is off, then pushes cdr and record with TCCC headers, query and bodies', async () => {
    const { push, fetch, log } = await setup(ok);
    expect(await push.enqueue(APP, record('s-off'), true)).toEqual([]);
    await push.saveSettings(APP, { url: URL_A, cdr: true, record: true });
    const queued = await push.enqueue(APP, record('s-1', { RecordId: 's-1' }), true);
    expect(queued.map((q) => q.action)).toEqual(['cdr', 'record']);
    await vi.waitFor(async () => expect((await log()).map((e) => e.state)).toEqual(['delivered', 'delivered']));
    const cdr = fetch.sent.find((s) => s.url.includes('action=cdr'))!;
    const rec = fetch.sent.find((s) => s.url.includes('action=record'))!;
    expect(new URL(cdr.url).searchParams.get('tenant')).toBe('7');
    expect(new URL(cdr.url).searchParams.get('version')).toBe('1');
    expect(cdr.headers.get('content-type')).toBe('application/json;charset=utf8');
    expect(cdr.headers.get('x-tccc-push-uuid')).toBe(queued[0]!.uuid);
    expect(rec.headers.get('x-tccc-push-uuid')).toBe(queued[1]!.uuid);
    expect(cdr.headers.get('authorization')).toBeNull();
    expect(JSON.parse(cdr.body)).toMatchObject({ SdkAppId: APP, SessionId: 's-1', Caller: '008613800000000', Duration: 60 });
    expect(JSON.parse(rec.body)).toEqual({ SdkAppId: APP, RecordId: 's-1', SessionId: 's-1', Timestamp: 1_700_000_060, EndpointUser: 'lilei@example.com', RecordURL: '' });
  });

  it('only queues the kinds switched on', async () => {
    const { push } = await setup(ok);
    await push.saveSettings(APP, { url: URL_A, cdr: false, record: true });
    expect((await push.enqueue(APP, record('s-2'), true)).map((q) => q.action)).toEqual(['record']);
    expect(await push.enqueue(APP, record('s-3'), false)).toEqual([]);
  });

  it('retries a failing receiver with the same UUID after 10 s, 60 s and 5 min, then fails; a resend delivers', async () => {
    let answer: () => Response = () => new Response('busy', { status: 500 });
    const { push, fetch, time, log } = await setup(() => answer());
    await push.saveSettings(APP, { url: URL_A, cdr: true, record: false });
    const [queued] = await push.enqueue(APP, record('s-4'), false);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, lastError: 'HTTP 500: busy' }));
    expect((await log())[0]!.nextAttemptAt).toBe(time.now + 10_000);
    answer = () => Response.json({ ErrCode: 3, ErrMsg: 'not today' });
    time.advance(9_999);
    expect(fetch.sent).toHaveLength(1);
    time.advance(1);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ attempts: 2, lastError: 'the receiver answered ErrCode 3: not today' }));
    answer = () => new Response('<html>', { status: 200 });
    time.advance(60_000);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ attempts: 3, lastError: 'the answer is not JSON: <html>' }));
    time.advance(300_000);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'failed', attempts: 4, nextAttemptAt: null }));
    time.advance(3_600_000);
    expect(fetch.sent).toHaveLength(4);
    expect(new Set(fetch.sent.map((s) => s.headers.get('x-tccc-push-uuid')))).toEqual(new Set([queued!.uuid]));

    answer = ok;
    const resent = await push.resend(APP, queued!.id);
    expect(resent).toMatchObject({ state: 'pending', attempts: 0 });
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'delivered', attempts: 1, lastError: '' }));
    expect(fetch.sent[4]!.headers.get('x-tccc-push-uuid')).toBe(queued!.uuid);
    await expect(push.resend(OTHER_APP, queued!.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('counts a receiver that does not answer within the timeout as a failed attempt', async () => {
    const { push, time, log, fetch } = await setup(
      (sent) => new Promise<Response>((_, reject) => sent.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    await push.saveSettings(APP, { url: URL_A, cdr: true });
    await push.enqueue(APP, record('s-5'), false);
    await vi.waitFor(() => expect(fetch.sent).toHaveLength(1));
    time.advance(10_000);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'no answer within 10 s' }));
  });

  it('holds pushes of an instance that switched push off, and sends them when it is on again', async () => {
    let answer: () => Response = () => new Response('', { status: 503 });
    const { push, time, log } = await setup(() => answer());
    await push.saveSettings(APP, { url: URL_A, cdr: true });
    await push.enqueue(APP, record('s-6'), false);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ attempts: 1 }));
    await push.saveSettings(APP, { url: URL_A, cdr: false });
    time.advance(10_000);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'held', attempts: 1, lastError: 'held: cdr push is switched off' }));
    answer = ok;
    await push.saveSettings(APP, { url: URL_A, cdr: true });
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'delivered', attempts: 2 }));
  });

  it('keeps a dead receiver to its own lane: at most `concurrency` requests, other instances unaffected', async () => {
    const hanging: Array<() => void> = [];
    const { push, fetch, log } = await setup(
      (sent) => (sent.url.startsWith('https://dead.example.com') ? new Promise<Response>((resolve) => hanging.push(() => resolve(ok()))) : ok()),
      { concurrency: 2 },
    );
    await push.saveSettings(APP, { url: 'https://dead.example.com/push', cdr: true });
    await push.saveSettings(OTHER_APP, { url: URL_A, cdr: true });
    for (let i = 0; i < 5; i++) await push.enqueue(APP, record(`dead-${i}`), false);
    await push.enqueue(OTHER_APP, record('alive'), false);
    await vi.waitFor(async () => expect((await log(OTHER_APP))[0]?.state).toBe('delivered'));
    expect(fetch.sent.filter((s) => s.url.startsWith('https://dead.example.com'))).toHaveLength(2);
    // The oldest go first, in the order they were queued.
    expect(fetch.sent.filter((s) => s.url.startsWith('https://dead')).map((s) => JSON.parse(s.body).SessionId)).toEqual(['dead-0', 'dead-1']);
    hanging.shift()!();
    await vi.waitFor(() => expect(fetch.sent.filter((s) => s.url.startsWith('https://dead.example.com'))).toHaveLength(3));
    for (const release of hanging.splice(0)) release();
    await vi.waitFor(async () => expect((await log()).filter((e) => e.state === 'delivered')).toHaveLength(3));
    for (let i = 0; i < 2; i++) {
      await vi.waitFor(() => expect(hanging.length).toBeGreaterThan(0));
      hanging.shift()!();
    }
    await vi.waitFor(async () => expect((await log()).every((e) => e.state === 'delivered')).toBe(true));
  });

  it('sends HTTP basic credentials; the password is sealed and never shown', async () => {
    const { push, fetch, log, store } = await setup(ok);
    const view = await push.saveSettings(APP, { url: URL_A, cdr: true, authMode: 'basic', username: 'ccc', password: 's3cret:pw' });
    expect(view).toMatchObject({ authMode: 'basic', username: 'ccc', secretSet: true });
    expect(JSON.stringify(view)).not.toContain('s3cret');
    expect((await store.push.settings(APP))!.secretSealed!.toString('latin1')).not.toContain('s3cret');
    // Saved again without the password: the stored one is kept.
    await push.saveSettings(APP, { url: URL_A, cdr: true, authMode: 'basic', username: 'ccc' });
    await push.enqueue(APP, record('s-7'), false);
    await vi.waitFor(async () => expect((await log())[0]?.state).toBe('delivered'));
    expect(fetch.sent[0]!.headers.get('authorization')).toBe(`Basic ${Buffer.from('ccc:s3cret:pw').toString('base64')}`);
  });

  it('gets an OAuth token by client credentials, reuses it until shortly before it expires, and replaces it after a 401', async () => {
    let tokens = 0;
    let accepted = 'token-1';
    const { push, fetch, log, time } = await setup(async (sent) => {
      if (sent.url === 'https://auth.example.com/token') {
        tokens++;
        expect(sent.body).toBe('grant_type=client_credentials');
        expect(sent.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
        expect(sent.headers.get('authorization')).toBe(`Basic ${Buffer.from('client+1:a%26b').toString('base64')}`);
        return Response.json({ access_token: `token-${tokens}`, token_type: 'Bearer', expires_in: 3600 });
      }
      return sent.headers.get('authorization') === `Bearer ${accepted}` ? ok() : new Response('', { status: 401 });
    });
    await push.saveSettings(APP, { url: URL_A, cdr: true, authMode: 'oauth', tokenUrl: 'https://auth.example.com/token', clientId: 'client 1', clientSecret: 'a&b' });
    const pushes = () => fetch.sent.filter((s) => s.url.startsWith('https://crm.example.com'));
    await push.enqueue(APP, record('o-1'), false);
    await push.enqueue(APP, record('o-2'), false);
    await vi.waitFor(async () => expect((await log()).map((e) => e.state)).toEqual(['delivered', 'delivered']));
    expect(tokens).toBe(1);
    // The receiver stops taking the token: it is dropped and a new one fetched for the same attempt.
    accepted = 'token-2';
    await push.enqueue(APP, record('o-3'), false);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'delivered', attempts: 1 }));
    expect(tokens).toBe(2);
    expect(pushes().at(-1)!.headers.get('authorization')).toBe('Bearer token-2');
    // Within a minute of expiry, a new token is fetched before pushing.
    time.advance(3_600_000 - 59_000);
    accepted = 'token-3';
    await push.enqueue(APP, record('o-4'), false);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'delivered', attempts: 1 }));
    expect(tokens).toBe(3);
    expect(pushes().filter((s) => s.headers.get('authorization') === 'Bearer token-3')).toHaveLength(1);
  });

  it('records a token endpoint that fails as the attempt error', async () => {
    const { push, log } = await setup((sent) => (sent.url.endsWith('/token') ? new Response('nope', { status: 400 }) : ok()));
    await push.saveSettings(APP, { url: URL_A, cdr: true, authMode: 'oauth', tokenUrl: 'https://auth.example.com/token', clientId: 'c', clientSecret: 's' });
    await push.enqueue(APP, record('o-5'), false);
    await vi.waitFor(async () => expect((await log())[0]).toMatchObject({ state: 'pending', attempts: 1, lastError: 'token endpoint answered HTTP 400: nope' }));
  });

  it('refuses settings that cannot work, naming the field', async () => {
    const { push } = await setup(ok);
    const refused = (input: unknown) => push.saveSettings(APP, input).then(() => null, (e: { field?: string; message: string }) => e);
    expect(await refused({ url: 'ftp://x.example.com', cdr: true })).toMatchObject({ field: 'url', message: expect.stringContaining('http://') });
    expect(await refused({ url: '', cdr: true })).toMatchObject({ field: 'url' });
    expect(await refused({ url: 'not a url', cdr: true })).toMatchObject({ field: 'url' });
    expect(await refused({ url: 'https://u:p@x.example.com', cdr: true })).toMatchObject({ field: 'url' });
    expect(await refused({ url: URL_A, cdr: 'yes' })).toMatchObject({ field: 'cdr' });
    expect(await refused({ url: URL_A, authMode: 'digest' })).toMatchObject({ field: 'authMode' });
    expect(await refused({ url: URL_A, authMode: 'basic', username: 'a:b', password: 'x' })).toMatchObject({ field: 'username' });
    expect(await refused({ url: URL_A, authMode: 'basic', username: 'a' })).toMatchObject({ field: 'password' });
    expect(await refused({ url: URL_A, authMode: 'oauth', clientId: 'c', clientSecret: 's' })).toMatchObject({ field: 'tokenUrl' });
    expect(await refused({ url: URL_A, authMode: 'oauth', tokenUrl: 'https://a.example.com/t', clientSecret: 's' })).toMatchObject({ field: 'clientId' });
    expect(await refused([])).toMatchObject({ message: expect.stringContaining('JSON object') });
    expect(await push.settings(APP)).toMatchObject({ url: '', cdr: false, modifiedAt: null });
  });
});

describe('the outcomes of attempts', () => {
  it('are written together after the settle delay, and the log shows them only then', async () => {
    const { push, fetch, time, log, store } = await setup(ok, { settleDelayMs: 50 });
    await push.saveSettings(APP, { url: URL_A, cdr: true });
    const settle = vi.spyOn(store.push, 'settle');
    for (let i = 0; i < 3; i++) await push.enqueue(APP, record(`batch-${i}`), false);
    await vi.waitFor(() => expect(fetch.sent).toHaveLength(3));
    expect((await log()).map((e) => e.state)).toEqual(['pending', 'pending', 'pending']);
    time.advance(50);
    await vi.waitFor(async () => expect((await log()).map((e) => e.state)).toEqual(['delivered', 'delivered', 'delivered']));
    expect(settle).toHaveBeenCalledTimes(1);
    expect(settle.mock.calls[0]![0]).toHaveLength(3);
  });
});
