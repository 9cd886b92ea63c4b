import { CALL_METHODS, LOCAL_CALL_METHODS, TcccEvents, type CallMethod, type LocalCallMethod } from '@openccc/protocol';
import type { Tccc, TcccSettableStatus } from '../types/tccc.js';
import { failure, type Runtime } from './runtime.js';

/** Whether this browser can run the workbench (WebRTC audio, WebSocket, MessageChannel). */
function isBrowserSupported(): boolean {
  return (
    typeof RTCPeerConnection === 'function' &&
    typeof WebSocket === 'function' &&
    typeof MessageChannel === 'function' &&
    typeof navigator.mediaDevices?.getUserMedia === 'function'
  );
}

type CallName<M> = M extends `Call.${infer Name}` ? Name : never;
type Forward = (params?: unknown) => Promise<never>;

/** `tccc.Call`: one forwarding function per method of the protocol's lists (public-types-check.ts ties them to the declarations). */
function callMethods(call: (method: string) => Forward): Record<CallName<CallMethod | LocalCallMethod>, Forward> {
  const methods: Partial<Record<string, Forward>> = {};
  for (const method of [...CALL_METHODS, ...LOCAL_CALL_METHODS]) methods[method.slice('Call.'.length)] = call(method);
  return methods as Record<CallName<CallMethod | LocalCallMethod>, Forward>;
}

/** `window.tccc`: a thin façade over the runtime; every call goes through the bridge to the workbench. */
export function createFacade(runtime: Runtime): Tccc {
  const call = (method: string) => (params?: unknown) => runtime.call(method, params) as Promise<never>;
  // Remembered for a panel that does not exist yet, applied at once to one that does.
  const ui = (wish: Partial<Runtime['uiWish']>, action: (u: NonNullable<Runtime['ui']>) => void) => () => {
    Object.assign(runtime.uiWish, wish);
    if (runtime.ui) action(runtime.ui);
  };
  const setStatus = (options: { status: TcccSettableStatus; restReason?: string }) => {
    if (!options || typeof options !== 'object') return Promise.reject(failure('invalidArgument', 'Agent.setStatus expects { status, restReason? }.'));
    return runtime.call('Agent.setStatus', options) as Promise<never>;
  };
  return {
    events: TcccEvents,
    on: (name, handler) => runtime.emitter.on(name, handler as never),
    off: (name, handler) => runtime.emitter.off(name, handler as never),
    Agent: {
      online: call('Agent.online'),
      offline: call('Agent.offline'),
      setStatus,
      getStatus: () => runtime.status,
    },
    Call: callMethods(call),
    Devices: {
      isBrowserSupported,
      getMicrophones: call('Devices.getMicrophones'),
      getSpeakers: call('Devices.getSpeakers'),
    },
    UI: {
      hide: ui({ hidden: true }, (u) => u.hide()),
      show: ui({ hidden: false }, (u) => u.show()),
      showfloatButton: ui({ floatButton: true }, (u) => u.setFloatButton(true)),
      hidefloatButton: ui({ floatButton: false }, (u) => u.setFloatButton(false)),
      showWorkbench: ui({ panel: true }, (u) => u.setPanel(true)),
      hideWorkbench: ui({ panel: false }, (u) => u.setPanel(false)),
    },
  };
}
