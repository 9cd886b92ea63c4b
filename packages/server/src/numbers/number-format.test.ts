import { describe, expect, it } from 'vitest';
import { parseInstanceNumber } from './number-format.js';

describe('parseInstanceNumber', () => {
  it.each([
    ['0086 400 123 4567', '00864001234567'],
    ['+86 400-123-4567', '00864001234567'],
    ['+86(10)88886666', '00861088886666'],
    ['8613800138000', '008613800138000'],
    ['13800138000', '008613800138000'],
    ['010-88886666', '00861088886666'],
    ['95555', '008695555'],
    ['  00864001234567 ', '00864001234567'],
  ])('%s → %s', (input, expected) => {
    expect(parseInstanceNumber(input)).toEqual({ ok: true, number: expected });
  });

  it.each([
    ['+1 415 555 0100', /not a mainland China number/],
    ['0044 20 7946 0000', /not a mainland China number/],
    ['400-CALL-NOW', /not a phone number/],
    ['', /not a phone number/],
    ['00860123', /not a phone number/],
    ['1234', /wrong length/],
    ['0086 12345678901234567', /wrong length/],
  ])('refuses %s', (input, reason) => {
    const result = parseInstanceNumber(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.en).toMatch(reason);
  });
});
