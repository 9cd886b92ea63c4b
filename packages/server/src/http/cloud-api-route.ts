import { cloudError, type Language } from '@openccc/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CloudApiDispatcher, MAX_POST_BYTES, type CloudApiOutcome, type IncomingRequestHead } from '../cloudapi/dispatcher.js';
import { BodyBudget } from './body-budget.js';
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

const connectionIds = new WeakMap<object, number>();
let lastConnectionId = 0;

/** The connection a request came on and the client's address (which honours --trust-proxy). */
function originOf(req: FastifyRequest): string {
  const socket = req.raw.socket;
  let id = connectionIds.get(socket);
  if (id === undefined) connectionIds.set(socket, (id = ++lastConnectionId));
  return `${id}@${req.ip}`;
}

/** The request as the dispatcher sees it, without its body. */
function requestHead(req: FastifyRequest): IncomingRequestHead {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method,
    path: q === -1 ? url : url.slice(0, q),
    rawQuery: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    origin: originOf(req),
  };
}

/** Whether the request declares a body of at most the Cloud API's 10 MB (no body counts too). */
function declaresReadableBody(req: FastifyRequest): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return false;
  const length = req.headers['content-length'];
  return length === undefined || (/^\d{1,9}$/.test(length) && Number(length) <= MAX_POST_BYTES);
}

/**
 * Cheap refusals first. A POST whose headers already decide its refusal is answered
 * before its body is read (and the connection closed, since the body is left unread).
 * The bodies that are read share one budget of bytes; past it, a request is answered
 * RequestLimitExceeded and its body is no longer read.
 */
function registerAdmission(scope: FastifyInstance, dispatcher: CloudApiDispatcher, metrics: Metrics): void {
  const budget = new BodyBudget(dispatcher.bodyBudgetBytes);
  const refuse = (req: FastifyRequest, reply: FastifyReply, outcome: CloudApiOutcome, started: bigint, close: boolean): FastifyReply => {
    metrics.observe(outcome.action, outcome.code, Number(process.hrtime.bigint() - started) / 1e9);
    req.log.debug({ action: outcome.action, code: outcome.code }, 'cloud api request refused before its body');
    echoTraceId(req, reply);
    if (close) void reply.header('connection', 'close');
    return reply.code(200).type('application/json').send(outcome.body);
  };
  const overBudget = (req: FastifyRequest): CloudApiOutcome => {
    const failure = cloudError(
      'RequestLimitExceeded',
      'The server is reading as many request bodies as it holds at once; retry shortly.',
      '服务器同时读取的请求体已达上限，请稍后重试。',
    );
    return { body: CloudApiDispatcher.failure(failure, languageOf(req)), action: 'unknown', code: failure.code };
  };

  scope.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'POST') return;
    const started = process.hrtime.bigint();
    const outcome = await dispatcher.screen(requestHead(req));
    // Returning the reply makes Fastify wait for the answer to be sent, and go no further.
    // The unread body of a declared size a Cloud API request may have is then read and
    // discarded by Node (nothing is buffered), so the client reliably receives the answer
    // on a connection that stays usable; any other body is cut by closing the connection,
    // which a client still sending may see as a reset instead of the answer.
    if (outcome) return refuse(req, reply, outcome, started, !declaresReadableBody(req));
  });

  scope.addHook('preParsing', async (req, reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD') return payload;
    const started = process.hrtime.bigint();
    const declared = Number(req.headers['content-length']);
    if (declared > 0 && !budget.fits(declared)) return refuse(req, reply, overBudget(req), started, true);
    const meter = budget.meter(() => {
      payload.unpipe(meter.stream);
      // Unless the request was answered already (a body over 10 MB, for one).
      if (!reply.sent) void refuse(req, reply, overBudget(req), started, true);
    });
    reply.raw.once('close', meter.release);
    // A client that goes away mid-body ends the parse as before; after an answer there is nothing to end.
    payload.on('error', (error) => {
      if (!reply.sent) meter.stream.destroy(error);
    });
    return payload.pipe(meter.stream);
  });
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
    registerAdmission(scope, dispatcher, metrics);

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
      const outcome = await dispatcher.handle({ ...requestHead(req), body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
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
