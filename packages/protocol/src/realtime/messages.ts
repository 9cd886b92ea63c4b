import type { SdkErrorCode } from '../sdk/errors.js';
import type { SignedOutReason, TcccEventPayloads } from '../sdk/events.js';
import type { ServerStatus } from '../sdk/status.js';

/**
 * The workbench ↔ server WebSocket protocol (`/realtime/v1`), JSON text frames.
 * Bump REALTIME_VERSION on any incompatible change; the server refuses others.
 */
export const REALTIME_VERSION = 1;
export const REALTIME_PATH = '/realtime/v1';

/** Client heartbeat period; the server drops a socket silent for HEARTBEAT_TIMEOUT_MS. */
export const HEARTBEAT_INTERVAL_MS = 15_000;
export const HEARTBEAT_TIMEOUT_MS = 45_000;

/**
 * WebSocket close codes the server uses. The client must not reconnect after
 * 4001–4005; after 4006 (it sent more messages than its budget, see
 * MESSAGE_BUDGET) it may, with its usual backoff.
 */
export const CloseCodes = {
  authFailed: 4001,
  signedOutElsewhere: 4002,
  forcedOffline: 4003,
  protocolError: 4004,
  loggedOut: 4005,
  tooManyMessages: 4006,
} as const;

/**
 * Each connection may send `burst` messages at once and `perSecond` after that
 * (every message counts: hello, ping, request, logout). Messages beyond that
 * are refused: a request is answered `rateLimited`, anything else is dropped
 * unanswered. After `refusals` refused messages (one more allowed every
 * `refusalRefillSeconds`) the server closes the socket with 4006.
 */
export const MESSAGE_BUDGET = { burst: 20, perSecond: 2, refusals: 20, refusalRefillSeconds: 10 } as const;

export interface StaffProfile {
  sdkAppId: number;
  mail: string;
  name: string;
  nick: string;
  staffNumber: string;
  role: number;
}

/** The `Agent.*` methods the workbench calls on the server. */
export const AGENT_METHODS = ['Agent.online', 'Agent.offline', 'Agent.setStatus'] as const;

/** The `Call.*` methods the workbench calls on the server; the call engine answers them. */
export const CALL_METHODS = [
  'Call.startOutboundCall',
  'Call.accept',
  'Call.hungUp',
  'Call.deleteCall',
  'Call.startInternalCall',
  'Call.transfer',
  'Call.hold',
  'Call.unHold',
  'Call.sendDigits',
] as const;

/** The `Call.*` methods of `window.tccc` that the workbench answers itself: the microphone is in the browser. */
export const LOCAL_CALL_METHODS = ['Call.muteMic', 'Call.unmuteMic', 'Call.isMicMuted'] as const;

export type AgentMethod = (typeof AGENT_METHODS)[number];
export type CallMethod = (typeof CALL_METHODS)[number];
export type LocalCallMethod = (typeof LOCAL_CALL_METHODS)[number];

/** Methods the workbench may call on the server. */
export type RealtimeMethod = AgentMethod | CallMethod;

/** Whether a method name is one the server answers. */
export function isRealtimeMethod(method: string): method is RealtimeMethod {
  return (AGENT_METHODS as readonly string[]).includes(method) || (CALL_METHODS as readonly string[]).includes(method);
}

export type ServerEvent = { [K in keyof TcccEventPayloads]: { type: 'event'; name: K; payload: TcccEventPayloads[K] } }[keyof TcccEventPayloads];

export type ServerMessage =
  | {
      type: 'welcome';
      v: number;
      staff: StaffProfile;
      status: ServerStatus;
      reason: string;
      /** Sessions in progress (filled by the call engine). */
      sessions: AgentCallView[];
      serverTime: number;
      ticketExpiresAt: number;
    }
  | { type: 'pong'; serverTime: number }
  | { type: 'reply'; id: number; ok: true; data?: unknown }
  | { type: 'reply'; id: number; ok: false; error: { code: SdkErrorCode; message: string } }
  | ServerEvent
  | { type: 'signedOut'; reason: SignedOutReason; message: string }
  | { type: 'refused'; code: SdkErrorCode; message: string };

export interface LoginSuccess {
  ticket: string;
  expiresAt: number;
  staff: StaffProfile;
}

export interface LoginFailure {
  error: { code: SdkErrorCode; message: string };
}

/**
 * The agent's audio: the workbench adds `sdp` (its RTCPeerConnection's complete,
 * non-trickle offer, G.711) to `Call.accept`, `Call.startOutboundCall` and
 * `Call.startInternalCall`; the reply's data carries the server's answer in
 * `sdp`, which the workbench removes before the host page sees the result.
 */
export const AGENT_SDP_FIELD = 'sdp';

/** A session the agent is in, as `welcome.sessions` lists it and the workbench shows it. Times are unix ms. */
export interface AgentCallView {
  sessionId: string;
  type: 'phone' | 'voip' | 'internal';
  direction: 'in' | 'out';
  state: 'ringing' | 'dialing' | 'talking' | 'held';
  /** The other side: the customer's number, or the other agent's mail. */
  peer: string;
  callerPhoneNumber: string;
  calleePhoneNumber: string;
  remark: string;
  ivrPath: Array<{ key: string; label: string }>;
  startedAt: number;
  answeredAt: number | null;
  /** When a ringing offer times out, if it does. */
  ringUntil: number | null;
}
