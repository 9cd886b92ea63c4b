/** One event of a TCP byte stream cut into SIP messages. */
export type FrameEvent =
  /** A whole message: its header block and exactly Content-Length bytes of body. */
  | { kind: 'message'; data: Buffer }
  /** An RFC 5626 §4.4.1 keep-alive ping (CRLF CRLF between messages), to be answered with CRLF. */
  | { kind: 'ping' }
  /** The stream cannot be framed any further; `head` holds what was buffered, for a best-effort 400. */
  | { kind: 'error'; reason: string; head: Buffer };

import type { SipLimits } from '../message/limits.js';

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const INITIAL_CAPACITY = 4_096;

/**
 * Cuts a SIP stream into messages by Content-Length (RFC 3261 §18.3), never buffering more than
 * `maxMessageBytes` nor accepting a body over `maxBodyBytes`. Pure and synchronous: feed it
 * chunks, act on the events.
 *
 * Unlike `findMessageEnd`, which looks at a whole buffer at once, it keeps its place: appending
 * and the search for the end of the header block are linear in the bytes received, so a peer
 * trickling one byte per segment costs no more than one sending whole messages. It also tells a
 * ping (CRLF CRLF, to be answered) from a pong or padding (a lone CRLF, ignored). After an error
 * the framer ignores everything: the stream has lost its message boundaries.
 */
export class TcpFramer {
  private buffer: Buffer;
  private start = 0;
  private end = 0;
  /** Offset (from `start`) where the search for CRLF CRLF resumes. */
  private scanned = 0;
  /** Length of the message being received, once its header block is complete. */
  private frameLength: number | null = null;
  private failed = false;

  private readonly maxMessageBytes: number;
  private readonly maxBodyBytes: number;

  constructor(limits: Pick<SipLimits, 'maxMessageBytes' | 'maxBodyBytes'>) {
    this.maxMessageBytes = limits.maxMessageBytes;
    this.maxBodyBytes = limits.maxBodyBytes;
    this.buffer = Buffer.allocUnsafe(Math.min(INITIAL_CAPACITY, this.maxMessageBytes));
  }

  /** Bytes held for a message not yet complete. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    let rest = chunk;
    while (rest.length > 0 && !this.failed) {
      const room = this.maxMessageBytes - this.buffered;
      if (room <= 0) {
        this.fail(events, `message larger than ${this.maxMessageBytes} bytes`);
        break;
      }
      const piece = rest.subarray(0, room);
      rest = rest.subarray(piece.length);
      this.append(piece);
      this.drain(events);
    }
    return events;
  }

  private append(piece: Buffer): void {
    if (this.end + piece.length > this.buffer.length) {
      if (this.start > 0) {
        this.buffer.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      }
      const needed = this.end + piece.length;
      if (needed > this.buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(this.maxMessageBytes, Math.max(needed, this.buffer.length * 2)));
        this.buffer.copy(grown, 0, 0, this.end);
        this.buffer = grown;
      }
    }
    piece.copy(this.buffer, this.end);
    this.end += piece.length;
  }

  private drain(events: FrameEvent[]): void {
    while (!this.failed) {
      const view = this.buffer.subarray(this.start, this.end);
      if (this.frameLength === null) {
        if (!this.readHead(view, events)) return;
        continue;
      }
      if (view.length < this.frameLength) return;
      events.push({ kind: 'message', data: Buffer.from(view.subarray(0, this.frameLength)) });
      this.consume(this.frameLength);
    }
  }

  /** Handles what precedes a message and its header block; false when more bytes are needed. */
  private readHead(view: Buffer, events: FrameEvent[]): boolean {
    if (view.length === 0) return false;
    if (view[0] === 0x0d) {
      const ping = Math.min(view.length, CRLF_CRLF.length);
      if (view.subarray(0, ping).equals(CRLF_CRLF.subarray(0, ping))) {
        if (ping < CRLF_CRLF.length) return false;
        events.push({ kind: 'ping' });
        this.consume(CRLF_CRLF.length);
        return true;
      }
      // A lone CRLF between messages (a pong, or padding RFC 3261 §7.5 says to ignore).
      if (view[1] === 0x0a) {
        this.consume(2);
        return true;
      }
    }
    const headEnd = view.indexOf(CRLF_CRLF, Math.max(0, this.scanned - 3));
    if (headEnd < 0) {
      this.scanned = view.length;
      if (view.length >= this.maxMessageBytes) this.fail(events, `header block larger than ${this.maxMessageBytes} bytes`);
      return false;
    }
    const contentLength = readContentLength(view.subarray(0, headEnd));
    if (typeof contentLength === 'string') {
      this.fail(events, contentLength);
      return false;
    }
    if (contentLength > this.maxBodyBytes) {
      this.fail(events, `Content-Length ${contentLength} over the body limit of ${this.maxBodyBytes}`);
      return false;
    }
    const length = headEnd + CRLF_CRLF.length + contentLength;
    if (length > this.maxMessageBytes) {
      this.fail(events, `message of ${length} bytes larger than ${this.maxMessageBytes}`);
      return false;
    }
    this.frameLength = length;
    return true;
  }

  private consume(length: number): void {
    this.start += length;
    this.scanned = 0;
    this.frameLength = null;
    if (this.start !== this.end) return;
    this.start = this.end = 0;
    // A long-lived flow keeps a small buffer between messages, not the largest it ever needed.
    if (this.buffer.length > INITIAL_CAPACITY) this.buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  }

  private fail(events: FrameEvent[], reason: string): void {
    events.push({ kind: 'error', reason, head: Buffer.from(this.buffer.subarray(this.start, this.end)) });
    this.failed = true;
    this.buffer = Buffer.alloc(0);
    this.start = this.end = 0;
  }
}

const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(.*?)[ \t]*$/i;

/** The Content-Length of a header block (start line included), or why it has none usable. */
export function readContentLength(head: Buffer): number | string {
  const lines = head.toString('latin1').replace(/\r\n[ \t]+/g, ' ').split('\r\n');
  let found: number | null = null;
  for (const line of lines.slice(1)) {
    const match = CONTENT_LENGTH.exec(line);
    if (!match) continue;
    const value = match[1] ?? '';
    if (!/^\d{1,9}$/.test(value)) return `invalid Content-Length "${value.slice(0, 20)}"`;
    const length = Number(value);
    if (found !== null && found !== length) return 'conflicting Content-Length headers';
    found = length;
  }
  return found ?? 'missing Content-Length (required over TCP, RFC 3261 §18.3)';
}
