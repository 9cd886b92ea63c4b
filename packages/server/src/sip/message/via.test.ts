import { describe, expect, it } from 'vitest';
import { SipHeaders } from '../types.js';
import { formatVia, hostAddress, parseVia, topVia } from './via.js';

describe('parseVia', () => {
  it('reads protocol, transport, host, port and parameters', () => {
    const via = parseVia('SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bf9;rport;received=198.51.100.7');
    expect(via).toEqual({
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: '198.51.100.7',
      port: 5060,
      params: { branch: 'z9hG4bK74bf9', rport: null, received: '198.51.100.7' },
    });
  });

  it('tolerates white space around slashes and the port colon, and upper-cases protocol and transport', () => {
    const via = parseVia('sip / 2.0 /tcp  pbx.openccc.example : 5070 ; Branch = z9hG4bKx');
    expect(via).toMatchObject({ protocol: 'SIP/2.0', transport: 'TCP', host: 'pbx.openccc.example', port: 5070 });
    expect(via?.params).toEqual({ branch: 'z9hG4bKx' });
  });

  it('keeps an IPv6 host in brackets and accepts an IPv6 received', () => {
    const via = parseVia('SIP/2.0/UDP [2001:db8::7]:5060;branch=z9hG4bK1;received=[2001:db8::9]');
    expect(via?.host).toBe('[2001:db8::7]');
    expect(via?.params['received']).toBe('[2001:db8::9]');
    expect(hostAddress(via!.host)).toBe('2001:db8::7');
    expect(hostAddress('example.com')).toBe('example.com');
  });

  it('has no port when none is written', () => {
    expect(parseVia('SIP/2.0/TLS example.com;branch=z9hG4bK2')).not.toHaveProperty('port');
  });

  it.each([
    ['', 'empty'],
    ['SIP/2.0 198.51.100.7', 'no transport'],
    ['SIP/2.0/UDP', 'no host'],
    ['SIP/2.0/UDP 198.51.100.7:70000', 'port out of range'],
    ['SIP/2.0/UDP [2001:db8::zz]:5060', 'bad IPv6'],
    ['SIP/2.0/UDP host;branch=a;branch=b', 'repeated parameter'],
    ['SIP/2.0/UDP host;branch="open', 'open quote'],
    ['SIP/2.0/UDP host junk', 'text after the host'],
  ])('refuses %j (%s)', (value) => {
    expect(parseVia(value)).toBeNull();
  });
});

describe('formatVia', () => {
  it.each([
    'SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK74bf9;rport',
    'SIP/2.0/TCP [2001:db8::7];branch=z9hG4bK1;received=192.0.2.1;rport=4000',
    'SIP/2.0/WSS edge.example;branch=z9hG4bK3;alias',
  ])('round-trips %s', (value) => {
    const via = parseVia(value)!;
    expect(formatVia(via)).toBe(value);
    expect(parseVia(formatVia(via))).toEqual(via);
  });

  it('writes a normalised form of a loosely spaced value', () => {
    expect(formatVia(parseVia('SIP / 2.0 / udp host : 5060 ;branch=z9hG4bK9')!)).toBe('SIP/2.0/UDP host:5060;branch=z9hG4bK9');
  });
});

describe('topVia', () => {
  it('parses the first Via of a message, or gives null', () => {
    const headers = new SipHeaders([
      ['Via', 'SIP/2.0/UDP a.example;branch=z9hG4bKtop'],
      ['Via', 'SIP/2.0/UDP b.example;branch=z9hG4bKnext'],
    ]);
    expect(topVia(headers)?.params['branch']).toBe('z9hG4bKtop');
    expect(topVia(new SipHeaders())).toBeNull();
    expect(topVia(new SipHeaders([['Via', 'garbage']]))).toBeNull();
  });
});
