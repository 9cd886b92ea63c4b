/** How WebRTC legs gather ICE candidates. */
export interface WebRtcConfig {
  /** UDP port range for ICE; werift needs min < max. Undefined = any port. */
  portRange?: [number, number];
  /** Extra host addresses to offer as candidates (e.g. 127.0.0.1 for tests, or the public address). */
  additionalHostAddresses?: string[];
  /** STUN servers, e.g. ["stun:stun.example.org:3478"]; none by default. */
  stunServers?: string[];
  useIpv4?: boolean;
  useIpv6?: boolean;
}
