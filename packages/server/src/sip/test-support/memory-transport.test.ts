import { describe, expect, it } from 'vitest';
import { createResponse } from '../message/build.js';
import type { Received, SipTransportError } from '../types.js';
import { ManualScheduler } from './manual-scheduler.js';
import { createMemoryTransportPair } from './memory-transport.js';
import { requestFixture } from './sip-fixtures.js';

describe('memory transport pair', () => {
  it('delivers a re-parsed copy to the peer with source, local endpoint and flow', () => {
    const scheduler = new ManualScheduler();
    const { a, b } = createMemoryTransportPair({ scheduler });
    const got: Received[] = [];
    b.onMessage((received) => got.push(received));
    const request = requestFixture({ branch: 'z9hG4bKm1' });
    a.send(request, b.endpoint);
    expect(got).toHaveLength(0);
    scheduler.advance(0);
    expect(got).toHaveLength(1);
    const [received] = got;
    expect(received?.message).not.toBe(request);
    expect(received?.message.kind === 'request' && received.message.method).toBe('INVITE');
    expect(received?.message.headers.get('Via')).toBe('SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKm1');
    expect(received?.source).toEqual(a.endpoint);
    expect(received?.local).toEqual(b.endpoint);
    expect(received?.flowId).toMatch(/127\.0\.0\.1/);
  });

  it('delivers on a microtask without a scheduler', async () => {
    const { a, b } = createMemoryTransportPair();
    const delivered = new Promise<Received>((resolve) => b.onMessage(resolve));
    a.send(requestFixture({ branch: 'z9hG4bKm2' }), b.endpoint);
    expect((await delivered).source).toEqual(a.endpoint);
  });

  it('loses and duplicates what the hooks say, and still records what was sent', () => {
    const scheduler = new ManualScheduler();
    const { a, b, wire } = createMemoryTransportPair({ scheduler });
    const got: number[] = [];
    a.onMessage((received) => got.push(received.message.kind === 'response' ? received.message.status : 0));
    const request = requestFixture({ branch: 'z9hG4bKm3' });
    wire.drop = (message, from) => from === 'b' && message.kind === 'response' && message.status === 180;
    wire.duplicate = (message) => message.kind === 'response' && message.status === 200;
    b.send(createResponse(request, 180), a.endpoint);
    b.send(createResponse(request, 200), a.endpoint);
    scheduler.advance(0);
    expect(got).toEqual([200, 200]);
    expect(b.sent.map((m) => (m.kind === 'response' ? m.status : 0))).toEqual([180, 200]);
  });

  it('reports a message to any other endpoint as a transport error', () => {
    const scheduler = new ManualScheduler();
    const { a } = createMemoryTransportPair({ scheduler });
    const errors: SipTransportError[] = [];
    a.onError((error) => errors.push(error));
    const nowhere = { transport: 'udp' as const, address: '192.0.2.9', port: 5060 };
    a.send(requestFixture({ branch: 'z9hG4bKm4' }), nowhere);
    scheduler.advance(0);
    expect(errors.map((e) => e.endpoint)).toEqual([nowhere]);
  });
});
