import { describe, expect, it } from 'vitest';
import { DEFAULT_SIP_LIMITS, resolveLimits, type SipLimits } from './limits.js';

describe('resolveLimits', () => {
  it('applies overrides and keeps the defaults for the rest, also for overrides left undefined', () => {
    expect(DEFAULT_SIP_LIMITS).toEqual({ maxMessageBytes: 65_535, maxHeaders: 128, maxHeaderLineBytes: 8_192, maxBodyBytes: 32_768 });
    // A configuration object read at run time may carry a key whose value is undefined.
    const overrides: Partial<SipLimits> = { maxHeaders: 10 };
    Reflect.set(overrides, 'maxBodyBytes', undefined);
    expect(resolveLimits(overrides)).toEqual({ ...DEFAULT_SIP_LIMITS, maxHeaders: 10 });
    expect(resolveLimits()).toEqual(DEFAULT_SIP_LIMITS);
  });
});
