import type { SipMessage } from '../types.js';

/**
 * The wire form of a message: canonical header names, one line per entry, CRLF line ends, and
 * a Content-Length always equal to the body (replacing any in place, else appended last).
 */
export function serializeSipMessage(message: SipMessage): Buffer {
  const startLine = message.kind === 'request' ? `${message.method} ${message.uri} SIP/2.0` : `SIP/2.0 ${message.status} ${message.reason}`;
  const headers = message.headers.clone().set('Content-Length', String(message.body.length));
  let head = `${startLine}\r\n`;
  for (const [name, value] of headers.entries()) head += `${name}: ${value}\r\n`;
  head += '\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), message.body]);
}
