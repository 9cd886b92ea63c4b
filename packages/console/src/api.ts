import type { Language } from './i18n.js';

/** The console API's base path; every path given to `ConsoleApi` is relative to it. */
export const API_BASE = '/console/api/v1';

/** The signed-in user, as the server re-reads it on every request. */
export interface ConsoleUser {
  sdkAppId: number;
  mail: string;
  name: string;
  /** TCCC's Role: 1 administrator, 2 QA staff. */
  role: number;
}

export const ROLE_ADMIN = 1;
export const ROLE_QA = 2;

/**
 * Every failure the console sees. `kind` says where it came from: `console` — a console API route
 * (`code` is its error code, e.g. `bad-credentials`); `cloud` — a Cloud API action through the bridge
 * (`code` is Tencent's, e.g. `InvalidParameterValue`); `network` — no answer at all.
 */
export class ApiError extends Error {
  constructor(
    readonly kind: 'console' | 'cloud' | 'network',
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The whole error object a console route answered with, for routes that say more (e.g. `issues`). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ApiOptions {
  /** Called on any 401: the session is gone, the app returns to sign-in. */
  onUnauthenticated: () => void;
  /** The UI language, sent as `X-TC-Language` so that Cloud API messages come back in it. */
  language: () => Language;
  fetch?: typeof fetch;
}

interface SessionBody {
  user: ConsoleUser;
  csrfToken: string;
}

/**
 * The console's client for its own API. The CSRF token lives only in memory (never in browser
 * storage); the session cookie is HttpOnly and never seen by script.
 */
export class ConsoleApi {
  private csrfToken = '';
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: ApiOptions) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The current session's user, or null when signed out. */
  async session(): Promise<ConsoleUser | null> {
    try {
      const body = (await this.request('GET', '/session', undefined, false)) as SessionBody;
      this.csrfToken = body.csrfToken;
      return body.user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async signIn(mail: string, password: string, sdkAppId?: number): Promise<ConsoleUser> {
    const body = (await this.request('POST', '/session', { mail, password, ...(sdkAppId === undefined ? {} : { sdkAppId }) }, false)) as SessionBody;
    this.csrfToken = body.csrfToken;
    return body.user;
  }

  async signOut(): Promise<void> {
    try {
      await this.request('DELETE', '/session', undefined, false);
    } finally {
      this.csrfToken = '';
    }
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request('GET', path) as Promise<T>;
  }
  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request('POST', path, body) as Promise<T>;
  }
  put<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request('PUT', path, body) as Promise<T>;
  }
  del<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request('DELETE', path, body) as Promise<T>;
  }
  /** Sends a file as the raw request body (e.g. a WAV prompt), with its content type. */
  upload<T = unknown>(path: string, file: Blob, type: string): Promise<T> {
    return this.request('POST', path, { raw: file, type }) as Promise<T>;
  }

  /**
   * A Cloud API action on the user's instance (the server sets SdkAppId). Returns the `Response`
   * fields; an error envelope throws an `ApiError` of kind `cloud` with Tencent's Code and Message.
   */
  async action<T = Record<string, unknown>>(name: string, params: Record<string, unknown> = {}): Promise<T> {
    const body = await this.request('POST', `/actions/${encodeURIComponent(name)}`, params);
    const response = isRecord(body) && isRecord(body['Response']) ? body['Response'] : null;
    if (!response) throw new ApiError('network', 0, 'bad-response', `The server answered ${name} without a Response.`);
    const error = response['Error'];
    if (isRecord(error)) throw new ApiError('cloud', 200, String(error['Code'] ?? 'InternalError'), String(error['Message'] ?? ''));
    return response as T;
  }

  private async request(method: string, path: string, body?: unknown, notify = true): Promise<unknown> {
    const headers: Record<string, string> = { Accept: 'application/json', 'X-TC-Language': this.options.language() };
    const raw = body instanceof Object && 'raw' in body && body.raw instanceof Blob && 'type' in body && typeof body.type === 'string' ? { file: body.raw, type: body.type } : null;
    if (body !== undefined) headers['Content-Type'] = raw ? raw.type : 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let response: Response;
    try {
      response = await this.fetchFn(`${API_BASE}${path}`, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        ...(body === undefined ? {} : { body: raw ? raw.file : JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError('network', 0, 'network', error instanceof Error ? error.message : String(error));
    }
    if (response.status === 204) return undefined;
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed;
    const envelope = isRecord(parsed) && isRecord(parsed['error']) ? parsed['error'] : {};
    const failure = new ApiError(
      'console',
      response.status,
      typeof envelope['code'] === 'string' ? envelope['code'] : `http-${response.status}`,
      typeof envelope['message'] === 'string' ? envelope['message'] : `HTTP ${response.status}`,
      typeof envelope['field'] === 'string' ? envelope['field'] : undefined,
      envelope,
    );
    if (response.status === 401 && notify) {
      this.csrfToken = '';
      this.options.onUnauthenticated();
    }
    throw failure;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
