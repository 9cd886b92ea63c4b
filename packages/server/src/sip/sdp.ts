import { isIP, isIPv6 } from 'node:net';
import { parse, write, type MediaAttributes, type MediaDescription, type SessionDescription } from 'sdp-transform';

/**
 * SDP offer/answer (RFC 3264) for one audio stream of G.711 with RFC 4733 telephone events:
 * what the gateway reads from a phone or carrier and what it answers or offers. Other codecs in
 * an offer are ignored; video and other streams are left out of the answer.
 */

export type AudioCodecName = 'PCMU' | 'PCMA';
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** One audio stream as the remote side described it. */
export interface AudioOffer {
  /** Where to send RTP (`0.0.0.0` for an RFC 2543 hold). */
  address: string;
  port: number;
  /** The G.711 formats listed, in the sender's order of preference. */
  codecs: Array<{ pt: number; name: AudioCodecName }>;
  /** The payload type of telephone-event/8000, or null when not offered. */
  telephoneEvent: number | null;
  /** As the sender sees it: `sendonly` means it will send but not receive (it holds the call). */
  direction: MediaDirection;
  ptime: number | null;
}

export type SdpErrorCode = 'unparsable' | 'noAudio' | 'unsupportedTransport' | 'noConnection' | 'rejected' | 'codecNotOffered';

/** Why an SDP cannot be used; `detail` is for logs. */
export interface SdpError {
  error: SdpErrorCode;
  detail: string;
}

/** Longest SDP body read; a G.711 offer is a few hundred bytes, a WebRTC one a few kilobytes. */
const MAX_SDP_LENGTH = 16_384;
const STATIC_PT: Record<AudioCodecName, number> = { PCMU: 0, PCMA: 8 };
const TRANSPORTS = new Set(['RTP/AVP', 'RTP/AVPF']);
const MIRROR: Record<MediaDirection, MediaDirection> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

/**
 * Reads the first audio stream with a non-zero port: its connection address (media level, else
 * session level), its G.711 formats (static 0 and 8 need no rtpmap), telephone-event/8000 and
 * direction. A `c=0.0.0.0` hold counts as the sender not receiving.
 */
export function readAudioSdp(sdp: string): AudioOffer | SdpError {
  const session = parseSdp(sdp);
  if ('error' in session) return session;
  const media = session.media.find((m) => m.type === 'audio' && m.port !== 0);
  if (!media) return { error: 'noAudio', detail: 'no audio stream with a non-zero port' };
  return readMedia(session, media);
}

/**
 * Answers an offer with the first codec of `options.prefer` that it lists, under the offer's
 * payload type, plus telephone-event when offered; direction and ptime mirror the offer.
 */
export function answerAudio(
  offer: AudioOffer,
  local: { address: string; port: number },
  options: { prefer: ReadonlyArray<AudioCodecName>; sessionId: string; sessionVersion?: number },
): { sdp: string; codec: AudioCodecName; telephoneEvent: number | null } | { error: 'noCommonCodec' } {
  const chosen = options.prefer.map((name) => offer.codecs.find((codec) => codec.name === name)).find((codec) => codec !== undefined);
  if (!chosen) return { error: 'noCommonCodec' };
  const sdp = writeAudio(local, {
    sessionId: options.sessionId,
    sessionVersion: options.sessionVersion ?? 1,
    codecs: [chosen],
    telephoneEvent: offer.telephoneEvent,
    eventRange: '0-15',
    direction: MIRROR[offer.direction],
    ptime: offer.ptime,
  });
  return { sdp, codec: chosen.name, telephoneEvent: offer.telephoneEvent };
}

export interface AudioOfferOptions {
  /** In order of preference; written with their static payload types 0 and 8. */
  codecs: ReadonlyArray<AudioCodecName>;
  /** Payload type of telephone-event/8000; default 101, null to offer none. */
  telephoneEvent?: number | null;
  sessionId: string;
  sessionVersion?: number;
  direction?: MediaDirection;
  ptime?: number | null;
}

/** An offer of one audio stream (a call the gateway places to a carrier or phone). */
export function offerAudio(local: { address: string; port: number }, options: AudioOfferOptions): string {
  if (options.codecs.length === 0) throw new RangeError('offerAudio: give at least one codec.');
  return writeAudio(local, {
    sessionId: options.sessionId,
    sessionVersion: options.sessionVersion ?? 1,
    codecs: options.codecs.map((name) => ({ pt: STATIC_PT[name], name })),
    telephoneEvent: options.telephoneEvent === undefined ? 101 : options.telephoneEvent,
    eventRange: '0-16',
    direction: options.direction ?? 'sendrecv',
    ptime: options.ptime ?? null,
  });
}

/**
 * Reads the answer to an `offerAudio` offer: `codec` is the first format of the answer that was
 * offered. An answer that picks only formats never offered (as sipp's built-in UAS does, answering
 * PCMU to a PCMA-only offer) is `codecNotOffered`; the caller decides whether to tolerate it.
 */
export function readAudioAnswer(
  answer: string,
  offered: Pick<AudioOfferOptions, 'codecs' | 'telephoneEvent'>,
): (AudioOffer & { codec: AudioCodecName }) | SdpError {
  const session = parseSdp(answer);
  if ('error' in session) return session;
  const media = session.media.find((m) => m.type === 'audio');
  if (!media) return { error: 'noAudio', detail: 'the answer has no audio stream' };
  if (media.port === 0) return { error: 'rejected', detail: 'the answer rejects the audio stream (port 0)' };
  const read = readMedia(session, media);
  if ('error' in read) return read;
  const codec = read.codecs.find((c) => offered.codecs.includes(c.name));
  if (!codec) {
    const listed = read.codecs.map((c) => c.name).join(', ') || 'no G.711 format';
    return { error: 'codecNotOffered', detail: `the answer lists ${listed}; the offer had ${offered.codecs.join(', ')}` };
  }
  const eventsOffered = offered.telephoneEvent !== null;
  return { ...read, telephoneEvent: eventsOffered ? read.telephoneEvent : null, codec: codec.name };
}

