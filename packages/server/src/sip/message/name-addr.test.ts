import { describe, expect, it } from 'vitest';
import { formatNameAddr, parseNameAddr } from './name-addr.js';

describe('parseNameAddr', () => {
  it('reads a quoted display name, the URI and the parameters', () => {
    expect(parseNameAddr('"Carrier" <sip:+14155550100@carrier.example.net>;tag=a73k')).toEqual({
      displayName: 'Carrier',
      uri: 'sip:+14155550100@carrier.example.net',
      params: { tag: 'a73k' },
    });
  });

  it('unescapes a quoted display name and keeps separators inside it', () => {
    const value = parseNameAddr('"Smith, \\"Bob\\" <\\\\> ;tag=no" <sip:bob@example.com>;tag=yes');
    expect(value?.displayName).toBe('Smith, "Bob" <\\> ;tag=no');
    expect(value?.params).toEqual({ tag: 'yes' });
  });

  it('reads an unquoted display name and no display name', () => {
    expect(parseNameAddr('Desk 1001 <sip:1001@pbx.example>')?.displayName).toBe('Desk 1001');
    expect(parseNameAddr('<sip:1001@pbx.example>')).not.toHaveProperty('displayName');
    expect(parseNameAddr('""<sip:1001@pbx.example>')?.displayName).toBe('');
  });

  it('in the bare form, takes what follows the URI as header parameters', () => {
    expect(parseNameAddr('sip:alice@example.com;tag=x;expires=60')).toEqual({
      uri: 'sip:alice@example.com',
      params: { tag: 'x', expires: '60' },
    });
  });

  it('keeps URI parameters inside the brackets apart from header parameters', () => {
    const value = parseNameAddr('<sip:gw@203.0.113.10;transport=tcp>;expires=60;+sip.instance="<urn:uuid:1234>"');
    expect(value?.uri).toBe('sip:gw@203.0.113.10;transport=tcp');
    expect(value?.params).toEqual({ expires: '60', '+sip.instance': '"<urn:uuid:1234>"' });
  });

  it('accepts other absolute URIs, and LWS inside the brackets', () => {
    expect(parseNameAddr('<urn:service:sos>')?.uri).toBe('urn:service:sos');
    expect(parseNameAddr('< sip:a@b >')?.uri).toBe('sip:a@b');
  });

  it.each([
    ['', 'empty'],
    ['*', 'the Contact wildcard'],
    ['"Open <sip:a@b>', 'unterminated quote'],
    ['"Name" sip:a@b', 'quoted name without brackets'],
    ['<sip:a@b', 'unclosed bracket'],
    ['<sip:a b@c>', 'space in the URI'],
    ['<sip:a@b>;tag=1;tag=2', 'repeated parameter'],
    ['sip:a@b?subject=x', 'bare URI with headers'],
    ['<nonsense>', 'not a URI'],
    ['<sip:a@b:99999>', 'invalid sip URI'],
    ['<sip:a@b> junk', 'text after the brackets'],
  ])('refuses %j (%s)', (value) => {
    expect(parseNameAddr(value)).toBeNull();
  });
});

describe('formatNameAddr', () => {
  it.each([
    '"Carrier" <sip:+14155550100@carrier.example.net>;tag=a73k',
    '<sip:1001@192.0.2.44:5062;transport=tcp>;expires=3600;+sip.instance="<urn:uuid:1>"',
    '"Say \\"hi\\"" <tel:+14155550100>',
  ])('round-trips %s', (text) => {
    const value = parseNameAddr(text)!;
    expect(formatNameAddr(value)).toBe(text);
    expect(parseNameAddr(formatNameAddr(value))).toEqual(value);
  });

  it('writes the bare form with brackets and an unquoted name quoted', () => {
    expect(formatNameAddr(parseNameAddr('sip:a@b;tag=1')!)).toBe('<sip:a@b>;tag=1');
    expect(formatNameAddr(parseNameAddr('Desk 1 <sip:a@b>')!)).toBe('"Desk 1" <sip:a@b>');
  });
});
