import type { SdkErrorCode } from './errors.js';
import type { SdkStatus } from './status.js';

/** `tccc.events`: names equal their string values, as in TCCC. */
export const TcccEvents = {
  ready: 'ready',
  tokenExpired: 'tokenExpired',
  callIn: 'callIn',
  userAccessed: 'userAccessed',
  autoTransfer: 'autoTransfer',
  callOuted: 'callOuted',
  calloutAccepted: 'calloutAccepted',
  transfer: 'transfer',
  sessionEnded: 'sessionEnded',
  statusChanged: 'statusChanged',
  /** OpenCCC addition: a refusal or failure that ends (or prevents) the session; payload names the reason. */
  error: 'error',
  /** OpenCCC addition: this workbench was signed out (another login took over, or an administrator forced it). */
  signedOut: 'signedOut',
} as const;

export type TcccEventName = (typeof TcccEvents)[keyof typeof TcccEvents];

export interface PhoneCallInPayload {
  sessionId: string;
  type: 'phone';
  timeout: number;
  calleePhoneNumber: string;
  callerPhoneNumber: string;
  callerLocation: string;
  remark: string;
  ivrPath: Array<{ key: string; label: string }>;
  protectedCaller: string;
  protectedCallee: string;
  serverType: 'staffSeat' | 'staffPhoneSeat' | 'staffExtensionSeat';
}

export interface InternalCallInPayload {
  sessionId: string;
  type: 'internal';
  timeout: number;
  peerUserId: string;
}

/** Payloads by event name (before the `data` self-reference is added). */
export interface TcccEventPayloads {
  ready: Record<string, never>;
  tokenExpired: Record<string, never>;
  callIn: PhoneCallInPayload | InternalCallInPayload;
  userAccessed: { sessionId: string };
  autoTransfer: { sessionId: string };
  callOuted: { sessionId: string; calleePhoneNumber: string; callerPhoneNumber: string; protectedCallee: string; remark: string };
  calloutAccepted: { sessionId: string };
  transfer: { sessionId: string; skillGroupId?: string; userId?: string };
  sessionEnded: { sessionId: string; closeBy: 'client' | 'seat' | 'admin' | 'timer'; mainReason?: string; subReason?: string; type: string; duration: number };
  /** `until` (OpenCCC addition): for `arrange` after a call, when after-call work ends and the agent is free again (unix ms). */
  statusChanged: { status: SdkStatus; reason?: string; until?: number };
  error: { errorCode: SdkErrorCode; errorMsg: string };
  signedOut: { reason: SignedOutReason; errorMsg: string };
}

export type SignedOutReason = 'elsewhere' | 'forced' | 'expired' | 'deleted' | 'logout';
