import { describe, expect, it } from 'vitest';
import { findMessageEnd } from './framing.js';
import { parseSipMessage } from './parse.js';
import { SIP_CORPUS } from './test-corpus.js';

const HEAD = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n';

describe('findMessageEnd', () => {
  it('finds the end of each corpus message in a stream of all of them', () => {
    let stream = Buffer.concat(SIP_CORPUS.map((entry) => entry.data));
    for (const entry of SIP_CORPUS) {
      const end = findMessageEnd(stream);
      expect(end).toEqual({ complete: true, length: entry.data.length });
      expect(parseSipMessage(stream.subarray(0, entry.data.length)).ok).toBe(true);
      stream = stream.subarray(entry.data.length);
    }
    expect(findMessageEnd(stream)).toEqual({ complete: false });
  });

  it('asks for more bytes at every cut of a message', () => {
    const data = SIP_CORPUS[0]!.data;
    for (let cut = 1; cut < data.length; cut++) expect(findMessageEnd(data.subarray(0, cut))).toEqual({ complete: false });
  });

  it('reports leading CRLF keep-alives as bytes to consume', () => {
    expect(findMessageEnd(Buffer.from('\r\n\r\n'))).toEqual({ complete: true, length: 4, keepalive: true });
    expect(findMessageEnd(Buffer.from(`\r\n${HEAD}`))).toEqual({ complete: true, length: 2, keepalive: true });
    expect(findMessageEnd(Buffer.from('\r'))).toEqual({ complete: false });
    expect(findMessageEnd(Buffer.from('\r\n\r'))).toEqual({ complete: true, length: 2, keepalive: true });
  });

  it('reads a compact, folded or spaced Content-Length', () => {
    expect(findMessageEnd(Buffer.from(`${HEAD}l: 3\r\n\r\nabcdef`))).toEqual({ complete: true, length: HEAD.length + 11 });
    expect(findMessageEnd(Buffer.from(`${HEAD}content-LENGTH :\r\n  3\r\n\r\nabc`))).toMatchObject({ complete: true });
  });

  it.each([
    [`${HEAD}\r\n`, /no Content-Length/],
    [`${HEAD}Content-Length: -1\r\n\r\n`, /malformed/],
    [`${HEAD}Content-Length: 12345678901\r\n\r\n`, /malformed/],
    [`${HEAD}Content-Length: 1\r\nl: 2\r\n\r\n`, /differ/],
    [`${HEAD}Content-Length: 40000\r\n\r\n`, /body limit/],
  ])('refuses %j', (text, error) => {
    expect(findMessageEnd(Buffer.from(text))).toEqual({ error: expect.stringMatching(error) as unknown });
  });

  it('refuses a stream without an end of headers within the message limit, or a message beyond it', () => {
    expect(findMessageEnd(Buffer.alloc(100, 0x41), { maxMessageBytes: 100 })).toEqual({ error: expect.stringMatching(/within 100 bytes/) as unknown });
    expect(findMessageEnd(Buffer.alloc(99, 0x41), { maxMessageBytes: 100 })).toEqual({ complete: false });
    expect(findMessageEnd(Buffer.from(`${HEAD}Content-Length: 60\r\n\r\n`), { maxMessageBytes: 100 })).toEqual({
      error: expect.stringMatching(/exceeds the limit of 100/) as unknown,
    });
  });
});
