/**
 * RTP (RFC 3550) fixed headers and RFC 4733 telephone-event payloads: just enough to read and
 * write G.711 and DTMF packets without copying more than the payload.
 */

export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export interface RtpPacketView extends RtpHeader {
  payload: Uint8Array;
}

const HEADER_BYTES = 12;

/** Parses an RTP packet; undefined for anything that is not RTP version 2 (RTCP included). */
export function parseRtp(packet: Uint8Array): RtpPacketView | undefined {
  if (packet.length < HEADER_BYTES) return undefined;
  const first = packet[0] as number;
  if (first >> 6 !== 2) return undefined;
  const second = packet[1] as number;
  const payloadType = second & 0x7f;
  // RTCP shares the port in rtcp-mux setups; its packet types 200–204 land on payload types 72–76.
  if (payloadType >= 72 && payloadType <= 76) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  let offset = HEADER_BYTES + (first & 0x0f) * 4;
  if (first & 0x10) {
    if (offset + 4 > packet.length) return undefined;
    offset += 4 + view.getUint16(offset + 2) * 4;
  }
  let end = packet.length;
  if (first & 0x20) end -= packet[packet.length - 1] as number;
  if (offset > end) return undefined;
  return {
    marker: (second & 0x80) !== 0,
    payloadType,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: packet.subarray(offset, end),
  };
}

/** Serialises a header and payload into one new buffer. */
export function serializeRtp(header: RtpHeader, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  out[0] = 0x80;
  out[1] = (header.marker ? 0x80 : 0) | (header.payloadType & 0x7f);
  out.writeUInt16BE(header.sequence & 0xffff, 2);
  out.writeUInt32BE(header.timestamp >>> 0, 4);
  out.writeUInt32BE(header.ssrc >>> 0, 8);
  out.set(payload, HEADER_BYTES);
  return out;
}

export interface TelephoneEvent {
  /** 0–15: 0–9, *, #, A–D. */
  event: number;
  end: boolean;
  volume: number;
  /** In timestamp units (1/8000 s). */
  duration: number;
}

/** Parses an RFC 4733 telephone-event payload. */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  const flags = payload[1] as number;
  return { event: payload[0] as number, end: (flags & 0x80) !== 0, volume: flags & 0x3f, duration: ((payload[2] as number) << 8) | (payload[3] as number) };
}

/** Serialises an RFC 4733 telephone-event payload. */
export function serializeTelephoneEvent(event: TelephoneEvent): Uint8Array {
  return Uint8Array.of(event.event, (event.end ? 0x80 : 0) | (event.volume & 0x3f), (event.duration >> 8) & 0xff, event.duration & 0xff);
}
