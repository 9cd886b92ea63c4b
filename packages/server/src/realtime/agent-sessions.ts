import {
  CloseCodes,
  REALTIME_VERSION,
  type AgentCallView,
  toSdkStatus,
  type HelloMessage,
  type RealtimeMethod,
  type ServerEvent,
  type ServerStatus,
  type SignedOutReason,
} from '@openccc/protocol';
import type { Logger } from 'pino';
import { profileOf, type LoginService } from '../auth/login-service.js';
import { SdkError } from '../auth/sdk-error.js';
import type { Presence } from '../staff/presence.js';
import type { StatusService } from '../staff/status-service.js';
import { agentKey, type AgentConnection, type AgentRef, type ConnectionLink } from './agent-connection.js';
import { CallReservations } from './call-reservations.js';
import { RequestRegistry, type RequestHandler, type RequestHandlers } from './request-registry.js';
import { SafeEmitter } from './safe-emitter.js';
import type { ScheduledHandle, Scheduler } from './scheduler.js';

export interface AgentSessionsOptions {
  login: Pick<LoginService, 'verifyTicket' | 'verifyTicketHash' | 'extend' | 'revoke'>;
  presence: Presence;
  status: Pick<StatusService, 'change' | 'record'>;
  log: Logger;
  clock: () => number;
  scheduler: Scheduler;
  /** How long an agent stays online with no connection before going offline. */
  graceMs: number;
  /** Extend a connected agent's ticket at most this often. */
  extendEveryMs: number;
}

/** Why an agent's session ended: the grace period ran out, a sign-out, or the server stopping. */
export type SessionEndReason = 'grace' | Exclude<SignedOutReason, 'elsewhere'> | 'shutdown';

/** Why a call reservation was released without `release`. */
export type ReservationEndReason = SessionEndReason | 'offline';

export interface AgentSessionsEvents {
  /** A workbench said hello and was accepted. */
  connected: [connection: AgentConnection];
  /** The agent's last connection closed: the grace period runs. */
  disconnected: [agent: AgentRef];
  /** The agent has no session any more (not sent when a newer login of the same agent takes over). */
  ended: [agent: AgentRef, reason: SessionEndReason];
  /** A call reservation ended because the agent went away. */
  reservationReleased: [agent: AgentRef, callId: string, reason: ReservationEndReason];
}

/** A connection as the sessions know it; outside this file only its `AgentConnection` face is seen. */
class Connection implements AgentConnection {
  /** Set when the server signed this connection out; its messages are ignored from then on. */
  closed = false;
  /** Set once `welcome` is sent; events reach the connection only after it. */
  welcomed = false;

  constructor(
    readonly agent: AgentRef,
    readonly embedded: boolean,
    readonly link: ConnectionLink,
    readonly ticketHash: string,
    /** When the ticket was last extended (unix ms). */
    public extendedAt: number,
  ) {}
}

/** One agent's login: its ticket, open connections, and the grace timer that runs while it has none. */
interface AgentSession {
  agent: AgentRef;
  ticketHash: string;
  connections: Set<Connection>;
  graceTimer: ScheduledHandle | null;
}

const PASSWORD_CHANGED = 'The password of this account was changed; sign in again.';
const SIGNED_OUT: Record<SignedOutReason, { message: string; code: number }> = {
  elsewhere: { message: 'You signed in somewhere else; this workbench was signed out.', code: CloseCodes.signedOutElsewhere },
  forced: { message: 'An administrator took this account offline.', code: CloseCodes.forcedOffline },
  logout: { message: 'Signed out.', code: CloseCodes.loggedOut },
  expired: { message: 'This login has ended (the password was changed, or the login was revoked); sign in again.', code: CloseCodes.authFailed },
  deleted: { message: 'This staff account was deleted.', code: CloseCodes.authFailed },
};
const RESUMABLE: ReadonlySet<ServerStatus> = new Set(['free', 'rest', 'notReady', 'afterCallWork']);

function asConnection(handle: AgentConnection): Connection {
  if (!(handle instanceof Connection)) throw new Error('This connection was not opened by these agent sessions.');
  return handle;
}

/**
 * The agents' sessions, without sockets: which workbenches each agent has open
 * (as opaque links), presence kept in step with them (offline only after a grace
 * period without any), newest-login-wins, logins re-checked against the store,
 * the request handlers, and the per-agent call reservation the call engine uses.
 * Time and timers are injected.
 */
