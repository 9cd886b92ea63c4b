import { splitOutside, TOKEN } from '../message/lexer.js';
import { parseVia } from '../message/via.js';
import { SipHeaders, canonicalHeaderName, type SipRequest } from '../types.js';

const REQUEST_LINE = /^(\S+) (\S+) SIP\/2\.0$/i;
/** The headers a response copies from its request (RFC 3261 §8.2.6.2). */
const COPIED = new Set(['Via', 'From', 'To', 'Call-ID', 'CSeq']);
/** Enough for any real Via chain and the four others; the rest is not read. */
const MAX_HEADER_LINES = 100;

/**
 * What can still be answered of a request the parser refused: its request line and the headers a
 * response copies, read leniently. Null when there is no request line or no parsable top Via
 * (nothing to answer to), and for ACK, which is never answered.
 */
export function salvageRequest(data: Buffer): SipRequest | null {
  const text = data.toString('utf8');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = (headEnd < 0 ? text : text.slice(0, headEnd)).replace(/^(?:\r\n)+/, '');
  const lines = head.replace(/\r\n[ \t]+/g, ' ').split('\r\n', MAX_HEADER_LINES + 1);
  const requestLine = REQUEST_LINE.exec(lines[0] ?? '');
  if (!requestLine) return null;
  const method = requestLine[1] ?? '';
  if (!TOKEN.test(method) || method === 'ACK') return null;
  const headers = new SipHeaders();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = canonicalHeaderName(line.slice(0, colon).trim());
    if (!COPIED.has(name)) continue;
    const value = line.slice(colon + 1).trim();
    if (name === 'Via') for (const via of splitOutside(value, ',') ?? [value]) headers.append(name, via.trim());
    else if (!headers.has(name)) headers.append(name, value);
  }
  const top = headers.get('Via');
  if (top === undefined || parseVia(top) === null) return null;
  return { kind: 'request', method, uri: requestLine[2] ?? '', headers, body: Buffer.alloc(0) };
}

/** A reason phrase naming what was wrong, safe to put on a status line. */
export function badRequestReason(error: string): string {
  const detail = error.replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 100);
  return detail ? `Bad Request (${detail})` : 'Bad Request';
}
