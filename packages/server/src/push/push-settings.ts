import { isRecord } from '@openccc/protocol';
import type { SecretBox } from '../auth/secret-box.js';
import type { PushAuthMode, PushSettings } from '../store/ports.js';

const MAX_URL = 2048;
const MAX_NAME = 256;
const MAX_SECRET = 1024;

/** A push request that cannot be carried out; `field` names the setting to fix. */
export class PushError extends Error {
  constructor(
    readonly code: 'invalid' | 'not-found' | 'conflict',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'PushError';
  }
}

/** The settings as the console sees them: whether a secret is set, never the secret. */
export interface PushSettingsView {
  url: string;
  cdr: boolean;
  record: boolean;
  authMode: PushAuthMode;
  /** basic */
  username: string;
  /** oauth */
  tokenUrl: string;
  clientId: string;
  /** basic: a password is set; oauth: a client secret is set. */
  secretSet: boolean;
  modifiedAt: number | null;
}

export const NO_PUSH_SETTINGS: PushSettingsView = { url: '', cdr: false, record: false, authMode: 'none', username: '', tokenUrl: '', clientId: '', secretSet: false, modifiedAt: null };

export function settingsView(settings: PushSettings | undefined): PushSettingsView {
  if (!settings) return NO_PUSH_SETTINGS;
  return {
    url: settings.url,
    cdr: settings.cdr,
    record: settings.record,
    authMode: settings.authMode,
    username: settings.authMode === 'basic' ? settings.principal : '',
    tokenUrl: settings.authMode === 'oauth' ? settings.tokenUrl : '',
    clientId: settings.authMode === 'oauth' ? settings.principal : '',
    secretSet: settings.secretSealed !== null,
    modifiedAt: settings.modifiedAt,
  };
}

/** What a sealed secret is bound to: the instance and the mode, so it cannot be moved to another. */
export function secretContext(sdkAppId: number, mode: PushAuthMode): string {
  return `push:${sdkAppId}:${mode}`;
}

/** Checks an outbound http(s) URL: `what` names it in messages. */
export function checkPushUrl(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string') throw new PushError('invalid', `${what} must be a string.`, field);
  const text = value.trim();
  if (text.length > MAX_URL) throw new PushError('invalid', `${what} is longer than ${MAX_URL} characters.`, field);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PushError('invalid', `${what} is not a URL; write it in full, such as https://crm.example.com/ccc/push.`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PushError('invalid', `${what} must start with http:// or https://, not ${url.protocol}//.`, field);
  if (url.username || url.password) throw new PushError('invalid', `${what} may not carry a user name or password; choose HTTP basic authentication instead.`, field);
  if (url.hash) throw new PushError('invalid', `${what} may not have a #fragment.`, field);
  return url.toString();
}

function text(body: Record<string, unknown>, key: string, max: number, label: string): string {
  const value = body[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new PushError('invalid', `${label} must be a string.`, key);
  if (value.length > max) throw new PushError('invalid', `${label} is longer than ${max} characters.`, key);
  return value;
}

function flag(body: Record<string, unknown>, key: string): boolean {
  const value = body[key];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new PushError('invalid', `${key} must be true or false.`, key);
  return value;
}

/**
 * New settings from the console's form: `{url, cdr, record, authMode, username, password,
 * tokenUrl, clientId, clientSecret}`. An empty password or client secret keeps the one stored,
 * as long as the auth mode stays the same.
 */
export function parseSettings(input: unknown, previous: PushSettings | undefined, sdkAppId: number, box: SecretBox, now: number): PushSettings {
  if (!isRecord(input)) throw new PushError('invalid', 'Send the settings as a JSON object.');
  const cdr = flag(input, 'cdr');
  const record = flag(input, 'record');
  const rawUrl = text(input, 'url', MAX_URL, 'The push URL').trim();
  if (rawUrl === '' && (cdr || record)) throw new PushError('invalid', 'Enter the push URL, or switch both pushes off.', 'url');
  const url = rawUrl === '' ? '' : checkPushUrl(rawUrl, 'url', 'The push URL');
  const mode = input['authMode'] ?? 'none';
  if (mode !== 'none' && mode !== 'basic' && mode !== 'oauth') throw new PushError('invalid', 'authMode is none, basic or oauth.', 'authMode');
  const kept = previous?.authMode === mode ? previous.secretSealed : null;
  const base = { sdkAppId, url, cdr, record, authMode: mode, modifiedAt: now } as const;
  if (mode === 'none') return { ...base, principal: '', tokenUrl: '', secretSealed: null };
  if (mode === 'basic') {
    const username = text(input, 'username', MAX_NAME, 'The user name').trim();
    if (!username) throw new PushError('invalid', 'Enter the user name for HTTP basic authentication.', 'username');
    if (username.includes(':')) throw new PushError('invalid', 'An HTTP basic user name may not contain a colon.', 'username');
    const password = text(input, 'password', MAX_SECRET, 'The password');
    if (!password && !kept) throw new PushError('invalid', 'Enter the password for HTTP basic authentication.', 'password');
    return { ...base, principal: username, tokenUrl: '', secretSealed: password ? box.seal(password, secretContext(sdkAppId, mode)) : kept };
  }
  const rawTokenUrl = text(input, 'tokenUrl', MAX_URL, 'The token URL').trim();
  if (!rawTokenUrl) throw new PushError('invalid', 'Enter the URL of the OAuth token endpoint.', 'tokenUrl');
  const tokenUrl = checkPushUrl(rawTokenUrl, 'tokenUrl', 'The token URL');
  const clientId = text(input, 'clientId', MAX_NAME, 'The client id').trim();
  if (!clientId) throw new PushError('invalid', 'Enter the OAuth client id.', 'clientId');
  const secret = text(input, 'clientSecret', MAX_SECRET, 'The client secret');
  if (!secret && !kept) throw new PushError('invalid', 'Enter the OAuth client secret.', 'clientSecret');
  return { ...base, principal: clientId, tokenUrl, secretSealed: secret ? box.seal(secret, secretContext(sdkAppId, mode)) : kept };
}
