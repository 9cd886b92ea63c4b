import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { REALTIME_PATH, REALTIME_VERSION, type ClientMessage, type LoginFailure, type LoginSuccess, type ServerMessage } from '@openccc/protocol';
import Database from 'better-sqlite3';
import type { StaffStatusMetrics } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { expect } from 'vitest';
import { WebSocket, type RawData, type WebSocketServer } from 'ws';
import type { RunningServer } from '../../packages/server/src/server.js';
import type { StaffStatus } from '../../packages/server/src/staff/presence.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';

export type Msg<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export interface Closed {
  code: number;
  reason: string;
}

/** What the helpers need of a server: its URL, the SQLite folder, and the running server. */
export interface Target {
  url: string;
  dataDir: string;
  server: RunningServer;
}

/**
 * A `ws` client with a message queue: `next(type)` resolves with the first
 * message of that type not yet taken (arrived or to come) and rejects when the
 * socket closes first.
 */
export class AgentSocket {
  readonly ws: WebSocket;
  readonly received: ServerMessage[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;
  private readonly pending: ServerMessage[] = [];
  private waiters: Array<{ type: string; resolve: (m: ServerMessage) => void; reject: (e: Error) => void }> = [];
  private closedWith: Closed | null = null;
  private nextId = 1;

  constructor(url: string) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + REALTIME_PATH);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.closedWith = { code, reason: reason.toString() };
        for (const w of this.waiters) w.reject(new Error(`socket closed (${code} ${reason.toString()}) before a ${w.type}; got ${JSON.stringify(this.received)}`));
        this.waiters = [];
        resolve(this.closedWith);
      });
    });
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: RawData) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.received.push(message);
      const i = this.waiters.findIndex((w) => w.type === message.type);
      const waiter = i >= 0 ? this.waiters.splice(i, 1)[0] : undefined;
      if (waiter) waiter.resolve(message);
      else this.pending.push(message);
    });
  }

  next<T extends ServerMessage['type']>(type: T): Promise<Msg<T>> {
    const i = this.pending.findIndex((m) => m.type === type);
    if (i >= 0) return Promise.resolve(this.pending.splice(i, 1)[0] as Msg<T>);
    if (this.closedWith) return Promise.reject(new Error(`socket already closed (${this.closedWith.code}) before a ${type}; got ${JSON.stringify(this.received)}`));
    return new Promise((resolve, reject) => this.waiters.push({ type, resolve: resolve as (m: ServerMessage) => void, reject }));
  }

  /** The next event with that name (skipping other events). */
  async nextEvent<N extends Msg<'event'>['name']>(name: N): Promise<Extract<Msg<'event'>, { name: N }>> {
    for (;;) {
      const event = await this.next('event');
      if (event.name === name) return event as Extract<Msg<'event'>, { name: N }>;
    }
  }

  async send(message: ClientMessage | string): Promise<void> {
    await this.opened;
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async hello(ticket: string, extra: Partial<Extract<ClientMessage, { type: 'hello' }>> = {}): Promise<Msg<'welcome'>> {
    await this.send({ type: 'hello', v: REALTIME_VERSION, ticket, client: { type: 'Web', embedded: true }, ...extra });
    return this.next('welcome');
  }

  /** Sends a request and resolves with its reply. */
  async request(method: string, params: Record<string, unknown> = {}): Promise<Msg<'reply'>> {
    const id = this.nextId++;
    await this.send({ type: 'request', id, method, params });
    for (;;) {
      const reply = await this.next('reply');
      if (reply.id === id) return reply;
    }
  }
}

const sockets = new Set<AgentSocket>();

/** Opens a realtime socket to the server; closed by `closeSockets`. */
export function connect(url: string): AgentSocket {
  const socket = new AgentSocket(url);
  sockets.add(socket);
  return socket;
}

/** For afterEach: ends every socket the tests opened. */
export async function closeSockets(): Promise<void> {
  const all = [...sockets];
  sockets.clear();
  for (const s of all) if (s.ws.readyState !== WebSocket.CLOSED) s.ws.terminate();
  await Promise.all(all.map((s) => s.closed));
}

/**
 * Resolves once the server has handled the close of the newest server-side
 * socket (the hub's own close listener runs first: it was registered first).
 */
