import { hostAddress, topVia } from '../message/via.js';
import type { Endpoint, Received, SipRequest } from '../types.js';
import { viaParam } from './via-params.js';

/** The port a sent-by without one means (RFC 3261 §18.2.2; SIPS/TLS is not served here). */
export const DEFAULT_SIP_PORT = 5060;

/**
 * Where the responses to a request go (RFC 3261 §18.2.2 with RFC 3581 §4):
 * - over a reliable transport, back to the source, through the same connection (`received.flowId`);
 * - over UDP, to the top Via's `received` address (else its sent-by host) and to its `rport`
 *   (else the sent-by port, else 5060).
 *
 * A sent-by host that is a domain name is returned as is; RFC 3263 §5 resolution is the caller's.
 * `maddr` (multicast) is not honoured: the gateway never answers to an address a peer names
 * other than where the packet came from. A request without a usable top Via is answered at its source.
 */
export function responseTarget(request: SipRequest, received: Received): Endpoint {
  const source = received.source;
  if (source.transport !== 'udp') return { ...source };
  const via = topVia(request.headers);
  if (!via) return { ...source };
  const receivedAddress = viaParam(via, 'received');
  const address = receivedAddress ? hostAddress(receivedAddress) : hostAddress(via.host);
  const rport = portNumber(viaParam(via, 'rport'));
  return { transport: 'udp', address, port: rport ?? via.port ?? DEFAULT_SIP_PORT };
}

function portNumber(value: string | null | undefined): number | null {
  if (!value || !/^\d{1,5}$/.test(value)) return null;
  const port = Number(value);
  return port >= 1 && port <= 65_535 ? port : null;
}
