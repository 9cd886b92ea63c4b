import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../../api.js';
import { applyMessage, type LiveView } from './live-view.js';
import { DASHBOARD_PATH, DashboardCloseCodes, parseDashboardMessage } from '@openccc/protocol';

/** `connecting`: no snapshot yet; `live`: updates arrive; `reconnecting`: the socket closed and opens again soon. */
export type LiveState = 'connecting' | 'live' | 'reconnecting';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * The dashboard's socket, kept open while the page shows: a snapshot on each (re)connection, then
 * deltas. After a close it waits (1 s, doubling to 30 s) and connects again; a close before any
 * message may mean the session ended, so it asks the API, whose 401 takes the console to sign-in.
 */
export function useLiveDashboard(api: ConsoleApi): { view: LiveView | null; state: LiveState } {
  const [view, setView] = useState<LiveView | null>(null);
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    let socket: WebSocket | null = null;
    let retry: number | undefined;
    let delay = FIRST_RETRY_MS;
    let stopped = false;
    const connect = () => {
      const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(`${scheme}//${location.host}${DASHBOARD_PATH}`);
      socket = ws;
      let received = false;
      ws.onmessage = (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        const message = parseDashboardMessage(event.data);
        if (!message) return;
        received = true;
        delay = FIRST_RETRY_MS;
        setView((current) => applyMessage(current, message, Date.now()));
        if (message.type === 'snapshot') setState('live');
      };
      ws.onclose = (event: CloseEvent) => {
        if (stopped) return;
        setState('reconnecting');
        if (event.code === DashboardCloseCodes.sessionEnded || !received) void api.get('/session').catch(() => undefined);
        retry = window.setTimeout(connect, delay);
        delay = Math.min(MAX_RETRY_MS, delay * 2);
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      socket?.close(1000, 'page closed');
    };
  }, [api]);
  return { view, state };
}
