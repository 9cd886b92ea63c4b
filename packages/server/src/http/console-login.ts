import type { FastifyInstance } from 'fastify';
import { hashSecret } from '../crypto/secrets.js';
import type { Store } from '../store/ports.js';
import { escapeHtml, page } from './pages.js';

/**
 * Redeems a one-time console link made by CreateAdminURL. The console UI is not
 * part of this release: a valid link is consumed and says so; any other link
 * gets a page that names the reason.
 */
export function registerConsoleLogin(app: FastifyInstance, store: Store, clock: () => number): void {
  app.get<{ Querystring: { code?: string } }>('/console/login', async (req, reply) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const redeemed = /^[0-9a-f]{32}$/.test(code) ? await store.credentials.redeem('admin-link', hashSecret(code), clock()) : undefined;
    void reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
    if (!redeemed) return reply.code(404).send(page('链接无效', '<h1>链接无效</h1><p class="en">This console link is not valid.</p>'));
    if (redeemed.credential.expiresAt < clock()) return reply.code(410).send(page('链接已过期', '<h1>链接已过期</h1><p class="en">This console link has expired; create a new one with CreateAdminURL.</p>'));
    if (!redeemed.firstUse) return reply.code(410).send(page('链接已使用', '<h1>链接已被使用</h1><p class="en">This console link was already used; each link works once.</p>'));
    const who = escapeHtml(redeemed.credential.mail);
    return reply.send(
      page('OpenCCC 管理端', `<h1>已验证：${who}</h1><p>管理端界面将在后续版本提供。</p><p class="en">Signed in as ${who}. The administration console is not part of this release yet.</p>`),
    );
  });
}
