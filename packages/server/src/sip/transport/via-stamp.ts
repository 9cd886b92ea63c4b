import { formatVia, topVia } from '../message/via.js';
import { SipHeaders, type Endpoint, type SipRequest } from '../types.js';
import { sameHost, viaParam } from './via-params.js';

/**
 * Records where a request really came from in its top Via (RFC 3261 §18.2.1, RFC 3581 §4), so its
 * responses find the way back through NAT:
 * - `received=<source address>` when the sent-by host differs from it, and always when the Via
 *   asks for `rport` (RFC 3581 requires it even when they match);
 * - `rport=<source port>` when the Via carries `rport` (a value a client put there is replaced:
 *   only the packet's source is trusted);
 * - a `received` the client wrote itself, with a sent-by that matches the source and no `rport`,
 *   is removed, so responses are never sent to an address the peer merely claims.
 *
 * Returns a new request (the input is not changed), or null when the top Via is missing or unparsable.
 */
export function stampReceived(request: SipRequest, source: Endpoint): SipRequest | null {
  const via = topVia(request.headers);
  if (!via) return null;
  const params = { ...via.params };
  const wantsRport = viaParam(via, 'rport') !== undefined;
  if (wantsRport || !sameHost(via.host, source.address)) params['received'] = source.address;
  else delete params['received'];
  if (wantsRport) params['rport'] = String(source.port);
  const stamped = formatVia({ ...via, params });
  let replaced = false;
  const headers = new SipHeaders(
    request.headers.entries().map(([name, value]): [string, string] => {
      if (replaced || name !== 'Via') return [name, value];
      replaced = true;
      return [name, stamped];
    }),
  );
  return { ...request, headers };
}
