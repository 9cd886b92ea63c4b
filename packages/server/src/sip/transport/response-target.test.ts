import { describe, expect, it } from 'vitest';
import { SipHeaders, type Endpoint, type Received, type SipRequest } from '../types.js';
import { responseTarget } from './response-target.js';

function request(...vias: string[]): SipRequest {
  return { kind: 'request', method: 'OPTIONS', uri: 'sip:a@example.com', headers: new SipHeaders(vias.map((via) => ['Via', via])), body: Buffer.alloc(0) };
}

function from(source: Endpoint, message: SipRequest): Received {
  return { message, source, local: { transport: source.transport, address: '127.0.0.1', port: 5060 }, flowId: 'flow' };
}

const UDP_SOURCE: Endpoint = { transport: 'udp', address: '203.0.113.7', port: 40_000 };

describe('responseTarget', () => {
  it('answers a TCP request at its source, whatever its Via says', () => {
    const source: Endpoint = { transport: 'tcp', address: '203.0.113.7', port: 51_000 };
    const req = request('SIP/2.0/TCP 10.0.0.5:5070;branch=z9hG4bK1;received=198.51.100.1;rport=9');
    expect(responseTarget(req, from(source, req))).toEqual(source);
  });

  it('uses received and rport over UDP (RFC 3581)', () => {
    const req = request('SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1;rport=40000;received=203.0.113.7', 'SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKx');
    expect(responseTarget(req, from(UDP_SOURCE, req))).toEqual({ transport: 'udp', address: '203.0.113.7', port: 40_000 });
  });

  it('uses received with the sent-by port when there is no rport (RFC 3261 §18.2.2)', () => {
    const req = request('SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1;received=203.0.113.7');
    expect(responseTarget(req, from(UDP_SOURCE, req))).toEqual({ transport: 'udp', address: '203.0.113.7', port: 5_070 });
  });

  it('uses sent-by, with 5060 as the default port, when there is no received', () => {
    const req = request('SIP/2.0/UDP 203.0.113.7;branch=z9hG4bK1');
    expect(responseTarget(req, from(UDP_SOURCE, req))).toEqual({ transport: 'udp', address: '203.0.113.7', port: 5_060 });
  });

  it('uses the sent-by host with rport when the host was the source', () => {
    const req = request('SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK1;rport=40000');
    expect(responseTarget(req, from(UDP_SOURCE, req))).toEqual({ transport: 'udp', address: '203.0.113.7', port: 40_000 });
  });

  it('drops IPv6 brackets from the sent-by host', () => {
    const source: Endpoint = { transport: 'udp', address: '2001:db8::7', port: 5_062 };
    const req = request('SIP/2.0/UDP [2001:db8::7]:5062;branch=z9hG4bK1');
    expect(responseTarget(req, from(source, req))).toEqual({ transport: 'udp', address: '2001:db8::7', port: 5_062 });
  });

  it('ignores an rport flag or an impossible port and falls back to sent-by', () => {
    const flag = request('SIP/2.0/UDP 203.0.113.7:5080;branch=z9hG4bK1;rport');
    expect(responseTarget(flag, from(UDP_SOURCE, flag)).port).toBe(5_080);
    const huge = request('SIP/2.0/UDP 203.0.113.7:5080;branch=z9hG4bK1;rport=70000');
    expect(responseTarget(huge, from(UDP_SOURCE, huge)).port).toBe(5_080);
  });

  it('answers at the source when the request has no usable Via', () => {
    const req = request('garbage');
    expect(responseTarget(req, from(UDP_SOURCE, req))).toEqual(UDP_SOURCE);
  });
});
