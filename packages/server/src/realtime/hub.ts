import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCodes, HEARTBEAT_TIMEOUT_MS, REALTIME_PATH, type ClientFrame, type ServerMessage } from '@openccc/protocol';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { SdkError } from '../auth/sdk-error.js';
import type { AgentConnection, ConnectionLink } from './agent-connection.js';
import type { AgentSessions } from './agent-sessions.js';
import { readFrame } from './inbound-frame.js';
import { MessageBudget } from './message-budget.js';

export interface HubOptions {
  sessions: AgentSessions;
  log: Logger;
  clock: () => number;
}

const HELLO_TIMEOUT_MS = 10_000;
/** How long a socket closed by the server may take to finish the closing handshake. */
const CLOSE_GRACE_MS = 2_000;
const SWEEP_EVERY_MS = Math.min(10_000, HEARTBEAT_TIMEOUT_MS / 3);
const OVER_BUDGET = 'Too many messages on this connection; slow down and try again in a few seconds.';

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** Closes a socket, and cuts it off if the client does not complete the closing handshake. */
function closeSocket(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}

/** A signed-in socket as the sweep sees it. */
interface LiveSocket {
  connection: AgentConnection;
  /** When anything, a pong included, last arrived (unix ms). */
  lastSeen: number;
}

/**
 * The agents' WebSocket transport on REALTIME_PATH: upgrades, the message budget
 * and parsing of frames, the hello deadline, heartbeats and the sweep that drops
 * silent sockets. What the messages mean is `AgentSessions`'s business.
 */
