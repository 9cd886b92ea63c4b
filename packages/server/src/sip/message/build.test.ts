import { describe, expect, it } from 'vitest';
import { SipHeaders, type SipRequest } from '../types.js';
import { createResponse, newTag, reasonPhrase } from './build.js';
import { parseSipMessage } from './parse.js';
import { serializeSipMessage } from './serialize.js';
import { SIP_CORPUS } from './test-corpus.js';

function invite(to = '<sip:1001@pbx.example>'): SipRequest {
  return {
    kind: 'request',
    method: 'INVITE',
    uri: 'sip:1001@pbx.example',
    headers: new SipHeaders([
      ['Via', 'SIP/2.0/UDP edge.example;branch=z9hG4bKtop'],
      ['Via', 'SIP/2.0/UDP carrier.example;branch=z9hG4bKfirst'],
      ['Max-Forwards', '69'],
      ['From', '<sip:caller@carrier.example>;tag=c1'],
      ['To', to],
      ['Call-ID', 'call-1@carrier.example'],
      ['CSeq', '7 INVITE'],
      ['Timestamp', '54.2'],
      ['Contact', '<sip:caller@198.51.100.7>'],
    ]),
    body: Buffer.from('v=0\r\n'),
  };
}

describe('createResponse', () => {
  it('copies every Via in order, From, To, Call-ID and CSeq, and nothing else', () => {
    const response = createResponse(invite(), 486);
    expect(response).toMatchObject({ kind: 'response', status: 486, reason: 'Busy Here' });
    expect(response.headers.entries()).toEqual([
      ['Via', 'SIP/2.0/UDP edge.example;branch=z9hG4bKtop'],
      ['Via', 'SIP/2.0/UDP carrier.example;branch=z9hG4bKfirst'],
      ['From', '<sip:caller@carrier.example>;tag=c1'],
      ['To', '<sip:1001@pbx.example>'],
      ['Call-ID', 'call-1@carrier.example'],
      ['CSeq', '7 INVITE'],
    ]);
    expect(response.body.length).toBe(0);
  });

  it('copies Timestamp into a 100 only', () => {
    expect(createResponse(invite(), 100).headers.get('Timestamp')).toBe('54.2');
    expect(createResponse(invite(), 180).headers.has('Timestamp')).toBe(false);
  });

  it('adds the To tag when To has none, and keeps an existing one', () => {
    expect(createResponse(invite(), 200, undefined, { toTag: 'u1' }).headers.get('To')).toBe('<sip:1001@pbx.example>;tag=u1');
    expect(createResponse(invite('<sip:1001@pbx.example>;tag=old'), 200, undefined, { toTag: 'u1' }).headers.get('To')).toBe(
      '<sip:1001@pbx.example>;tag=old',
    );
  });

  it('takes a custom reason, extra headers, a body and its type', () => {
    const body = Buffer.from('v=0\r\n');
    const response = createResponse(invite(), 200, 'Fine', {
      headers: [['Contact', '<sip:gw@203.0.113.10>'], ['Allow', 'INVITE, ACK']],
      body,
      contentType: 'application/sdp',
    });
    expect(response.reason).toBe('Fine');
    expect(response.headers.get('Contact')).toBe('<sip:gw@203.0.113.10>');
    expect(response.headers.get('Content-Type')).toBe('application/sdp');
    expect(response.body).toBe(body);
  });

  it('answers every corpus request with a response that serialises to a valid message', () => {
    for (const entry of SIP_CORPUS) {
      const parsed = parseSipMessage(entry.data);
      if (!parsed.ok || parsed.message.kind !== 'request') continue;
      const wire = serializeSipMessage(createResponse(parsed.message, 200, undefined, { toTag: newTag() }));
      const answer = parseSipMessage(wire);
      expect(answer.ok, entry.name).toBe(true);
      if (answer.ok) expect(answer.message.headers.get('CSeq')).toBe(parsed.message.headers.get('CSeq'));
    }
  });

  it('does not share the request header list', () => {
    const request = invite();
    createResponse(request, 200).headers.append('X-Extra', '1');
    expect(request.headers.has('X-Extra')).toBe(false);
  });
});

describe('reasonPhrase', () => {
  it('gives standard phrases and a class name for unknown codes', () => {
    expect(reasonPhrase(100)).toBe('Trying');
    expect(reasonPhrase(407)).toBe('Proxy Authentication Required');
    expect(reasonPhrase(481)).toBe('Call/Transaction Does Not Exist');
    expect(reasonPhrase(499)).toBe('Client Error');
    expect(reasonPhrase(699)).toBe('Global Failure');
  });
});

describe('newTag', () => {
  it('is at least 32 bits of hex and differs each time', () => {
    const tags = new Set(Array.from({ length: 100 }, () => newTag()));
    expect(tags.size).toBe(100);
    for (const tag of tags) expect(tag).toMatch(/^[0-9a-f]{8,}$/);
  });
});
