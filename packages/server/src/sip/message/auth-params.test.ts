import { describe, expect, it } from 'vitest';
import { CHALLENGE_UNQUOTED, formatAuthHeader, parseAuthHeader } from './auth-params.js';

describe('parseAuthHeader', () => {
  it('reads the scheme and parameters, names lower-cased, values unquoted', () => {
    expect(parseAuthHeader('Digest Realm="openccc", nonce="5f8d9e0a",algorithm=MD5 ,  qop="auth,auth-int", stale=FALSE')).toEqual({
      scheme: 'Digest',
      params: { realm: 'openccc', nonce: '5f8d9e0a', algorithm: 'MD5', qop: 'auth,auth-int', stale: 'FALSE' },
    });
  });

  it('unescapes quoted pairs and keeps commas inside quotes', () => {
    expect(parseAuthHeader('Digest username="a\\"b\\\\c", realm="x, y"')?.params).toEqual({ username: 'a"b\\c', realm: 'x, y' });
  });

  it.each([
    ['', 'empty'],
    ['Digest', 'no parameters'],
    ['Digest realm', 'no value'],
    ['Digest realm="open', 'unterminated quote'],
    ['Digest realm="a" nonce="b"', 'missing comma'],
    ['Digest realm="a", realm="b"', 'repeated name'],
    ['Digest realm="a",', 'trailing comma'],
    ['Basic dXNlcjpwYXNz', 'a token68 credential'],
  ])('refuses %j (%s)', (value) => {
    expect(parseAuthHeader(value)).toBeNull();
  });
});

describe('formatAuthHeader', () => {
  it('quotes all but algorithm, qop, nc and stale by default (credentials)', () => {
    expect(
      formatAuthHeader('Digest', { username: '1001', realm: 'openccc', uri: 'sip:pbx', algorithm: 'MD5', qop: 'auth', nc: '00000001', cnonce: 'c1' }),
    ).toBe('Digest username="1001", realm="openccc", uri="sip:pbx", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"');
  });

  it('quotes qop in a challenge, and any value that is not a token', () => {
    expect(formatAuthHeader('Digest', { realm: 'openccc', qop: 'auth', algorithm: 'MD5' }, CHALLENGE_UNQUOTED)).toBe(
      'Digest realm="openccc", qop="auth", algorithm=MD5',
    );
    expect(formatAuthHeader('Digest', { algorithm: 'a b' })).toBe('Digest algorithm="a b"');
  });

  it('escapes quotes and backslashes so the value round-trips', () => {
    const params = { username: 'we"ird\\name', realm: 'r, s', nc: '00000002' };
    expect(parseAuthHeader(formatAuthHeader('Digest', params))).toEqual({ scheme: 'Digest', params });
  });
});
