import { resolveLimits, type SipLimits } from './limits.js';

/**
 * Where the first message in a stream buffer ends (RFC 3261 §18.3):
 * - `{ complete: true, length }`: the first `length` bytes are one message (headers to the
 *   empty line, then Content-Length bytes of body);
 * - `{ complete: true, length, keepalive: true }`: the first `length` bytes are CRLFs (RFC 5626
 *   keep-alive pings or pongs), to be consumed and not parsed;
 * - `{ complete: false }`: more bytes are needed;
 * - `{ error }`: the stream cannot be framed (no Content-Length, or beyond the limits); the
 *   connection should be closed.
 */
export type MessageEnd = { complete: true; length: number; keepalive?: true } | { complete: false } | { error: string };

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(.*?)[ \t]*$/i;

/** Frames a TCP stream: finds the end of the first message in `buffer` without parsing it. */
export function findMessageEnd(buffer: Buffer, limits?: Partial<SipLimits>): MessageEnd {
  const { maxMessageBytes, maxBodyBytes } = resolveLimits(limits);
  let crlf = 0;
  while (buffer[crlf] === 0x0d && buffer[crlf + 1] === 0x0a) crlf += 2;
  if (crlf > 0) return { complete: true, length: crlf, keepalive: true };
  if (buffer.length === 1 && buffer[0] === 0x0d) return { complete: false };
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) {
    return buffer.length >= maxMessageBytes ? { error: `no end of headers within ${maxMessageBytes} bytes` } : { complete: false };
  }
  const head = buffer.subarray(0, headerEnd).toString('latin1').replace(/\r\n[ \t]+/g, ' ');
  const values = head.split('\r\n').flatMap((line) => {
    const match = CONTENT_LENGTH.exec(line);
    return match ? [match[1]!] : [];
  });
  if (values.length === 0) return { error: 'a message on a stream has no Content-Length' };
  if (values.some((value) => value !== values[0])) return { error: 'Content-Length values differ' };
  const text = values[0]!;
  if (!/^\d{1,10}$/.test(text)) return { error: 'malformed Content-Length' };
  const bodyLength = Number(text);
  if (bodyLength > maxBodyBytes) return { error: `Content-Length ${bodyLength} exceeds the body limit of ${maxBodyBytes}` };
  const length = headerEnd + HEADER_END.length + bodyLength;
  if (length > maxMessageBytes) return { error: `a message of ${length} bytes exceeds the limit of ${maxMessageBytes}` };
  return buffer.length >= length ? { complete: true, length } : { complete: false };
}
