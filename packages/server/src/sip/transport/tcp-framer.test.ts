import { describe, expect, it } from 'vitest';
import { readContentLength, TcpFramer, type FrameEvent } from './tcp-framer.js';

const LIMITS = { maxMessageBytes: 2_048, maxBodyBytes: 1_024 };

function message(body = '', extra = ''): string {
  return `OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK1\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function feed(framer: TcpFramer, ...chunks: string[]): FrameEvent[] {
  return chunks.flatMap((chunk) => framer.push(Buffer.from(chunk, 'latin1')));
}

function messages(events: FrameEvent[]): string[] {
  return events.flatMap((event) => (event.kind === 'message' ? [event.data.toString('latin1')] : []));
}

describe('TcpFramer', () => {
  it('cuts the same messages whatever byte the stream is split at', () => {
    const stream = message('v=0\r\n') + message() + '\r\n\r\n' + message('hello');
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new TcpFramer(LIMITS);
      const events = feed(framer, stream.slice(0, cut), stream.slice(cut));
      expect(messages(events)).toEqual([message('v=0\r\n'), message(), message('hello')]);
      expect(events.filter((event) => event.kind === 'ping')).toHaveLength(1);
      expect(framer.buffered).toBe(0);
    }
  });

  it('cuts the same messages when they arrive one byte at a time', () => {
    const stream = message('abc') + message('defg');
    const framer = new TcpFramer(LIMITS);
    const events = feed(framer, ...stream.split(''));
    expect(messages(events)).toEqual([message('abc'), message('defg')]);
  });

  it('returns several messages from one chunk, and holds a partial one for the next', () => {
    const framer = new TcpFramer(LIMITS);
    const third = message('tail');
    const events = feed(framer, message('a') + message('b') + third.slice(0, 10));
    expect(messages(events)).toEqual([message('a'), message('b')]);
    expect(framer.buffered).toBe(10);
    expect(messages(feed(framer, third.slice(10)))).toEqual([third]);
  });

  it('keeps a body that itself contains CRLF CRLF whole', () => {
    const body = 'v=0\r\n\r\n\r\nx';
    expect(messages(feed(new TcpFramer(LIMITS), message(body)))).toEqual([message(body)]);
  });

  it('reports a CRLF CRLF ping, but not a lone CRLF pong, between messages', () => {
    const framer = new TcpFramer(LIMITS);
    expect(feed(framer, '\r\n\r\n')).toEqual([{ kind: 'ping' }]);
    expect(feed(framer, '\r\n')).toEqual([]);
    expect(messages(feed(framer, 'OPTIONS'))).toEqual([]);
    // The lone CRLF was padding: the message after it frames normally.
    expect(messages(feed(framer, message().slice('OPTIONS'.length)))).toEqual([message()]);
  });

  it('fails a stream with no end of headers within the message limit, keeping what it read for a 400', () => {
    const framer = new TcpFramer(LIMITS);
    const head = 'INVITE sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\r\n';
    const events = feed(framer, head, `X-Filler: ${'a'.repeat(LIMITS.maxMessageBytes)}`);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.kind).toBe('error');
    if (event?.kind !== 'error') return;
    expect(event.reason).toMatch(/header block larger than 2048/);
    expect(event.head.length).toBe(LIMITS.maxMessageBytes);
    expect(event.head.toString('latin1').startsWith(head)).toBe(true);
    // Nothing after the failure is framed, and nothing more is held.
    expect(feed(framer, message())).toEqual([]);
    expect(framer.buffered).toBe(0);
  });

  it('fails at once on a Content-Length over the body limit, before the body arrives', () => {
    const events = feed(new TcpFramer(LIMITS), 'INVITE sip:a SIP/2.0\r\nContent-Length: 1025\r\n\r\n');
    expect(events).toMatchObject([{ kind: 'error', reason: expect.stringMatching(/over the body limit/) }]);
  });

  it('fails on a message whose total length would pass the message limit', () => {
    const framer = new TcpFramer({ maxMessageBytes: 200, maxBodyBytes: 1_000 });
    expect(feed(framer, message('x'.repeat(150)).slice(0, 120))).toMatchObject([{ kind: 'error', reason: expect.stringMatching(/larger than 200/) }]);
  });

  it('frames a message exactly at the limit', () => {
    const exact = message('y'.repeat(100));
    const framer = new TcpFramer({ maxMessageBytes: Buffer.byteLength(exact), maxBodyBytes: 1_000 });
    expect(messages(feed(framer, exact + exact))).toEqual([exact, exact]);
  });

  it('fails on a missing Content-Length', () => {
    const events = feed(new TcpFramer(LIMITS), 'OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n');
    expect(events).toMatchObject([{ kind: 'error', reason: expect.stringMatching(/missing Content-Length/) }]);
  });
});

describe('readContentLength', () => {
  const head = (lines: string) => Buffer.from(`INVITE sip:a SIP/2.0\r\n${lines}`);

  it('reads the long and compact forms, folded or not', () => {
    expect(readContentLength(head('Content-Length: 12'))).toBe(12);
    expect(readContentLength(head('l:7'))).toBe(7);
    expect(readContentLength(head('content-length:\r\n  42'))).toBe(42);
  });

  it('refuses conflicting, negative and non-numeric values', () => {
    expect(readContentLength(head('Content-Length: 1\r\nl: 2'))).toBe('conflicting Content-Length headers');
    expect(readContentLength(head('Content-Length: 3\r\nl: 3'))).toBe(3);
    expect(readContentLength(head('Content-Length: -1'))).toMatch(/invalid Content-Length/);
    expect(readContentLength(head('Content-Length: 1e3'))).toMatch(/invalid Content-Length/);
  });

  it('ignores a Content-Length in the start line', () => {
    expect(readContentLength(Buffer.from('Content-Length: 5 SIP/2.0\r\nVia: x'))).toMatch(/missing/);
  });
});
