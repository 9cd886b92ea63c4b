import type { Scheduler } from '../realtime/scheduler.js';

/** The platform's `fetch`, injected so tests and benchmarks can stand in for the network. */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** What came back from one HTTP request: the status and the start of the body, or why there was no answer. */
export type HttpAnswer = { status: number; body: string } | { status: null; error: string };

/** Receivers answer a short JSON object; more than this is cut (the rest is not needed to judge it). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * One outbound request with a deadline that covers the answer's body too. Redirects are not
 * followed: a push URL names its receiver, and a 3xx answer counts as a failure.
 */
export async function exchange(fetchFn: FetchFn, scheduler: Scheduler, timeoutMs: number, url: string, init: RequestInit, stop?: AbortSignal): Promise<HttpAnswer> {
  const controller = new AbortController();
  if (stop?.aborted) return { status: null, error: 'the server is stopping' };
  const onStop = () => controller.abort();
  stop?.addEventListener('abort', onStop, { once: true });
  let timedOut = false;
  const timer = scheduler.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const response = await fetchFn(url, { ...init, redirect: 'manual', signal: controller.signal });
    const body = await readCapped(response);
    return { status: response.status, body };
  } catch (error) {
    if (timedOut) return { status: null, error: `no answer within ${formatSeconds(timeoutMs)}` };
    if (stop?.aborted) return { status: null, error: 'the server is stopping' };
    return { status: null, error: `the request failed: ${describeFailure(error)}` };
  } finally {
    stop?.removeEventListener('abort', onStop);
    scheduler.clearTimeout(timer);
  }
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** The cause Node's fetch wraps (ECONNREFUSED, ENOTFOUND…), which says more than "fetch failed". */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = (error as Error & { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code ? `${code} (${cause.message})` : cause.message;
  }
  return error.message;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** Shortens a receiver's answer for the delivery log. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
