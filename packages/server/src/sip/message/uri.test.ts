import { describe, expect, it } from 'vitest';
import { formatUri, parseUri, percentDecode, uriUser } from './uri.js';

describe('parseUri', () => {
  it('reads every part of a sip URI', () => {
    expect(parseUri('sip:alice:secret@pbx.openccc.example:5070;transport=tcp;lr?subject=hi&priority=urgent')).toEqual({
      scheme: 'sip',
      user: 'alice',
      password: 'secret',
      host: 'pbx.openccc.example',
      port: 5070,
      params: { transport: 'tcp', lr: null },
      headers: { subject: 'hi', priority: 'urgent' },
    });
  });

  it('lower-cases the scheme and parameter names, keeps values and the host as written', () => {
    const uri = parseUri('SIPS:Bob@Example.COM;Transport=TLS');
    expect(uri).toMatchObject({ scheme: 'sips', user: 'Bob', host: 'Example.COM', params: { transport: 'TLS' } });
  });

  it('accepts a URI without a user, and an IPv6 host in brackets', () => {
    expect(parseUri('sip:[2001:db8::1]:5060')).toMatchObject({ host: '[2001:db8::1]', port: 5060 });
    expect(parseUri('sip:carrier.example.net')).not.toHaveProperty('user');
  });

  it('accepts escaped characters and user parameters in the user part, and decodes them with uriUser', () => {
    const uri = parseUri('sip:%61lice%20smith;npdi=yes@example.com')!;
    expect(uri.user).toBe('%61lice%20smith;npdi=yes');
    expect(uriUser(uri)).toBe('alice smith;npdi=yes');
    expect(uriUser(parseUri('sip:%E2%82%AC@example.com')!)).toBe('€');
    expect(uriUser(parseUri('sip:example.com')!)).toBe('');
  });

  it('puts a tel URI number in user', () => {
    expect(parseUri('tel:+1-415-555-0100;phone-context=example.com')).toEqual({
      scheme: 'tel',
      user: '+1-415-555-0100',
      host: '',
      params: { 'phone-context': 'example.com' },
      headers: {},
    });
  });

  it('keeps a parameter named __proto__ as data', () => {
    const uri = parseUri('sip:a@b;__proto__=x')!;
    expect(Object.keys(uri.params)).toEqual(['__proto__']);
    expect(uri.params['__proto__']).toBe('x');
  });

  it.each([
    ['http://example.com', 'another scheme'],
    ['sip:', 'no host'],
    ['sip:alice@', 'no host after the user'],
    ['sip:alice smith@example.com', 'a space in the user'],
    ['sip:alice@exa mple.com', 'a space in the host'],
    ['sip:alice@example.com:99999', 'port out of range'],
    ['sip:alice@example.com:', 'empty port'],
    ['sip:alice@[2001:db8::g]', 'bad IPv6'],
    ['sip:alice@[2001:db8::1', 'open bracket'],
    ['sip:alice@example.com;lr;lr', 'repeated parameter'],
    ['sip:alice@example.com;=x', 'empty parameter name'],
    ['sip:alice@example.com?noequals', 'a header without a value'],
    ['sip:al%zzice@example.com', 'a bad escape'],
    ['sip:<alice@example.com>', 'angle brackets'],
    ['tel:call-me', 'not a number'],
  ])('refuses %j (%s)', (text) => {
    expect(parseUri(text)).toBeNull();
  });
});

describe('formatUri', () => {
  it.each([
    'sip:alice@pbx.openccc.example',
    'sip:alice:pw@pbx.openccc.example:5070;transport=tcp;lr?subject=hi&x=',
    'sips:[2001:db8::1]:5061;maddr=[2001:db8::2]',
    'sip:%61lice%20smith@example.com',
    'tel:+14155550100;ext=12',
  ])('round-trips %s', (text) => {
    const uri = parseUri(text)!;
    expect(formatUri(uri)).toBe(text);
    expect(parseUri(formatUri(uri))).toEqual(uri);
  });
});

describe('percentDecode', () => {
  it('leaves a stray % alone', () => {
    expect(percentDecode('100%')).toBe('100%');
    expect(percentDecode('a%2')).toBe('a%2');
  });
});
