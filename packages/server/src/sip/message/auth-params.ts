import { quote, skipQuoted, TOKEN } from './lexer.js';

/** A challenge or credentials header: `Digest realm="x", nonce="y", ...` (RFC 3261 §25.1, RFC 7616). */
export interface AuthHeader {
  scheme: string;
  /** Names lower-cased, values unquoted and unescaped. */
  params: Record<string, string>;
}

/** Parameters written as tokens in credentials (Authorization, Proxy-Authorization). */
export const CREDENTIALS_UNQUOTED: ReadonlyArray<string> = ['algorithm', 'qop', 'nc', 'stale'];
/** Parameters written as tokens in challenges (WWW-Authenticate), where `qop` is a quoted list. */
export const CHALLENGE_UNQUOTED: ReadonlyArray<string> = ['algorithm', 'stale'];

const UNQUOTED_VALUE = /^[^\s,"]+/;

/** Parses an auth header with comma-separated parameters; null when malformed or a name repeats. */
export function parseAuthHeader(value: string): AuthHeader | null {
  const text = value.trim();
  const schemeEnd = text.search(/[ \t]/);
  if (schemeEnd <= 0) return null;
  const scheme = text.slice(0, schemeEnd);
  if (!TOKEN.test(scheme)) return null;
  const params = Object.create(null) as Record<string, string>;
  let at = schemeEnd;
  const skipSpace = (): void => {
    while (text[at] === ' ' || text[at] === '\t') at++;
  };
  for (;;) {
    skipSpace();
    const name = /^[A-Za-z0-9\-.!%*_+`'~]+/.exec(text.slice(at))?.[0];
    if (name === undefined) return null;
    at += name.length;
    skipSpace();
    if (text[at] !== '=') return null;
    at++;
    skipSpace();
    let paramValue: string | null;
    if (text[at] === '"') {
      const end = skipQuoted(text, at);
      if (end < 0) return null;
      paramValue = unquoteSlice(text.slice(at, end));
      at = end;
    } else {
      paramValue = UNQUOTED_VALUE.exec(text.slice(at))?.[0] ?? null;
      if (paramValue !== null) at += paramValue.length;
    }
    const key = name.toLowerCase();
    if (paramValue === null || key in params) return null;
    params[key] = paramValue;
    skipSpace();
    if (at === text.length) return { scheme, params };
    if (text[at] !== ',') return null;
    at++;
  }
}

function unquoteSlice(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/gs, '$1');
}

/**
 * `Digest name="value", ...`. Names in `unquoted` are written as tokens when their value is
 * one (the default suits credentials; challenges pass `CHALLENGE_UNQUOTED`).
 */
export function formatAuthHeader(
  scheme: string,
  params: Record<string, string>,
  unquoted: ReadonlyArray<string> = CREDENTIALS_UNQUOTED,
): string {
  const parts = Object.entries(params).map(([name, value]) =>
    unquoted.includes(name.toLowerCase()) && TOKEN.test(value) ? `${name}=${value}` : `${name}=${quote(value)}`,
  );
  return `${scheme} ${parts.join(', ')}`;
}
