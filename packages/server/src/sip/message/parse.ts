import { canonicalHeaderName, SipHeaders, type SipMessage } from '../types.js';
import { parseCSeq } from './cseq.js';
import { splitOutside, TOKEN } from './lexer.js';
import { resolveLimits, type SipLimits } from './limits.js';
import { parseNameAddr } from './name-addr.js';
import { parseUri } from './uri.js';
import { parseVia } from './via.js';

export { findMessageEnd, type MessageEnd } from './framing.js';

/** The outcome of parsing: a message, or why it was refused (for logs and a 400's reason). */
export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: string };

/** Headers whose comma lists are split into one entry per value (RFC 3261 §7.3.1). */
const LIST_HEADERS = new Set(['Via', 'Route', 'Record-Route', 'Contact', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Unsupported']);
/** Headers a message may carry only once. */
const SINGLE_HEADERS = ['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Type'];
const MANDATORY = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

const CRLF = Buffer.from('\r\n\r\n');
const SIP_VERSION = /^SIP\/2\.0$/i;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ([^\r\n]*)$/i;
const REQUEST_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+$/;
const SIP_SCHEME = /^(sips?|tel):/i;
const HEADER_LINE = /^([^:\s]+)[ \t]*:[ \t]*(.*)$/s;
const utf8 = new TextDecoder('utf-8', { fatal: true });

class ParseError extends Error {}

/**
 * Parses one complete message (a UDP datagram, or a frame `findMessageEnd` cut from a stream).
 * Never throws. Strict where leniency would let two parsers disagree about a message: CRLF
 * line ends only, single spaces in the request line, UTF-8 without control characters in the
 * head, one From/To/Call-ID/CSeq/Max-Forwards/Content-Type, well-formed Via, From, To, Contact,
 * Route, Record-Route and CSeq, and a CSeq method equal to the request's. Header names come
 * out canonical and comma lists of the multi-value headers one entry per value. The message
 * always carries one Content-Length equal to its body: a body beyond the declared length is
 * cut (RFC 3261 §18.3), a shorter one refused, and a missing header is added at the end.
 */
export function parseSipMessage(data: Buffer, limits?: Partial<SipLimits>): ParseResult {
  try {
    return { ok: true, message: parseOrThrow(data, resolveLimits(limits)) };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: error.message };
    return { ok: false, error: `unparsable message (${error instanceof Error ? error.message : String(error)})` };
  }
}

function fail(reason: string): never {
  throw new ParseError(reason);
}

function parseOrThrow(data: Buffer, limits: SipLimits): SipMessage {
  if (data.length > limits.maxMessageBytes) fail(`message of ${data.length} bytes exceeds the limit of ${limits.maxMessageBytes}`);
  let start = 0;
  while (data[start] === 0x0d && data[start + 1] === 0x0a) start += 2;
  const headerEnd = data.indexOf(CRLF, start);
  if (headerEnd < 0) fail('no empty line ends the headers');
  let head: string;
  try {
    head = utf8.decode(data.subarray(start, headerEnd));
  } catch {
    fail('the start line or headers are not valid UTF-8');
  }
  const lines = unfold(head, limits);
  const startLine = lines.shift() ?? '';
  const headers = parseHeaders(lines, limits);
  const body = readBody(data.subarray(headerEnd + CRLF.length), headers, limits);
  checkHeaders(headers);
  const written = serializedLength(startLine, headers, body);
  if (written > limits.maxMessageBytes) fail(`message of ${written} bytes once written out exceeds the limit of ${limits.maxMessageBytes}`);
  if (/^sip\//i.test(startLine)) {
    const status = STATUS_LINE.exec(startLine);
    if (!status) fail(`malformed status line: ${excerpt(startLine)}`);
    return { kind: 'response', status: Number(status[1]), reason: status[2] ?? '', headers, body };
  }
  const parts = startLine.split(' ');
  if (parts.length !== 3) fail(`the request line needs exactly three parts separated by single spaces: ${excerpt(startLine)}`);
  const [method = '', uri = '', version = ''] = parts;
  if (!TOKEN.test(method)) fail(`malformed method: ${excerpt(method)}`);
  if (!SIP_VERSION.test(version)) fail(`unsupported SIP version: ${excerpt(version)}`);
  if (!REQUEST_URI.test(uri) || (SIP_SCHEME.test(uri) && !parseUri(uri))) fail(`malformed Request-URI: ${excerpt(uri)}`);
  const cseq = parseCSeq(headers.get('CSeq') ?? '');
  if (cseq?.method !== method) fail(`the CSeq method ${cseq?.method ?? ''} differs from the request method ${method}`);
  return { kind: 'request', method, uri, headers, body };
}

/**
 * Logical lines: continuation lines (starting with a space or tab) joined to their header with
 * one space. Pieces are joined once per line, so a line folded many times costs linear time.
 */
function unfold(head: string, limits: SipLimits): string[] {
  const lines: string[] = [];
  let pieces: string[] = [];
  let bytes = 0;
  const close = (): void => {
    if (pieces.length > 0) lines.push(pieces.join(' '));
  };
  for (const raw of head.split('\r\n')) {
    if (hasControl(raw)) fail('a control character in the start line or headers');
    if (raw.startsWith(' ') || raw.startsWith('\t')) {
      if (lines.length === 0) fail('a continuation line without a header before it');
      const last = pieces.length - 1;
      const trimmed = pieces[last]!.trimEnd();
      bytes -= Buffer.byteLength(pieces[last]!) - Buffer.byteLength(trimmed);
      pieces[last] = trimmed;
      const continuation = raw.trim();
      if (continuation !== '') {
        pieces.push(continuation);
        bytes += 1 + Buffer.byteLength(continuation);
      }
    } else {
      close();
      pieces = [raw];
      bytes = Buffer.byteLength(raw);
    }
    if (bytes > limits.maxHeaderLineBytes) fail(`a header line exceeds the limit of ${limits.maxHeaderLineBytes} bytes`);
  }
  close();
  return lines;
}

function parseHeaders(lines: ReadonlyArray<string>, limits: SipLimits): SipHeaders {
  const headers = new SipHeaders();
  for (const line of lines) {
    const match = HEADER_LINE.exec(line);
    if (!match || !TOKEN.test(match[1]!)) fail(`malformed header line: ${excerpt(line)}`);
    const name = canonicalHeaderName(match[1]!);
    for (const item of splitValues(name, match[2]!.trim())) {
      if (Buffer.byteLength(item) + name.length + 2 > limits.maxHeaderLineBytes) {
        fail(`a ${name} value exceeds the line limit of ${limits.maxHeaderLineBytes} bytes`);
      }
      headers.append(name, item);
      if (headers.size > limits.maxHeaders) fail(`more than ${limits.maxHeaders} headers`);
    }
  }
  return headers;
}

function splitValues(name: string, value: string): string[] {
  if (!LIST_HEADERS.has(name) || (name === 'Contact' && value === '*')) return [value];
  const parts = splitOutside(value, ',');
  if (!parts) fail(`an unterminated quote or <...> in ${name}`);
  const values = parts.filter((part) => part !== '');
  return values.length === 0 ? [''] : values;
}

function readBody(rest: Buffer, headers: SipHeaders, limits: SipLimits): Buffer {
  const declared = headers.getAll('Content-Length');
  let body = rest;
  if (declared.length > 0) {
    if (declared.some((value) => value !== declared[0])) fail('Content-Length values differ');
    const text = declared[0]!;
    if (!/^\d{1,10}$/.test(text)) fail(`malformed Content-Length: ${excerpt(text)}`);
    const length = Number(text);
    if (length > limits.maxBodyBytes) fail(`Content-Length ${length} exceeds the body limit of ${limits.maxBodyBytes}`);
    if (length > rest.length) fail(`Content-Length ${length} but the body has ${rest.length} bytes`);
    body = rest.subarray(0, length);
  }
  if (body.length > limits.maxBodyBytes) fail(`a body of ${body.length} bytes exceeds the limit of ${limits.maxBodyBytes}`);
  headers.set('Content-Length', String(body.length));
  if (headers.size > limits.maxHeaders) fail(`more than ${limits.maxHeaders} headers`);
  return Buffer.from(body);
}

/** Mandatory and single headers present as they must be, and the values the gateway relies on well-formed. */
function checkHeaders(headers: SipHeaders): void {
  const counts = new Map<string, number>();
  for (const [name, value] of headers.entries()) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    checkValue(name, value);
  }
  for (const name of MANDATORY) if (!counts.has(name)) fail(`missing ${name}`);
  for (const name of SINGLE_HEADERS) if ((counts.get(name) ?? 0) > 1) fail(`more than one ${name}`);
}

