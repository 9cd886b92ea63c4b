import { parseCSeq } from '../message/cseq.js';
import { parseNameAddr } from '../message/name-addr.js';
import { topVia } from '../message/via.js';
import type { Endpoint, SipRequest, SipResponse } from '../types.js';

/**
 * The keys that match messages to transactions (RFC 3261 §17.1.3 and §17.2.3). Each returns
 * null for a message that lacks what matching needs (no Via, no CSeq), which is then dropped.
 */

/** The RFC 3261 magic cookie: a branch that starts with it was made unique by its sender. */
export const MAGIC_COOKIE = 'z9hG4bK';

/** A client transaction's key: the top Via's branch and the CSeq method (a CANCEL shares its INVITE's branch). */
export function clientKey(branch: string, method: string): string {
  return `${branch}\n${method}`;
}

/** The client key of a response: its top Via's branch and its CSeq method. */
export function responseKey(response: SipResponse): string | null {
  const branch = topVia(response.headers)?.params['branch'];
  const cseq = parseCSeq(response.headers.get('CSeq') ?? '');
  if (!branch || !cseq) return null;
  return clientKey(branch, cseq.method);
}

/**
 * A server transaction's key. With the magic cookie: branch, sent-by and method (§17.2.3);
 * an ACK takes its INVITE's method so it finds the INVITE's transaction. Without it (RFC 2543
 * peers): Request-URI, From tag, Call-ID, CSeq number, the whole top Via and the method.
 * `method` overrides the request's own (a CANCEL looks up the INVITE it cancels).
 */
export function serverKey(request: SipRequest, method = request.method === 'ACK' ? 'INVITE' : request.method): string | null {
  const via = topVia(request.headers);
  const cseq = parseCSeq(request.headers.get('CSeq') ?? '');
  if (!via || !cseq) return null;
  const branch = via.params['branch'];
  if (branch?.startsWith(MAGIC_COOKIE)) return ['3261', branch, via.host.toLowerCase(), via.port ?? '', method].join('\n');
  const callId = request.headers.get('Call-ID') ?? '';
  return ['2543', request.uri, fromTag(request) ?? '', callId, cseq.seq, request.headers.get('Via') ?? '', method].join('\n');
}

/**
 * The key that spots a merged request (§8.2.2.2): the same From tag, Call-ID and CSeq as a
 * live transaction, arrived by another path. Null for a request inside a dialog (To has a tag).
 */
export function mergeKey(request: SipRequest): string | null {
  const to = parseNameAddr(request.headers.get('To') ?? '');
  if (!to || to.params['tag'] !== undefined) return null;
  const tag = fromTag(request);
  const callId = request.headers.get('Call-ID');
  const cseq = request.headers.get('CSeq');
  if (tag === undefined || callId === undefined || cseq === undefined) return null;
  return [tag, callId, cseq].join('\n');
}

/** A key of an endpoint, to find the transactions that use it when its transport fails. */
export function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.transport}:${endpoint.address.toLowerCase()}:${endpoint.port}`;
}

function fromTag(request: SipRequest): string | undefined {
  return parseNameAddr(request.headers.get('From') ?? '')?.params['tag'] ?? undefined;
}
