import { describe, expect, it } from 'vitest';
import type { OriginRepo } from '../store/ports.js';
import { OriginPolicy, normalizeOrigin } from './origins.js';

const SERVER = 'http://127.0.0.1:8080';

/** An in-memory origin list per instance. */
function memoryRepo(initial: Record<number, string[]> = {}): OriginRepo {
  const lists = new Map<number, string[]>(Object.entries(initial).map(([id, list]) => [Number(id), [...list]]));
  return {
    list: async (sdkAppId) => [...(lists.get(sdkAppId) ?? [])],
    add: async (sdkAppId, origin) => {
      const list = lists.get(sdkAppId) ?? [];
      if (list.includes(origin)) return false;
      lists.set(sdkAppId, [...list, origin]);
      return true;
    },
    remove: async (sdkAppId, origin) => {
      const list = lists.get(sdkAppId) ?? [];
      lists.set(sdkAppId, list.filter((o) => o !== origin));
      return list.includes(origin);
    },
  };
}

describe('normalizeOrigin', () => {
  it.each([
    ['https://a.example.com', 'https://a.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['*', '*'],
    ['https://crm.example.com:8443', 'https://crm.example.com:8443'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('accepts %s', (text, origin) => {
    expect(normalizeOrigin(text)).toBe(origin);
  });

  it.each([
    ['https://A.Example.COM', 'https://a.example.com'],
    ['https://a.example.com:443', 'https://a.example.com'],
    ['http://a.example.com:80', 'http://a.example.com'],
    ['https://A.Example.COM:443/', 'https://a.example.com'],
    ['http://LocalHost:3000', 'http://localhost:3000'],
    ['https://a.example.com/', 'https://a.example.com'],
  ])('normalises %s to %s', (text, origin) => {
    expect(normalizeOrigin(text)).toBe(origin);
  });

  it.each([
    ['a path', 'https://a.example.com/app'],
    ['a deep path', 'https://a.example.com/app/index.html'],
    ['a dot path', 'https://a.example.com/.'],
    ['a double slash path', 'https://a.example.com//'],
    ['a query', 'https://a.example.com/?x=1'],
    ['a query without slash', 'https://a.example.com?x=1'],
    ['a fragment', 'https://a.example.com#top'],
    ['ftp', 'ftp://a.example.com'],
    ['file', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,hi'],
    ['a user', 'https://user@a.example.com'],
    ['a user and password', 'https://user:pw@a.example.com'],
    ['no scheme', 'a.example.com'],
    ['garbage', 'not an origin'],
    ['empty', ''],
    ['null', 'null'],
    ['a bad port', 'https://a.example.com:99999'],
    ['two stars', '**'],
  ])('rejects %s', (_name, text) => {
    expect(normalizeOrigin(text)).toBeNull();
  });

  it.each([
    ['HTTPS://A.Example.COM', 'https://a.example.com'],
    ['HTTP://localhost:3000', 'http://localhost:3000'],
  ])('normalises the scheme case of %s', (text, origin) => {
    expect(normalizeOrigin(text)).toBe(origin);
  });

  it('rejects a wildcard in the host', () => {
    expect(normalizeOrigin('https://*.example.com')).toBeNull();
  });
});

describe('OriginPolicy', () => {
  it('allows only the server origin when the list is empty', async () => {
    const policy = new OriginPolicy(memoryRepo(), () => SERVER);
    expect(await policy.allowed(1)).toEqual([SERVER]);
    expect(await policy.isAllowed(1, SERVER)).toBe(true);
    expect(await policy.isAllowed(1, 'http://localhost:5555')).toBe(false);
    expect(await policy.isAllowed(1, '')).toBe(false);
    expect(await policy.isAllowed(1, 'null')).toBe(false);
  });

  it('allows the listed origins and still the server origin', async () => {
    const policy = new OriginPolicy(memoryRepo({ 1: ['https://crm.example.com'] }), () => SERVER);
    expect(await policy.allowed(1)).toEqual(['https://crm.example.com']);
    expect(await policy.isAllowed(1, 'https://crm.example.com')).toBe(true);
    expect(await policy.isAllowed(1, SERVER)).toBe(true);
    expect(await policy.isAllowed(1, 'https://crm.example.com:8443')).toBe(false);
    expect(await policy.isAllowed(1, 'http://crm.example.com')).toBe(false);
    // Lists are per instance.
    expect(await policy.isAllowed(2, 'https://crm.example.com')).toBe(false);
  });

  it('allows any origin with *', async () => {
    const policy = new OriginPolicy(memoryRepo({ 1: ['*'] }), () => SERVER);
    expect(await policy.isAllowed(1, 'https://anything.example.net')).toBe(true);
    expect(await policy.isAllowed(1, SERVER)).toBe(true);
    expect(await policy.isAllowed(2, 'https://anything.example.net')).toBe(false);
  });

  it('follows changes of the list and of the server origin', async () => {
    const repo = memoryRepo();
    let server = SERVER;
    const policy = new OriginPolicy(repo, () => server);
    await repo.add(1, 'http://localhost:5555', 0);
    expect(await policy.isAllowed(1, 'http://localhost:5555')).toBe(true);
    await repo.remove(1, 'http://localhost:5555');
    expect(await policy.isAllowed(1, 'http://localhost:5555')).toBe(false);
    server = 'https://ccc.example.com';
    expect(await policy.isAllowed(1, 'https://ccc.example.com')).toBe(true);
    expect(await policy.isAllowed(1, SERVER)).toBe(false);
  });

  describe('frameAncestors', () => {
    it("is 'self' for the standalone workbench", async () => {
      const policy = new OriginPolicy(memoryRepo({ 1: ['https://crm.example.com'] }), () => SERVER);
      expect(await policy.frameAncestors(null)).toBe("'self'");
    });

    it("is 'self' for an instance with an empty list", async () => {
      const policy = new OriginPolicy(memoryRepo(), () => SERVER);
      expect(await policy.frameAncestors(1)).toBe("'self'");
    });

    it("lists 'self' and the allowed origins, without repeating the server origin", async () => {
      const policy = new OriginPolicy(memoryRepo({ 1: ['https://crm.example.com', SERVER, 'http://localhost:5555'] }), () => SERVER);
      expect(await policy.frameAncestors(1)).toBe("'self' https://crm.example.com http://localhost:5555");
    });

    it('is * when any origin is allowed', async () => {
      const policy = new OriginPolicy(memoryRepo({ 1: ['https://crm.example.com', '*'] }), () => SERVER);
      expect(await policy.frameAncestors(1)).toBe('*');
    });
  });
});
