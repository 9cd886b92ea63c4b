import { describe, expect, it } from 'vitest';
import { ApiError, ConsoleApi } from './api.js';
import type { Language } from './i18n.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  credentials: string | undefined;
}

/** A fetch that answers from a script and records what was sent. */
function fakeFetch(answers: Array<{ status: number; body?: unknown }>) {
  const sent: Sent[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? init.body : undefined,
      credentials: init?.credentials,
    });
    const answer = answers.shift() ?? { status: 500 };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status });
  }) as typeof fetch;
  return { sent, fetchFn };
}

function client(answers: Array<{ status: number; body?: unknown }>, language: Language = 'zh-CN') {
  const { sent, fetchFn } = fakeFetch(answers);
  let signedOut = 0;
  const api = new ConsoleApi({ fetch: fetchFn, language: () => language, onUnauthenticated: () => signedOut++ });
  return { api, sent, signedOut: () => signedOut };
}

const USER = { sdkAppId: 1400000001, mail: 'admin@openccc.local', name: 'Administrator', role: 1 };

describe('ConsoleApi', () => {
  it('keeps the CSRF token of the session in memory and sends it on writes only', async () => {
    const { api, sent } = client([{ status: 200, body: { user: USER, csrfToken: 'tok' } }, { status: 200, body: { ok: 1 } }, { status: 200, body: { ok: 2 } }]);
    expect(await api.signIn('admin@openccc.local', 'pw', 1400000001)).toEqual(USER);
    expect(JSON.parse(sent[0]?.body ?? '')).toEqual({ mail: 'admin@openccc.local', password: 'pw', sdkAppId: 1400000001 });
    await api.get('/things');
    await api.put('/things/1', { a: 1 });
    expect(sent[1]).toMatchObject({ url: '/console/api/v1/things', method: 'GET', credentials: 'same-origin' });
    expect(sent[1]?.headers['X-CSRF-Token']).toBeUndefined();
    expect(sent[2]).toMatchObject({ url: '/console/api/v1/things/1', method: 'PUT', body: '{"a":1}' });
    expect(sent[2]?.headers['X-CSRF-Token']).toBe('tok');
  });

  it('turns error envelopes into ApiError with status, code and field', async () => {
    const { api } = client([{ status: 400, body: { error: { code: 'invalid', message: 'Ring timeout out of range.', field: 'ringTimeoutSeconds' } } }]);
    const error = await api.put('/skill-groups/1/routing', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'console', status: 400, code: 'invalid', message: 'Ring timeout out of range.', field: 'ringTimeoutSeconds' });
  });

  it('returns to sign-in on a 401 from any page request, but not when the session is only being asked for', async () => {
    const { api, signedOut } = client([{ status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in.' } } }, { status: 401, body: { error: { code: 'unauthenticated', message: 'Sign in.' } } }]);
    expect(await api.session()).toBeNull();
    expect(signedOut()).toBe(0);
    await expect(api.get('/things')).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(signedOut()).toBe(1);
  });

  it('answers actions with their Response fields, and Cloud API errors as ApiError of kind cloud, in the UI language', async () => {
    const { api, sent } = client(
      [
        { status: 200, body: { Response: { TotalCount: 1, RequestId: 'r1' } } },
        { status: 200, body: { Response: { Error: { Code: 'InvalidParameterValue', Message: 'Bad value.' }, RequestId: 'r2' } } },
      ],
      'en-US',
    );
    expect(await api.action('DescribeStaffInfoList', { PageSize: 1, PageNumber: 0 })).toMatchObject({ TotalCount: 1 });
    expect(sent[0]).toMatchObject({ url: '/console/api/v1/actions/DescribeStaffInfoList', method: 'POST' });
    expect(sent[0]?.headers['X-TC-Language']).toBe('en-US');
    await expect(api.action('CreateStaff', {})).rejects.toMatchObject({ kind: 'cloud', code: 'InvalidParameterValue', message: 'Bad value.' });
  });

  it('reports a failed connection as a network error', async () => {
    const api = new ConsoleApi({
      fetch: (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch,
      language: () => 'zh-CN',
      onUnauthenticated: () => undefined,
    });
    await expect(api.get('/x')).rejects.toMatchObject({ kind: 'network', status: 0 });
  });
});
