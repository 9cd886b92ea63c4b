import { connect } from 'node:net';
import type { RawResponse } from './signed-fetch.js';

/**
 * Bytes on a socket, for what no HTTP client will send: broken chunk sizes, contradictory
 * lengths, invalid header names. The server closes the connection after such a request.
 */

/** What came back before the server closed the connection; `response` is undefined when nothing did. */
export interface RawExchange {
  bytes: string;
  response: RawResponse | undefined;
}

/** Parses one HTTP/1.1 response with a Content-Length body (the only kind these answers use). */
export function parseRawResponse(bytes: string): RawResponse | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...headerLines] = bytes.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = Buffer.from(bytes.slice(end + 4), 'latin1');
  const length = Number(headers['content-length'] ?? body.length);
  const text = body.subarray(0, length).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

export interface RawExchangeOptions {
  /** Leave the writing side open after the last part (a slow sender). */
  keepOpen?: boolean;
  /** Close the socket altogether after the last part (a client that gives up). */
  hangUp?: boolean;
}

/**
 * Writes `parts` in order (each as its own write), closes the writing side, and resolves with
 * what was received once the connection is closed.
 */
export function rawExchange(port: number, parts: Array<string | Buffer>, { keepOpen = false, hangUp = false }: RawExchangeOptions = {}): Promise<RawExchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => {
      for (const part of parts) socket.write(part);
      if (hangUp) socket.destroy();
      else if (!keepOpen) socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = (): void => {
      const bytes = Buffer.concat(chunks).toString('latin1');
      resolve({ bytes, response: parseRawResponse(bytes) });
    };
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
  });
}
