import { newHexSecret } from '../../crypto/secrets.js';
import { SipHeaders, type SipRequest, type SipResponse } from '../types.js';
import { parseNameAddr } from './name-addr.js';

/** What a response carries beyond the headers copied from its request. */
export interface ResponseOptions {
  /** Added to To when it has no tag yet (a UAS's dialog-creating or final response). */
  toTag?: string;
  /** Extra headers, appended in order. */
  headers?: Array<[string, string]>;
  body?: Buffer;
  /** Content-Type of `body`. */
  contentType?: string;
}

const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress', 199: 'Early Dialog Terminated',
  200: 'OK', 202: 'Accepted', 204: 'No Notification',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily', 305: 'Use Proxy', 380: 'Alternative Service',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 410: 'Gone', 412: 'Conditional Request Failed',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme',
  417: 'Unknown Resource-Priority', 420: 'Bad Extension', 421: 'Extension Required', 422: 'Session Interval Too Small',
  423: 'Interval Too Brief', 428: 'Use Identity Header', 429: 'Provide Referrer Identity', 433: 'Anonymity Disallowed',
  436: 'Bad Identity-Info', 437: 'Unsupported Certificate', 438: 'Invalid Identity Header', 439: 'First Hop Lacks Outbound Support',
  440: 'Max-Breadth Exceeded', 469: 'Bad Info Package', 470: 'Consent Needed', 480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected', 483: 'Too Many Hops', 484: 'Address Incomplete', 485: 'Ambiguous',
  486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 489: 'Bad Event', 491: 'Request Pending',
  493: 'Undecipherable', 494: 'Security Agreement Required',
  500: 'Server Internal Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Server Time-out',
  505: 'Version Not Supported', 513: 'Message Too Large', 555: 'Push Notification Service Not Supported', 580: 'Precondition Failure',
  600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable', 607: 'Unwanted', 608: 'Rejected',
};

const CLASS_REASONS = ['Provisional', 'Success', 'Redirection', 'Client Error', 'Server Error', 'Global Failure'];

/** The standard reason phrase of a status code; for an unregistered code, its class's name. */
export function reasonPhrase(status: number): string {
  return REASONS[status] ?? CLASS_REASONS[Math.floor(status / 100) - 1] ?? 'Unknown';
}

/** A random tag (64 bits, hex) for From or To (RFC 3261 §19.3). */
export function newTag(): string {
  return newHexSecret(8);
}

/**
 * A response to `request` (RFC 3261 §8.2.6): every Via in order, From, To (with `toTag` when
 * To has none), Call-ID, CSeq, and Timestamp for a 100. Content-Length is left to the serialiser.
 */
export function createResponse(request: SipRequest, status: number, reason?: string, options: ResponseOptions = {}): SipResponse {
  const headers = new SipHeaders();
  for (const via of request.headers.getAll('Via')) headers.append('Via', via);
  const from = request.headers.get('From');
  if (from !== undefined) headers.append('From', from);
  const to = request.headers.get('To');
  if (to !== undefined) headers.append('To', withTag(to, options.toTag));
  for (const name of ['Call-ID', 'CSeq']) {
    const value = request.headers.get(name);
    if (value !== undefined) headers.append(name, value);
  }
  const timestamp = request.headers.get('Timestamp');
  if (status === 100 && timestamp !== undefined) headers.append('Timestamp', timestamp);
  for (const [name, value] of options.headers ?? []) headers.append(name, value);
  const body = options.body ?? Buffer.alloc(0);
  if (options.contentType !== undefined) headers.set('Content-Type', options.contentType);
  return { kind: 'response', status, reason: reason ?? reasonPhrase(status), headers, body };
}

function withTag(to: string, tag: string | undefined): string {
  if (tag === undefined) return to;
  const parsed = parseNameAddr(to);
  if (parsed?.params['tag'] !== undefined) return to;
  return `${to};tag=${tag}`;
}
