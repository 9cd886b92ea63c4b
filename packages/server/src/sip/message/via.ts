import { isIPv6 } from 'node:net';
import type { SipHeaders } from '../types.js';
import { formatParams, parseParams, TOKEN, type Params } from './lexer.js';

/** One Via entry (RFC 3261 §20.42). */
export interface Via {
  /** Protocol name and version, upper case: `SIP/2.0`. */
  protocol: string;
  /** Upper case: `UDP`, `TCP`, `TLS`, `WS`, ... */
  transport: string;
  /** The sent-by host as written; an IPv6 address keeps its brackets (`[2001:db8::1]`). */
  host: string;
  port?: number;
  /** Parameters, names lower-cased (`branch`, `received`, `rport` — `null` when a flag). */
  params: Params;
}

const SENT_PROTOCOL = /^([^\s/]+)[ \t]*\/[ \t]*([^\s/]+)[ \t]*\/[ \t]*([^\s/;]+)[ \t]+/;
const SENT_BY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9.])?)(?:[ \t]*:[ \t]*(\d{1,5}))?[ \t]*/;

/** Parses one Via value (not a comma list); null when malformed. */
export function parseVia(value: string): Via | null {
  const text = value.trim();
  const protocol = SENT_PROTOCOL.exec(text);
  if (!protocol) return null;
  const [whole, name = '', version = '', transport = ''] = protocol;
  if (!TOKEN.test(name) || !TOKEN.test(version) || !TOKEN.test(transport)) return null;
  const rest = text.slice(whole.length);
  const sentBy = SENT_BY.exec(rest);
  if (!sentBy) return null;
  const [hostPort, host = '', portText] = sentBy;
  if (host.startsWith('[') && !isIPv6(host.slice(1, -1))) return null;
  const params = parseParams(rest.slice(hostPort.length));
  if (!params) return null;
  const via: Via = { protocol: `${name}/${version}`.toUpperCase(), transport: transport.toUpperCase(), host, params };
  if (portText !== undefined) {
    const port = Number(portText);
    if (port > 65_535) return null;
    via.port = port;
  }
  return via;
}

/** A Via value: `SIP/2.0/UDP host:port;branch=...`. */
export function formatVia(via: Via): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `${via.protocol}/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

/** The first Via of a message, parsed; null when absent or malformed. */
export function topVia(headers: SipHeaders): Via | null {
  const value = headers.get('Via');
  return value === undefined ? null : parseVia(value);
}

/** A host as a socket address: an IPv6 reference loses its brackets. */
export function hostAddress(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
