/**
 * The gateway's view of the SIP layer: transport and transactions, with what every call needs —
 * our Via and Contact, requests inside a dialog, and where a dialog's requests go.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createInDialogRequest, type Dialog } from '../dialog.js';
import { formatVia } from '../message/via.js';
import { parseUri } from '../message/uri.js';
import type { ClientTransactionHandlers, Endpoint, SipRequest, SipTransactions, SipTransport, SipTransportName } from '../types.js';

/** The methods a call's dialog takes (the Allow header of INVITEs and their answers). */
export const DIALOG_METHODS = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE';

/** Where a dialog's requests go: the peer's address and the flow (TCP connection) it uses. */
export interface DialogPeer {
  endpoint: Endpoint;
  flowId?: string;
}

export class SipStack {
  constructor(
    readonly transport: SipTransport,
    readonly transactions: SipTransactions,
    /** The address written in Via and Contact (the advertised address when behind NAT). */
    private readonly advertised: { address: string } | null = null,
  ) {}

  /** Our top Via for a new request, with a new branch. */
  via(transport: SipTransportName = 'udp'): string {
    const local = this.transport.local(transport);
    return formatVia({
      protocol: 'SIP/2.0',
      transport: transport.toUpperCase(),
      host: this.advertised?.address ?? local.address,
      port: local.port,
      params: { branch: this.transactions.newBranch(), rport: null },
    });
  }

  /** The host we are reached at (From, Contact, Via). */
  host(transport: SipTransportName = 'udp'): string {
    return this.advertised?.address ?? this.transport.local(transport).address;
  }

  /** Our Contact URI (`user` names the line: a number, an extension). */
  contactUri(user: string, transport: SipTransportName = 'udp'): string {
    const local = this.transport.local(transport);
    const host = this.host(transport);
    const hostPart = isIP(host) === 6 ? `[${host}]` : host;
    return `sip:${encodeURIComponent(user)}@${hostPart}:${local.port}${transport === 'udp' ? '' : `;transport=${transport}`}`;
  }

  /** Sends a request inside a dialog to its peer; returns the dialog with its CSeq advanced. */
  sendInDialog(dialog: Dialog, peer: DialogPeer, method: string, handlers: ClientTransactionHandlers, extra: { body?: Buffer; contentType?: string; headers?: Array<[string, string]> } = {}): Dialog {
    const built = createInDialogRequest(dialog, method, {
      via: this.via(peer.endpoint.transport),
      contact: `<${this.contactUri('openccc', peer.endpoint.transport)}>`,
      ...(extra.headers ? { headers: extra.headers } : {}),
      ...(extra.body ? { body: extra.body, contentType: extra.contentType ?? 'application/sdp' } : {}),
    });
    this.transactions.request(built.request, peer.endpoint, handlers, peer.flowId);
    return built.dialog;
  }

  /** Sends a request outside any transaction (an ACK for a 2xx). */
  sendStateless(request: SipRequest, peer: DialogPeer): void {
    this.transactions.sendStateless(request, peer.endpoint, peer.flowId);
  }
}

/** The endpoint a SIP URI names (host resolved with the system resolver; default port 5060; `transport` param honoured). */
export async function endpointOfUri(uri: string): Promise<Endpoint | null> {
  const parsed = parseUri(uri);
  if (!parsed || parsed.scheme === 'tel') return null;
  const transport: SipTransportName = String(parsed.params['transport'] ?? 'udp').toLowerCase() === 'tcp' ? 'tcp' : 'udp';
  const host = parsed.host.replace(/^\[|\]$/g, '');
  const address = isIP(host) ? host : (await lookup(host).catch(() => null))?.address;
  if (!address) return null;
  return { transport, address, port: parsed.port ?? 5060 };
}
