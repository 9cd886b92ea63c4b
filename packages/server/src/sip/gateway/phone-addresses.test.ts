import { describe, expect, it } from 'vitest';
import { PhoneAddresses } from './phone-addresses.js';

describe('PhoneAddresses', () => {
  it('knows an address while any phone is registered from it', () => {
    const phones = new PhoneAddresses();
    phones.set('1:1001', ['203.0.113.5']);
    phones.set('1:1002', ['203.0.113.5', '198.51.100.9']);
    expect(phones.has('203.0.113.5')).toBe(true);
    phones.set('1:1001', []);
    expect(phones.has('203.0.113.5')).toBe(true);
    phones.set('1:1002', ['198.51.100.9']);
    expect(phones.has('203.0.113.5')).toBe(false);
    expect(phones.has('198.51.100.9')).toBe(true);
    phones.set('1:1002', []);
    expect(phones.has('198.51.100.9')).toBe(false);
  });

  it('follows a phone that moves to another address', () => {
    const phones = new PhoneAddresses();
    phones.set('1:1001', ['203.0.113.5']);
    phones.set('1:1001', ['203.0.113.6']);
    expect([phones.has('203.0.113.5'), phones.has('203.0.113.6')]).toEqual([false, true]);
  });
});