export class RealtimeHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly live = new Map<WebSocket, LiveSocket>();
  private readonly sweeper: NodeJS.Timeout;
  private rechecking: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly options: HubOptions) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  /** Handles HTTP upgrades to REALTIME_PATH on the server; `other` gets upgrades to other paths (else 404). */
  attach(server: Server, other?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== REALTIME_PATH && other && !this.closed) {
        other(req, socket, head);
        return;
      }
      if (path !== REALTIME_PATH || this.closed) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  /** Re-checks every signed-in agent's login now (the sweep does it every 10 s). */
  recheckLogins(): Promise<void> {
    return this.options.sessions.recheckLogins();
  }

  /** Closes every connection (clients reconnect to the restarted server). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.options.sessions.close();
    this.live.clear();
    for (const ws of this.wss.clients) ws.close(1012, 'server restarting');
    // Browsers may not complete the closing handshake promptly; do not let shutdown wait for them.
    const deadline = setTimeout(() => {
      for (const ws of this.wss.clients) ws.terminate();
    }, 500);
    deadline.unref();
    this.wss.close();
  }

  private accept(ws: WebSocket): void {
    const { sessions, clock, log } = this.options;
    let helloStarted = false;
    const helloTimer = setTimeout(() => ws.close(CloseCodes.protocolError, 'no hello'), HELLO_TIMEOUT_MS);
    const budget = new MessageBudget(clock);
    const link: ConnectionLink = { send: (message) => send(ws, message), close: (code, reason) => closeSocket(ws, code, reason) };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      // Frames still arriving after a close (from either side) are not acted on.
      if (ws.readyState !== ws.OPEN) return;
      const frame = readFrame(budget, data, isBinary);
      if (frame.kind === 'abusive') {
        log.info('realtime socket closed: too many messages');
        closeSocket(ws, CloseCodes.tooManyMessages, 'too many messages');
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
      const live = this.live.get(ws);
      if (live) {
        live.lastSeen = clock();
        this.afterHello(ws, live.connection, frame);
      } else if (frame.kind === 'message' && frame.message.type === 'hello' && !helloStarted) {
        helloStarted = true;
        clearTimeout(helloTimer);
        sessions.hello(link, frame.message).then(
          (connection) => {
            // The socket may have closed while hello was being processed.
            if (ws.readyState !== ws.OPEN || this.closed) sessions.disconnect(connection);
            else this.live.set(ws, { connection, lastSeen: clock() });
          },
          (err: unknown) => this.refuse(ws, err),
        );
      } else if (frame.kind === 'invalid' && frame.type === 'hello' && !helloStarted) {
        helloStarted = true;
        clearTimeout(helloTimer);
        if (frame.problem === 'field') {
          send(ws, { type: 'refused', code: 'invalidArgument', message: frame.message });
          ws.close(CloseCodes.protocolError, 'bad hello');
        } else {
          this.refuse(ws, new SdkError(frame.problem === 'ticket' ? 'ticketInvalid' : 'invalidArgument', frame.message));
        }
      } else if (!helloStarted) {
        this.refuse(ws, new SdkError('invalidArgument', 'The first message must be hello.'));
      } else if (frame.kind === 'message' && frame.message.type === 'ping') {
        send(ws, { type: 'pong', serverTime: clock() });
      } else if (frame.kind === 'message' && frame.message.type === 'request') {
        send(ws, { type: 'reply', id: frame.message.id, ok: false, error: { code: 'network', message: 'Still signing in; try again.' } });
      }
      // Anything else while the hello is in progress (a second hello) is ignored.
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      const live = this.live.get(ws);
      this.live.delete(ws);
      if (live) sessions.disconnect(live.connection);
    });
    ws.on('error', (err) => log.debug({ err }, 'realtime socket error'));
    // Browsers answer protocol pings themselves, even in background tabs whose timers are throttled.
    ws.on('pong', () => {
      const live = this.live.get(ws);
      if (live) live.lastSeen = clock();
    });
  }

  private afterHello(ws: WebSocket, connection: AgentConnection, frame: ClientFrame): void {
    const { sessions, clock, log } = this.options;
    // A signed-out connection may still deliver messages until its socket is gone: they are not acted on.
    if (!sessions.isActive(connection)) return;
    if (frame.kind === 'unknown') {
      // Newer clients may send types this server does not know: ignore them.
      log.debug({ type: frame.type }, 'unknown realtime message ignored');
      return;
    }
    if (frame.kind === 'invalid') {
      if (frame.requestId !== null) send(ws, { type: 'reply', id: frame.requestId, ok: false, error: { code: 'invalidArgument', message: frame.message } });
      else log.debug({ type: frame.type, problem: frame.message }, 'invalid realtime message ignored');
      return;
    }
    const { message } = frame;
    switch (message.type) {
      case 'ping':
        send(ws, { type: 'pong', serverTime: clock() });
        sessions.heartbeat(connection);
        return;
      case 'request': {
        const { id, method, params = {} } = message;
        sessions.request(connection, method, params).then(
          (data) => send(ws, { type: 'reply', id, ok: true, data }),
          (err: unknown) => {
            const error = err instanceof SdkError ? err : new SdkError('internal', 'Internal error.');
            send(ws, { type: 'reply', id, ok: false, error: { code: error.code, message: error.message } });
          },
        );
        return;
      }
      case 'logout':
        sessions.logout(connection);
        return;
      case 'hello':
        // Already signed in on this socket.
        return;
    }
  }

  private refuse(ws: WebSocket, err: unknown): void {
    // Closed meanwhile (the server is stopping, or the client left): nothing to tell.
    if (ws.readyState !== ws.OPEN) return;
    if (!(err instanceof SdkError)) {
      // Our failure, not the login's: 1011 lets the client retry with backoff.
      this.options.log.error({ err }, 'realtime hello failed');
      ws.close(1011, 'internal error');
      return;
    }
    send(ws, { type: 'refused', code: err.code, message: err.message });
    ws.close(err.code === 'accountForcedOffline' ? CloseCodes.forcedOffline : CloseCodes.authFailed, err.code);
  }

  private sweep(): void {
    const deadline = this.options.clock() - HEARTBEAT_TIMEOUT_MS;
    for (const [ws, live] of this.live) {
      if (live.lastSeen < deadline) ws.terminate();
      else ws.ping();
    }
    this.rechecking ??= this.options.sessions.recheckLogins().finally(() => (this.rechecking = null));
  }
}
