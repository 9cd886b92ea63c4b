import { connect, type Socket } from 'node:net';

/**
 * One HTTP/1.1 request over a plain socket, for what no HTTP client lets a test
 * do: send a head and hold the body back, send a body slowly, or notice that the
 * answer came while the body was still being sent.
 */

export interface RawAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  text: string;
  json: unknown;
}

export interface RawRequest {
  socket: Socket;
  /** The answer, once its head and Content-Length bytes of body arrived; null when the server closed without one. */
  answer: Promise<RawAnswer | null>;
  /** Writes bytes, waiting while the socket's buffer is full; false once the connection is gone. */
  write(data: Buffer | string): Promise<boolean>;
  /** Writes `data` as one chunk of a chunked body. */
  writeChunk(data: Buffer): Promise<boolean>;
  /** Writes the last chunk of a chunked body. */
  endChunks(): Promise<boolean>;
  /** Sends `bytes` of `filler` repeated (the same buffer, so the test itself holds no more), stopping early when the connection goes. */
  pump(bytes: number, filler: Buffer): Promise<void>;
  close(): void;
}

/** Opens a connection and sends the request head (request line, headers, blank line). */
export function openRawRequest(port: number, head: { method?: string; path?: string; headers: Record<string, string> }): RawRequest {
  const socket = connect(port, '127.0.0.1');
  let gone = false;
  let received = Buffer.alloc(0);
  const answer = new Promise<RawAnswer | null>((resolve) => {
    const finish = () => resolve(null);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const parsed = parseAnswer(received);
      if (parsed) resolve(parsed);
    });
    socket.on('close', finish);
    socket.on('error', () => undefined);
  });
  socket.on('close', () => (gone = true));
  const lines = [`${head.method ?? 'POST'} ${head.path ?? '/'} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...Object.entries(head.headers).map(([k, v]) => `${k}: ${v}`)];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);

  const write = (data: Buffer | string): Promise<boolean> =>
    new Promise((resolve) => {
      if (gone || socket.destroyed) return resolve(false);
      if (socket.write(data)) return resolve(true);
      const onDrain = () => {
        socket.off('close', onClose);
        resolve(true);
      };
      const onClose = () => {
        socket.off('drain', onDrain);
        resolve(false);
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });

  return {
    socket,
    answer,
    write,
    writeChunk: async (data) => (await write(`${data.length.toString(16)}\r\n`)) && (await write(data)) && write('\r\n'),
    endChunks: () => write('0\r\n\r\n'),
    async pump(bytes, filler) {
      let left = bytes;
      while (left > 0) {
        const piece = left >= filler.length ? filler : filler.subarray(0, left);
        if (!(await write(piece))) return;
        left -= piece.length;
      }
    },
    close: () => socket.destroy(),
  };
}

/** Parses one HTTP/1.1 answer with a Content-Length body, skipping interim 1xx answers; null until it is complete. */
export function parseAnswer(data: Buffer): RawAnswer | null {
  const end = data.indexOf('\r\n\r\n');
  if (end === -1) return null;
  const [statusLine, ...headerLines] = data.subarray(0, end).toString('latin1').split('\r\n');
  // Skip interim answers such as 100 Continue.
  if (/^HTTP\/1\.1 1\d\d /.test(statusLine ?? '')) return parseAnswer(data.subarray(end + 4));
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = data.subarray(end + 4);
  if (body.length < length) return null;
  const text = body.subarray(0, length).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine?.split(' ')[1]), headers, text, json };
}
