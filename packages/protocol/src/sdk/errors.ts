/**
 * Error codes of the agent SDK (`window.tccc` rejections, the `error` event,
 * login and realtime refusals). OpenCCC's own registry: TCCC documents only
 * `errorMsg`, so `errorCode` is an addition that never changes meaning.
 */
export const SDK_ERROR_CODES = [
  'notReady',
  'invalidArgument',
  'tokenExpired',
  'tokenInvalid',
  'tokenUsed',
  'tokenMismatch',
  'originNotAllowed',
  'accountForcedOffline',
  'accountNotFound',
  'ticketInvalid',
  'signedOutElsewhere',
  'badCredentials',
  'rateLimited',
  'callsUnavailable',
  /** The call named is not one the agent takes part in (ended, unknown). */
  'sessionNotFound',
  /** The call cannot do that now (hold while ringing, accept after the ring moved on, a second call). */
  'callNotAllowed',
  /** The agent called or transferred to is offline, busy or unknown. */
  'peerUnavailable',
  /** No number of the instance can be shown to the callee. */
  'noCallerNumber',
  /** The call's audio could not be set up. */
  'mediaFailed',
  'statusNotAllowed',
  'workbenchUnreachable',
  'browserNotSupported',
  'deviceError',
  'network',
  'internal',
] as const;

export type SdkErrorCode = (typeof SDK_ERROR_CODES)[number];

/** The shape every failed `window.tccc` call rejects with. */
export interface SdkFailure {
  status: 'error';
  errorMsg: string;
  errorCode: SdkErrorCode;
}

export interface SdkSuccess<T = unknown> {
  status: 'success';
  data?: T;
}
