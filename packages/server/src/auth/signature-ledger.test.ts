import { describe, expect, it } from 'vitest';
import { SignatureLedger } from './signature-ledger.js';

const T0 = 1_700_000_000;

/** A clock the tests move by hand, in unix seconds. */
function manualClock(start = T0) {
  let seconds = start;
  return { now: () => seconds * 1000, advance: (by: number) => void (seconds += by) };
}

describe('SignatureLedger', () => {
  it('reports a first use, then repeats for the same binding and rebinding for another', () => {
    const ledger = new SignatureLedger(manualClock().now);
    expect(ledger.check('sig-a', 'DescribeStaffStatusMetrics', 'conn-2')).toEqual({ kind: 'first' });
    ledger.record('sig-a', 'DescribeStaffStatusMetrics', 'conn-1', T0 + 300);
    expect(ledger.check('sig-a', 'DescribeStaffStatusMetrics', 'conn-2')).toEqual({ kind: 'repeat' });
    expect(ledger.check('sig-a', 'DeleteStaff', 'conn-2')).toEqual({ kind: 'rebound', boundTo: 'DescribeStaffStatusMetrics' });
    expect(ledger.check('sig-b', 'DeleteStaff', 'conn-2')).toEqual({ kind: 'first' });
  });

  it('lets the sender of the first use, on its connection, use the signature for another binding', () => {
    const ledger = new SignatureLedger(manualClock().now);
    ledger.record('sig-a', 'ForceMemberOffline', 'conn-1', T0 + 300);
    expect(ledger.check('sig-a', 'RestoreMemberOnline', 'conn-1')).toEqual({ kind: 'repeat' });
    expect(ledger.check('sig-a', 'RestoreMemberOnline', 'conn-2')).toEqual({ kind: 'rebound', boundTo: 'ForceMemberOffline' });
    // A request whose origin is unknown matches no other, not even another unknown one.
    ledger.record('sig-b', 'ForceMemberOffline', undefined, T0 + 300);
    expect(ledger.check('sig-b', 'RestoreMemberOnline', undefined)).toEqual({ kind: 'rebound', boundTo: 'ForceMemberOffline' });
    expect(ledger.check('sig-b', 'ForceMemberOffline', undefined)).toEqual({ kind: 'repeat' });
  });

  it('checking records nothing', () => {
    const ledger = new SignatureLedger(manualClock().now);
    expect(ledger.check('sig-a', 'CreateSDKLoginToken', 'conn-2')).toEqual({ kind: 'first' });
    expect(ledger.check('sig-a', 'CreateAdminURL', 'conn-2')).toEqual({ kind: 'first' });
    expect(ledger.size).toBe(0);
  });

  it('keeps the first binding when a signature is recorded again', () => {
    const ledger = new SignatureLedger(manualClock().now);
    ledger.record('sig-a', 'CreateSDKLoginToken', 'conn-1', T0 + 300);
    ledger.record('sig-a', 'CreateAdminURL', 'conn-1', T0 + 300);
    expect(ledger.check('sig-a', 'CreateAdminURL', 'conn-2')).toEqual({ kind: 'rebound', boundTo: 'CreateSDKLoginToken' });
    expect(ledger.size).toBe(1);
  });

  it('remembers a signature through its last valid second and forgets it after', () => {
    const clock = manualClock();
    const ledger = new SignatureLedger(clock.now);
    ledger.record('sig-a', 'DeleteStaff', 'conn-1', T0 + 300);
    clock.advance(300);
    expect(ledger.check('sig-a', 'CreateStaff', 'conn-2')).toEqual({ kind: 'rebound', boundTo: 'DeleteStaff' });
    clock.advance(1);
    expect(ledger.check('sig-a', 'CreateStaff', 'conn-2')).toEqual({ kind: 'first' });
    expect(ledger.size).toBe(0);
  });

  it('forgets each signature at the end of its own window, whatever the order of recording', () => {
    const clock = manualClock();
    const ledger = new SignatureLedger(clock.now);
    // A timestamp 300 s in the future stays valid for 600 s; one from 300 s ago is at its last second.
    ledger.record('future', 'A', 'conn-1', T0 + 600);
    ledger.record('now', 'A', 'conn-1', T0 + 300);
    ledger.record('past', 'A', 'conn-1', T0);
    expect(ledger.size).toBe(3);
    clock.advance(1);
    expect(ledger.size).toBe(3);
    ledger.check('x', 'A', 'conn-2');
    expect(ledger.size).toBe(2);
    clock.advance(300);
    ledger.check('x', 'A', 'conn-2');
    expect(ledger.size).toBe(1);
    expect(ledger.check('future', 'B', 'conn-2')).toEqual({ kind: 'rebound', boundTo: 'A' });
    clock.advance(300);
    expect(ledger.check('future', 'B', 'conn-2')).toEqual({ kind: 'first' });
    expect(ledger.size).toBe(0);
  });

  it('does not record a signature whose window has already closed', () => {
    const ledger = new SignatureLedger(manualClock().now);
    ledger.record('stale', 'A', 'conn-1', T0 - 1);
    expect(ledger.size).toBe(0);
  });

  it('stays bounded under a steady stream: only the signatures of the last window are kept', () => {
    const clock = manualClock();
    const ledger = new SignatureLedger(clock.now);
    for (let second = 0; second < 3_000; second++) {
      for (let i = 0; i < 10; i++) ledger.record(`sig-${second}-${i}`, 'A', 'conn-1', T0 + second + 300);
      clock.advance(1);
    }
    // Ten a second for the 300 s window plus the current second.
    expect(ledger.size).toBe(3_010);
  });

  it('copes with a clock that jumps far ahead, and with one that goes back', () => {
    const clock = manualClock();
    const ledger = new SignatureLedger(clock.now);
    ledger.record('a', 'A', 'conn-1', T0 + 300);
    ledger.record('b', 'A', 'conn-1', T0 + 10);
    clock.advance(10 * 365 * 86_400);
    expect(ledger.check('a', 'B', 'conn-2')).toEqual({ kind: 'first' });
    expect(ledger.size).toBe(0);
    clock.advance(-1_000);
    ledger.record('c', 'A', 'conn-1', T0 + 10 * 365 * 86_400 + 300);
    expect(ledger.check('c', 'B', 'conn-2')).toEqual({ kind: 'rebound', boundTo: 'A' });
  });
});
