import { describe, expect, it } from 'vitest';
import { answerAudio, offerAudio, readAudioAnswer, readAudioSdp, type AudioOffer } from './sdp.js';

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;

/** baresip 3.x calling with its default codec list (Opus, G.722, G.711) and RFC 4733 events. */
const BARESIP = crlf([
  'v=0',
  'o=- 1733117351 4145102652 IN IP4 192.168.1.23',
  's=-',
  'c=IN IP4 192.168.1.23',
  't=0 0',
  'm=audio 10226 RTP/AVP 96 9 0 8 101',
  'b=AS:96',
  'a=rtpmap:96 opus/48000/2',
  'a=fmtp:96 stereo=1;sprop-stereo=1',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'a=label:1',
  'a=rtcp-rsize',
  'a=ssrc:2081283384 cname:d71f6b0e-2b7c-4b7c-9b1e-5d0f2c1b1a11',
]);

/** sipp's uac_pcap scenario: PCMA only with events, no rtpmap for the static type. */
const SIPP_UAC_PCAP = crlf([
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-11,16',
]);

/** A carrier's SBC: G.729 first, G.711 both laws, events on 100, 30 ms packets, media-level c=. */
const CARRIER = crlf([
  'v=0',
  'o=SBC 1000 1001 IN IP4 203.0.113.10',
  's=SBC call',
  't=0 0',
  'm=audio 31000 RTP/AVP 18 8 0 100',
  'c=IN IP4 203.0.113.20',
  'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:100 telephone-event/8000',
  'a=fmtp:100 0-15',
  'a=ptime:30',
  'a=maxptime:40',
]);

/** A desk phone putting the call on hold the RFC 3264 way. */
const HOLD_SENDONLY = crlf(['v=0', 'o=- 20 21 IN IP4 10.0.0.5', 's=-', 'c=IN IP4 10.0.0.5', 't=0 0', 'm=audio 4000 RTP/AVP 0 101', 'a=rtpmap:101 telephone-event/8000', 'a=sendonly']);

