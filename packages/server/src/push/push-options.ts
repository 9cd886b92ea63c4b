/** How pushes are delivered; every default in one place. */
export interface PushDeliveryOptions {
  /** Wait before each retry; its length is the number of retries (TCCC: 3). */
  retryDelaysMs: readonly number[];
  /** How long one request (the token request included) may take before it counts as failed. */
  requestTimeoutMs: number;
  /** Requests in flight at once to one instance's receiver. */
  concurrency: number;
  /** How long delivered pushes stay in the delivery log. */
  deliveredRetentionMs: number;
  /** An OAuth access token is refreshed this long before its `expires_in` runs out. */
  tokenRefreshMarginMs: number;
  /**
   * Outcomes of attempts are written together, at most this long after the first of them (0: at
   * once). One commit then holds many; an outcome lost in a crash only means the push is sent again.
   */
  settleDelayMs: number;
}

export const DEFAULT_PUSH_OPTIONS: PushDeliveryOptions = {
  retryDelaysMs: [10_000, 60_000, 300_000],
  requestTimeoutMs: 10_000,
  concurrency: 4,
  deliveredRetentionMs: 30 * 86_400_000,
  tokenRefreshMarginMs: 60_000,
  settleDelayMs: 50,
};

/** The options with the defaults filled in; throws for values that cannot work. */
export function pushOptions(overrides: Partial<PushDeliveryOptions> = {}): PushDeliveryOptions {
  const options = { ...DEFAULT_PUSH_OPTIONS, ...overrides };
  if (!options.retryDelaysMs.every((ms) => Number.isFinite(ms) && ms >= 0)) throw new Error('Push retry delays must be milliseconds, 0 or more.');
  if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) throw new Error(`Push concurrency must be a whole number, at least 1; got ${options.concurrency}.`);
  if (!(options.requestTimeoutMs > 0)) throw new Error(`The push request timeout must be positive; got ${options.requestTimeoutMs}.`);
  return options;
}

/** After a failed attempt (`attempts` made so far): when the next one is due, or null when none is left. */
export function nextAttemptAt(options: PushDeliveryOptions, attempts: number, now: number): number | null {
  const delay = options.retryDelaysMs[attempts - 1];
  return delay === undefined ? null : now + delay;
}
