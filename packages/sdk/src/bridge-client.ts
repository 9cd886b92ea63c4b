import { BRIDGE_SYN, BRIDGE_VERSION, type HostMessage, type WorkbenchMessage } from '@openccc/protocol';

const HANDSHAKE_TIMEOUT_MS = 15_000;
const CALL_TIMEOUT_MS = 20_000;

type Pending = { resolve: (m: Extract<WorkbenchMessage, { type: 'result' }>) => void; timer: number };

/**
 * The host side of the bridge: one content-free SYN posted to the workbench's
 * exact origin carries a private MessageChannel port; all traffic uses the port.
 */
export class BridgeClient {
  private port: MessagePort | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly onMessage: (message: WorkbenchMessage) => void) {}

  /** Resolves once the workbench acknowledged; rejects on timeout. */
  connect(frame: HTMLIFrameElement, origin: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => reject(new Error('handshake timeout')), HANDSHAKE_TIMEOUT_MS);
      const channel = new MessageChannel();
      channel.port1.onmessage = (event: MessageEvent<WorkbenchMessage>) => {
        const message = event.data;
        if (message?.type === 'destroyed') {
          this.onClosed?.();
        } else if (message?.type === 'ack') {
          window.clearTimeout(timer);
          resolve();
        } else if (message?.type === 'result') {
          const waiting = this.pending.get(message.id);
          if (waiting) {
            this.pending.delete(message.id);
            window.clearTimeout(waiting.timer);
            waiting.resolve(message);
          }
        } else if (message) {
          this.onMessage(message);
        }
      };
      this.port = channel.port1;
      frame.contentWindow?.postMessage({ type: BRIDGE_SYN, v: BRIDGE_VERSION }, origin, [channel.port2]);
    });
  }

  send(message: HostMessage): void {
    this.port?.postMessage(message);
  }

  call(method: string, params: unknown): Promise<Extract<WorkbenchMessage, { type: 'result' }>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        resolve({ type: 'result', id, ok: false, errorCode: 'workbenchUnreachable', errorMsg: `${method} got no answer from the workbench.` });
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
      this.send({ type: 'call', id, method, params });
    });
  }

  /** Asks the workbench to sign out; `done` runs once it confirmed, or after 2 s. */
  close(done: () => void): void {
    for (const [id, waiting] of this.pending) {
      window.clearTimeout(waiting.timer);
      waiting.resolve({ type: 'result', id, ok: false, errorCode: 'notReady', errorMsg: 'The SDK was re-initialised.' });
    }
    this.pending.clear();
    const port = this.port;
    this.port = null;
    if (!port) return done();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      port.close();
      done();
    };
    const timer = window.setTimeout(finish, 2_000);
    this.onClosed = () => {
      window.clearTimeout(timer);
      finish();
    };
    port.postMessage({ type: 'destroy' } satisfies HostMessage);
  }

  private onClosed: (() => void) | null = null;
}