export function serverSideClose(server: RunningServer): Promise<void> {
  const wss = (server.hub as unknown as { wss: WebSocketServer }).wss;
  const newest = [...wss.clients].at(-1);
  if (!newest) throw new Error('no server-side socket');
  return new Promise((resolve) => newest.once('close', () => resolve()));
}

/** Resolves on the first presence change of the staff to `status`. */
export function presenceReaches(server: RunningServer, mail: string, status: StaffStatus): Promise<void> {
  return new Promise((resolve) => {
    const listener = (_id: number, changed: string, entry: { status: StaffStatus }) => {
      if (changed.toLowerCase() === mail.toLowerCase() && entry.status === status) {
        server.services.presence.off('changed', listener);
        resolve();
      }
    };
    server.services.presence.on('changed', listener);
  });
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function postJson(url: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Asserts an SdkError answer: HTTP status and error.code. Returns the message. */
export function expectRefusal(res: JsonResponse, status: number, code: string): string {
  expect({ status: res.status, code: (res.body as LoginFailure | undefined)?.error?.code }).toEqual({ status, code });
  const message = (res.body as LoginFailure).error.message;
  expect(message).toBeTypeOf('string');
  expect(message).not.toBe('');
  expect(res.headers.get('cache-control')).toBe('no-store');
  return message;
}

export function uniqMail(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

export async function createAgent(client: CccClient, sdkAppId: number, mail = uniqMail('agent'), name = 'Agent Smith'): Promise<string> {
  const res = await client.CreateStaff({ SdkAppId: sdkAppId, Staffs: [{ Mail: mail, Name: name, StaffNumber: String(Math.floor(Math.random() * 1e6)) }] });
  expect(res.ErrorStaffList ?? []).toEqual([]);
  return mail;
}

export async function mintToken(client: CccClient, sdkAppId: number, mail: string, onlyOnce?: boolean): Promise<string> {
  const res = await client.CreateSDKLoginToken({ SdkAppId: sdkAppId, SeatUserId: mail, ...(onlyOnce === undefined ? {} : { OnlyOnce: onlyOnce }) });
  expect(res.Token).toMatch(/^[0-9a-f]{32}$/);
  return res.Token as string;
}

/** POST /sdk/v1/login with the server's own origin unless told otherwise. */
export function tokenLogin(url: string, body: { sdkAppId: number; userId: string; token: string; parentOrigin?: string }): Promise<JsonResponse> {
  return postJson(url, '/sdk/v1/login', { parentOrigin: new URL(url).origin, ...body });
}

/** Mints a token and exchanges it; the login must succeed. */
export async function loginAs(url: string, client: CccClient, sdkAppId: number, mail: string): Promise<LoginSuccess> {
  const res = await tokenLogin(url, { sdkAppId, userId: mail, token: await mintToken(client, sdkAppId, mail) });
  expect(res.status).toBe(200);
  return res.body as LoginSuccess;
}

export async function metricsOf(client: CccClient, sdkAppId: number, mail: string): Promise<StaffStatusMetrics> {
  const res = await client.DescribeStaffStatusMetrics({ SdkAppId: sdkAppId, StaffList: [mail] });
  expect(res.Metrics).toHaveLength(1);
  return res.Metrics?.[0] as StaffStatusMetrics;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface CredentialRow {
  kind: string;
  hash: string;
  sdk_app_id: number;
  mail: string;
  only_once: number;
  expires_at: number;
  created_at: number;
  used_at: number | null;
}

/** The credentials table, read straight from the SQLite file (read-only). */
export function credentialRows(dataDir: string): CredentialRow[] {
  const db = new Database(join(dataDir, 'openccc.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM credentials').all() as CredentialRow[];
  } finally {
    db.close();
  }
}

export interface StatusHistoryRow {
  status: string;
  reason: string;
}

/** A staff's status history, read straight from the SQLite file (read-only). */
export function statusHistoryRows(dataDir: string, mail: string): StatusHistoryRow[] {
  const db = new Database(join(dataDir, 'openccc.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT status, reason FROM staff_status_history WHERE mail = ? ORDER BY id').all(mail) as StatusHistoryRow[];
  } finally {
    db.close();
  }
}
