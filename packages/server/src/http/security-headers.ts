import type { FastifyInstance } from 'fastify';

/**
 * The policy of OpenCCC's own server-rendered pages (landing, console link, error pages): their
 * only style is inline, they load nothing, submit nothing, and may not be framed by anyone.
 * Pages that need more (the workbench) send their own CSP, which this hook leaves alone.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Adds `X-Content-Type-Options: nosniff` to every answer, and to every HTML
 * answer without a CSP of its own, a CSP that forbids framing.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.header('X-Content-Type-Options', 'nosniff');
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && !reply.hasHeader('content-security-policy')) {
      void reply.header('Content-Security-Policy', PAGE_CSP).header('X-Frame-Options', 'DENY');
    }
    return payload;
  });
}
