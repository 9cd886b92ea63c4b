/** The codes console API errors carry; the console translates them, the message is for developers. */
export type ConsoleErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf'
  | 'bad-credentials'
  | 'instance-required'
  | 'rate-limited'
  | 'link-invalid'
  | 'link-expired'
  | 'link-used'
  | 'invalid'
  | 'not-found'
  | 'conflict'
  | 'too-large'
  | 'internal';

/** An error a console API route answers with: `{ error: { code, message } }` and the HTTP status. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: ConsoleErrorCode,
    message: string,
    /** The field the error is about, for forms. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConsoleError';
  }

  toJSON(): { error: { code: ConsoleErrorCode; message: string; field?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}
