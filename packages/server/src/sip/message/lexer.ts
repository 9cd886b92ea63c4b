/**
 * Lexical pieces of SIP header values (RFC 3261 §25.1): tokens, quoted strings, generic
 * parameters, and comma lists that honour quotes and `<...>`.
 */

/** RFC 3261 `token` characters. */
export const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Generic parameters: names lower-cased, `null` for a flag without a value. */
export type Params = Record<string, string | null>;

/** An empty parameter map without a prototype, so a parameter named `__proto__` is only data. */
export function emptyParams(): Params {
  return Object.create(null) as Params;
}

/** An empty string map without a prototype. */
export function emptyStringMap(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/**
 * The index just past the closing quote of the quoted string opening at `start`, or -1 when it
 * is not terminated. A backslash escapes the next character (RFC 3261 `quoted-pair`).
 */
export function skipQuoted(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
  }
  return -1;
}

/** The content of a quoted string (with its quotes) with escapes removed, or null when it is not one. */
export function unquote(text: string): string | null {
  if (text.length < 2 || text[0] !== '"' || skipQuoted(text, 0) !== text.length) return null;
  let out = '';
  for (let i = 1; i < text.length - 1; i++) {
    const c = text[i]!;
    if (c === '\\') {
      i++;
      out += text[i] ?? '';
    } else out += c;
  }
  return out;
}

/** A quoted string for `text`, escaping `"` and `\`. */
export function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Splits on `separator` outside quoted strings and `<...>`. Parts are trimmed. Null when a
 * quote or an angle bracket is left open, or a `>` closes nothing.
 */
export function splitOutside(text: string, separator: string): string[] | null {
  const parts: string[] = [];
  let angle = false;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && !angle) {
      const end = skipQuoted(text, i);
      if (end < 0) return null;
      i = end - 1;
    } else if (c === '<') {
      if (angle) return null;
      angle = true;
    } else if (c === '>') {
      if (!angle) return null;
      angle = false;
    } else if (c === separator && !angle) {
      parts.push(text.slice(from, i).trim());
      from = i + 1;
    }
  }
  if (angle) return null;
  parts.push(text.slice(from).trim());
  return parts;
}

/** A generic parameter value: a token, a host (IPv6 references included) or a quoted string. */
const PARAM_VALUE = /^(?:[A-Za-z0-9\-.!%*_+`'~:[\]]+|"(?:[^"\\\r\n]|\\[^\r\n])*")$/;

/**
 * Parses `;name=value;flag` (empty text gives no parameters). Names are lower-cased; values
 * are kept as written, quotes included. Null on a syntax error or a repeated name.
 */
export function parseParams(text: string): Params | null {
  const params = emptyParams();
  const trimmed = text.trim();
  if (trimmed === '') return params;
  if (trimmed[0] !== ';') return null;
  const parts = splitOutside(trimmed.slice(1), ';');
  if (!parts) return null;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!TOKEN.test(name) || name in params) return null;
    if (eq < 0) {
      params[name] = null;
      continue;
    }
    const value = part.slice(eq + 1).trim();
    if (!PARAM_VALUE.test(value)) return null;
    params[name] = value;
  }
  return params;
}

/** `;name=value;flag` for a parameter map (empty for none). */
export function formatParams(params: Readonly<Params>): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}
