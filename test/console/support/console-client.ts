import { expect } from 'vitest';

/** A signed-in console user, as a browser would hold it: the session cookie and the CSRF token. */
export interface ConsoleClient {
  cookie: string;
  csrf: string;
  /** Calls the console API (path below /console/api/v1) with the session, the CSRF token on writes and a JSON body. */
  call(path: string, init?: { method?: string; body?: unknown; csrf?: string | null; origin?: string }): Promise<Response>;
}

/** Signs in to the console of the server at `url`; fails the test unless it works. */
export async function consoleSignIn(url: string, mail: string, password: string, sdkAppId?: number): Promise<ConsoleClient> {
  const res = await fetch(`${url}/console/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mail, password, ...(sdkAppId ? { sdkAppId } : {}) }),
  });
  expect(res.status).toBe(200);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
  return {
    cookie,
    csrf: csrfToken,
    call(path, init = {}) {
      const headers: Record<string, string> = { cookie };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const csrf = init.csrf === undefined ? csrfToken : init.csrf;
      if (csrf) headers['x-csrf-token'] = csrf;
      if (init.origin) headers['origin'] = init.origin;
      return fetch(`${url}/console/api/v1${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
    },
  };
}

/** The `error.code` of a console API error answer. */
export async function consoleErrorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}
