import { cloudError, type Language } from '@openccc/protocol';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CloudApiDispatcher, MAX_POST_BYTES } from '../cloudapi/dispatcher.js';
import type { Metrics } from './metrics.js';

function languageOf(req: FastifyRequest): Language {
  return req.headers['x-tc-language'] === 'zh-CN' ? 'zh-CN' : 'en-US';
}

/** GET / is the Cloud API only when it carries TC3 headers; otherwise it is the landing page. */
export function isCloudApiGet(req: FastifyRequest): boolean {
  if (req.headers.authorization !== undefined || req.headers['x-tc-action'] !== undefined) return true;
  // Legacy v1 signatures carry everything in the query.
  const query = (req.raw.url ?? '').split('?')[1] ?? '';
  return /(^|&)Action=/.test(query) && /(^|&)Signature=/.test(query);
}

/**
 * Registers `POST /` and the TC3 form of `GET /` in their own scope, with a raw
 * body (the signature covers the exact bytes) and an error handler that keeps
 * even framework errors inside the Tencent envelope.
 */
export async function registerCloudApi(
  app: FastifyInstance,
  dispatcher: CloudApiDispatcher,
  metrics: Metrics,
  landing: (req: FastifyRequest, reply: FastifyReply) => FastifyReply,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_POST_BYTES }, (_req, body, done) => done(null, body));

    scope.setErrorHandler((error: { code?: string; statusCode?: number }, req, reply) => {
      const failure =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? cloudError('RequestSizeLimitExceeded', 'The request body exceeds 10 MB.', '请求体超过 10 MB。')
          : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_EMPTY_TYPE'
            ? cloudError('InvalidParameter', 'The Content-Type header is missing or unsupported; send application/json.', 'Content-Type 缺失或不受支持，请使用 application/json。')
            : cloudError('InvalidRequest', 'The request could not be read.', '无法读取请求。');
      if (failure.code === 'InvalidRequest') req.log.warn({ err: error }, 'unreadable cloud api request');
      metrics.observe('unknown', failure.code, 0);
      return reply.code(200).type('application/json').send(CloudApiDispatcher.failure(failure, languageOf(req)));
    });

    const handle = async (req: FastifyRequest, reply: FastifyReply) => {
      const started = process.hrtime.bigint();
      const url = req.raw.url ?? '/';
      const q = url.indexOf('?');
      const outcome = await dispatcher.handle({
        method: req.method,
        path: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        headers: req.headers,
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      });
      metrics.observe(outcome.action, outcome.code, Number(process.hrtime.bigint() - started) / 1e9);
      req.log.debug({ action: outcome.action, code: outcome.code }, 'cloud api request');
      const traceId = req.headers['x-tc-traceid'];
      if (typeof traceId === 'string') void reply.header('X-TC-TraceId', traceId);
      return reply.code(200).type('application/json').send(outcome.body);
    };

    scope.post('/', handle);
    scope.get('/', (req, reply) => (isCloudApiGet(req) ? handle(req, reply) : landing(req, reply)));
  });
}

/**
 * Requests Node rejects before routing (headers over the 64 KB limit: a GET with
 * a huge query) still get a Cloud API envelope, since only the Cloud API GET
 * legitimately carries that much in its request line.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const overflow = err.code === 'HPE_HEADER_OVERFLOW';
    const body = overflow
      ? CloudApiDispatcher.failure(
          cloudError('RequestSizeLimitExceeded', 'The request line and headers exceed 64 KB; send large Cloud API requests with POST.', '请求行和请求头超过 64 KB，请使用 POST 发送较大的云 API 请求。'),
          'en-US',
        )
      : '{"error":"Bad Request","statusCode":400}';
    const status = overflow ? '200 OK' : '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}
