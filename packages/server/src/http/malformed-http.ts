import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { cloudError, type CloudApiError } from '@openccc/protocol';
import type { Logger } from 'pino';
import { CloudApiDispatcher } from '../cloudapi/dispatcher.js';
import type { Metrics } from './metrics.js';

/**
 * Answers for what Node's HTTP server rejects itself, before or while Fastify sees a request:
 * parse errors (bad chunk size, Content-Length with Transfer-Encoding, duplicate Content-Length,
 * headers over 64 KB…) and senders too slow for `headersTimeout` / `requestTimeout`.
 *
 * The Cloud API promises HTTP 200 with an envelope, so these get one too, then the connection
 * is closed (after a parse error the byte stream can no longer be trusted). The exceptions:
 * - a request line that names another path gets a plain `400`: it is not a Cloud API call;
 * - nothing is written when the socket is gone or no longer writable; the connection is closed;
 * - when a response is already under way on the socket (partly written, or for an earlier
 *   pipelined request), an answer would corrupt it or answer the wrong request: that response
 *   is finished, then the connection is closed, and the bad bytes get no answer of their own.
 */
export interface ClientErrorOptions {
  log: Logger;
  metrics: Metrics;
  /** The server's timeouts at the time of the error, for the message. */
  timeouts: () => { headersMs: number; requestMs: number };
}

export interface ClientErrors {
  /** Call for every request Node hands over, so an error on its socket knows what it interrupts. */
  track(req: IncomingMessage, res: ServerResponse): void;
  /** The server's `clientError` listener. */
  handler(err: NodeJS.ErrnoException & { reason?: unknown; rawPacket?: unknown }, socket: Duplex): void;
}

/** The start of an HTTP/1.x request: method and target. */
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ ([^ \r\n]+) HTTP\//;

/** Whether a request target is on the Cloud API route: `/`, with or without a query. */
function isCloudApiTarget(target: string): boolean {
  return target === '/' || target.startsWith('/?');
}

function failureFor(err: NodeJS.ErrnoException & { reason?: unknown }, timeouts: { headersMs: number; requestMs: number }): CloudApiError {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return cloudError('RequestSizeLimitExceeded', 'The request line and headers exceed 64 KB; send large Cloud API requests with POST.', '请求行和请求头超过 64 KB，请使用 POST 发送较大的云 API 请求。');
  }
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    const headers = timeouts.headersMs / 1000;
    const whole = timeouts.requestMs / 1000;
    return cloudError(
      'InvalidRequest',
      `The request did not arrive in time: send the headers within ${headers} s and the whole request within ${whole} s.`,
      `请求未在时限内送达：请求头须在 ${headers} 秒内、整个请求须在 ${whole} 秒内发送完毕。`,
    );
  }
  // llhttp's reasons are short and precise ("Content-Length can't be present with Transfer-Encoding").
  const reason = typeof err.reason === 'string' && err.reason ? err.reason : 'malformed request';
  return cloudError('InvalidRequest', `The request is not valid HTTP/1.1 (${reason}); the connection is closed.`, `请求不是有效的 HTTP/1.1（${reason}），连接已关闭。`);
}

function rawResponse(status: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** Builds the `clientError` listener for one server. */
export function createClientErrors({ log, metrics, timeouts }: ClientErrorOptions): ClientErrors {
  const current = new WeakMap<Duplex, ServerResponse>();

  /** The request line of the request that failed, when it can be known. */
  const targetOf = (err: { rawPacket?: unknown }, socket: Duplex): string | undefined => {
    const res = current.get(socket);
    if (res && !res.writableFinished) return res.req.url;
    if (Buffer.isBuffer(err.rawPacket)) return REQUEST_LINE.exec(err.rawPacket.subarray(0, 8192).toString('latin1'))?.[1];
    return undefined;
  };

  return {
    track(req, res) {
      current.set(req.socket, res);
    },

    handler(err, socket) {
      const res = current.get(socket);
      const inFlight = res !== undefined && !res.writableFinished;
      // The client went away mid-request (reset, or its side closed before the request ended).
      if (err.code === 'ECONNRESET' || err.code === 'HPE_INVALID_EOF_STATE' || socket.destroyed) {
        // A request under way is logged once, by its route, when its body read fails.
        if (!inFlight) log.debug({ code: err.code }, 'connection closed by the client mid-request');
        socket.destroy();
        return;
      }
      if (!socket.writable) {
        log.debug({ code: err.code }, 'malformed http request: connection closed without an answer');
        socket.destroy();
        return;
      }
      // A response is under way, partly written or for an earlier request of a pipeline: writing
      // now would corrupt it. It is finished, then the connection closed; the bad bytes get no answer.
      if (res && inFlight && (res.headersSent || res.req.complete)) {
        log.debug({ code: err.code }, 'malformed http request after a complete one: connection closed after its answer');
        socket.pause();
        res.once('close', () => socket.destroy());
        return;
      }
      const target = targetOf(err, socket);
      if (target !== undefined && !isCloudApiTarget(target)) {
        log.debug({ code: err.code }, 'malformed http request answered 400');
        socket.write(rawResponse('400 Bad Request', '{"error":"Bad Request","statusCode":400}'));
        socket.destroy();
        return;
      }
      const failure = failureFor(err, timeouts());
      log.debug({ code: err.code, answer: failure.code }, 'malformed http request answered with an envelope');
      metrics.observe('unknown', failure.code, 0);
      socket.write(rawResponse('200 OK', CloudApiDispatcher.failure(failure, 'en-US')));
      socket.destroy();
    },
  };
}
