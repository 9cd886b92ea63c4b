import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFoundPage, pageLanguage } from './pages.js';

/**
 * Paths whose clients are programs, not people: an unknown path under them keeps the JSON
 * answer those clients parse. The Cloud API at `/` has its own envelope and is handled before.
 */
const API_BASES = ['/sdk', '/console/api', '/recordings', '/phone/v1', '/realtime', '/workbench/api'] as const;

function isApiPath(path: string): boolean {
  return API_BASES.some((base) => path === base || path.startsWith(`${base}/`));
}

/**
 * Answers a path no route serves: JSON for API paths (as Fastify does), otherwise, since a
 * person followed a link or typed it, an HTML page in their language with a link home.
 */
export function answerNotFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const url = req.raw.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  void reply.code(404).header('Cache-Control', 'no-store');
  if (isApiPath(path)) return reply.send({ message: `Route ${req.method}:${url} not found`, error: 'Not Found', statusCode: 404 });
  const language = pageLanguage(req.headers['accept-language']);
  return reply.header('Vary', 'Accept-Language').type('text/html; charset=utf-8').send(notFoundPage(language, path));
}
