import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  CloseCodes,
  HEARTBEAT_TIMEOUT_MS,
  REALTIME_PATH,
  REALTIME_VERSION,
  SERVER_STATUSES,
  toSdkStatus,
  type ClientMessage,
  type ServerStatus,
} from '@openccc/protocol';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { profileOf, type LoginService } from '../auth/login-service.js';
import type { Presence } from '../staff/presence.js';
import type { StatusService } from '../staff/status-service.js';
import { send, staffKey, type AgentConnection } from './agent-connection.js';
import { handleAgentRequest } from './agent-requests.js';
import { SdkError } from '../auth/sdk-error.js';

export interface HubOptions {
  login: LoginService;
  presence: Presence;
  status: StatusService;
  log: Logger;
  clock: () => number;
  /** How long an agent stays online with no connection before going offline. */
  graceMs: number;
  /** Extend a connected agent's ticket at most this often. */
  extendEveryMs: number;
}

interface StaffConnections {
  sdkAppId: number;
  mail: string;
  ticketHash: string;
  connections: Set<AgentConnection>;
  graceTimer: NodeJS.Timeout | null;
}

const HELLO_TIMEOUT_MS = 10_000;
const RESUMABLE: ReadonlySet<ServerStatus> = new Set(['free', 'rest', 'notReady', 'afterCallWork']);

/**
 * The agents' WebSocket endpoint: authenticates tickets, keeps presence in step
 * with connections (offline only after a grace period without any), enforces
 * newest-login-wins, and relays status both ways.
 */
