import { isIPv6 } from 'node:net';
import { emptyParams, emptyStringMap, type Params } from './lexer.js';

/**
 * A SIP, SIPS or tel URI (RFC 3261 §19.1, RFC 3966). For `tel:` the number is in `user` and
 * `host` is empty. Parameter names are lower-cased; every value stays as written (escaped).
 */
export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  /** As written, percent escapes included (`uriUser` decodes it). */
  user?: string;
  password?: string;
  /** As written; an IPv6 address keeps its brackets. */
  host: string;
  port?: number;
  params: Params;
  /** `?name=value&...` headers, names as written. */
  headers: Record<string, string>;
}

const ESCAPED = '%[0-9A-Fa-f]{2}';
const UNRESERVED = "A-Za-z0-9\\-_.!~*'()";
const USER = new RegExp(`^(?:[${UNRESERVED}&=+$,;?/]|${ESCAPED})+$`);
const PASSWORD = new RegExp(`^(?:[${UNRESERVED}&=+$,]|${ESCAPED})*$`);
const PARAM_CHARS = new RegExp(`^(?:[${UNRESERVED}[\\]/:&+$]|${ESCAPED})+$`);
const HEADER_CHARS = new RegExp(`^(?:[${UNRESERVED}[\\]/?:+$]|${ESCAPED})*$`);
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9.])?$/;
const TEL_NUMBER = /^\+?[0-9A-Fa-f*#.()-]+$/;
const SCHEME = /^(sips?|tel):/i;

/** Parses a sip:, sips: or tel: URI; null for another scheme or a malformed one. */
export function parseUri(text: string): SipUri | null {
  const scheme = SCHEME.exec(text);
  if (!scheme) return null;
  const name = scheme[1]!.toLowerCase() as SipUri['scheme'];
  const rest = text.slice(scheme[0].length);
  return name === 'tel' ? parseTel(rest) : parseSip(name, rest);
}

function parseSip(scheme: 'sip' | 'sips', text: string): SipUri | null {
  const at = text.indexOf('@');
  const uri: SipUri = { scheme, host: '', params: emptyParams(), headers: emptyStringMap() };
  if (at >= 0) {
    const userinfo = text.slice(0, at);
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (!USER.test(user)) return null;
    uri.user = user;
    if (colon >= 0) {
      const password = userinfo.slice(colon + 1);
      if (!PASSWORD.test(password)) return null;
      uri.password = password;
    }
  }
  const afterUser = text.slice(at + 1);
  const hostEnd = afterUser.startsWith('[') ? afterUser.indexOf(']') + 1 : afterUser.search(/[:;?]|$/);
  if (hostEnd <= 0) return null;
  const host = afterUser.slice(0, hostEnd);
  if (host.startsWith('[') ? !isIPv6(host.slice(1, -1)) : !HOSTNAME.test(host)) return null;
  uri.host = host;
  let rest = afterUser.slice(hostEnd);
  if (rest.startsWith(':')) {
    const port = /^:(\d{1,5})/.exec(rest);
    if (!port || Number(port[1]) > 65_535) return null;
    uri.port = Number(port[1]);
    rest = rest.slice(port[0].length);
  }
  const question = rest.indexOf('?');
  const paramText = question < 0 ? rest : rest.slice(0, question);
  if (!parseUriParams(paramText, uri.params)) return null;
  if (question >= 0 && !parseUriHeaders(rest.slice(question + 1), uri.headers)) return null;
  return uri;
}

function parseTel(text: string): SipUri | null {
  const semicolon = text.indexOf(';');
  const number = semicolon < 0 ? text : text.slice(0, semicolon);
  if (!TEL_NUMBER.test(number)) return null;
  const uri: SipUri = { scheme: 'tel', user: number, host: '', params: emptyParams(), headers: emptyStringMap() };
  return parseUriParams(semicolon < 0 ? '' : text.slice(semicolon), uri.params) ? uri : null;
}

function parseUriParams(text: string, into: Params): boolean {
  if (text === '') return true;
  if (!text.startsWith(';')) return false;
  for (const part of text.slice(1).split(';')) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).toLowerCase();
    if (!PARAM_CHARS.test(name) || name in into) return false;
    if (eq < 0) into[name] = null;
    else {
      const value = part.slice(eq + 1);
      if (!PARAM_CHARS.test(value)) return false;
      into[name] = value;
    }
  }
  return true;
}

function parseUriHeaders(text: string, into: Record<string, string>): boolean {
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return false;
    const name = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (!HEADER_CHARS.test(name) || !HEADER_CHARS.test(value) || name in into) return false;
    into[name] = value;
  }
  return true;
}

/** The URI as text; `parseUri(formatUri(u))` equals `u`. */
export function formatUri(uri: SipUri): string {
  let out = `${uri.scheme}:`;
  if (uri.scheme === 'tel') out += uri.user ?? '';
  else {
    if (uri.user !== undefined) out += `${uri.user}${uri.password === undefined ? '' : `:${uri.password}`}@`;
    out += uri.host;
    if (uri.port !== undefined) out += `:${uri.port}`;
  }
  for (const [name, value] of Object.entries(uri.params)) out += value === null ? `;${name}` : `;${name}=${value}`;
  const headers = Object.entries(uri.headers);
  if (headers.length > 0) out += `?${headers.map(([name, value]) => `${name}=${value}`).join('&')}`;
  return out;
}

/** The user part with percent escapes decoded (as UTF-8), for comparing and routing; '' when absent. */
export function uriUser(uri: SipUri): string {
  return percentDecode(uri.user ?? '');
}

/** Decodes `%XX` escapes as bytes of UTF-8; a `%` not followed by two hex digits stays as is. */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
