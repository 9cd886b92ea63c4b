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
  type SignedOutReason,
} from '@openccc/protocol';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { profileOf, type LoginService } from '../auth/login-service.js';
import type { Presence } from '../staff/presence.js';
import type { StatusService } from '../staff/status-service.js';
import { send, staffKey, type AgentConnection } from './agent-connection.js';
import { handleAgentRequest } from './agent-requests.js';
import { readFrame } from './inbound-frame.js';
import { MessageBudget } from './message-budget.js';
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
/** How long a socket closed by the server may take to finish the closing handshake. */
const CLOSE_GRACE_MS = 2_000;
const PASSWORD_CHANGED = 'The password of this account was changed; sign in again.';
const OVER_BUDGET = 'Too many messages on this connection; slow down and try again in a few seconds.';
const SIGNED_OUT: Record<SignedOutReason, { message: string; code: number }> = {
  elsewhere: { message: 'You signed in somewhere else; this workbench was signed out.', code: CloseCodes.signedOutElsewhere },
  forced: { message: 'An administrator took this account offline.', code: CloseCodes.forcedOffline },
  logout: { message: 'Signed out.', code: CloseCodes.loggedOut },
  expired: { message: 'This login has ended (the password was changed, or the login was revoked); sign in again.', code: CloseCodes.authFailed },
  deleted: { message: 'This staff account was deleted.', code: CloseCodes.authFailed },
};
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
  private rechecking: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: HubOptions) {
    options.presence.on('changed', (sdkAppId, mail, entry) => {
      for (const conn of this.staff.get(staffKey(sdkAppId, mail))?.connections ?? []) {
        send(conn.socket, { type: 'event', name: 'statusChanged', payload: { status: toSdkStatus(entry.status), reason: entry.reason } });
      }
    });
    options.presence.on('forcedOffline', (sdkAppId, mail) => this.signOut(staffKey(sdkAppId, mail), 'forced'));
    options.presence.on('loginsEnded', (sdkAppId, mail) => this.signOut(staffKey(sdkAppId, mail), 'expired', PASSWORD_CHANGED));
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
    if (!this.staff.has(key) && this.options.presence.isOnline(sdkAppId, mail)) this.scheduleOffline(key, sdkAppId, mail);
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
    const budget = new MessageBudget(this.options.clock);
    ws.on('message', (data: RawData, isBinary: boolean) => {
      // Frames still arriving after a close (from either side) are not acted on.
      if (ws.readyState !== ws.OPEN) return;
      const frame = readFrame(budget, data, isBinary);
      if (frame.kind === 'abusive') {
        this.options.log.info('realtime socket closed: too many messages');
        ws.close(CloseCodes.tooManyMessages, 'too many messages');
        setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
        return;
      }
      if (frame.kind === 'refused') {
        if (frame.requestId !== null) send(ws, { type: 'reply', id: frame.requestId, ok: false, error: { code: 'rateLimited', message: OVER_BUDGET } });
        return;
      }
      if (frame.kind === 'malformed') {
        send(ws, { type: 'refused', code: 'invalidArgument', message: 'Messages must be JSON objects with a type.' });
        ws.close(CloseCodes.protocolError, 'bad message');
        return;
      }
      const { message } = frame;
      if (conn) {
        conn.lastSeen = this.options.clock();
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
        send(ws, { type: 'pong', serverTime: this.options.clock() });
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
    ws.on('error', (err) => this.options.log.debug({ err }, 'realtime socket error'));
    // Browsers answer protocol pings themselves, even in background tabs whose timers are throttled.
    ws.on('pong', () => {
      if (conn) conn.lastSeen = this.options.clock();
    });
  }

  private async hello(ws: WebSocket, hello: Extract<ClientMessage, { type: 'hello' }>): Promise<AgentConnection> {
    if (hello.v !== REALTIME_VERSION) throw new SdkError('invalidArgument', `This server speaks realtime protocol v${REALTIME_VERSION}; reload the workbench.`);
    if (typeof hello.ticket !== 'string') throw new SdkError('ticketInvalid', 'A ticket is required.');
    const { credential, staff } = await this.options.login.verifyTicket(hello.ticket);
    const key = staffKey(staff.sdkAppId, staff.mail);
    const existing = this.staff.get(key);
    // verifyTicket passed, so this ticket is the newest login (older ones are revoked at login).
    if (existing && existing.ticketHash !== credential.hash) {
      this.signOut(key, 'elsewhere');
      // Should this hello fail, the agent still goes offline after the grace period.
      this.scheduleOffline(key, staff.sdkAppId, staff.mail);
    }

    const ticketExpiresAt = await this.options.login.extend(credential.hash);
    // Anything may have happened during those writes (ForceMemberOffline, a newer login, deletion): check again.
    await this.options.login.verifyTicket(hello.ticket);

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
    const current = this.options.presence.get(staff.sdkAppId, staff.mail);
    // A workbench reconnecting after the agent chose Agent.offline() stays offline.
    const stayOffline = hello.resume?.status === 'offline';
    if ((!current || current.status === 'offline') && !stayOffline) {
      // Coming online is reported by the welcome below, not as a statusChanged before ready.
      const resume = hello.resume;
      const wanted = resume && (SERVER_STATUSES as readonly string[]).includes(resume.status) && RESUMABLE.has(resume.status) ? resume : null;
      this.options.status
        .apply(staff.sdkAppId, staff.mail, wanted?.status ?? 'free', wanted?.status === 'rest' ? String(wanted.reason ?? '').slice(0, 128) : '')
        .catch((err: unknown) => this.options.log.warn({ err }, 'writing status history failed'));
    }
    const now = this.options.clock();
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
    const presence = this.options.presence.get(staff.sdkAppId, staff.mail);
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
    this.options.log.info({ sdkAppId: staff.sdkAppId, mail: staff.mail, embedded: conn.embedded }, 'agent connected');
    return conn;
  }

  private onMessage(conn: AgentConnection, message: ClientMessage): void {
    // A signed-out connection may still deliver messages until its socket is gone: they are not acted on.
    if (conn.closed || !this.staff.get(staffKey(conn.sdkAppId, conn.mail))?.connections.has(conn)) return;
    switch (message.type) {
      case 'ping': {
        send(conn.socket, { type: 'pong', serverTime: this.options.clock() });
        if (conn.lastSeen - conn.extendedAt > this.options.extendEveryMs) {
          conn.extendedAt = conn.lastSeen;
          this.options.login.extend(conn.ticketHash).catch((err: unknown) => this.options.log.warn({ err }, 'extending a ticket failed'));
        }
        return;
      }
      case 'request': {
        const { id, method, params } = message;
        if (typeof id !== 'number') return;
        handleAgentRequest(this.options, conn, String(method), typeof params === 'object' && params !== null ? params : {}).then(
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
        const failed = (err: unknown) => this.options.log.warn({ err }, 'logout write failed');
        this.options.login.revoke(conn.ticketHash).catch(failed);
        this.options.status.apply(conn.sdkAppId, conn.mail, 'offline', '').catch(failed);
        return;
      }
      default:
        // Newer clients may send types this server does not know: ignore them.
        this.options.log.debug({ type: (message as { type: unknown }).type }, 'unknown realtime message ignored');
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
    this.options.log.error({ err }, 'realtime request failed');
    return new SdkError('internal', 'Internal error.');
  }

  private signOut(key: string, reason: SignedOutReason, message = SIGNED_OUT[reason].message): void {
    const entry = this.staff.get(key);
    if (!entry) return;
    this.staff.delete(key);
    this.options.presence.setConnected(entry.sdkAppId, entry.mail, false);
    if (entry.graceTimer) clearTimeout(entry.graceTimer);
    for (const conn of entry.connections) {
      conn.closed = true;
      send(conn.socket, { type: 'signedOut', reason, message });
      conn.socket.close(SIGNED_OUT[reason].code, reason);
      // A client that does not complete the closing handshake is cut off.
      setTimeout(() => conn.socket.terminate(), CLOSE_GRACE_MS).unref();
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
      this.options.status.apply(conn.sdkAppId, conn.mail, 'offline', '').catch((err: unknown) => this.options.log.warn({ err }, 'recording offline failed'));
      this.options.log.info({ sdkAppId: conn.sdkAppId, mail: conn.mail }, 'agent offline after grace period');
    }, this.options.graceMs);
    entry.graceTimer.unref();
  }

  private scheduleOffline(key: string, sdkAppId: number, mail: string): void {
    clearTimeout(this.pendingOffline.get(key));
    const timer = setTimeout(() => {
      this.pendingOffline.delete(key);
      if (this.staff.has(key)) return;
      this.options.status.apply(sdkAppId, mail, 'offline', '').catch((err: unknown) => this.options.log.warn({ err }, 'recording offline failed'));
    }, this.options.graceMs);
    timer.unref();
    this.pendingOffline.set(key, timer);
  }

  private updateClients(key: string): void {
    const entry = this.staff.get(key);
    if (entry) this.options.presence.setConnected(entry.sdkAppId, entry.mail, entry.connections.size > 0);
  }

  /**
   * Re-checks the login of every agent the hub holds against the store, which other processes change
   * too (`openccc staff reset-password`): a login that has ended signs its workbenches out and the agent
   * goes offline. Runs on every sweep.
   */
  async recheckLogins(): Promise<void> {
    for (const [key, entry] of [...this.staff]) {
      if (this.closed) return;
      let ended: SdkError;
      try {
        await this.options.login.verifyTicketHash(entry.ticketHash);
        continue;
      } catch (err) {
        if (!(err instanceof SdkError)) {
          this.options.log.warn({ err }, 're-checking a login failed');
          continue;
        }
        ended = err;
      }
      // The entry may have been replaced (a newer login) while the store was read.
      if (this.staff.get(key) !== entry) continue;
      const reason = ended.code === 'accountForcedOffline' ? 'forced' : ended.code === 'accountNotFound' ? 'deleted' : 'expired';
      this.signOut(key, reason);
      this.options.log.info({ sdkAppId: entry.sdkAppId, mail: entry.mail, reason }, 'agent signed out: login ended');
      await this.options.status.apply(entry.sdkAppId, entry.mail, 'offline', '').catch((err: unknown) => this.options.log.warn({ err }, 'recording offline failed'));
    }
  }

  private sweep(): void {
    const deadline = this.options.clock() - HEARTBEAT_TIMEOUT_MS;
    for (const entry of this.staff.values()) {
      for (const conn of entry.connections) {
        if (conn.lastSeen < deadline) conn.socket.terminate();
        else conn.socket.ping();
      }
    }
    this.rechecking ??= this.recheckLogins().finally(() => (this.rechecking = null));
  }
}
