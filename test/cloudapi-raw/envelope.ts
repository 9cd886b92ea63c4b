import { expect } from 'vitest';
import type { RawResponse } from './signed-fetch.js';

/**
 * The invariant of the Cloud API route: whatever happens, HTTP 200, a JSON
 * Content-Type and a `{Response: {…, RequestId: <uuid>}}` envelope, because
 * the official Node SDK crashes on anything else.
 */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** CJK Unified Ideographs: a Chinese message has some. */
export const CJK_RE = /[\u4e00-\u9fff]/;

type ResponseBody = Record<string, unknown> & { RequestId: string };

/** Asserts the envelope and returns `Response`. */
export function expectEnvelope(res: RawResponse): ResponseBody {
  expect(res.status, res.text).toBe(200);
  expect(res.headers['content-type'] ?? '').toMatch(/^application\/json\b/);
  expect(res.json, res.text).toEqual({ Response: expect.any(Object) });
  const response = (res.json as { Response: ResponseBody }).Response;
  expect(response.RequestId).toMatch(UUID_RE);
  return response;
}

/** Asserts a successful envelope (no `Error`) and returns `Response`. */
export function expectOk(res: RawResponse): ResponseBody {
  const response = expectEnvelope(res);
  expect(response['Error'], res.text).toBeUndefined();
  return response;
}

/** Asserts an error envelope with exactly `code` and returns its message. */
export function expectError(res: RawResponse, code: string): string {
  const response = expectEnvelope(res);
  const error = response['Error'] as { Code?: unknown; Message?: unknown } | undefined;
  expect(error, res.text).toBeDefined();
  expect(Object.keys(response).sort()).toEqual(['Error', 'RequestId']);
  expect(error?.Code, res.text).toBe(code);
  expect(typeof error?.Message).toBe('string');
  const message = error?.Message as string;
  expect(message.length).toBeGreaterThan(0);
  return message;
}

/** `/healthz` still answers 200: the process survived whatever the file threw at it. */
export async function expectHealthy(port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
}
