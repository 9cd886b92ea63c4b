import { describe, expect, it } from 'vitest';
import { IpAllowlist, parseCidr } from './ip-allowlist.js';

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 CIDRs and single addresses', () => {
    expect(parseCidr('203.0.113.0/24')).toEqual({ address: '203.0.113.0', prefix: 24, family: 'ipv4' });
    expect(parseCidr(' 198.51.100.7 ')).toEqual({ address: '198.51.100.7', prefix: 32, family: 'ipv4' });
    expect(parseCidr('2001:DB8::/32')).toEqual({ address: '2001:db8::', prefix: 32, family: 'ipv6' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
  });

  it('stores an IPv4-mapped entry as IPv4', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('::ffff:c000:201')).toEqual({ address: '192.0.2.1', prefix: 32, family: 'ipv4' });
  });

  it('refuses what is not an address or CIDR', () => {
    for (const text of ['', 'example.com', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/-1', '10.0.0.0/8/8', '10.0.0/8', '10.0.0.0/', '10.0.0.0/a', '256.0.0.1']) {
      expect(parseCidr(text), text).toBeNull();
    }
  });
});

describe('IpAllowlist', () => {
  const list = new IpAllowlist(['203.0.113.0/24', '198.51.100.7', '2001:db8:1::/48']);

  it('matches addresses inside the entries and nothing else', () => {
    expect(list.has('203.0.113.0')).toBe(true);
    expect(list.has('203.0.113.255')).toBe(true);
    expect(list.has('203.0.114.1')).toBe(false);
    expect(list.has('198.51.100.7')).toBe(true);
    expect(list.has('198.51.100.8')).toBe(false);
    expect(list.has('2001:db8:1:ffff::1')).toBe(true);
    expect(list.has('2001:db8:2::1')).toBe(false);
  });

  it('matches IPv4-mapped IPv6 sources against IPv4 entries, in both spellings', () => {
    expect(list.has('::ffff:203.0.113.9')).toBe(true);
    expect(list.has('::FFFF:cb00:7109')).toBe(true);
    expect(list.has('0:0:0:0:0:ffff:198.51.100.7')).toBe(true);
    expect(list.has('::ffff:203.0.114.9')).toBe(false);
    expect(new IpAllowlist(['::ffff:192.0.2.0/120']).has('192.0.2.200')).toBe(true);
  });

  it('answers false for input that is not an address', () => {
    expect(list.has('')).toBe(false);
    expect(list.has('203.0.113.1:5060')).toBe(false);
    expect(list.has('not an ip')).toBe(false);
  });

  it('is empty-safe and names a bad entry', () => {
    expect(new IpAllowlist([]).has('127.0.0.1')).toBe(false);
    expect(() => new IpAllowlist(['10.0.0.0/8', 'carrier.example'])).toThrow(/"carrier.example" is not an IPv4 or IPv6 address or CIDR/);
  });
});
