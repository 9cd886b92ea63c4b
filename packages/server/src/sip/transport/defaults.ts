/** A connection silent this long is closed (RFC 5626 clients ping well within it). */
export const DEFAULT_TCP_IDLE_MS = 600_000;
/** Connections at once, inbound and outbound together. */
export const DEFAULT_MAX_TCP_CONNECTIONS = 2_048;
/** Inbound connections from one address: a NAT'd office puts every desk phone behind one. */
export const DEFAULT_MAX_TCP_CONNECTIONS_PER_IP = 256;
/** How long an outbound connection may take to open. */
export const DEFAULT_TCP_CONNECT_TIMEOUT_MS = 10_000;
/**
 * Bytes queued for a peer that does not read before its connection is dropped: four messages of
 * the default maximum size, on top of what the kernel's socket buffer already holds.
 */
export const MAX_TCP_WRITE_BUFFER_BYTES = 262_144;
/**
 * The receive buffer asked of the kernel for the SIP UDP socket. A burst of requests that lands
 * while the event loop is busy (a long turn, a GC pause) waits there; with the usual 208 KiB
 * default a few hundred calls a second already overflow it, and each dropped datagram costs the
 * peer a retransmission 500 ms later. Linux grants at most `net.core.rmem_max`.
 */
export const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
/** The largest UDP payload over IPv4 (65,535 − 8 UDP − 20 IP header bytes). */
export const MAX_UDP_PAYLOAD_BYTES = 65_507;
