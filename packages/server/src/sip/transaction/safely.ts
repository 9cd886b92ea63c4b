import type { Logger } from 'pino';

/** Calls into the TU so that a throwing handler cannot break the transaction that called it. */
export function safely(log: Logger, what: string, call: () => void): void {
  try {
    call();
  } catch (error) {
    log.error({ err: error }, `SIP transaction user handler threw (${what})`);
  }
}
