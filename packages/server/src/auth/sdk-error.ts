import type { SdkErrorCode } from '@openccc/protocol';

const HTTP_STATUS: Record<SdkErrorCode, number> = {
  notReady: 409,
  invalidArgument: 400,
  tokenExpired: 401,
  tokenInvalid: 401,
  tokenUsed: 401,
  tokenMismatch: 403,
  originNotAllowed: 403,
  accountForcedOffline: 403,
  accountNotFound: 403,
  ticketInvalid: 401,
  signedOutElsewhere: 401,
  badCredentials: 401,
  rateLimited: 429,
  callsUnavailable: 501,
  sessionNotFound: 404,
  callNotAllowed: 409,
  peerUnavailable: 409,
  noCallerNumber: 409,
  mediaFailed: 502,
  statusNotAllowed: 409,
  workbenchUnreachable: 502,
  browserNotSupported: 400,
  deviceError: 400,
  network: 503,
  internal: 500,
};

/** The one error type of the agent-facing surface (login endpoints and realtime). */
export class SdkError extends Error {
  override name = 'SdkError';
  constructor(
    readonly code: SdkErrorCode,
    message: string,
  ) {
    super(message);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}
