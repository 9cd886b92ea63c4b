import { connect } from 'node:net';
import { parseAnswer } from './raw-socket.js';
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
      resolve({ bytes, response: parseAnswer(Buffer.from(bytes, 'latin1')) ?? undefined });
    };
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
  });
}
