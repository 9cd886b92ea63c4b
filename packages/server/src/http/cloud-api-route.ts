import { cloudError, type Language } from '@openccc/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CloudApiDispatcher, MAX_POST_BYTES } from '../cloudapi/dispatcher.js';
import type { Metrics } from './metrics.js';

function languageOf(req: FastifyRequest): Language {
  return req.headers['x-tc-language'] === 'zh-CN' ? 'zh-CN' : 'en-US';
}

/**
 * `X-TC-TraceId` is echoed only when it looks like a trace id (the official SDKs send a UUID):
 * 1 to 128 visible ASCII characters. Anything else is not echoed, so a client cannot make the
 * answer's headers large or odd.
 */
const ECHOED_TRACE_ID = /^[\x21-\x7e]{1,128}$/;

function echoTraceId(req: FastifyRequest, reply: FastifyReply): void {
  const traceId = req.headers['x-tc-traceid'];
  if (typeof traceId === 'string' && ECHOED_TRACE_ID.test(traceId)) void reply.header('X-TC-TraceId', traceId);
}

/** Any method on `/` but POST and GET: Tencent answers UnsupportedProtocol, and so does OpenCCC, in the envelope. */
export function unsupportedMethod(metrics: Metrics): (req: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (req, reply) => {
    const failure = cloudError(
      'UnsupportedProtocol',
      `The Cloud API accepts POST, and GET with the parameters in the query; this request used ${req.method}.`,
      `云 API 仅支持 POST，以及参数放在查询串中的 GET；本请求使用了 ${req.method}。`,
    );
    metrics.observe('unknown', failure.code, 0);
    echoTraceId(req, reply);
    return reply.code(200).type('application/json').send(CloudApiDispatcher.failure(failure, languageOf(req)));
  };
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
      // The client went away mid-request: nobody is left to answer, and it is not a server fault.
      if (req.raw.aborted || reply.raw.destroyed || error.code === 'ECONNRESET') {
        req.log.debug({ code: error.code }, 'cloud api request aborted by the client');
        return reply;
      }
      const failure =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? cloudError('RequestSizeLimitExceeded', 'The request body exceeds 10 MB.', '请求体超过 10 MB。')
          : error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.code === 'FST_ERR_CTP_EMPTY_TYPE'
            ? cloudError('InvalidParameter', 'The Content-Type header is missing or unsupported; send application/json.', 'Content-Type 缺失或不受支持，请使用 application/json。')
            : cloudError('InvalidRequest', 'The request could not be read.', '无法读取请求。');
      if (failure.code === 'InvalidRequest') req.log.warn({ err: error }, 'unreadable cloud api request');
      metrics.observe('unknown', failure.code, 0);
      echoTraceId(req, reply);
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
      echoTraceId(req, reply);
      return reply.code(200).type('application/json').send(outcome.body);
    };

    scope.post('/', handle);
    scope.get('/', (req, reply) => (isCloudApiGet(req) ? handle(req, reply) : landing(req, reply)));
    // Inside the scope, so that a body sent with PUT or PATCH is read raw, like any Cloud API body.
    scope.route({ method: scope.supportedMethods.filter((method) => !['GET', 'HEAD', 'POST'].includes(method)), url: '/', handler: unsupportedMethod(metrics) });
  });
}
