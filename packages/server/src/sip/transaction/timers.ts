import type { SipTimerValues } from '../types.js';

/**
 * RFC 3261 timer values (Table 4 of §A) from T1, T2 and T4. Timers whose only purpose is to
 * absorb retransmissions over an unreliable transport last 0 ms over TCP.
 */

/** Timers B, F and H, and RFC 6026's L and M: 64·T1. */
export function transactionTimeout(timers: SipTimerValues): number {
  return 64 * timers.t1;
}

/** Timer D: at least 32 s over UDP (to absorb the final response's retransmissions), 0 over TCP. */
export function timerD(timers: SipTimerValues, reliable: boolean): number {
  return reliable ? 0 : Math.max(32_000, 64 * timers.t1);
}

/** Timers I and K: T4 over UDP, 0 over TCP. */
export function timerIK(timers: SipTimerValues, reliable: boolean): number {
  return reliable ? 0 : timers.t4;
}

/** Timer J: 64·T1 over UDP, 0 over TCP. */
export function timerJ(timers: SipTimerValues, reliable: boolean): number {
  return reliable ? 0 : 64 * timers.t1;
}

/** How long an INVITE server transaction waits for the TU before sending 100 Trying itself (§17.2.1). */
export const TRYING_DELAY_MS = 200;
