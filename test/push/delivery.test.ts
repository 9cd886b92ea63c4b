import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACK, Receiver, logEntry, removeDataFolder, sampleRecord, startPushServer, type PushServer, type Received } from './support.js';

/** Retries come quickly here; the schedule itself (10 s, 60 s, 5 min) is covered by the unit tests. */
const FAST = { retryDelaysMs: [30, 30, 30], requestTimeoutMs: 500 };

let receiver: Receiver;
let server: PushServer;
let sessions = 0;

beforeAll(async () => {
  receiver = await Receiver.start();
  server = await startPushServer({ push: FAST });
}, 60_000);

afterAll(async () => {
  await server.close();
  removeDataFolder(server);
  await receiver.close();
});

/** The engine's event for a stored record: what the outbox listens to. */
function recordWritten(target: PushServer, recorded = false): string {
  const sessionId = `push-${++sessions}-${Date.now()}`;
  target.server.engine.events.emit('recordWritten', { sdkAppId: target.sdkAppId, record: sampleRecord(sessionId, recorded ? { RecordId: sessionId } : {}), recorded });
  return sessionId;
}

async function configure(settings: Record<string, unknown>, target: PushServer = server): Promise<void> {
  await target.server.push.saveSettings(target.sdkAppId, { url: `${receiver.url}/push`, cdr: true, record: true, ...settings });
}

const of = (sessionId: string) => (r: Received) => r.path === '/push' && r.json?.['SessionId'] === sessionId;

describe('delivery to a local receiver', () => {
  it('retries a receiver that fails in every way with the same UUID, then marks the push failed; a resend delivers it', async () => {
    await configure({});
    const failures = [
      { status: 500, body: 'oops' },
      { status: 200, body: JSON.stringify({ ErrCode: 1001, ErrMsg: 'bad' }) },
      'hang' as const,
      { status: 302, body: '', headers: { location: 'http://example.com/' } },
    ];
    let turn = 0;
    receiver.reply = (r) => (r.path === '/push' ? (failures[turn++] ?? ACK) : ACK);
    const sessionId = recordWritten(server);
    const failed = await logEntry(server, sessionId, (i) => i.action === 'cdr' && i.state === 'failed');
    expect(failed).toMatchObject({ attempts: 4, lastStatus: 302, lastError: 'HTTP 302' });
    const attempts = receiver.received.filter(of(sessionId));
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((a) => a.headers['x-tccc-push-uuid']))).toEqual(new Set([failed.uuid]));
    for (const attempt of attempts) {
      expect(attempt.method).toBe('POST');
      expect(attempt.query.get('action')).toBe('cdr');
      expect(attempt.query.get('version')).toBe('1');
      expect(attempt.headers['content-type']).toBe('application/json;charset=utf8');
    }

    await server.server.push.resend(server.sdkAppId, failed.id);
    const delivered = await logEntry(server, sessionId, (i) => i.action === 'cdr' && i.state === 'delivered');
    expect(delivered).toMatchObject({ attempts: 1, uuid: failed.uuid });
    expect(receiver.received.filter(of(sessionId)).at(-1)!.headers['x-tccc-push-uuid']).toBe(failed.uuid);
  });

  it('reports a receiver that does not answer in time, and one that refuses connections', async () => {
    receiver.reply = (r) => (r.path === '/push' ? 'hang' : ACK);
    const late = recordWritten(server);
    expect(await logEntry(server, late, (i) => i.attempts >= 1)).toMatchObject({ lastError: 'no answer within 500 ms', lastStatus: null });
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    await server.server.push.saveSettings(server.sdkAppId, { url: `http://127.0.0.1:${closedPort}/push`, cdr: true });
    const refused = recordWritten(server);
    expect(await logEntry(server, refused, (i) => i.state === 'failed')).toMatchObject({ attempts: 4, lastError: expect.stringContaining('ECONNREFUSED') });
    receiver.reply = () => ACK;
  });

  it('sends HTTP basic credentials', async () => {
    await configure({ authMode: 'basic', username: 'crm', password: 'pa55:word' });
    const sessionId = recordWritten(server);
    const push = await receiver.next(of(sessionId));
    expect(push.headers.authorization).toBe(`Basic ${Buffer.from('crm:pa55:word').toString('base64')}`);
    await logEntry(server, sessionId, (i) => i.state === 'delivered');
  });

  it('gets an OAuth token from a local token endpoint, reuses it, and fetches a new one after a 401', async () => {
    let issued = 0;
    let valid = '';
    receiver.reply = (r) => {
      if (r.path === '/token') {
        valid = `tok-${++issued}`;
        return { status: 200, body: JSON.stringify({ access_token: valid, token_type: 'bearer', expires_in: 7200 }) };
      }
      return r.headers.authorization === `Bearer ${valid}` ? ACK : { status: 401, body: '' };
    };
    await configure({ authMode: 'oauth', tokenUrl: `${receiver.url}/token`, clientId: 'openccc', clientSecret: 's3cr3t' });
    const first = recordWritten(server);
    const second = recordWritten(server);
    await logEntry(server, first, (i) => i.state === 'delivered');
    await logEntry(server, second, (i) => i.state === 'delivered');
    expect(issued).toBe(1);
    const tokenRequest = receiver.received.find((r) => r.path === '/token')!;
    expect(tokenRequest.method).toBe('POST');
    expect(tokenRequest.body).toBe('grant_type=client_credentials');
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from('openccc:s3cr3t').toString('base64')}`);

    // The receiver revokes the token: the next push is refused once, then sent with a new token.
    valid = 'revoked';
    const third = recordWritten(server);
    expect(await logEntry(server, third, (i) => i.state === 'delivered')).toMatchObject({ attempts: 1 });
    expect(issued).toBe(2);
    const tries = receiver.received.filter(of(third));
    expect(tries.map((t) => t.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
    expect(new Set(tries.map((t) => t.headers['x-tccc-push-uuid'])).size).toBe(1);
    receiver.reply = () => ACK;
  });

  it('keeps a push across a restart: the next run sends it again with the same UUID', async () => {
    const own = await startPushServer({ push: { retryDelaysMs: [60_000, 60_000, 60_000] } });
    let restarted: PushServer | null = null;
    try {
      await configure({ authMode: 'none' }, own);
      receiver.reply = (r) => (r.path === '/push' ? { status: 503, body: 'down' } : ACK);
      const sessionId = recordWritten(own);
      const pending = await logEntry(own, sessionId, (i) => i.action === 'cdr' && i.attempts === 1);
      expect(pending.state).toBe('pending');
      await own.close();

      receiver.reply = () => ACK;
      // The next run starts a minute later, when the retry is due.
      restarted = await startPushServer({ after: own, clock: () => Date.now() + 61_000, push: { retryDelaysMs: [60_000, 60_000, 60_000] } });
      const delivered = await logEntry(restarted, sessionId, (i) => i.action === 'cdr' && i.state === 'delivered');
      expect(delivered).toMatchObject({ uuid: pending.uuid, attempts: 2 });
      const received = receiver.received.filter(of(sessionId)).filter((r) => r.query.get('action') === 'cdr');
      expect(received.map((r) => r.headers['x-tccc-push-uuid'])).toEqual([pending.uuid, pending.uuid]);
    } finally {
      if (restarted) await restarted.close();
      else await own.close();
      removeDataFolder(own);
    }
  });
});