function checkValue(name: string, value: string): void {
  switch (name) {
    case 'Via':
      if (!parseVia(value)) fail(`malformed Via: ${excerpt(value)}`);
      return;
    case 'From':
    case 'To':
    case 'Route':
    case 'Record-Route':
      if (!parseNameAddr(value)) fail(`malformed ${name}: ${excerpt(value)}`);
      return;
    case 'Contact':
      if (value !== '*' && !parseNameAddr(value)) fail(`malformed Contact: ${excerpt(value)}`);
      return;
    case 'Call-ID':
      if (!/^\S+$/.test(value)) fail('an empty Call-ID or one with spaces');
      return;
    case 'CSeq':
      if (!parseCSeq(value)) fail(`malformed CSeq: ${excerpt(value)}`);
      return;
    case 'Max-Forwards':
      if (!/^\d{1,3}$/.test(value) || Number(value) > 255) fail(`malformed Max-Forwards: ${excerpt(value)}`);
      return;
  }
}

/**
 * The size `serializeSipMessage` gives the message (compact names expanded, one line per list
 * entry), so that what the parser accepts is also written out within the limits.
 */
function serializedLength(startLine: string, headers: SipHeaders, body: Buffer): number {
  let length = Buffer.byteLength(startLine) + 4 + body.length;
  for (const [name, value] of headers.entries()) length += name.length + 4 + Buffer.byteLength(value);
  return length;
}

/** Control characters other than a tab (CR and LF included: a line has none left). */
function hasControl(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const code = line.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return true;
  }
  return false;
}

/** A short, printable piece of untrusted text for an error message. */
function excerpt(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 60 ? `${printable.slice(0, 60)}...` : printable;
}
