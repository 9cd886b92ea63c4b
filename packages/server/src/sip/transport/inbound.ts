import { createResponse } from '../message/build.js';
import { parseSipMessage } from '../message/parse.js';
import type { SipLimits } from '../message/limits.js';
import type { Endpoint, SipMessage, SipRequest, SipResponse } from '../types.js';
import { badRequestReason, salvageRequest } from './bad-request.js';
import { stampReceived } from './via-stamp.js';

/** What to do with the bytes of one datagram or one framed TCP message. */
export type InboundOutcome =
  /** Well-formed: deliver it (a request with its top Via stamped). */
  | { kind: 'message'; message: SipMessage }
  /** A malformed request that can be answered: send `response` back (see `responseTarget`). */
  | { kind: 'reject'; request: SipRequest; response: SipResponse; reason: string }
  /** Neither: ignore it. */
  | { kind: 'drop'; reason: string };

/** Parses one message from `source` and decides its fate; pure. */
export function interpretInbound(data: Buffer, source: Endpoint, limits: SipLimits): InboundOutcome {
  const parsed = parseSipMessage(data, limits);
  if (!parsed.ok) return rejectMalformed(data, parsed.error, source);
  const message = parsed.message;
  if (message.kind === 'response') return { kind: 'message', message };
  const stamped = stampReceived(message, source);
  if (!stamped) return { kind: 'drop', reason: 'request without a parsable Via' };
  return { kind: 'message', message: stamped };
}

/** A 400 for a malformed request that still shows where to answer, else a drop. */
export function rejectMalformed(data: Buffer, error: string, source: Endpoint): InboundOutcome {
  const salvaged = salvageRequest(data);
  const request = salvaged && stampReceived(salvaged, source);
  if (!request) return { kind: 'drop', reason: error };
  const response = createResponse(request, 400, badRequestReason(error));
  return { kind: 'reject', request, response, reason: error };
}
