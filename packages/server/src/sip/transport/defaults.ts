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
/** The largest UDP payload over IPv4 (65,535 − 8 UDP − 20 IP header bytes). */
export const MAX_UDP_PAYLOAD_BYTES = 65_507;
