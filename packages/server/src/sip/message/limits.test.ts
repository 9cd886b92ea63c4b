import { describe, expect, it } from 'vitest';
import { DEFAULT_SIP_LIMITS, resolveLimits } from './limits.js';

describe('resolveLimits', () => {
  it('applies overrides and keeps the defaults for the rest, also for overrides left undefined', () => {
    expect(DEFAULT_SIP_LIMITS).toEqual({ maxMessageBytes: 65_535, maxHeaders: 128, maxHeaderLineBytes: 8_192, maxBodyBytes: 32_768 });
    expect(resolveLimits({ maxHeaders: 10, maxBodyBytes: undefined })).toEqual({ ...DEFAULT_SIP_LIMITS, maxHeaders: 10 });
    expect(resolveLimits()).toEqual(DEFAULT_SIP_LIMITS);
  });
});
