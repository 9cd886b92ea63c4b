/** Bounds a parser enforces before it trusts a message; anything beyond them is rejected. */
export interface SipLimits {
  /** A whole message (a datagram, or a frame on a stream), as received and as it would be written out again. */
  maxMessageBytes: number;
  /** Header entries, after comma lists are split. */
  maxHeaders: number;
  /** One logical header line (after unfolding), or the start line. */
  maxHeaderLineBytes: number;
  maxBodyBytes: number;
}

/** A UDP datagram's maximum size bounds a message; bodies are SDP or small, not files. */
export const DEFAULT_SIP_LIMITS: SipLimits = {
  maxMessageBytes: 65_535,
  maxHeaders: 128,
  maxHeaderLineBytes: 8_192,
  maxBodyBytes: 32_768,
};

/** The defaults with the given overrides applied (an override left undefined keeps its default). */
export function resolveLimits(limits: Partial<SipLimits> = {}): SipLimits {
  return {
    maxMessageBytes: limits.maxMessageBytes ?? DEFAULT_SIP_LIMITS.maxMessageBytes,
    maxHeaders: limits.maxHeaders ?? DEFAULT_SIP_LIMITS.maxHeaders,
    maxHeaderLineBytes: limits.maxHeaderLineBytes ?? DEFAULT_SIP_LIMITS.maxHeaderLineBytes,
    maxBodyBytes: limits.maxBodyBytes ?? DEFAULT_SIP_LIMITS.maxBodyBytes,
  };
}
