import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Headers and fields that may carry secrets are redacted wherever they appear.
 * Lines go to stdout synchronously by default: the server logs little at info, and an asynchronous
 * writer can lose the last lines ("openccc stopped") when the process exits with a write in flight.
 */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true })): Logger {
  return pino(
    {
      level,
      base: { service: 'openccc' },
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'secretKey', 'password', 'token', '*.secretKey', '*.password', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
