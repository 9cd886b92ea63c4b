import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  type: string;
}

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function makeAsset(body: Buffer, type: string): Asset {
  const compressible = /javascript|css|html|json|svg|text/.test(type) && body.length > 512;
  return { body, gzip: compressible ? gzipSync(body, { level: 9 }) : null, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`, type };
}

/** Loads a built front-end folder into memory (it is small), keyed by '/'-separated relative path. Null when not built. */
export function loadAssets(dir: string): Map<string, Asset> | null {
  if (!existsSync(dir)) return null;
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else assets.set(relative(dir, path).split(sep).join('/'), makeAsset(readFileSync(path), TYPES[extname(name)] ?? 'application/octet-stream'));
    }
  };
  walk(dir);
  return assets;
}

/** Sends an asset with ETag revalidation and gzip when the client accepts it. */
export function sendAsset(req: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string): FastifyReply {
  void reply.header('ETag', asset.etag).header('Cache-Control', cacheControl).header('Vary', 'Accept-Encoding').type(asset.type);
  if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  if (asset.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    return reply.header('Content-Encoding', 'gzip').send(asset.gzip);
  }
  return reply.send(asset.body);
}