export class AgentSessions extends SafeEmitter<AgentSessionsEvents> implements RequestHandlers {
  private readonly sessions = new Map<string, AgentSession>();
  /** Agents signed out by a newer login that has not connected yet: offline if it never does. */
  private readonly pendingOffline = new Map<string, ScheduledHandle>();
  private readonly reservations = new CallReservations();
  private readonly requests = new RequestRegistry();
  private closed = false;
  private callViews: (agent: AgentRef) => AgentCallView[] = () => [];

  constructor(private readonly options: AgentSessionsOptions) {
    super(options.log);
    const { presence } = options;
    // Presence emits from inside status changes made anywhere: a failure here must not reach them.
    presence.on('changed', (sdkAppId, mail, entry) =>
      this.guard(() => {
        const agent = { sdkAppId, mail };
        const payload = entry.until === null ? { status: toSdkStatus(entry.status), reason: entry.reason } : { status: toSdkStatus(entry.status), reason: entry.reason, until: entry.until };
        this.notify(agent, { type: 'event', name: 'statusChanged', payload });
        if (entry.status === 'offline') this.releaseReservation(agent, 'offline');
      }),
    );
    presence.on('forcedOffline', (sdkAppId, mail) => this.guard(() => this.signOut({ sdkAppId, mail }, 'forced')));
    presence.on('loginsEnded', (sdkAppId, mail) => this.guard(() => this.signOut({ sdkAppId, mail }, 'expired', PASSWORD_CHANGED)));
  }

  /** The sessions an agent is in, for the welcome (the call engine provides them). */
  setCallViews(views: (agent: AgentRef) => AgentCallView[]): void {
    this.callViews = views;
  }

  /** Registers the handler of a realtime method (`Agent.*` here, `Call.*` by the call engine). */
  handle(method: RealtimeMethod, handler: RequestHandler): void {
    this.requests.handle(method, handler);
  }

  /**
   * Accepts a workbench's hello: verifies its ticket, signs out connections of an older
   * login, decides the status, and sends `welcome`. Throws SdkError when the hello is refused.
   */
  async hello(link: ConnectionLink, hello: HelloMessage): Promise<AgentConnection> {
    const { login, presence, clock, log } = this.options;
    const { credential, staff } = await login.verifyTicket(hello.ticket);
    const agent: AgentRef = { sdkAppId: staff.sdkAppId, mail: staff.mail };
    const key = agentKey(agent);
    // verifyTicket passed, so this ticket is the newest login (older ones are revoked at login).
    if (this.sessions.get(key) && this.sessions.get(key)?.ticketHash !== credential.hash) {
      this.signOut(agent, 'elsewhere');
      // Should this hello fail, the agent still goes offline after the grace period.
      this.scheduleOffline(agent);
    }

    const ticketExpiresAt = await login.extend(credential.hash);
    // Anything may have happened during those writes (ForceMemberOffline, a newer login, deletion): check again.
    await login.verifyTicket(hello.ticket);
    if (this.closed) throw new SdkError('network', 'The server is restarting; try again.');

    // Registered before the status is recorded, so that a sign-out meanwhile (ForceMemberOffline,
    // a newer login) finds this connection and closes it.
    this.cancelPendingOffline(key);
    let session = this.sessions.get(key);
    if (session && session.ticketHash !== credential.hash) {
      this.signOut(agent, 'elsewhere');
      session = undefined;
    }
    if (!session) {
      session = { agent, ticketHash: credential.hash, connections: new Set(), graceTimer: null };
      this.sessions.set(key, session);
    }
    if (session.graceTimer) {
      this.options.scheduler.clearTimeout(session.graceTimer);
      session.graceTimer = null;
    }
    const connection = new Connection(agent, hello.client?.embedded === true, link, credential.hash, clock());
    session.connections.add(connection);

    // A workbench reconnecting after the agent chose Agent.offline() stays offline; otherwise an
    // offline agent comes online as `free` or as the workbench last showed.
    const resume = hello.resume;
    const wanted = resume && RESUMABLE.has(resume.status) ? resume : null;
    await this.options.status
      .change(agent.sdkAppId, agent.mail, (current) =>
        (current?.status ?? 'offline') !== 'offline' || resume?.status === 'offline'
          ? null
          : { status: wanted?.status ?? 'free', reason: wanted?.status === 'rest' ? wanted.reason : '' },
      )
      .catch((err: unknown) => log.warn({ err }, 'recording the status of a new connection failed'));
    // Signed out while the status was recorded: it was told so, and gets no welcome.
    if (!this.isActive(connection)) return connection;

    presence.setConnected(agent.sdkAppId, agent.mail, true);
    const entry = presence.get(agent.sdkAppId, agent.mail);
    link.send({
      type: 'welcome',
      v: REALTIME_VERSION,
      staff: profileOf(staff),
      status: entry?.status ?? 'offline',
      reason: entry?.reason ?? '',
      sessions: this.guardedViews(agent),
      serverTime: clock(),
      ticketExpiresAt,
    });
    // Coming online is reported by the welcome, not as a statusChanged before it.
    connection.welcomed = true;
    log.info({ sdkAppId: agent.sdkAppId, mail: agent.mail, embedded: connection.embedded }, 'agent connected');
    this.emit('connected', connection);
    return connection;
  }

