import { describe, expect, it } from 'vitest';
import { SipHeaders, type Endpoint, type SipRequest } from '../types.js';
import { stampReceived } from './via-stamp.js';

const SOURCE: Endpoint = { transport: 'udp', address: '203.0.113.7', port: 40_000 };

function request(entries: Array<[string, string]>): SipRequest {
  return { kind: 'request', method: 'REGISTER', uri: 'sip:example.com', headers: new SipHeaders(entries), body: Buffer.alloc(0) };
}

function topVia(req: SipRequest | null): string | undefined {
  return req?.headers.getAll('Via')[0];
}

describe('stampReceived', () => {
  it('adds received when the sent-by host is not the source (RFC 3261 §18.2.1)', () => {
    const stamped = stampReceived(request([['Via', 'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1']]), SOURCE);
    expect(topVia(stamped)).toBe('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=203.0.113.7');
  });

  it('leaves the Via alone when the sent-by host is the source and no rport is asked', () => {
    const stamped = stampReceived(request([['Via', 'SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK1']]), SOURCE);
    expect(topVia(stamped)).toBe('SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK1');
  });

  it('fills an empty rport and always adds received then (RFC 3581 §4)', () => {
    const stamped = stampReceived(request([['Via', 'SIP/2.0/UDP 203.0.113.7:5060;rport;branch=z9hG4bK1']]), SOURCE);
    expect(topVia(stamped)).toBe('SIP/2.0/UDP 203.0.113.7:5060;rport=40000;branch=z9hG4bK1;received=203.0.113.7');
  });

  it('replaces values a client wrote into received and rport with the packet source', () => {
    const forged = stampReceived(request([['Via', 'SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1;received=198.51.100.66;rport=1']]), SOURCE);
    expect(topVia(forged)).toBe('SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1;received=203.0.113.7;rport=40000');
    const claimed = stampReceived(request([['Via', 'SIP/2.0/UDP 203.0.113.7;received=198.51.100.66;branch=z9hG4bK1']]), SOURCE);
    expect(topVia(claimed)).toBe('SIP/2.0/UDP 203.0.113.7;branch=z9hG4bK1');
  });

  it('changes only the top Via, keeps header order, and does not touch the input', () => {
    const original = request([
      ['From', '<sip:1001@example.com>;tag=a'],
      ['Via', 'SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1'],
      ['Via', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0'],
      ['To', '<sip:1001@example.com>'],
    ]);
    const stamped = stampReceived(original, SOURCE);
    expect(stamped?.headers.entries()).toEqual([
      ['From', '<sip:1001@example.com>;tag=a'],
      ['Via', 'SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1;received=203.0.113.7'],
      ['Via', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0'],
      ['To', '<sip:1001@example.com>'],
    ]);
    expect(original.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1');
  });

  it('compares IPv6 hosts without brackets', () => {
    const stamped = stampReceived(request([['Via', 'SIP/2.0/UDP [2001:DB8::7];branch=z9hG4bK1']]), { transport: 'udp', address: '2001:db8::7', port: 5_060 });
    expect(topVia(stamped)).toBe('SIP/2.0/UDP [2001:DB8::7];branch=z9hG4bK1');
  });

  it('returns null without a parsable top Via', () => {
    expect(stampReceived(request([['From', '<sip:a@b>']]), SOURCE)).toBeNull();
    expect(stampReceived(request([['Via', 'nonsense']]), SOURCE)).toBeNull();
  });
});
