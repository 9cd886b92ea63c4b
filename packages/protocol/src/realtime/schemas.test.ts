import { describe, expect, it } from 'vitest';
import { REALTIME_VERSION } from './messages.js';
import { PASSWORD_LOGIN_REQUEST, TOKEN_LOGIN_REQUEST, parseClientFrame } from './schemas.js';

const TICKET = 'a'.repeat(64);
const hello = { type: 'hello', v: REALTIME_VERSION, ticket: TICKET, client: { type: 'Web', embedded: true } };

describe('parseClientFrame', () => {
  it('accepts each message of the protocol', () => {
    expect(parseClientFrame(hello)).toEqual({ kind: 'message', message: hello });
    const resumed = { ...hello, resume: { status: 'rest', reason: 'lunch' } };
    expect(parseClientFrame(resumed)).toEqual({ kind: 'message', message: resumed });
    expect(parseClientFrame({ type: 'ping' })).toEqual({ kind: 'message', message: { type: 'ping' } });
    expect(parseClientFrame({ type: 'logout' })).toEqual({ kind: 'message', message: { type: 'logout' } });
    const request = { type: 'request', id: 3, method: 'Agent.online', params: { a: 1 } };
    expect(parseClientFrame(request)).toEqual({ kind: 'message', message: request });
    expect(parseClientFrame({ type: 'request', id: 4, method: 'Agent.online' })).toEqual({ kind: 'message', message: { type: 'request', id: 4, method: 'Agent.online' } });
  });

  it('drops fields a newer client adds', () => {
    expect(parseClientFrame({ ...hello, features: ['x'], client: { type: 'Web', embedded: false, build: 9 } })).toEqual({
      kind: 'message',
      message: { ...hello, client: { type: 'Web', embedded: false } },
    });
    expect(parseClientFrame({ type: 'ping', at: 1 })).toEqual({ kind: 'message', message: { type: 'ping' } });
  });

  it('leaves types it does not know to the caller', () => {
    expect(parseClientFrame({ type: 'subscribe', topic: 'x' })).toEqual({ kind: 'unknown', type: 'subscribe' });
  });

  it('tells another protocol version and a missing ticket apart from other bad hellos', () => {
    expect(parseClientFrame({ ...hello, v: REALTIME_VERSION + 1, ticket: 5 })).toMatchObject({ kind: 'invalid', type: 'hello', problem: 'version', message: expect.stringContaining(`v${REALTIME_VERSION}`) });
    expect(parseClientFrame({ type: 'hello', v: REALTIME_VERSION })).toMatchObject({ kind: 'invalid', problem: 'ticket', message: 'A ticket is required.' });
    expect(parseClientFrame({ ...hello, client: { type: 'Web', embedded: 'yes' } })).toEqual({
      kind: 'invalid',
      type: 'hello',
      problem: 'field',
      requestId: null,
      message: 'The parameter `client.embedded` must be of type Boolean, but String was given.',
    });
    expect(parseClientFrame({ ...hello, resume: { status: 'dancing', reason: '' } })).toMatchObject({ kind: 'invalid', problem: 'field', message: expect.stringContaining('resume.status') });
    expect(parseClientFrame({ ...hello, ticket: 'a'.repeat(257) })).toMatchObject({ kind: 'invalid', problem: 'field' });
  });

  it('names the request to answer when its id can be read', () => {
    expect(parseClientFrame({ type: 'request', id: 7, method: 'Agent.online', params: [1] })).toEqual({
      kind: 'invalid',
      type: 'request',
      problem: 'field',
      requestId: 7,
      message: 'The parameter `params` must be of type Object, but Array was given.',
    });
    expect(parseClientFrame({ type: 'request', id: 7, method: 5 })).toMatchObject({ kind: 'invalid', requestId: 7, message: expect.stringContaining('`method`') });
    for (const id of [-1, 1.5, '7', null]) expect(parseClientFrame({ type: 'request', id, method: 'Agent.online' })).toMatchObject({ kind: 'invalid', requestId: null });
  });
});

describe('login bodies', () => {
  const token = { sdkAppId: 1400000001, userId: 'agent@example.com', token: 'f'.repeat(32), parentOrigin: 'https://crm.example.com' };

  it('parse the token and password logins, ignoring unknown fields', () => {
    expect(TOKEN_LOGIN_REQUEST.parse({ ...token, extra: 1 }, '', 'json')).toEqual(token);
    expect(PASSWORD_LOGIN_REQUEST.parse({ mail: 'a@b.c', password: 'pw' }, '', 'json')).toEqual({ mail: 'a@b.c', password: 'pw' });
    expect(PASSWORD_LOGIN_REQUEST.parse({ mail: 'a@b.c', password: 'pw', sdkAppId: null }, '', 'json')).toEqual({ mail: 'a@b.c', password: 'pw' });
  });

  it.each([
    [{ ...token, sdkAppId: '1400000001' }, '`sdkAppId` must be of type Integer'],
    [{ ...token, userId: '' }, '`userId` must be 1 to 128 characters long'],
    [{ ...token, parentOrigin: undefined }, 'required parameter `parentOrigin` is missing'],
    [[token], 'must be of type Object, but Array was given'],
  ])('refuse a bad token login body, naming the field (%#)', (body, message) => {
    expect(() => TOKEN_LOGIN_REQUEST.parse(body, '', 'json')).toThrow(message);
  });
});