export class RealtimeHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly staff = new Map<string, StaffConnections>();
  /** Staff signed out by a newer login that has not connected yet: offline if it never does. */
  private readonly pendingOffline = new Map<string, NodeJS.Timeout>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly o: HubOptions) {
    o.presence.on('changed', (sdkAppId, mail, entry) => {
      for (const conn of this.staff.get(staffKey(sdkAppId, mail))?.connections ?? []) {
        send(conn.socket, { type: 'event', name: 'statusChanged', payload: { status: toSdkStatus(entry.status), reason: entry.reason } });
      }
    });
    o.presence.on('forcedOffline', (sdkAppId, mail) => this.signOut(staffKey(sdkAppId, mail), 'forced'));
    this.sweeper = setInterval(() => this.sweep(), Math.min(10_000, HEARTBEAT_TIMEOUT_MS / 3));
    this.sweeper.unref();
  }

  /** Handles HTTP upgrades to REALTIME_PATH on the server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== REALTIME_PATH || this.closed) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** Another login of this staff happened: older workbenches are signed out. */
  onLogin(sdkAppId: number, mail: string, ticketHash: string): void {
    const key = staffKey(sdkAppId, mail);
    const entry = this.staff.get(key);
    if (entry && entry.ticketHash !== ticketHash) this.signOut(key, 'elsewhere');
    // The new login has the grace period to connect, as after any lost connection; also when an agent
    // shows as online with no connection at all (e.g. an earlier hello failed).
    if (!this.staff.has(key) && this.o.presence.isOnline(sdkAppId, mail)) this.scheduleOffline(key, sdkAppId, mail);
  }

  /** Closes every connection (clients reconnect to the restarted server). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    for (const entry of this.staff.values()) {
      if (entry.graceTimer) clearTimeout(entry.graceTimer);
      for (const conn of entry.connections) conn.socket.close(1012, 'server restarting');
    }
    for (const timer of this.pendingOffline.values()) clearTimeout(timer);
    this.pendingOffline.clear();
    this.staff.clear();
    for (const ws of this.wss.clients) ws.close(1012, 'server restarting');
    // Browsers may not complete the closing handshake promptly; do not let shutdown wait for them.
    const deadline = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
    }, 500);
    deadline.unref();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    let conn: AgentConnection | null = null;
    let helloStarted = false;
    const helloTimer = setTimeout(() => ws.close(CloseCodes.protocolError, 'no hello'), HELLO_TIMEOUT_MS);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      let message: ClientMessage;
      try {
        if (isBinary) throw new Error('binary');
        message = JSON.parse(String(data)) as ClientMessage;
        if (typeof message !== 'object' || message === null || typeof message.type !== 'string') throw new Error('shape');
      } catch {
        send(ws, { type: 'refused', code: 'invalidArgument', message: 'Messages must be JSON objects with a type.' });
        ws.close(CloseCodes.protocolError, 'bad message');
        return;
      }
      if (conn) {
        conn.lastSeen = this.o.clock();
        this.onMessage(conn, message);
      } else if (message.type === 'hello' && !helloStarted) {
        helloStarted = true;
        clearTimeout(helloTimer);
        this.hello(ws, message).then(
          (c) => {
            conn = c;
            // The socket may have closed while hello was being processed.
            if (ws.readyState !== ws.OPEN) this.drop(c);
          },
          (err: unknown) => this.refuse(ws, err),
        );
      } else if (message.type === 'hello') {
        // A second hello while the first is in progress: ignored.
      } else if (helloStarted && message.type === 'ping') {
        send(ws, { type: 'pong', serverTime: this.o.clock() });
      } else if (helloStarted && message.type === 'request' && typeof message.id === 'number') {
        send(ws, { type: 'reply', id: message.id, ok: false, error: { code: 'network', message: 'Still signing in; try again.' } });
      } else if (!helloStarted) {
        this.refuse(ws, new SdkError('invalidArgument', 'The first message must be hello.'));
      }
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      if (conn) this.drop(conn);
    });
    ws.on('error', (err) => this.o.log.debug({ err }, 'realtime socket error'));
    // Browsers answer protocol pings themselves, even in background tabs whose timers are throttled.
    ws.on('pong', () => {
      if (conn) conn.lastSeen = this.o.clock();
    });
  }

  private async hello(ws: WebSocket, hello: Extract<ClientMessage, { type: 'hello' }>): Promise<AgentConnection> {
    if (hello.v !== REALTIME_VERSION) throw new SdkError('invalidArgument', `This server speaks realtime protocol v${REALTIME_VERSION}; reload the workbench.`);
    if (typeof hello.ticket !== 'string') throw new SdkError('ticketInvalid', 'A ticket is required.');
    const { credential, staff } = await this.o.login.verifyTicket(hello.ticket);
    const key = staffKey(staff.sdkAppId, staff.mail);
    const existing = this.staff.get(key);
    // verifyTicket passed, so this ticket is the newest login (older ones are revoked at login).
    if (existing && existing.ticketHash !== credential.hash) {
      this.signOut(key, 'elsewhere');
      // Should this hello fail, the agent still goes offline after the grace period.
      this.scheduleOffline(key, staff.sdkAppId, staff.mail);
    }

    const ticketExpiresAt = await this.o.login.extend(credential.hash);
    // Anything may have happened during those writes (ForceMemberOffline, a newer login, deletion): check again.
    await this.o.login.verifyTicket(hello.ticket);

    // From here on nothing awaits: registration and welcome happen together.
    clearTimeout(this.pendingOffline.get(key));
    this.pendingOffline.delete(key);
    let entry = this.staff.get(key);
    if (entry && entry.ticketHash !== credential.hash) {
      this.signOut(key, 'elsewhere');
      entry = undefined;
    }
    if (!entry) {
      entry = { sdkAppId: staff.sdkAppId, mail: staff.mail, ticketHash: credential.hash, connections: new Set(), graceTimer: null };
      this.staff.set(key, entry);
    }
    if (entry.graceTimer) {
      clearTimeout(entry.graceTimer);
      entry.graceTimer = null;
    }
    // The status is decided here, together with registration, so no failure or timer can come in between.
    const current = this.o.presence.get(staff.sdkAppId, staff.mail);
    // A workbench reconnecting after the agent chose Agent.offline() stays offline.
    const stayOffline = hello.resume?.status === 'offline';
    if ((!current || current.status === 'offline') && !stayOffline) {
      // Coming online is reported by the welcome below, not as a statusChanged before ready.
      const resume = hello.resume;
      const wanted = resume && (SERVER_STATUSES as readonly string[]).includes(resume.status) && RESUMABLE.has(resume.status) ? resume : null;
      this.o.status
        .apply(staff.sdkAppId, staff.mail, wanted?.status ?? 'free', wanted?.status === 'rest' ? String(wanted.reason ?? '').slice(0, 128) : '')
        .catch((err: unknown) => this.o.log.warn({ err }, 'writing status history failed'));
    }
    const now = this.o.clock();
    const conn: AgentConnection = {
      socket: ws,
      sdkAppId: staff.sdkAppId,
      mail: staff.mail,
      ticketHash: credential.hash,
      embedded: hello.client?.embedded === true,
      lastSeen: now,
      extendedAt: now,
      closed: false,
    };
    entry.connections.add(conn);
    this.updateClients(key);
    const presence = this.o.presence.get(staff.sdkAppId, staff.mail);
    send(ws, {
      type: 'welcome',
      v: REALTIME_VERSION,
      staff: profileOf(staff),
      status: presence?.status ?? 'offline',
      reason: presence?.reason ?? '',
      sessions: [],
      serverTime: now,
      ticketExpiresAt,
    });
    this.o.log.info({ sdkAppId: staff.sdkAppId, mail: staff.mail, embedded: conn.embedded }, 'agent connected');
    return conn;
  }

  private onMessage(conn: AgentConnection, message: ClientMessage): void {
    // A signed-out connection may still deliver messages until its socket is gone: they are not acted on.
    if (conn.closed || !this.staff.get(staffKey(conn.sdkAppId, conn.mail))?.connections.has(conn)) return;
    switch (message.type) {
      case 'ping': {
        send(conn.socket, { type: 'pong', serverTime: this.o.clock() });
        if (conn.lastSeen - conn.extendedAt > this.o.extendEveryMs) {
          conn.extendedAt = conn.lastSeen;
          this.o.login.extend(conn.ticketHash).catch((err: unknown) => this.o.log.warn({ err }, 'extending a ticket failed'));
        }
        return;
      }
      case 'request': {
        const { id, method, params } = message;
        if (typeof id !== 'number') return;
        handleAgentRequest(this.o, conn, String(method), typeof params === 'object' && params !== null ? params : {}).then(
          (data) => send(conn.socket, { type: 'reply', id, ok: true, data }),
          (err: unknown) => {
            const e = err instanceof SdkError ? err : this.internal(err);
            send(conn.socket, { type: 'reply', id, ok: false, error: { code: e.code, message: e.message } });
          },
        );
        return;
      }
      case 'logout': {
        const key = staffKey(conn.sdkAppId, conn.mail);
        this.signOut(key, 'logout');
        const failed = (err: unknown) => this.o.log.warn({ err }, 'logout write failed');
        this.o.login.revoke(conn.ticketHash).catch(failed);
        this.o.status.apply(conn.sdkAppId, conn.mail, 'offline', '').catch(failed);
        return;
      }
      default:
        // Newer clients may send types this server does not know: ignore them.
        this.o.log.debug({ type: (message as { type: unknown }).type }, 'unknown realtime message ignored');
    }
  }

  private refuse(ws: WebSocket, err: unknown): void {
    if (!(err instanceof SdkError)) {
      // Our failure, not the login's: 1011 lets the client retry with backoff.
      this.internal(err);
      ws.close(1011, 'internal error');
      return;
    }
    send(ws, { type: 'refused', code: err.code, message: err.message });
    ws.close(err.code === 'accountForcedOffline' ? CloseCodes.forcedOffline : CloseCodes.authFailed, err.code);
  }

  private internal(err: unknown): SdkError {
    this.o.log.error({ err }, 'realtime request failed');
    return new SdkError('internal', 'Internal error.');
  }

  private signOut(key: string, reason: 'elsewhere' | 'forced' | 'logout'): void {
    const entry = this.staff.get(key);
    if (!entry) return;
    this.staff.delete(key);
    this.o.presence.setConnected(entry.sdkAppId, entry.mail, false);
    if (entry.graceTimer) clearTimeout(entry.graceTimer);
    const messages = {
      elsewhere: 'You signed in somewhere else; this workbench was signed out.',
      forced: 'An administrator took this account offline.',
      logout: 'Signed out.',
    };
    const codes = { elsewhere: CloseCodes.signedOutElsewhere, forced: CloseCodes.forcedOffline, logout: CloseCodes.loggedOut };
    for (const conn of entry.connections) {
      conn.closed = true;
      send(conn.socket, { type: 'signedOut', reason, message: messages[reason] });
      conn.socket.close(codes[reason], reason);
      // A client that does not complete the closing handshake is cut off.
      setTimeout(() => conn.socket.terminate(), 2_000).unref();
    }
    entry.connections.clear();
  }

  private drop(conn: AgentConnection): void {
    const key = staffKey(conn.sdkAppId, conn.mail);
    const entry = this.staff.get(key);
    if (!entry || !entry.connections.delete(conn)) return;
    this.updateClients(key);
    if (entry.connections.size > 0) return;
    entry.graceTimer = setTimeout(() => {
      if (this.staff.get(key) !== entry || entry.connections.size > 0) return;
      this.staff.delete(key);
      this.o.status.apply(conn.sdkAppId, conn.mail, 'offline', '').catch((err: unknown) => this.o.log.warn({ err }, 'recording offline failed'));
      this.o.log.info({ sdkAppId: conn.sdkAppId, mail: conn.mail }, 'agent offline after grace period');
    }, this.o.graceMs);
    entry.graceTimer.unref();
  }

  private scheduleOffline(key: string, sdkAppId: number, mail: string): void {
    clearTimeout(this.pendingOffline.get(key));
    const timer = setTimeout(() => {
      this.pendingOffline.delete(key);
      if (this.staff.has(key)) return;
      this.o.status.apply(sdkAppId, mail, 'offline', '').catch((err: unknown) => this.o.log.warn({ err }, 'recording offline failed'));
    }, this.o.graceMs);
    timer.unref();
    this.pendingOffline.set(key, timer);
  }

  private updateClients(key: string): void {
    const entry = this.staff.get(key);
    if (entry) this.o.presence.setConnected(entry.sdkAppId, entry.mail, entry.connections.size > 0);
  }

  private sweep(): void {
    const deadline = this.o.clock() - HEARTBEAT_TIMEOUT_MS;
    for (const entry of this.staff.values()) {
      for (const conn of entry.connections) {
        if (conn.lastSeen < deadline) conn.socket.terminate();
        else conn.socket.ping();
      }
    }
  }
}
