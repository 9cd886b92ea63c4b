import type { SdkErrorCode } from './errors.js';
import type { TcccEventName } from './events.js';
import type { SdkStatus } from './status.js';

/**
 * Host page (tccc.js) ↔ workbench iframe. The host posts one content-free SYN
 * to the iframe's exact origin, transferring a MessageChannel port; everything
 * after travels over that private port.
 */
export const BRIDGE_VERSION = 1;
export const BRIDGE_SYN = 'openccc:syn';

export interface BridgeSyn {
  type: typeof BRIDGE_SYN;
  v: number;
}

export interface BridgeInitOptions {
  token: string;
  sdkAppId: number;
  userId: string;
}

/** Host → workbench. */
export type HostMessage =
  | { type: 'init'; options: BridgeInitOptions }
  | { type: 'call'; id: number; method: string; params: unknown }
  | { type: 'destroy' };

/** Workbench → host. */
export type WorkbenchMessage =
  | { type: 'ack'; v: number }
  /** Answer to `destroy`: the workbench has signed out. */
  | { type: 'destroyed' }
  | { type: 'event'; name: TcccEventName; payload: Record<string, unknown> }
  | { type: 'result'; id: number; ok: true; data?: unknown }
  | { type: 'result'; id: number; ok: false; errorCode: SdkErrorCode; errorMsg: string }
  /** Internal state for synchronous getters (Agent.getStatus); sent before `ready` and on every change. */
  | { type: 'state'; status: SdkStatus; language: 'zh-CN' | 'en-US' };
