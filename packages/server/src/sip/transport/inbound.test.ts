import { describe, expect, it } from 'vitest';
import { DEFAULT_SIP_LIMITS } from '../message/limits.js';
import type { Endpoint } from '../types.js';
import { badRequestReason, salvageRequest } from './bad-request.js';
import { interpretInbound } from './inbound.js';

const SOURCE: Endpoint = { transport: 'udp', address: '203.0.113.7', port: 40_000 };

function wire(startLine: string, headers: string[], body = ''): Buffer {
  return Buffer.from(`${startLine}\r\n${headers.join('\r\n')}\r\n\r\n${body}`);
}

const GOOD_HEADERS = [
  'Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKabc;rport',
  'From: <sip:1001@example.com>;tag=f1',
  'To: <sip:1002@example.com>',
  'Call-ID: c1@10.0.0.5',
  'CSeq: 1 OPTIONS',
  'Max-Forwards: 70',
  'Content-Length: 0',
];

describe('interpretInbound', () => {
  it('delivers a well-formed request with received and rport set', () => {
    const outcome = interpretInbound(wire('OPTIONS sip:1002@example.com SIP/2.0', GOOD_HEADERS), SOURCE, DEFAULT_SIP_LIMITS);
    expect(outcome.kind).toBe('message');
    if (outcome.kind !== 'message') return;
    expect(outcome.message.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKabc;rport=40000;received=203.0.113.7');
  });

  it('delivers a response untouched', () => {
    const headers = GOOD_HEADERS.map((line) => (line.startsWith('Via') ? 'Via: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKabc' : line));
    const outcome = interpretInbound(wire('SIP/2.0 200 OK', headers), SOURCE, DEFAULT_SIP_LIMITS);
    expect(outcome).toMatchObject({ kind: 'message', message: { kind: 'response', status: 200 } });
    if (outcome.kind === 'message') expect(outcome.message.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.5;branch=z9hG4bKabc');
  });

  it('answers a request with a broken header 400, copying Via (stamped), From, To, Call-ID and CSeq', () => {
    const headers = GOOD_HEADERS.map((line) => (line.startsWith('CSeq') ? 'CSeq: one OPTIONS' : line));
    const outcome = interpretInbound(wire('OPTIONS sip:1002@example.com SIP/2.0', headers), SOURCE, DEFAULT_SIP_LIMITS);
    expect(outcome.kind).toBe('reject');
    if (outcome.kind !== 'reject') return;
    expect(outcome.response.status).toBe(400);
    expect(outcome.response.reason).toMatch(/^Bad Request \(.+\)$/);
    expect(outcome.response.headers.get('Via')).toBe('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKabc;rport=40000;received=203.0.113.7');
    expect(outcome.response.headers.get('Call-ID')).toBe('c1@10.0.0.5');
    expect(outcome.response.headers.get('CSeq')).toBe('one OPTIONS');
    expect(outcome.response.headers.get('From')).toBe('<sip:1001@example.com>;tag=f1');
  });

  it('drops what has no request line, no parsable Via, or is an ACK', () => {
    const noVia = GOOD_HEADERS.filter((line) => !line.startsWith('Via'));
    expect(interpretInbound(wire('OPTIONS sip:a@example.com SIP/2.0', noVia), SOURCE, DEFAULT_SIP_LIMITS).kind).toBe('drop');
    expect(interpretInbound(Buffer.from('\x16\x03\x01 hello'), SOURCE, DEFAULT_SIP_LIMITS).kind).toBe('drop');
    const badAck = GOOD_HEADERS.map((line) => (line.startsWith('CSeq') ? 'CSeq: x ACK' : line));
    expect(interpretInbound(wire('ACK sip:a@example.com SIP/2.0', badAck), SOURCE, DEFAULT_SIP_LIMITS).kind).toBe('drop');
    const badResponse = GOOD_HEADERS.map((line) => (line.startsWith('CSeq') ? 'CSeq: x OPTIONS' : line));
    expect(interpretInbound(wire('SIP/2.0 200 OK', badResponse), SOURCE, DEFAULT_SIP_LIMITS).kind).toBe('drop');
  });
});

describe('salvageRequest', () => {
  it('splits a Via comma list and keeps only the headers a response copies', () => {
    const request = salvageRequest(
      wire('INVITE sip:a@example.com SIP/2.0', ['v: SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1, SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0', 'Authorization: Digest secret', 'i: x@y']),
    );
    expect(request?.method).toBe('INVITE');
    expect(request?.headers.getAll('Via')).toEqual(['SIP/2.0/UDP 10.0.0.5;branch=z9hG4bK1', 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0']);
    expect(request?.headers.get('Call-ID')).toBe('x@y');
    expect(request?.headers.has('Authorization')).toBe(false);
  });

  it('refuses a request line that is not SIP/2.0 and a Via that does not parse', () => {
    expect(salvageRequest(wire('INVITE sip:a@example.com HTTP/1.1', ['Via: SIP/2.0/UDP h;branch=z9hG4bK1']))).toBeNull();
    expect(salvageRequest(wire('INVITE sip:a@example.com SIP/2.0', ['Via: SIP/2.0/UDP ;;;']))).toBeNull();
  });
});

describe('badRequestReason', () => {
  it('keeps the reason printable and short', () => {
    expect(badRequestReason('bad\r\nheader\x00')).toBe('Bad Request (bad header)');
    expect(badRequestReason('x'.repeat(500)).length).toBeLessThan(120);
    expect(badRequestReason('')).toBe('Bad Request');
  });
});
