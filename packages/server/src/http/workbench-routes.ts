import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OriginPolicy } from '../staff/origins.js';
import { sendAsset, type Asset } from './static-assets.js';

export interface WorkbenchConfig {
  /** Set when embedded for an instance: the host origins the workbench accepts a handshake from. */
  sdkAppId: number | null;
  allowedOrigins: string[];
  embedded: boolean;
}

/** A host name or IP literal with an optional port: nothing that could end or extend a CSP directive. */
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The WebSocket origins of the host being served, for CSP connect-src. Both schemes: behind a TLS proxy
 * the server sees plain HTTP while the page, and so its socket, is secure. The request's host is used only
 * when it is a well-formed host name; otherwise the public URL's host is.
 */
function socketSources(requestHost: string, publicUrl: string): string {
  const host = HOST.test(requestHost) ? requestHost.toLowerCase() : new URL(publicUrl).host;
  return `ws://${host} wss://${host}`;
}

function injectConfig(html: string, config: WorkbenchConfig): string {
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return html.replace('<!--openccc-config-->', `<script type="application/json" id="openccc-config">${json}</script>`);
}

/**
 * The workbench application: `/workbench/` standalone, `/workbench/?embed=1&sdkAppId=N`
 * inside the SDK's iframe. The HTML carries the instance's allowed origins and a
 * CSP whose frame-ancestors match them; hashed assets are cached forever.
 */
export function registerWorkbenchRoutes(app: FastifyInstance, assets: Map<string, Asset> | null, origins: OriginPolicy, publicUrl: () => string): void {
  const notBuilt = (reply: FastifyReply) => reply.code(503).type('text/plain').send('The workbench is not built; run `npm run build`.');

  app.get('/workbench', (_req, reply) => reply.redirect('/workbench/', 301));

  app.get<{ Querystring: { embed?: string; sdkAppId?: string } }>('/workbench/', async (req: FastifyRequest<{ Querystring: { embed?: string; sdkAppId?: string } }>, reply) => {
    const index = assets?.get('index.html');
    if (!index) return notBuilt(reply);
    const embedded = req.query.embed === '1';
    const id = Number(req.query.sdkAppId);
    const sdkAppId = embedded && Number.isSafeInteger(id) && id > 0 ? id : null;
    const allowedOrigins = sdkAppId === null ? [] : await origins.allowed(sdkAppId);
    const html = injectConfig(index.body.toString('utf8'), { sdkAppId, allowedOrigins, embedded });
    void reply
      .header(
        'Content-Security-Policy',
        `default-src 'self'; connect-src 'self' ${socketSources(req.host, publicUrl())}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; media-src 'self' blob:; frame-ancestors ${await origins.frameAncestors(sdkAppId)}`,
      )
      .header('Referrer-Policy', 'no-referrer')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Permissions-Policy', 'microphone=(self), autoplay=(self)');
    return reply.header('Cache-Control', 'no-store').type(index.type).send(html);
  });

  app.get<{ Params: { '*': string } }>('/workbench/assets/*', (req, reply) => {
    const asset = assets?.get(`assets/${req.params['*']}`);
    if (!asset) return assets ? reply.code(404).send() : notBuilt(reply);
    return sendAsset(req, reply, asset, 'public, max-age=31536000, immutable');
  });
}
