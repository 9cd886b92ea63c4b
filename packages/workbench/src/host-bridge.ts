import { BRIDGE_SYN, BRIDGE_VERSION, type HostMessage, type WorkbenchMessage } from '@openccc/protocol';
import type { WorkbenchConfig } from './config.js';
import { SessionError } from './session-error.js';
import type { Session } from './session.js';

/** Whether a host page origin may drive this workbench (the server's list; empty = only OpenCCC itself). */
export function originAllowed(origin: string, config: WorkbenchConfig): boolean {
  if (origin === location.origin) return true;
  return config.allowedOrigins.includes('*') || config.allowedOrigins.includes(origin);
}

/**
 * The iframe side of the bridge. Accepts exactly one SYN from the parent window
 * of an allowed origin, takes the MessageChannel port it carries, and from then
 * on talks only over that port. Never posts to '*'; never touches window.onmessage.
 */
export function listenForHost(session: Session, config: WorkbenchConfig, onRefused: (origin: string) => void): void {
  let connected = false;
  const onMessage = (event: MessageEvent) => {
    const data = event.data as { type?: unknown; v?: unknown } | null;
    if (connected || event.source !== window.parent || data?.type !== BRIDGE_SYN) return;
    if (!originAllowed(event.origin, config)) {
      console.error(`[openccc] refusing to serve a host page at ${event.origin}: it is not an allowed origin of this instance.`);
      onRefused(event.origin);
      return;
    }
    const port = event.ports[0];
    if (!port) return;
    connected = true;
    window.removeEventListener('message', onMessage);
    attach(session, port, event.origin);
  };
  window.addEventListener('message', onMessage);
}

function attach(session: Session, port: MessagePort, parentOrigin: string): void {
  const post = (message: WorkbenchMessage) => port.postMessage(message);
  let lastState = '';
  const pushState = () => {
    const { status, language } = session.get();
    const key = `${status}/${language}`;
    if (key === lastState) return;
    lastState = key;
    post({ type: 'state', status, language });
  };
  session.subscribe(pushState);
  session.onEvent((name, payload) => {
    pushState();
    post({ type: 'event', name, payload });
  });
  port.onmessage = (event: MessageEvent<HostMessage>) => {
    const message = event.data;
    switch (message?.type) {
      case 'init':
        void session.loginWithToken(message.options, parentOrigin);
        return;
      case 'call':
        session.call(message.method, (message.params ?? {}) as Record<string, unknown>).then(
          (data) => post({ type: 'result', id: message.id, ok: true, data }),
          (error: unknown) => {
            const e = error instanceof SessionError ? error : new SessionError('internal', String(error));
            post({ type: 'result', id: message.id, ok: false, errorCode: e.code, errorMsg: e.message });
          },
        );
        return;
      case 'destroy':
        session.logout();
        post({ type: 'destroyed' });
        port.close();
        return;
      default:
        return;
    }
  };
  post({ type: 'ack', v: BRIDGE_VERSION });
  pushState();
}
