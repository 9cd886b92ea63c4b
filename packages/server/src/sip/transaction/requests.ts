import { parseCSeq } from '../message/cseq.js';
import { SipHeaders, type SipRequest, type SipResponse } from '../types.js';

/**
 * The requests a client transaction makes from its INVITE: the ACK of a non-2xx final response
 * (RFC 3261 §17.1.1.3) and the CANCEL (§9.1). Both carry only the INVITE's top Via, so they
 * share its branch, and the INVITE's Route set.
 */

/** The ACK of a non-2xx final response: the INVITE's Request-URI, Call-ID, From, CSeq number and Route; the response's To. */
export function createNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers = common(invite, 'ACK');
  headers.set('To', response.headers.get('To') ?? invite.headers.get('To') ?? '');
  return { kind: 'request', method: 'ACK', uri: invite.uri, headers: order(headers), body: Buffer.alloc(0) };
}

/** The CANCEL of an INVITE; `reason` becomes a Reason header (RFC 3326), e.g. `SIP;cause=200;text="Call completed elsewhere"`. */
export function createCancel(invite: SipRequest, reason?: string): SipRequest {
  const headers = common(invite, 'CANCEL');
  headers.set('To', invite.headers.get('To') ?? '');
  if (reason !== undefined) headers.set('Reason', reason);
  return { kind: 'request', method: 'CANCEL', uri: invite.uri, headers: order(headers), body: Buffer.alloc(0) };
}

function common(invite: SipRequest, method: string): SipHeaders {
  const headers = new SipHeaders();
  const via = invite.headers.get('Via');
  if (via !== undefined) headers.append('Via', via);
  headers.append('Max-Forwards', '70');
  headers.append('From', invite.headers.get('From') ?? '');
  headers.append('Call-ID', invite.headers.get('Call-ID') ?? '');
  const seq = parseCSeq(invite.headers.get('CSeq') ?? '')?.seq ?? 0;
  headers.append('CSeq', `${seq} ${method}`);
  for (const route of invite.headers.getAll('Route')) headers.append('Route', route);
  return headers;
}

/** Via, Max-Forwards, From, To, Call-ID, CSeq, Route, then the rest: the order readers expect. */
function order(headers: SipHeaders): SipHeaders {
  const first = ['Via', 'Max-Forwards', 'From', 'To', 'Call-ID', 'CSeq', 'Route'];
  const sorted = new SipHeaders();
  for (const name of first) for (const value of headers.getAll(name)) sorted.append(name, value);
  for (const [name, value] of headers.entries()) if (!first.includes(name)) sorted.append(name, value);
  return sorted;
}