/** An old UA holding with RFC 2543's c=0.0.0.0. */
const HOLD_ZERO = crlf(['v=0', 'o=- 20 22 IN IP4 10.0.0.5', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', 'm=audio 4000 RTP/AVP 0']);

describe('readAudioSdp', () => {
  it('reads a baresip offer, keeping only G.711 in its order', () => {
    expect(readAudioSdp(BARESIP)).toEqual({
      address: '192.168.1.23',
      port: 10226,
      codecs: [
        { pt: 0, name: 'PCMU' },
        { pt: 8, name: 'PCMA' },
      ],
      telephoneEvent: 101,
      direction: 'sendrecv',
      ptime: null,
    });
  });

  it('reads sipp uac_pcap (PCMA 8 + 101)', () => {
    expect(readAudioSdp(SIPP_UAC_PCAP)).toMatchObject({ address: '127.0.0.1', port: 6000, codecs: [{ pt: 8, name: 'PCMA' }], telephoneEvent: 101 });
  });

  it('reads a carrier offer with a media-level connection, G.729 ignored, events on 100 and ptime 30', () => {
    expect(readAudioSdp(CARRIER)).toEqual({
      address: '203.0.113.20',
      port: 31000,
      codecs: [
        { pt: 8, name: 'PCMA' },
        { pt: 0, name: 'PCMU' },
      ],
      telephoneEvent: 100,
      direction: 'sendrecv',
      ptime: 30,
    });
  });

  it('reads static types without rtpmap and a dynamic type mapped to a G.711 name', () => {
    const sdp = crlf(['v=0', 'o=- 1 1 IN IP4 10.1.1.1', 's=-', 'c=IN IP4 10.1.1.1', 't=0 0', 'm=audio 5004 RTP/AVP 0 8 97', 'a=rtpmap:97 pcmu/8000']);
    expect(readAudioSdp(sdp)).toMatchObject({ codecs: [{ pt: 0, name: 'PCMU' }, { pt: 8, name: 'PCMA' }], telephoneEvent: null });
    const remapped = crlf(['v=0', 'o=- 1 1 IN IP4 10.1.1.1', 's=-', 'c=IN IP4 10.1.1.1', 't=0 0', 'm=audio 5004 RTP/AVP 97 98', 'a=rtpmap:97 PCMA/8000', 'a=rtpmap:98 telephone-event/16000']);
    expect(readAudioSdp(remapped)).toMatchObject({ codecs: [{ pt: 97, name: 'PCMA' }], telephoneEvent: null });
  });

  it('reads hold as sendonly, from the attribute or from c=0.0.0.0', () => {
    expect(readAudioSdp(HOLD_SENDONLY)).toMatchObject({ direction: 'sendonly', telephoneEvent: 101 });
    expect(readAudioSdp(HOLD_ZERO)).toMatchObject({ address: '0.0.0.0', direction: 'sendonly' });
    expect(readAudioSdp(HOLD_ZERO.replace('m=audio 4000 RTP/AVP 0', 'm=audio 4000 RTP/AVP 0\r\na=recvonly'))).toMatchObject({ direction: 'inactive' });
    expect(readAudioSdp(HOLD_SENDONLY.replace('a=sendonly', 'a=inactive'))).toMatchObject({ direction: 'inactive' });
  });

  it('takes the session-level direction when the stream has none', () => {
    const sdp = HOLD_ZERO.replace('c=IN IP4 0.0.0.0', 'c=IN IP4 10.0.0.5\r\na=recvonly');
    expect(readAudioSdp(sdp)).toMatchObject({ direction: 'recvonly' });
  });

  it('skips a rejected first audio stream and video', () => {
    const sdp = crlf(['v=0', 'o=- 1 1 IN IP4 10.1.1.1', 's=-', 'c=IN IP4 10.1.1.1', 't=0 0', 'm=video 7000 RTP/AVP 96', 'a=rtpmap:96 H264/90000', 'm=audio 0 RTP/AVP 0', 'm=audio 7002 RTP/AVP 8']);
    expect(readAudioSdp(sdp)).toMatchObject({ port: 7002, codecs: [{ pt: 8, name: 'PCMA' }] });
  });

  it('says what is wrong with SDP it cannot use', () => {
    const base = ['v=0', 'o=- 1 1 IN IP4 10.1.1.1', 's=-', 't=0 0'];
    expect(readAudioSdp('')).toMatchObject({ error: 'unparsable' });
    expect(readAudioSdp('hello')).toMatchObject({ error: 'unparsable' });
    expect(readAudioSdp('v=0\r\n'.padEnd(20_000, 'a'))).toMatchObject({ error: 'unparsable' });
    expect(readAudioSdp(crlf([...base, 'c=IN IP4 10.1.1.1']))).toMatchObject({ error: 'noAudio' });
    expect(readAudioSdp(crlf([...base, 'm=audio 4000 RTP/AVP 0']))).toMatchObject({ error: 'noConnection' });
    expect(readAudioSdp(crlf([...base, 'c=IN IP4 10.1.1.1', 'm=audio 4000 RTP/SAVP 0']))).toMatchObject({ error: 'unsupportedTransport' });
    expect(readAudioSdp(crlf([...base, 'c=IN IP4 10.1.1.1', 'm=audio 4000 UDP/TLS/RTP/SAVPF 111']))).toMatchObject({ error: 'unsupportedTransport' });
    expect(readAudioSdp(crlf([...base, 'c=IN IP4 10.1.1.1', 'm=audio 70000 RTP/AVP 0']))).toMatchObject({ error: 'unparsable' });
    expect(readAudioSdp(crlf([...base, 'c=IN IP4 media.example.com', 'm=audio 4000 RTP/AVP 0']))).toMatchObject({ error: 'noConnection' });
    expect(readAudioSdp(crlf([...base, 'c=IN IP4 7', 'm=audio 4000 RTP/AVP 0']))).toMatchObject({ error: 'noConnection' });
  });

  it('ignores an rtpmap whose encoding name the parser read as a number', () => {
    const sdp = crlf(['v=0', 'o=- 1 1 IN IP4 10.1.1.1', 's=-', 'c=IN IP4 10.1.1.1/127', 't=0 0', 'm=audio 5004 RTP/AVP 96 8', 'a=rtpmap:96 123/8000']);
    expect(readAudioSdp(sdp)).toMatchObject({ address: '10.1.1.1', codecs: [{ pt: 8, name: 'PCMA' }] });
  });

  it('accepts LF-only line ends', () => {
    expect(readAudioSdp(SIPP_UAC_PCAP.replaceAll('\r\n', '\n'))).toMatchObject({ port: 6000 });
  });
});

describe('answerAudio', () => {
  const local = { address: '198.51.100.7', port: 20_000 };

  it('answers the preferred codec under the offer payload type, with events on the offer type', () => {
    const offer = readAudioSdp(CARRIER) as AudioOffer;
    const answer = answerAudio(offer, local, { prefer: ['PCMU', 'PCMA'], sessionId: '42' });
    if ('error' in answer) throw new Error(answer.error);
    expect(answer.codec).toBe('PCMU');
    expect(answer.telephoneEvent).toBe(100);
    expect(answer.sdp).toContain('m=audio 20000 RTP/AVP 0 100\r\n');
    expect(answer.sdp).toContain('a=rtpmap:100 telephone-event/8000\r\n');
    expect(answer.sdp).toContain('a=ptime:30\r\n');
    expect(answer.sdp).toContain('a=sendrecv\r\n');
    expect(answer.sdp).toContain('c=IN IP4 198.51.100.7\r\n');
    expect(answer.sdp).toContain('o=- 42 1 IN IP4 198.51.100.7\r\n');
    expect(answer.sdp).not.toContain('G729');
    expect(readAudioSdp(answer.sdp)).toEqual({ address: '198.51.100.7', port: 20_000, codecs: [{ pt: 0, name: 'PCMU' }], telephoneEvent: 100, direction: 'sendrecv', ptime: 30 });
  });

  it('falls back to the next preference and leaves out events that were not offered', () => {
    const offer = readAudioSdp(HOLD_ZERO) as AudioOffer;
    const answer = answerAudio(offer, local, { prefer: ['PCMA', 'PCMU'], sessionId: '42', sessionVersion: 3 });
    if ('error' in answer) throw new Error(answer.error);
    expect(answer).toMatchObject({ codec: 'PCMU', telephoneEvent: null });
    expect(answer.sdp).toContain('m=audio 20000 RTP/AVP 0\r\n');
    expect(answer.sdp).toContain('o=- 42 3 IN IP4');
    expect(answer.sdp).not.toContain('telephone-event');
  });

  it('mirrors the direction', () => {
    const mirrored = (direction: AudioOffer['direction']) => {
      const answer = answerAudio({ ...(readAudioSdp(SIPP_UAC_PCAP) as AudioOffer), direction }, local, { prefer: ['PCMA'], sessionId: '1' });
      return 'error' in answer ? answer.error : (readAudioSdp(answer.sdp) as AudioOffer).direction;
    };
    expect(mirrored('sendonly')).toBe('recvonly');
    expect(mirrored('recvonly')).toBe('sendonly');
    expect(mirrored('inactive')).toBe('inactive');
    expect(mirrored('sendrecv')).toBe('sendrecv');
  });

  it('refuses an offer without a common codec', () => {
    expect(answerAudio(readAudioSdp(SIPP_UAC_PCAP) as AudioOffer, local, { prefer: ['PCMU'], sessionId: '1' })).toEqual({ error: 'noCommonCodec' });
  });

  it('writes IPv6 connections', () => {
    const answer = answerAudio(readAudioSdp(BARESIP) as AudioOffer, { address: '2001:db8::7', port: 30_000 }, { prefer: ['PCMA'], sessionId: '9' });
    if ('error' in answer) throw new Error(answer.error);
    expect(answer.sdp).toContain('c=IN IP6 2001:db8::7\r\n');
  });
});

describe('offerAudio and readAudioAnswer', () => {
  const local = { address: '198.51.100.7', port: 20_002 };

  it('offers static types in order with events on 101 by default', () => {
    const sdp = offerAudio(local, { codecs: ['PCMA', 'PCMU'], sessionId: '77' });
    expect(sdp).toBe(
      crlf([
        'v=0',
        'o=- 77 1 IN IP4 198.51.100.7',
        's=-',
        'c=IN IP4 198.51.100.7',
        't=0 0',
        'm=audio 20002 RTP/AVP 8 0 101',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=sendrecv',
      ]),
    );
    expect(offerAudio(local, { codecs: ['PCMU'], sessionId: '77', telephoneEvent: null, direction: 'sendonly', ptime: 20 })).toMatch(/m=audio 20002 RTP\/AVP 0\r\n(.*\r\n)*a=ptime:20\r\n/);
    expect(() => offerAudio(local, { codecs: [], sessionId: '1' })).toThrow(/at least one codec/);
    expect(() => offerAudio(local, { codecs: ['PCMU'], sessionId: 'abc' })).toThrow(/session id/);
  });

  it('reads an answer that picks an offered codec, with the answer event type', () => {
    const offered = { codecs: ['PCMA', 'PCMU'] as const satisfies ReadonlyArray<'PCMU' | 'PCMA'> };
    const answer = crlf(['v=0', 'o=- 5 5 IN IP4 203.0.113.20', 's=-', 'c=IN IP4 203.0.113.20', 't=0 0', 'm=audio 31002 RTP/AVP 0 96', 'a=rtpmap:96 telephone-event/8000', 'a=ptime:20']);
    expect(readAudioAnswer(answer, offered)).toEqual({ address: '203.0.113.20', port: 31_002, codecs: [{ pt: 0, name: 'PCMU' }], telephoneEvent: 96, direction: 'sendrecv', ptime: 20, codec: 'PCMU' });
    expect(readAudioAnswer(answer, { ...offered, telephoneEvent: null })).toMatchObject({ telephoneEvent: null });
  });

  it('reports an answer with a codec never offered, as sipp uas answers PCMU to PCMA', () => {
    const sippUas = crlf(['v=0', 'o=user1 53655765 2353687637 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000']);
    expect(readAudioAnswer(sippUas, { codecs: ['PCMA'] })).toEqual({ error: 'codecNotOffered', detail: 'the answer lists PCMU; the offer had PCMA' });
  });

  it('reports a rejected stream and an answer without audio', () => {
    const rejected = crlf(['v=0', 'o=- 5 5 IN IP4 203.0.113.20', 's=-', 'c=IN IP4 203.0.113.20', 't=0 0', 'm=audio 0 RTP/AVP 8']);
    expect(readAudioAnswer(rejected, { codecs: ['PCMA'] })).toMatchObject({ error: 'rejected' });
    expect(readAudioAnswer(crlf(['v=0', 'o=- 5 5 IN IP4 1.1.1.1', 's=-', 't=0 0']), { codecs: ['PCMA'] })).toMatchObject({ error: 'noAudio' });
  });

  it('round-trips: an offer answered by answerAudio is read back by readAudioAnswer', () => {
    const offer = offerAudio(local, { codecs: ['PCMA', 'PCMU'], sessionId: '1' });
    const answer = answerAudio(readAudioSdp(offer) as AudioOffer, { address: '203.0.113.9', port: 40_000 }, { prefer: ['PCMU', 'PCMA'], sessionId: '2' });
    if ('error' in answer) throw new Error(answer.error);
    expect(readAudioAnswer(answer.sdp, { codecs: ['PCMA', 'PCMU'] })).toMatchObject({ address: '203.0.113.9', port: 40_000, codec: 'PCMU', telephoneEvent: 101 });
  });
});

describe('SDP readers under mutated input', () => {
  it('never throw, and whatever they accept is a usable stream', () => {
    let seed = 0x9e3779b9;
    const random = (below: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % below;
    };
    const alphabet = ' =:/\r\n0189amc-';
    const sources = [BARESIP, SIPP_UAC_PCAP, CARRIER, HOLD_SENDONLY, HOLD_ZERO];
    for (let i = 0; i < 3_000; i++) {
      const chars = [...sources[random(sources.length)]!];
      for (let edits = 1 + random(6); edits > 0; edits--) {
        const at = random(chars.length);
        if (random(2) === 0) chars.splice(at, 1 + random(8));
        else chars.splice(at, 0, alphabet[random(alphabet.length)]!);
      }
      const mutated = chars.join('');
      const offer = readAudioSdp(mutated);
      if (!('error' in offer)) {
        expect(offer.port).toBeGreaterThanOrEqual(1);
        expect(offer.port).toBeLessThanOrEqual(65_535);
        expect(offer.address).not.toBe('');
        for (const codec of offer.codecs) expect(Number.isInteger(codec.pt) && codec.pt >= 0 && codec.pt <= 127).toBe(true);
      }
      readAudioAnswer(mutated, { codecs: ['PCMA', 'PCMU'] });
    }
  });
});
