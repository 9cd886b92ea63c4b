import { describe, expect, it } from 'vitest';
import { parseInstanceNumber } from '../../numbers/number-format.js';
import { checkDialPlan, ConcurrencyCaps, DEFAULT_DIAL_PLAN } from './dial-plan.js';

describe('checkDialPlan', () => {
  it('allows mainland China numbers by default in every international spelling', () => {
    for (const number of ['008613800138000', '+86 138 0013 8000', '8613800138000', '0086-10-8888-6666']) {
      expect(checkDialPlan(DEFAULT_DIAL_PLAN, number), number).toEqual({ ok: true });
    }
    const stored = parseInstanceNumber('010-88886666');
    expect(stored.ok && checkDialPlan(DEFAULT_DIAL_PLAN, stored.number)).toEqual({ ok: true });
  });

  it('refuses other countries and premium-rate networks by default', () => {
    expect(checkDialPlan(DEFAULT_DIAL_PLAN, '+1 212 555 0100')).toEqual({ ok: false, reason: 'notAllowed' });
    expect(checkDialPlan(DEFAULT_DIAL_PLAN, '0044 20 7946 0000')).toEqual({ ok: false, reason: 'notAllowed' });
    expect(checkDialPlan(DEFAULT_DIAL_PLAN, '+979 1234 5678')).toEqual({ ok: false, reason: 'denied' });
    expect(checkDialPlan(DEFAULT_DIAL_PLAN, '00881 6 1234 5678')).toEqual({ ok: false, reason: 'denied' });
  });

  it('reads a national number without country code as international, so the default plan refuses it', () => {
    expect(checkDialPlan(DEFAULT_DIAL_PLAN, '13800138000')).toEqual({ ok: false, reason: 'notAllowed' });
  });

  it('lets deny win over allow and treats prefixes in any spelling alike', () => {
    const plan = { allow: ['+1', '0044', '86'], deny: ['1900', '+44 9'] };
    expect(checkDialPlan(plan, '+1 212 555 0100')).toEqual({ ok: true });
    expect(checkDialPlan(plan, '+1 900 555 0100')).toEqual({ ok: false, reason: 'denied' });
    expect(checkDialPlan(plan, '+44 20 7946 0000')).toEqual({ ok: true });
    expect(checkDialPlan(plan, '0044 909 879 0000')).toEqual({ ok: false, reason: 'denied' });
    expect(checkDialPlan({ allow: [''], deny: ['979'] }, '+49 30 1234567')).toEqual({ ok: true });
  });

  it('refuses empty input and anything that is not digits', () => {
    for (const number of ['', '+', '00', 'sip:8613800138000@carrier', '86138*0#', '86 138 x']) {
      expect(checkDialPlan({ allow: [''], deny: [] }, number), number).toEqual({ ok: false, reason: 'notAllowed' });
    }
  });

  it('ignores a malformed prefix instead of matching everything', () => {
    expect(checkDialPlan({ allow: ['8 6a'], deny: [] }, '8613800138000')).toEqual({ ok: false, reason: 'notAllowed' });
  });
});

describe('ConcurrencyCaps', () => {
  it('grants up to the limit per key and frees slots on release', () => {
    const caps = new ConcurrencyCaps();
    expect([caps.tryAcquire('agent:7', 2), caps.tryAcquire('agent:7', 2), caps.tryAcquire('agent:7', 2)]).toEqual([true, true, false]);
    expect(caps.tryAcquire('trunk:a', 1)).toBe(true);
    caps.release('agent:7');
    expect(caps.count('agent:7')).toBe(1);
    expect(caps.tryAcquire('agent:7', 2)).toBe(true);
    expect(caps.tryAcquire('agent:7', 0)).toBe(false);
  });

  it('holds only keys with calls in progress', () => {
    const caps = new ConcurrencyCaps();
    for (let i = 0; i < 1_000; i++) {
      caps.tryAcquire(`agent:${i}`, 1);
      caps.release(`agent:${i}`);
    }
    expect(caps.size).toBe(0);
  });

  it('treats a release without an acquire as a bug', () => {
    const caps = new ConcurrencyCaps();
    expect(() => caps.release('agent:1')).toThrow(/without a slot taken/);
    caps.tryAcquire('agent:1', 1);
    caps.release('agent:1');
    expect(() => caps.release('agent:1')).toThrow(/without a slot taken/);
  });
});