function parseSdp(sdp: string): SessionDescription | SdpError {
  if (sdp.length > MAX_SDP_LENGTH) return { error: 'unparsable', detail: `the SDP has ${sdp.length} characters, more than ${MAX_SDP_LENGTH}` };
  if (!/^v=0\r?$/m.test(sdp.split('\n', 1)[0] ?? '')) return { error: 'unparsable', detail: 'the SDP does not start with v=0' };
  try {
    const session = parse(sdp);
    return Array.isArray(session.media) ? session : { error: 'unparsable', detail: 'no media sections' };
  } catch (error) {
    return { error: 'unparsable', detail: error instanceof Error ? error.message : String(error) };
  }
}

function readMedia(session: SessionDescription, media: MediaDescription): AudioOffer | SdpError {
  if (!TRANSPORTS.has(media.protocol)) return { error: 'unsupportedTransport', detail: `audio over ${media.protocol}; only RTP/AVP is supported` };
  if (!Number.isInteger(media.port) || media.port < 1 || media.port > 65_535) return { error: 'unparsable', detail: `audio port ${media.port}` };
  const connection = media.connection ?? session.connection;
  if (!connection) return { error: 'noConnection', detail: 'no c= line for the audio stream' };
  // sdp-transform turns values that look like numbers into numbers, whatever its types say.
  const address = String(connection.ip).split('/', 1)[0] ?? '';
  if (isIP(address) === 0) return { error: 'noConnection', detail: `the audio connection address ${JSON.stringify(address)} is not an IP address` };

  const codecs: AudioOffer['codecs'] = [];
  let telephoneEvent: number | null = null;
  for (const pt of payloadTypes(media.payloads)) {
    const format = formatOf(media.rtp, pt);
    if ((format === 'PCMU' || format === 'PCMA') && !codecs.some((c) => c.name === format)) codecs.push({ pt, name: format });
    else if (format === 'telephone-event' && telephoneEvent === null) telephoneEvent = pt;
  }

  let direction: MediaDirection = media.direction ?? session.direction ?? 'sendrecv';
  if (address === '0.0.0.0' || address === '::') direction = direction === 'sendrecv' ? 'sendonly' : direction === 'recvonly' ? 'inactive' : direction;
  const ptime = typeof media.ptime === 'number' && media.ptime > 0 ? media.ptime : null;
  return { address, port: media.port, codecs, telephoneEvent, direction, ptime };
}

/** sdp-transform gives a lone payload type as a number, despite its types. */
function payloadTypes(payloads: string | number | undefined): number[] {
  return String(payloads ?? '')
    .split(' ')
    .filter((token) => /^\d{1,3}$/.test(token))
    .map(Number)
    .filter((pt) => pt <= 127);
}

/** The format a payload type stands for: its rtpmap at 8 kHz mono, else the static assignments. */
function formatOf(rtpmaps: MediaAttributes['rtp'], pt: number): AudioCodecName | 'telephone-event' | null {
  const rtpmap = rtpmaps.find((entry) => entry.payload === pt);
  if (!rtpmap) return pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : null;
  if (rtpmap.rate !== 8000 || (rtpmap.encoding !== undefined && rtpmap.encoding !== 1)) return null;
  const name = String(rtpmap.codec).toUpperCase();
  if (name === 'PCMU' || name === 'PCMA') return name;
  return name === 'TELEPHONE-EVENT' ? 'telephone-event' : null;
}

interface AudioDescription {
  sessionId: string;
  sessionVersion: number;
  codecs: ReadonlyArray<{ pt: number; name: AudioCodecName }>;
  telephoneEvent: number | null;
  eventRange: string;
  direction: MediaDirection;
  ptime: number | null;
}

function writeAudio(local: { address: string; port: number }, description: AudioDescription): string {
  if (!/^\d{1,20}$/.test(description.sessionId)) throw new RangeError(`SDP session id ${JSON.stringify(description.sessionId)} must be 1 to 20 digits.`);
  if (!Number.isInteger(local.port) || local.port < 1 || local.port > 65_535) throw new RangeError(`SDP audio port ${local.port} is not between 1 and 65535.`);
  const ipVer = isIPv6(local.address) ? 6 : 4;
  const payloads = description.codecs.map((codec) => codec.pt);
  const rtp: MediaAttributes['rtp'] = description.codecs.map((codec) => ({ payload: codec.pt, codec: codec.name, rate: 8000 }));
  const fmtp: MediaAttributes['fmtp'] = [];
  if (description.telephoneEvent !== null) {
    payloads.push(description.telephoneEvent);
    rtp.push({ payload: description.telephoneEvent, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: description.telephoneEvent, config: description.eventRange });
  }
  const media: MediaDescription = { type: 'audio', port: local.port, protocol: 'RTP/AVP', payloads: payloads.join(' '), rtp, fmtp, direction: description.direction };
  if (description.ptime !== null) media.ptime = description.ptime;
  return write({
    version: 0,
    origin: { username: '-', sessionId: description.sessionId, sessionVersion: description.sessionVersion, netType: 'IN', ipVer, address: local.address },
    name: '-',
    connection: { version: ipVer, ip: local.address },
    timing: { start: 0, stop: 0 },
    media: [media],
  });
}
