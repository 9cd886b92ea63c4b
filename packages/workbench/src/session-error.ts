import type { SdkErrorCode } from '@openccc/protocol';

/** Thrown by `Session.call` with the SDK error code the host page receives. */
export class SessionError extends Error {
  constructor(
    readonly code: SdkErrorCode,
    message: string,
  ) {
    super(message);
  }
}
