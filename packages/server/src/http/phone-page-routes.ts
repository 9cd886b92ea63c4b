import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendAsset, type Asset } from './static-assets.js';

/** A host name or IP literal with an optional port: nothing that could end or extend a CSP directive. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The page's policy: its own scripts and styles only, audio from WebRTC, a WebSocket to this host
 * (both schemes: behind a TLS proxy the server sees plain HTTP while the page's socket is secure;
 * a malformed Host leaves 'self' alone), and no framing: a phone page has no business in a frame.
 */
export function phonePageCsp(requestHost: string): string {
  const sockets = HOST.test(requestHost) ? ` ws://${requestHost.toLowerCase()} wss://${requestHost.toLowerCase()}` : '';
  return [
    "default-src 'self'",
    `connect-src 'self'${sockets}`,
    "img-src 'self' data:",
    "style-src 'self'",
    "media-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The web phone (`packages/phone`): `/phone` (and `/phone/`) serve the page, `/phone/assets/*`
 * its hashed assets, cached forever. It talks to the virtual phone network at `/phone/v1`,
 * which is served elsewhere. `assets` is `loadAssets()` of the built package, null when not built.
 */
export function registerPhonePageRoutes(app: FastifyInstance, assets: Map<string, Asset> | null): void {
  const notBuilt = (reply: FastifyReply) => reply.code(503).header('Cache-Control', 'no-store').type('text/plain').send('The web phone is not built; run `npm run build`.');

  const page = (req: { host: string }, reply: FastifyReply) => {
    const index = assets?.get('index.html');
    if (!index) return notBuilt(reply);
    return reply
      .header('Content-Security-Policy', phonePageCsp(req.host))
      .header('X-Frame-Options', 'DENY')
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Permissions-Policy', 'microphone=(self), autoplay=(self)')
      .header('Cache-Control', 'no-store')
      .type(index.type)
      .send(index.body);
  };
  app.get('/phone', page);
  app.get('/phone/', page);

  app.get<{ Params: { '*': string } }>('/phone/assets/*', (req, reply) => {
    const asset = assets?.get(`assets/${req.params['*']}`);
    if (!asset) return assets ? reply.code(404).send() : notBuilt(reply);
    return sendAsset(req, reply, asset, 'public, max-age=31536000, immutable');
  });
}
