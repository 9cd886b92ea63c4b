import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initialize, type FirstRun } from '../../packages/server/src/bootstrap.js';
import { resolveServerConfig } from '../../packages/server/src/config/config.js';
import { hashPassword } from '../../packages/server/src/crypto/passwords.js';
import { openDataFolder } from '../../packages/server/src/data-folder.js';
import type { WrittenRecord } from '../../packages/server/src/engine/engine-events.js';
import { createLogger } from '../../packages/server/src/log.js';
import type { PushDeliveryOptions } from '../../packages/server/src/push/push-options.js';
import type { PushLogItem } from '../../packages/server/src/push/push-service.js';
import { startServer, type RunningServer } from '../../packages/server/src/server.js';
import type { Store } from '../../packages/server/src/store/ports.js';

/** One request the receiver got. */
export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown> | null;
}

/** How the receiver answers one request: a status and a body, or `hang` (never answers). */
export type Reply = { status: number; body: string; headers?: Record<string, string> } | 'hang';

export const ACK: Reply = { status: 200, body: JSON.stringify({ ErrCode: 0, ErrMsg: '' }), headers: { 'content-type': 'application/json' } };

/** A local HTTP receiver (push URL and token endpoint alike) that records every request and answers as `reply` says. */
export class Receiver {
  readonly received: Received[] = [];
  reply: (request: Received) => Reply = () => ACK;
  private waiters: Array<{ match: (r: Received) => boolean; resolve: (r: Received) => void }> = [];
  private readonly hanging = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    let receiver: Receiver | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://receiver');
        let json: Record<string, unknown> | null = null;
        try {
          const parsed: unknown = JSON.parse(body);
          if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
        } catch {
          json = null;
        }
        const request: Received = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, json };
        receiver!.received.push(request);
        const answer = receiver!.reply(request);
        if (answer === 'hang') {
          const end = () => res.destroy();
          receiver!.hanging.add(end);
          res.on('close', () => receiver!.hanging.delete(end));
        } else {
          res.writeHead(answer.status, answer.headers ?? { 'content-type': 'application/json' }).end(answer.body);
        }
        receiver!.waiters = receiver!.waiters.filter((w) => (w.match(request) ? (w.resolve(request), false) : true));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new Receiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  /** The pushes received (requests to `path`). */
  pushes(path = '/push'): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves with the first request (already received or still to come) that matches. */
  next(match: (r: Received) => boolean): Promise<Received> {
    const found = this.received.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Resolves once `count` requests match. */
  async count(match: (r: Received) => boolean, count: number): Promise<Received[]> {
    for (;;) {
      const all = this.received.filter(match);
      if (all.length >= count) return all;
      await new Promise<Received>((resolve) => this.waiters.push({ match, resolve }));
    }
  }

  async close(): Promise<void> {
    for (const end of this.hanging) end();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A server started with data push overrides (short retry delays for tests), on a fresh or reused data folder. */
export interface PushServer extends FirstRun {
  url: string;
  dataDir: string;
  store: Store;
  server: RunningServer;
  close(): Promise<void>;
}

export interface PushServerOptions {
  push?: Partial<PushDeliveryOptions>;
  /** Restart on this server's data folder (its first run is reused). */
  after?: PushServer;
  clock?: () => number;
}

export async function startPushServer(options: PushServerOptions = {}): Promise<PushServer> {
  const dataDir = options.after?.dataDir ?? mkdtempSync(join(tmpdir(), 'openccc-push-'));
  // No calls run on these servers; a window of media ports of their own all the same.
  const start = 26_100 + Math.floor(Math.random() * 9) * 100;
  const config = resolveServerConfig({ data: dataDir, host: '127.0.0.1', port: '0', 'rate-limit': '0', 'media-workers': '1', 'media-ports': `${start}-${start + 99}`, 'virtual-phones': 'off' }, {});
  const folder = openDataFolder(dataDir, null);
  const firstRun = options.after ?? (await initialize(folder.store, folder.box, Date.now()));
  if (!firstRun) throw new Error('startPushServer expects a fresh data folder or `after`');
  const server = await startServer({
    config,
    store: folder.store,
    box: folder.box,
    log: process.env['OPENCCC_TEST_LOG'] ? createLogger(process.env['OPENCCC_TEST_LOG']) : createLogger('silent'),
    ...(options.clock ? { clock: options.clock } : {}),
    push: { options: options.push ?? {} },
  });
  return {
    ...firstRun,
    url: server.url,
    dataDir,
    store: folder.store,
    server,
    async close() {
      await server.close();
    },
  };
}

/** Removes a push server's data folder (after its last close). */
export function removeDataFolder(server: PushServer): void {
  rmSync(server.dataDir, { recursive: true, force: true });
}

/** A call record as the engine writes it, for pushes that need no real call. */
export function sampleRecord(sessionId: string, extra: Partial<WrittenRecord> = {}): WrittenRecord {
  const now = Math.floor(Date.now() / 1000);
  return {
    SessionId: sessionId,
    Caller: '008613800000000',
    Callee: '008640000001',
    Time: now - 60,
    StartTimestamp: now - 60,
    EndedTimestamp: now,
    Direction: 0,
    CallType: 2,
    Duration: 60,
    EndStatus: 1,
    EndStatusString: 'ok',
    RecordId: '',
    RecordURL: '',
    ...extra,
  };
}

/** The push with this session id in the delivery log, once `done` holds for it. */
export async function logEntry(server: PushServer, sessionId: string, done: (item: PushLogItem) => boolean): Promise<PushLogItem> {
  for (;;) {
    const { items } = await server.server.push.deliveries(server.sdkAppId, { limit: 100, offset: 0 });
    const item = items.find((i) => i.sessionId === sessionId);
    if (item && done(item)) return item;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Adds a QA staff member (Role 2) with a password to the instance. */
export async function addQa(store: Store, sdkAppId: number, mail: string, password: string): Promise<void> {
  await store.staff.createMany(
    [{ sdkAppId, mail, name: 'qa', staffNumber: '', phone: '', nick: '', userId: '', role: 2, extensionNumber: '', passwordHash: await hashPassword(password), useMobileCallOut: false, useMobileAccept: 0, forwardingConfig: null }],
    [[]],
    Date.now(),
  );
}
