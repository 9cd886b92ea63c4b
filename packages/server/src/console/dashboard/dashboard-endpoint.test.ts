import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../../log.js';
import type { ConsoleAuth, ConsoleSession } from '../console-auth.js';
import { DashboardEndpoint } from './dashboard-endpoint.js';
import type { DashboardFeeds, DashboardSubscriber } from './dashboard-feed.js';
import { DASHBOARD_PATH, DashboardCloseCodes } from '@openccc/protocol';

const SECRET = 'c'.repeat(64);
const session: ConsoleSession = { secret: SECRET, user: { sdkAppId: 1400000001, mail: 'qa@x.com', name: 'QA', role: 2 }, csrfToken: 't', expiresAt: Number.MAX_SAFE_INTEGER };

/** A feed that hands the test each subscriber and says when it unsubscribes. */
class FakeFeeds {
  readonly subscribers: DashboardSubscriber[] = [];
  readonly unsubscribed: DashboardSubscriber[] = [];
  private waiters: Array<() => void> = [];

  subscribe(_sdkAppId: number, subscriber: DashboardSubscriber): () => void {
    this.subscribers.push(subscriber);
    this.notify();
    return () => {
      if (!this.unsubscribed.includes(subscriber)) this.unsubscribed.push(subscriber);
      this.notify();
    };
  }
  tick(): void {}
  close(): void {}

  /** Resolves once `check` holds. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(() => check() && (resolve(), true)));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

let server: Server | null = null;
let endpoint: DashboardEndpoint | null = null;
const clients: WebSocket[] = [];

async function start(options: { valid: () => boolean; maxBufferedBytes?: number }) {
  const feeds = new FakeFeeds();
  const auth = { session: async (secret: string | undefined) => (secret === SECRET && options.valid() ? session : null) };
  endpoint = new DashboardEndpoint({
    // Only `session()` is used.
    auth: auth as unknown as ConsoleAuth,
    feeds: feeds as unknown as DashboardFeeds,
    log: createLogger('silent'),
    publicUrl: () => '',
    ...(options.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: options.maxBufferedBytes }),
    // Sweeps run when the test calls them.
    sweepMs: 3_600_000,
  });
  server = createServer();
  server.on('upgrade', endpoint.route());
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const open = async (clientOptions: { autoPong?: boolean } = {}) => {
    const ws = new WebSocket(`${origin.replace('http', 'ws')}${DASHBOARD_PATH}`, { headers: { cookie: `openccc_console=${SECRET}`, origin }, ...clientOptions });
    clients.push(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  };
  return { feeds, open };
}

const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

afterEach(async () => {
  for (const ws of clients.splice(0)) ws.terminate();
  endpoint?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = null;
  endpoint = null;
});

describe('DashboardEndpoint', () => {
  it('closes the socket with 4001 once its session has ended', async () => {
    let valid = true;
    const { feeds, open } = await start({ valid: () => valid });
    const ws = await open();
    await feeds.until(() => feeds.subscribers.length === 1);
    const closing = closed(ws);
    valid = false;
    await endpoint!.sweep();
    expect(await closing).toBe(DashboardCloseCodes.sessionEnded);
    await feeds.until(() => feeds.unsubscribed.length === 1);
  });

  it('drops a page that does not answer pings', async () => {
    const { feeds, open } = await start({ valid: () => true });
    const ws = await open({ autoPong: false });
    const closing = closed(ws);
    await endpoint!.sweep();
    expect(feeds.unsubscribed).toEqual([]);
    await endpoint!.sweep();
    expect(await closing).toBe(1006);
    await feeds.until(() => feeds.unsubscribed.length === 1);
  });

  it('drops a page that stops reading once its unsent updates pass the bound', async () => {
    const { feeds, open } = await start({ valid: () => true, maxBufferedBytes: 64 * 1024 });
    const ws = await open();
    await feeds.until(() => feeds.subscribers.length === 1);
    // The page stops reading: the server's writes back up past the kernel's buffers.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const subscriber = feeds.subscribers[0]!;
    const update = JSON.stringify({ type: 'delta', serverTime: 1, padding: 'x'.repeat(1024 * 1024) });
    for (let i = 0; i < 256 && feeds.unsubscribed.length === 0; i++) {
      subscriber.send(update);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(feeds.unsubscribed).toEqual([subscriber]);
  });
});
