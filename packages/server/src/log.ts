import pino, { type Logger } from 'pino';

/** Structured JSON logs. Headers and fields that may carry secrets are redacted wherever they appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
