import { afterEach, describe, expect, it } from 'vitest';
import { GatewayHarness, trunkFixture } from './test-support/gateway-harness.js';

describe('SipGateway: requests outside calls', () => {
  let h: GatewayHarness;
  afterEach(() => h.close());

  it('answers OPTIONS 200 with the methods it allows', async () => {
    h = new GatewayHarness();
    const options = await h.request(h.newRequest('OPTIONS'));
    expect(options.finals.map((r) => r.status)).toEqual([200]);
    const allow = options.finals[0]?.headers.getAll('Allow').flatMap((v) => v.split(/\s*,\s*/));
    expect(allow).toEqual(expect.arrayContaining(['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'REGISTER']));
  });

  it('answers 483 to a request with Max-Forwards 0, without asking the engine', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture()] });
    const invite = h.trunkInvite();
    invite.headers.set('Max-Forwards', '0');
    const call = await h.request(invite);
    expect(call.finals.map((r) => r.status)).toEqual([483]);
    expect(h.engine.inboundCalls).toHaveLength(0);
  });

  it('answers 420 naming the extension in Unsupported to Require: 100rel', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture()] });
    const call = await h.request(h.trunkInvite({ headers: [['Require', '100rel']] }));
    expect(call.finals.map((r) => r.status)).toEqual([420]);
    expect(call.finals[0]?.headers.get('Unsupported')).toBe('100rel');
    expect(h.engine.inboundCalls).toHaveLength(0);
  });

  it('answers 405 with Allow to a method it does not take', async () => {
    h = new GatewayHarness();
    const call = await h.request(h.newRequest('SUBSCRIBE', { headers: [['Event', 'presence']] }));
    expect(call.finals.map((r) => r.status)).toEqual([405]);
    expect(call.finals[0]?.headers.getAll('Allow')).toContain('INVITE');
  });

  it('sends nothing at all to a scanner, whatever it asks', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture()] });
    const options = h.send(h.newRequest('OPTIONS', { headers: [['User-Agent', 'friendly-scanner']] }));
    const register = h.send(h.newRequest('REGISTER', { headers: [['User-Agent', 'sipvicious']] }));
    await h.advance(40_000);
    expect(h.gatewayTransport.sent).toEqual([]);
    expect(options.finals).toEqual([]);
    expect(register.finals).toEqual([]);
    expect(options.failures).toEqual(['timeout']);
  });

  it('sends a scanner\'s INVITE not even 100 Trying, absorbs its retransmissions, and forgets it', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture({ allow: ['192.0.2.1/32'] })] });
    const invite = h.send(h.trunkInvite({ headers: [['User-Agent', 'friendly-scanner']] }));
    await h.advance(5_000);
    // Its INVITE was sent again meanwhile (Timer A): still nothing, and the engine never heard of it.
    expect(h.gatewayTransport.sent).toEqual([]);
    expect(h.engine.inboundCalls).toEqual([]);
    await h.advance(40_000);
    expect(h.gatewayTransport.sent).toEqual([]);
    expect(invite.failures).toEqual(['timeout']);
    expect(h.gatewayLayer.size).toBe(0);
  });

  it('answers 481 to a BYE, INFO or UPDATE for a call it does not have', async () => {
    h = new GatewayHarness();
    for (const method of ['BYE', 'INFO', 'UPDATE']) {
      const request = h.newRequest(method);
      request.headers.set('To', '<sip:4001@127.0.0.2>;tag=gone');
      const call = await h.request(request);
      expect(call.finals.map((r) => r.status)).toEqual([481]);
    }
  });

  it('believes the source address a trusted edge names, and only a trusted one', async () => {
    const trunks = [trunkFixture({ allow: ['198.51.100.7/32'] })];
    const forwarded: Array<[string, string]> = [['X-OpenCCC-Source-IP', '198.51.100.7']];
    h = new GatewayHarness({ trunks, trustedProxies: ['127.0.0.1'] });
    const viaEdge = await h.request(h.trunkInvite({ headers: forwarded }));
    expect(viaEdge.finals.map((r) => r.status)).toEqual([200]);
    expect(h.engine.inboundCalls).toHaveLength(1);
    h.close();
    h = new GatewayHarness({ trunks });
    const spoofed = await h.request(h.trunkInvite({ headers: forwarded }));
    expect(spoofed.finals.map((r) => r.status)).toEqual([404]);
    expect(h.engine.inboundCalls).toHaveLength(0);
  });

  it('answers 482 to a second INVITE with the Call-ID of a call in progress', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture()] });
    const first = await h.request(h.trunkInvite({ callId: 'same@127.0.0.1' }));
    expect(first.finals.map((r) => r.status)).toEqual([200]);
    const second = await h.request(h.trunkInvite({ callId: 'same@127.0.0.1' }));
    expect(second.finals.map((r) => r.status)).toEqual([482]);
    expect(h.engine.inboundCalls).toHaveLength(1);
  });

  it('answers 200 to INFO in a call, and 503 to everything once closed, after ending its calls with BYE', async () => {
    h = new GatewayHarness({ trunks: [trunkFixture()] });
    const call = await h.request(h.trunkInvite({ callId: 'info@127.0.0.1' }));
    const ok = call.finals[0]!;
    h.sendRaw(h.ackFor(call.request, ok));
    const info = h.newRequest('INFO', { callId: 'info@127.0.0.1', cseq: 2 });
    info.headers.set('To', ok.headers.get('To') ?? '');
    expect((await h.request(info)).finals.map((r) => r.status)).toEqual([200]);
    h.gateway.close();
    await h.flush();
    expect(h.peerReceived('BYE')).toHaveLength(1);
    expect(h.gateway.callCount).toBe(0);
    const late = await h.request(h.trunkInvite());
    expect(late.finals.map((r) => r.status)).toEqual([503]);
    expect(h.engine.inboundCalls).toHaveLength(1);
  });
});
