import { formatParams, parseParams, quote, skipQuoted, unquote, type Params } from './lexer.js';
import { parseUri } from './uri.js';

/** A From, To, Contact, Route or Refer-To value (RFC 3261 §20.10). */
export interface NameAddr {
  /** Unquoted and unescaped; absent when there was none. */
  displayName?: string;
  /** The address as text (`uri.ts` parses sip:, sips: and tel:). */
  uri: string;
  /** Header parameters, names lower-cased (`tag`, `expires`, `q`, ...). */
  params: Params;
}

const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+$/;
const SIP_SCHEME = /^(sips?|tel):/i;
/** An unquoted display name: tokens and spaces, any non-ASCII letters tolerated; no controls, quotes or brackets. */
function isTokenName(name: string): boolean {
  for (const c of name) {
    const code = c.charCodeAt(0);
    if ((code < 0x20 && c !== '\t') || code === 0x7f || c === '"' || c === '<' || c === '>') return false;
  }
  return true;
}

/**
 * Parses `"Name" <sip:a@b>;tag=x`, `Name <sip:a@b>`, `<sip:a@b>` and the bare `sip:a@b;tag=x`
 * (where what follows the URI are header parameters). Null when malformed; `*` is not a name-addr.
 */
export function parseNameAddr(value: string): NameAddr | null {
  const text = value.trim();
  let displayName: string | undefined;
  let uri: string;
  let paramText: string;
  const open = text.startsWith('"') ? text.indexOf('<', skipQuoted(text, 0)) : text.indexOf('<');
  if (text.startsWith('"')) {
    const end = skipQuoted(text, 0);
    if (end < 0) return null;
    const name = unquote(text.slice(0, end));
    if (name === null || text.slice(end, open).trim() !== '' || open < 0) return null;
    displayName = name;
  } else if (open >= 0) {
    const name = text.slice(0, open).trim();
    if (!isTokenName(name)) return null;
    if (name !== '') displayName = name;
  }
  if (open >= 0) {
    const close = text.indexOf('>', open);
    if (close < 0) return null;
    uri = text.slice(open + 1, close).trim();
    paramText = text.slice(close + 1);
  } else {
    const semicolon = text.indexOf(';');
    uri = semicolon < 0 ? text : text.slice(0, semicolon);
    paramText = semicolon < 0 ? '' : text.slice(semicolon);
    if (/[,?]/.test(uri)) return null;
  }
  if (!ABSOLUTE_URI.test(uri) || (SIP_SCHEME.test(uri) && !parseUri(uri))) return null;
  const params = parseParams(paramText);
  if (!params) return null;
  return displayName === undefined ? { uri, params } : { displayName, uri, params };
}

/** The name-addr form, always with `<...>` and a quoted display name. */
export function formatNameAddr(value: NameAddr): string {
  const name = value.displayName === undefined ? '' : `${quote(value.displayName)} `;
  return `${name}<${value.uri}>${formatParams(value.params)}`;
}
