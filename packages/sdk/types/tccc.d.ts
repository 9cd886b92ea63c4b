/**
 * Type declarations for `window.tccc`, the OpenCCC agent SDK installed by
 * `<script src="<SdkURL>" data-token data-sdk-app-id data-userid>`.
 * Served at `/sdk/v1/tccc.d.ts`. Names and shapes follow TCCC's Web SDK.
 */

export type TcccStatus = 'free' | 'busy' | 'rest' | 'notReady' | 'arrange' | 'offline';
export type TcccSettableStatus = 'free' | 'rest' | 'arrange' | 'notReady' | 'stopNotReady';

export type TcccErrorCode =
  | 'notReady'
  | 'invalidArgument'
  | 'tokenExpired'
  | 'tokenInvalid'
  | 'tokenUsed'
  | 'tokenMismatch'
  | 'originNotAllowed'
  | 'accountForcedOffline'
  | 'accountNotFound'
  | 'ticketInvalid'
  | 'signedOutElsewhere'
  | 'badCredentials'
  | 'rateLimited'
  | 'callsUnavailable'
  | 'sessionNotFound'
  | 'callNotAllowed'
  | 'peerUnavailable'
  | 'noCallerNumber'
  | 'mediaFailed'
  | 'statusNotAllowed'
  | 'workbenchUnreachable'
  | 'browserNotSupported'
  | 'deviceError'
  | 'network'
  | 'internal';

/** What every method's promise resolves with. */
export interface TcccSuccess<T = unknown> {
  status: 'success';
  data?: T;
}

/** What every method's promise rejects with. */
export interface TcccFailure {
  status: 'error';
  errorMsg: string;
  errorCode: TcccErrorCode;
}

export interface TcccEventMap {
  ready: Record<string, never>;
  tokenExpired: Record<string, never>;
  callIn:
    | {
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
    | { sessionId: string; type: 'internal'; timeout: number; peerUserId: string };
  userAccessed: { sessionId: string };
  autoTransfer: { sessionId: string };
  callOuted: { sessionId: string; calleePhoneNumber: string; callerPhoneNumber: string; protectedCallee: string; remark: string };
  calloutAccepted: { sessionId: string };
  transfer: { sessionId: string; skillGroupId?: string; userId?: string };
  sessionEnded: { sessionId: string; closeBy: 'client' | 'seat' | 'admin' | 'timer'; mainReason?: string; subReason?: string; type: string; duration: number };
  /** `until` (OpenCCC addition): for `arrange` after a call, when after-call work ends (unix ms). */
  statusChanged: { status: TcccStatus; reason?: string; until?: number };
  /** OpenCCC addition: a refusal or failure that ends or prevents the session. */
  error: { errorCode: TcccErrorCode; errorMsg: string };
  /** OpenCCC addition: signed out because of a newer login elsewhere, an administrator, or logout. */
  signedOut: { reason: 'elsewhere' | 'forced' | 'expired' | 'deleted' | 'logout'; errorMsg: string };
}

export type TcccEventName = keyof TcccEventMap;

/** Handlers receive the payload, plus a `data` property holding the same payload (both TCCC doc styles work). */
export type TcccHandler<K extends TcccEventName> = (payload: TcccEventMap[K] & { data: TcccEventMap[K] }) => void;

export interface TcccOutboundCallOptions {
  phoneNumber: string;
  phoneDesc?: string;
  uui?: string;
  skillGroupId?: string;
  callerPhoneNumber?: string;
  servingNumberGroupIds?: string[];
  phoneEncodeType?: 'number';
}

export interface TcccDevice {
  deviceId: string;
  label: string;
}

export interface Tccc {
  events: { readonly [K in TcccEventName]: K };
  on<K extends TcccEventName>(name: K, handler: TcccHandler<K>): void;
  off<K extends TcccEventName>(name: K, handler?: TcccHandler<K>): void;
  Agent: {
    online(): Promise<TcccSuccess>;
    offline(): Promise<TcccSuccess>;
    setStatus(options: { status: TcccSettableStatus; restReason?: string }): Promise<TcccSuccess>;
    /** Synchronous: the status as last known (`offline` before `ready`). */
    getStatus(): TcccStatus;
  };
  Call: {
    startOutboundCall(options: TcccOutboundCallOptions): Promise<TcccSuccess<{ sessionId: string; calleePhoneNumber: string; callerPhoneNumber: string; calleeLocation?: string; serverType: string; remark?: string }>>;
    accept(options: { sessionId: string }): Promise<TcccSuccess>;
    hungUp(options: { sessionId: string }): Promise<TcccSuccess>;
    deleteCall(options: { sessionId: string }): Promise<TcccSuccess>;
    muteMic(options: { sessionId: string }): Promise<TcccSuccess>;
    unmuteMic(options: { sessionId: string }): Promise<TcccSuccess>;
    isMicMuted(options: { sessionId: string }): Promise<TcccSuccess<boolean>>;
    startInternalCall(options: { calleeUserId: string; useMobile?: boolean }): Promise<TcccSuccess<{ sessionId: string }>>;
    transfer(options: { sessionId: string; skillGroupId?: string; userId?: string }): Promise<TcccSuccess>;
    hold(options: { sessionId: string }): Promise<TcccSuccess>;
    unHold(options: { sessionId: string }): Promise<TcccSuccess>;
    sendDigits(options: { sessionId: string; dtmfText: string }): Promise<TcccSuccess>;
  };
  Devices: {
    /** Synchronous. */
    isBrowserSupported(): boolean;
    getMicrophones(): Promise<TcccSuccess<TcccDevice[]>>;
    getSpeakers(): Promise<TcccSuccess<TcccDevice[]>>;
  };
  UI: {
    hide(): void;
    show(): void;
    showfloatButton(): void;
    hidefloatButton(): void;
    showWorkbench(): void;
    hideWorkbench(): void;
  };
}

declare global {
  interface Window {
    tccc: Tccc;
  }
}
