import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PAGES = fileURLToPath(new URL('../pages/', import.meta.url));

export interface HostSite {
  /** e.g. http://localhost:41234 — a different origin (and site) than OpenCCC on 127.0.0.1. */
  origin: string;
  url(page: string, params?: Record<string, string | number>): string;
  close(): Promise<void>;
}

/**
 * A customer's web page on its own origin: serves the HTML files in ../pages.
 * `/plain.html` is templated (`{{name}}` from the query) to test a static tag.
 */
export async function startHostSite(): Promise<HostSite> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const name = url.pathname.slice(1) || 'seed.html';
    if (!/^[a-z-]+\.html$/.test(name)) {
      res.writeHead(404).end();
      return;
    }
    let html: string;
    try {
      html = readFileSync(join(PAGES, name), 'utf8');
    } catch {
      res.writeHead(404).end();
      return;
    }
    html = html.replace(/\{\{(\w+)\}\}/g, (_m, key: string) => (url.searchParams.get(key) ?? '').replace(/[<>"&]/g, ''));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://localhost:${port}`;
  return {
    origin,
    url(page, params = {}) {
      const q = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
      return `${origin}/${page}${q.size ? `?${q}` : ''}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
