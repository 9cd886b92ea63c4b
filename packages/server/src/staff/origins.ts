import type { OriginRepo } from '../store/ports.js';

/** `https://crm.example.com:8443` form, or null when the text is not an origin (paths, wildcards in hosts…). */
export function normalizeOrigin(text: string): string | null {
  if (text === '*') return '*';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
  if (url.pathname !== '/' || url.search || url.hash || /\/[^/]/.test(text.replace(/^https?:\/\//i, ''))) return null;
  if (url.hostname.includes('*')) return null;
  return url.origin;
}

/**
 * Which host pages may embed an instance's workbench. An empty list means only
 * OpenCCC's own origin; `*` allows any origin and must be set explicitly.
 */
export class OriginPolicy {
  constructor(
    private readonly origins: OriginRepo,
    private readonly serverOrigin: () => string,
  ) {}

  async allowed(sdkAppId: number): Promise<string[]> {
    const list = await this.origins.list(sdkAppId);
    return list.length > 0 ? list : [this.serverOrigin()];
  }

  async isAllowed(sdkAppId: number, origin: string): Promise<boolean> {
    if (origin === this.serverOrigin()) return true;
    const list = await this.allowed(sdkAppId);
    return list.includes('*') || list.includes(origin);
  }

  /** The CSP `frame-ancestors` source list for the instance's workbench. */
  async frameAncestors(sdkAppId: number | null): Promise<string> {
    if (sdkAppId === null) return "'self'";
    const list = await this.allowed(sdkAppId);
    return list.includes('*') ? '*' : ["'self'", ...list.filter((o) => o !== this.serverOrigin())].join(' ');
  }
}
