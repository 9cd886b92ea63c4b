import {
  CloseCodes,
  HEARTBEAT_INTERVAL_MS,
  REALTIME_PATH,
  REALTIME_VERSION,
  type ClientMessage,
  type RealtimeMethod,
  type SdkErrorCode,
  type ServerMessage,
  type ServerStatus,
} from '@openccc/protocol';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface RealtimeHandlers {
  onMessage(message: ServerMessage): void;
  onState(state: ConnectionState): void;
  /** The server ended the login for good (no reconnection). */
  onEnded(code: SdkErrorCode, message: string): void;
}

export class RequestError extends Error {
  constructor(
    readonly code: SdkErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s … capped at 15 s, each randomised. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(15_000, 500 * 2 ** attempt);
  return Math.round(cap / 2 + random() * (cap / 2));
}

const REQUEST_TIMEOUT_MS = 15_000;
/** A ping unanswered this long means the connection is dead even if the socket looks open. */
const PONG_TIMEOUT_MS = 20_000;

/**
 * The workbench's WebSocket to the server: hello with the ticket (and the last
 * shown status, for resync), heartbeats, request/reply, and reconnection with
 * backoff until the server says the login has ended.
 */
export class RealtimeClient {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private heartbeat: number | undefined;
  private retryTimer: number | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (data: unknown) => void; reject: (e: RequestError) => void; timer: number }>();
  private stopped = false;
  /** When the oldest unanswered ping was sent; null when the server has answered since. */
  private awaitingSince: number | null = null;
  /** True between the server's welcome and the socket's end: only then are pings and requests sent. */
  private welcomed = false;
  private readonly wake = () => this.onWake();

  constructor(
    private readonly ticket: string,
    private readonly embedded: boolean,
    private readonly resume: () => { status: ServerStatus; reason: string } | undefined,
    private readonly handlers: RealtimeHandlers,
  ) {}

  start(): void {
    window.addEventListener('online', this.wake);
    document.addEventListener('visibilitychange', this.wake);
    this.open(false);
  }

  request(method: RealtimeMethod, params: Record<string, unknown>): Promise<unknown> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.welcomed) return Promise.reject(new RequestError('network', 'Not connected to OpenCCC; retrying.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError('network', `${method} timed out.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ type: 'request', id, method, params });
    });
  }

  /** Asks the server to end the login; false when not connected. */
  logout(): boolean {
    if (this.socket?.readyState !== WebSocket.OPEN) return false;
    this.send({ type: 'logout' });
    return true;
  }

  stop(): void {
    window.removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    this.stopped = true;
    window.clearInterval(this.heartbeat);
    window.clearTimeout(this.retryTimer);
    // Detached first, so its late close event cannot report on a newer client's behalf.
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'bye');
    this.failPending('network', 'Disconnected.');
  }

  private open(isRetry: boolean): void {
    if (this.stopped) return;
    this.handlers.onState(isRetry ? 'reconnecting' : 'connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${REALTIME_PATH}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.welcomed = false;
      this.send({ type: 'hello', v: REALTIME_VERSION, ticket: this.ticket, client: { type: 'Web', embedded: this.embedded }, resume: this.resume() });
      this.awaitingSince = null;
      window.clearInterval(this.heartbeat);
      this.heartbeat = window.setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      this.awaitingSince = null;
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return;
      }
      if (message.type === 'welcome') {
        this.welcomed = true;
        this.attempt = 0;
        this.handlers.onState('open');
      }
      if (message.type === 'reply') {
        const waiting = this.pending.get(message.id);
        if (!waiting) return;
        this.pending.delete(message.id);
        window.clearTimeout(waiting.timer);
        if (message.ok) waiting.resolve(message.data);
        else waiting.reject(new RequestError(message.error.code, message.error.message));
        return;
      }
      if (message.type === 'refused') {
        this.stopped = true;
        this.handlers.onEnded(message.code, message.message);
        return;
      }
      if (message.type === 'signedOut') this.stopped = true;
      this.handlers.onMessage(message);
    };
    socket.onclose = (event: CloseEvent) => {
      if (this.socket !== socket) return;
      this.welcomed = false;
      window.clearInterval(this.heartbeat);
      this.failPending('network', 'The connection to OpenCCC was lost.');
      const final = event.code >= CloseCodes.authFailed && event.code <= CloseCodes.loggedOut;
      if (this.stopped || final) {
        this.stopped = true;
        this.handlers.onState('closed');
        return;
      }
      this.handlers.onState('reconnecting');
      this.retryTimer = window.setTimeout(() => {
        this.retryTimer = undefined;
        this.open(true);
      }, backoffDelay(this.attempt++));
    };
  }

  /** Heartbeat: detects a dead connection (no answer to the previous ping) and sends the next ping. */
  private beat(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || !this.welcomed) return;
    if (this.awaitingSince !== null && Date.now() - this.awaitingSince > PONG_TIMEOUT_MS) {
      // Half-open (Wi-Fi switch, sleep, NAT timeout). The browser may take a minute to give up on the
      // closing handshake, so detach from this socket and reconnect now.
      this.socket = null;
      this.welcomed = false;
      window.clearInterval(this.heartbeat);
      this.failPending('network', 'The connection to OpenCCC was lost.');
      socket.close(4000, 'no pong');
      this.handlers.onState('reconnecting');
      this.retryTimer = window.setTimeout(() => {
        this.retryTimer = undefined;
        this.open(true);
      }, backoffDelay(this.attempt++));
      return;
    }
    this.awaitingSince ??= Date.now();
    this.send({ type: 'ping' });
  }

  /** Back online or visible again: check the connection now, and retry at once if it is down. */
  private onWake(): void {
    if (this.stopped || document.visibilityState === 'hidden') return;
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.beat();
    } else if (this.retryTimer !== undefined) {
      window.clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      this.attempt = 0;
      this.open(true);
    }
  }

  private send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private failPending(code: SdkErrorCode, message: string): void {
    for (const [id, waiting] of this.pending) {
      window.clearTimeout(waiting.timer);
      waiting.reject(new RequestError(code, message));
      this.pending.delete(id);
    }
  }
}