  /** Whether messages of this connection are acted on (a signed-out one may still deliver some). */
  isActive(handle: AgentConnection): boolean {
    const connection = asConnection(handle);
    return !connection.closed && (this.sessions.get(agentKey(connection.agent))?.connections.has(connection) ?? false);
  }

  /** The workbench showed it is alive: its ticket is extended, at most every `extendEveryMs`. */
  heartbeat(handle: AgentConnection): void {
    const connection = asConnection(handle);
    const now = this.options.clock();
    if (now - connection.extendedAt <= this.options.extendEveryMs) return;
    connection.extendedAt = now;
    this.options.login.extend(connection.ticketHash).catch((err: unknown) => this.options.log.warn({ err }, 'extending a ticket failed'));
  }

  /** Executes a workbench request; rejects with SdkError only (other failures become `internal`). */
  async request(handle: AgentConnection, method: string, params: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.requests.dispatch(asConnection(handle), method, params);
    } catch (err) {
      if (err instanceof SdkError) throw err;
      this.options.log.error({ err, method }, 'realtime request failed');
      throw new SdkError('internal', 'Internal error.');
    }
  }

  /** The workbench signed out: the login ends, the agent goes offline. */
  logout(handle: AgentConnection): void {
    const connection = asConnection(handle);
    const { agent } = connection;
    this.signOut(agent, 'logout');
    const failed = (err: unknown) => this.options.log.warn({ err }, 'logout write failed');
    this.options.login.revoke(connection.ticketHash).catch(failed);
    this.options.status.record(agent.sdkAppId, agent.mail, 'offline', '').catch(failed);
  }

  /** The transport lost this connection; the agent's last one starts the grace period. */
  disconnect(handle: AgentConnection): void {
    const connection = asConnection(handle);
    const { agent } = connection;
    const key = agentKey(agent);
    const session = this.sessions.get(key);
    if (!session || !session.connections.delete(connection)) return;
    this.options.presence.setConnected(agent.sdkAppId, agent.mail, session.connections.size > 0);
    if (session.connections.size > 0) return;
    session.graceTimer = this.options.scheduler.setTimeout(() => {
      if (this.sessions.get(key) !== session || session.connections.size > 0) return;
      this.sessions.delete(key);
      this.end(session.agent, 'grace');
      this.recordOffline(session.agent);
      this.options.log.info({ sdkAppId: agent.sdkAppId, mail: agent.mail }, 'agent offline after grace period');
    }, this.options.graceMs);
    this.emit('disconnected', session.agent);
  }

  /** Another login of this staff happened: older workbenches are signed out. */
  onLogin(sdkAppId: number, mail: string, ticketHash: string): void {
    const agent = { sdkAppId, mail };
    const key = agentKey(agent);
    if (this.sessions.get(key) && this.sessions.get(key)?.ticketHash !== ticketHash) this.signOut(agent, 'elsewhere');
    // The new login has the grace period to connect, as after any lost connection; also when an agent
    // shows as online with no connection at all (e.g. an earlier hello failed).
    if (!this.sessions.has(key) && this.options.presence.isOnline(sdkAppId, mail)) this.scheduleOffline(agent);
  }

  private guardedViews(agent: AgentRef): AgentCallView[] {
    try {
      return this.callViews(agent);
    } catch (err) {
      this.options.log.error({ err }, 'listing an agent\'s calls failed');
      return [];
    }
  }

  /** Sends a tccc event to every connection of the agent. */
  notify(agent: AgentRef, event: ServerEvent): void {
    for (const connection of this.sessions.get(agentKey(agent))?.connections ?? []) if (connection.welcomed) connection.link.send(event);
  }

  /** Whether the agent is signed in: connected, or within the grace period. */
  isSignedIn(agent: AgentRef): boolean {
    return this.sessions.has(agentKey(agent));
  }

  /**
   * Reserves a signed-in, online agent for a call. False when the agent is not
   * signed in, offline, or reserved for another call. Released by `release`, or
   * when the agent goes offline or signs out (`reservationReleased`).
   */
  reserve(agent: AgentRef, callId: string): boolean {
    const session = this.sessions.get(agentKey(agent));
    if (this.reservations.of(agent) === undefined && (!session || !this.options.presence.isOnline(agent.sdkAppId, agent.mail))) return false;
    return this.reservations.reserve(session?.agent ?? agent, callId);
  }

  /** Ends the agent's reservation for this call; false if it held none for it. */
  release(agent: AgentRef, callId: string): boolean {
    return this.reservations.release(agent, callId);
  }

  /** The call the agent is reserved for, if any. */
  reservationOf(agent: AgentRef): string | undefined {
    return this.reservations.of(agent);
  }

  /**
   * Re-checks the login of every signed-in agent against the store, which other processes change
   * too (`openccc staff reset-password`): a login that has ended signs its workbenches out and the
   * agent goes offline.
   */
  async recheckLogins(): Promise<void> {
    for (const [key, session] of [...this.sessions]) {
      if (this.closed) return;
      let ended: SdkError;
      try {
        await this.options.login.verifyTicketHash(session.ticketHash);
        continue;
      } catch (err) {
        if (!(err instanceof SdkError)) {
          this.options.log.warn({ err }, 're-checking a login failed');
          continue;
        }
        ended = err;
      }
      // The session may have been replaced (a newer login) while the store was read.
      if (this.sessions.get(key) !== session) continue;
      const reason = ended.code === 'accountForcedOffline' ? 'forced' : ended.code === 'accountNotFound' ? 'deleted' : 'expired';
      this.signOut(session.agent, reason);
      this.options.log.info({ sdkAppId: session.agent.sdkAppId, mail: session.agent.mail, reason }, 'agent signed out: login ended');
      await this.options.status
        .record(session.agent.sdkAppId, session.agent.mail, 'offline', '')
        .catch((err: unknown) => this.options.log.warn({ err }, 'recording offline failed'));
    }
  }

  /** Closes every connection (workbenches reconnect to the restarted server) and every timer. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.sessions.values()) {
      if (session.graceTimer) this.options.scheduler.clearTimeout(session.graceTimer);
      for (const connection of session.connections) {
        connection.closed = true;
        connection.link.close(1012, 'server restarting');
      }
    }
    for (const timer of this.pendingOffline.values()) this.options.scheduler.clearTimeout(timer);
    this.pendingOffline.clear();
    const agents = [...this.sessions.values()].map((s) => s.agent);
    this.sessions.clear();
    for (const agent of agents) this.end(agent, 'shutdown');
    for (const agent of this.reservations.agents()) this.releaseReservation(agent, 'shutdown');
  }

  private signOut(agent: AgentRef, reason: SignedOutReason, message = SIGNED_OUT[reason].message): void {
    const key = agentKey(agent);
    const session = this.sessions.get(key);
    if (!session) return;
    this.sessions.delete(key);
    this.options.presence.setConnected(agent.sdkAppId, agent.mail, false);
    if (session.graceTimer) this.options.scheduler.clearTimeout(session.graceTimer);
    for (const connection of session.connections) {
      connection.closed = true;
      connection.link.send({ type: 'signedOut', reason, message });
      connection.link.close(SIGNED_OUT[reason].code, reason);
    }
    session.connections.clear();
    // A newer login of the same agent takes the session over: nothing ends for the agent.
    if (reason !== 'elsewhere') this.end(session.agent, reason);
  }

  private end(agent: AgentRef, reason: SessionEndReason): void {
    this.releaseReservation(agent, reason);
    this.emit('ended', agent, reason);
  }

  private releaseReservation(agent: AgentRef, reason: ReservationEndReason): void {
    const held = this.reservations.releaseAny(agent);
    if (held) this.emit('reservationReleased', held.agent, held.callId, reason);
  }

  private scheduleOffline(agent: AgentRef): void {
    const key = agentKey(agent);
    this.cancelPendingOffline(key);
    const timer = this.options.scheduler.setTimeout(() => {
      this.pendingOffline.delete(key);
      if (this.sessions.has(key)) return;
      this.end(agent, 'grace');
      this.recordOffline(agent);
    }, this.options.graceMs);
    this.pendingOffline.set(key, timer);
  }

  private cancelPendingOffline(key: string): void {
    const timer = this.pendingOffline.get(key);
    if (timer) this.options.scheduler.clearTimeout(timer);
    this.pendingOffline.delete(key);
  }

  private recordOffline(agent: AgentRef): void {
    this.options.status.record(agent.sdkAppId, agent.mail, 'offline', '').catch((err: unknown) => this.options.log.warn({ err }, 'recording offline failed'));
  }

  private guard(action: () => void): void {
    try {
      action();
    } catch (err) {
      this.options.log.error({ err }, 'reacting to a presence change failed');
    }
  }
}
