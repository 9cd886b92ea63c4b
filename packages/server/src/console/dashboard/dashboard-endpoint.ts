import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConsoleAuth, ConsoleSession } from '../console-auth.js';
import { ConsoleError } from '../console-error.js';
import { SESSION_COOKIE } from '../console-route.js';
import type { DashboardFeeds, DashboardSubscriber } from './dashboard-feed.js';
import { DASHBOARD_PATH, DashboardCloseCodes } from '@openccc/protocol';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface DashboardEndpointOptions {
  auth: ConsoleAuth;
  feeds: DashboardFeeds;
  log: Logger;
  /** The server's public URL: its origin is the console's own. */
  publicUrl: () => string;
  /** A page whose unsent messages pass this many bytes is dropped (default 1 MiB); it reconnects for a fresh snapshot. */
  maxBufferedBytes?: number;
  /** How often sockets are pinged and their sessions re-checked (default 15 s). */
  sweepMs?: number;
}

const DEFAULT_MAX_BUFFERED = 1024 * 1024;
const DEFAULT_SWEEP_MS = 15_000;
const CLOSE_GRACE_MS = 2_000;

interface LiveSocket {
  secret: string;
  /** Whether a pong (or any frame) arrived since the last sweep. */
  alive: boolean;
  unsubscribe: () => void;
}

/**
 * The live dashboard's WebSocket at DASHBOARD_PATH. An upgrade must come from the console's own
 * origin and carry the session cookie of an administrator or QA staff member, as console API
 * requests do; the socket then gets the instance's snapshot and updates. The server only talks:
 * what the page sends is ignored. Silent sockets, sockets whose session ended and pages that do
 * not keep up are closed.
 */
export class DashboardEndpoint {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  private readonly sockets = new Map<WebSocket, LiveSocket>();
  private readonly sweeper: NodeJS.Timeout;
  private sweeping = false;
  private closed = false;

  constructor(private readonly options: DashboardEndpointOptions) {
    this.sweeper = setInterval(() => void this.sweep(), options.sweepMs ?? DEFAULT_SWEEP_MS);
    this.sweeper.unref();
  }

  /** An upgrade handler that takes DASHBOARD_PATH and hands other paths to `other` (else 404). */
  route(other?: UpgradeHandler): UpgradeHandler {
    return (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] === DASHBOARD_PATH) this.upgrade(req, socket, head);
      else if (other) other(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    for (const [ws, live] of this.sockets) {
      live.unsubscribe();
      ws.close(1012, 'server restarting');
    }
    this.sockets.clear();
    const deadline = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
    }, 500);
    deadline.unref();
    this.wss.close();
    this.options.feeds.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.options.log.debug({ err }, 'dashboard upgrade socket error'));
    this.admit(req).then(
      (session) => {
        if (this.closed || socket.destroyed) {
          socket.destroy();
          return;
        }
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, session));
      },
      (err: unknown) => {
        const failure = err instanceof ConsoleError ? err : new ConsoleError(500, 'internal', 'Something went wrong on the server; its log says what.');
        if (!(err instanceof ConsoleError)) this.options.log.error({ err }, 'a dashboard upgrade failed');
        refuse(socket, failure);
      },
    );
  }

  /** The checks of a console `GET` with `read` access, plus an Origin that must be present: browsers always send one on WebSockets. */
  private async admit(req: IncomingMessage): Promise<ConsoleSession> {
    if (this.closed) throw new ConsoleError(503, 'internal', 'The server is stopping.');
    const origin = req.headers.origin;
    if (origin === undefined) throw new ConsoleError(403, 'csrf', 'A dashboard socket must come from a console page (no Origin header).');
    if (!this.ownOrigins(req).includes(origin.toLowerCase())) throw new ConsoleError(403, 'csrf', `Pages from ${origin} may not open the dashboard.`);
    const session = await this.options.auth.session(sessionCookieOf(req));
    if (!session) throw new ConsoleError(401, 'unauthenticated', 'Sign in to the console first.');
    return session;
  }

  /** The console's own origins: the public URL's, and the one this connection was made to. */
  private ownOrigins(req: IncomingMessage): string[] {
    const own: string[] = [];
    try {
      own.push(new URL(this.options.publicUrl()).origin.toLowerCase());
    } catch {
      // No public URL yet: only the connection's own origin.
    }
    const host = req.headers.host;
    if (host) own.push(`${(req.socket as Partial<TLSSocket>).encrypted ? 'https' : 'http'}://${host}`.toLowerCase());
    return own;
  }

  private accept(ws: WebSocket, session: ConsoleSession): void {
    const { feeds, log } = this.options;
    const maxBuffered = this.options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    let dropped = false;
    const drop = (code: number, reason: string) => {
      if (dropped) return;
      dropped = true;
      this.sockets.get(ws)?.unsubscribe();
      ws.close(code, reason);
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    };
    const subscriber: DashboardSubscriber = {
      send: (json) => {
        if (dropped || ws.readyState !== ws.OPEN) return;
        // A page that does not read its socket would make the server hold every update for it.
        if (ws.bufferedAmount > maxBuffered) {
          log.info({ sdkAppId: session.user.sdkAppId, buffered: ws.bufferedAmount }, 'dashboard socket dropped: the page does not keep up');
          drop(DashboardCloseCodes.tooSlow, 'too slow');
          return;
        }
        ws.send(json);
      },
      fail: () => drop(1011, 'dashboard unavailable'),
    };
    const live: LiveSocket = { secret: session.secret, alive: true, unsubscribe: () => undefined };
    this.sockets.set(ws, live);
    live.unsubscribe = feeds.subscribe(session.user.sdkAppId, subscriber);
    log.debug({ sdkAppId: session.user.sdkAppId, mail: session.user.mail }, 'dashboard socket opened');
    ws.on('pong', () => (live.alive = true));
    ws.on('message', () => (live.alive = true));
    ws.on('error', (err) => log.debug({ err }, 'dashboard socket error'));
    ws.on('close', () => {
      live.unsubscribe();
      this.sockets.delete(ws);
    });
  }

  /** Pings every socket, drops those that did not answer the last ping, and re-checks sessions (every `sweepMs`; tests call it). */
  async sweep(): Promise<void> {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    try {
      this.options.feeds.tick();
      for (const [ws, live] of this.sockets) {
        if (ws.readyState !== ws.OPEN) continue;
        if (!live.alive) {
          live.unsubscribe();
          ws.terminate();
          continue;
        }
        live.alive = false;
        ws.ping();
      }
      // A session signed out, expired or whose user lost the role ends its sockets too.
      for (const [ws, live] of [...this.sockets]) {
        if (!this.sockets.has(ws) || (await this.options.auth.session(live.secret)) !== null) continue;
        live.unsubscribe();
        // Out of the sweep's sight while the closing handshake runs: it must not be taken for a silent socket.
        this.sockets.delete(ws);
        ws.close(DashboardCloseCodes.sessionEnded, 'session ended');
        setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
      }
    } catch (err) {
      this.options.log.warn({ err }, 'the dashboard sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}

function sessionCookieOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error', 503: 'Service Unavailable' };

/** Answers a refused upgrade with the console's error envelope and closes the connection. */
function refuse(socket: Duplex, error: ConsoleError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(error.toJSON());
  socket.end(
    `HTTP/1.1 ${error.status} ${REASONS[error.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
  );
}
