import { describe, expect, it } from 'vitest';
import { offerAudio, readAudioSdp } from '../sdp.js';
import { answerFor, isPrivate, legForOffer } from './media-offer.js';

const offer = (address: string, options: { codecs?: Array<'PCMU' | 'PCMA'>; telephoneEvent?: number | null; ptime?: number } = {}) =>
  offerAudio({ address, port: 30_000 }, { codecs: options.codecs ?? ['PCMU', 'PCMA'], sessionId: '7', ...(options.telephoneEvent !== undefined ? { telephoneEvent: options.telephoneEvent } : {}), ...(options.ptime !== undefined ? { ptime: options.ptime } : {}) });

describe('legForOffer', () => {
  it("takes the offer's first G.711 codec, its telephone-event type and its ptime", () => {
    const check = legForOffer(offer('203.0.113.5', { codecs: ['PCMA', 'PCMU'], telephoneEvent: 96, ptime: 40 }));
    expect(check.ok && check.params).toEqual({ kind: 'rtp', remote: { address: '203.0.113.5', port: 30_000 }, codec: 'PCMA', telephoneEventPayloadType: 96, ptime: 40 });
  });

  it('keeps to the codecs it is told to prefer (a re-INVITE keeps the call codec)', () => {
    const check = legForOffer(offer('203.0.113.5', { codecs: ['PCMU', 'PCMA'] }), ['PCMA']);
    expect(check.ok && check.params.codec).toBe('PCMA');
    expect(legForOffer(offer('203.0.113.5', { codecs: ['PCMU'] }), ['PCMA'])).toMatchObject({ ok: false, status: 488 });
  });

  it('leaves out telephone-event when not offered, and a ptime the media plane does not send', () => {
    const check = legForOffer(offer('203.0.113.5', { telephoneEvent: null, ptime: 25 }));
    expect(check.ok && check.params).toEqual({ kind: 'rtp', remote: { address: '203.0.113.5', port: 30_000 }, codec: 'PCMU' });
  });

  it('refuses with 488 an offer without G.711 or that is not SDP', () => {
    const g722 = ['v=0', 'o=- 1 1 IN IP4 203.0.113.5', 's=-', 'c=IN IP4 203.0.113.5', 't=0 0', 'm=audio 30000 RTP/AVP 9', 'a=rtpmap:9 G722/8000', ''].join('\r\n');
    expect(legForOffer(g722)).toMatchObject({ ok: false, status: 488, reason: 'Offer has neither PCMU nor PCMA' });
    expect(legForOffer('not sdp')).toMatchObject({ ok: false, status: 488 });
    expect(legForOffer('')).toMatchObject({ ok: false, status: 488 });
  });

  it('sends to the signalling address and latches when a private SDP address comes from a public source', () => {
    const check = legForOffer(offer('192.168.1.20'), undefined, '198.51.100.7');
    expect(check.ok && check.params.remote).toEqual({ address: '198.51.100.7', port: 30_000, latch: true });
  });

  it.each([
    ['a public SDP address', '203.0.113.5', '198.51.100.7'],
    ['a private source (same LAN or through a private edge)', '192.168.1.20', '10.0.0.9'],
    ['the SDP and signalling addresses agreeing', '192.168.1.20', '192.168.1.20'],
    ['no signalling address (a carrier)', '192.168.1.20', undefined],
  ])('keeps the SDP address for %s', (_label, address, source) => {
    const check = legForOffer(offer(address), undefined, source);
    expect(check.ok && check.params.remote).toEqual({ address, port: 30_000 });
  });
});

describe('isPrivate', () => {
  it.each(['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.0.1', '100.64.0.1', '100.127.255.255', 'fc00::1', 'FD12:3456::1'])('%s is private', (address) => {
    expect(isPrivate(address)).toBe(true);
  });

  it.each(['172.15.255.255', '172.32.0.1', '192.169.0.1', '100.63.255.255', '100.128.0.1', '11.0.0.1', '203.0.113.5', '127.0.0.1', '2001:db8::1', 'fe80::1', 'not-an-ip', ''])('%s is not private', (address) => {
    expect(isPrivate(address)).toBe(false);
  });
});

describe('answerFor', () => {
  it('answers with the leg address and port, the chosen codec and the offered telephone-event', () => {
    const read = readAudioSdp(offer('203.0.113.5', { codecs: ['PCMU', 'PCMA'], telephoneEvent: 101 }));
    if ('error' in read) throw new Error(read.detail);
    const answer = readAudioSdp(answerFor(read, 'PCMA', { address: '192.0.2.10', port: 40_000 }, 'session-1'));
    expect(answer).toMatchObject({ address: '192.0.2.10', port: 40_000, codecs: [{ pt: 8, name: 'PCMA' }], telephoneEvent: 101, direction: 'sendrecv' });
  });

  it('writes the same o= session id for the same call, and a numeric one', () => {
    const read = readAudioSdp(offer('203.0.113.5'));
    if ('error' in read) throw new Error(read.detail);
    const origin = (sessionId: string) => /^o=\S+ (\S+) /m.exec(answerFor(read, 'PCMU', { address: '192.0.2.10', port: 40_000 }, sessionId))?.[1];
    expect(origin('abc')).toBe(origin('abc'));
    expect(origin('abc')).toMatch(/^[0-9]+$/);
    expect(origin('abc')).not.toBe(origin('abd'));
  });

  it('throws when asked to answer with a codec the offer does not list', () => {
    const read = readAudioSdp(offer('203.0.113.5', { codecs: ['PCMU'] }));
    if ('error' in read) throw new Error(read.detail);
    expect(() => answerFor(read, 'PCMA', { address: '192.0.2.10', port: 40_000 }, 's')).toThrow();
  });
});
