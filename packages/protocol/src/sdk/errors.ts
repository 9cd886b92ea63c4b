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
