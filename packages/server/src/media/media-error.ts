import type { MediaErrorCode, MediaErrorData } from './protocol.js';

/** The one error type of the media plane; its code comes from the protocol's registry. */
export class MediaError extends Error {
  override name = 'MediaError';

  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The serialisable form that crosses the worker boundary. */
  toData(): MediaErrorData {
    return { code: this.code, message: this.message };
  }

  static fromData(data: MediaErrorData): MediaError {
    return new MediaError(data.code, data.message);
  }

  /** Converts anything thrown into a MediaError, keeping MediaErrors as they are. */
  static from(error: unknown, code: MediaErrorCode = 'badCommand'): MediaError {
    if (error instanceof MediaError) return error;
    return new MediaError(code, error instanceof Error ? error.message : String(error));
  }
}
