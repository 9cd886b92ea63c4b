import type { Endpoint } from '../types.js';

/** The flow of a UDP peer: `udp:<local port>:<remote address>:<remote port>`. */
export function udpFlowId(localPort: number, remote: Endpoint): string {
  return `udp:${localPort}:${remote.address}:${remote.port}`;
}

/** A TCP connection's flow: a sequence number keeps a reconnection from the same port distinct. */
export function tcpFlowId(sequence: number, remote: Endpoint): string {
  return `tcp:${sequence}:${remote.address}:${remote.port}`;
}

/** The key of a remote endpoint for connection reuse. */
export function remoteKey(remote: Endpoint): string {
  return `${remote.address}|${remote.port}`;
}
