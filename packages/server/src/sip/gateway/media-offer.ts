/**
 * SDP to media legs and back: the codec a SIP peer's offer lets us use, the RTP leg that carries it,
 * and our answer with the leg's local address.
 */
import { isIP } from 'node:net';
import { RTP_PTIMES, type LegParams, type RtpPtime } from '../../media/protocol.js';
import { answerAudio, readAudioSdp, type AudioOffer } from '../sdp.js';
import { IpAllowlist } from '../security/ip-allowlist.js';

export type OfferCheck = { ok: true; offer: AudioOffer; params: LegParams & { kind: 'rtp' } } | { ok: false; status: 488; reason: string };

/**
 * Reads a peer's SDP offer into the RTP leg that will carry the call (PCMU or PCMA, RFC 4733 events,
 * the peer's ptime). `signalledFrom` is the address the peer's SIP came from: a desk phone behind NAT
 * writes its private address in the SDP, so when that address is private and differs, the leg sends
 * to the signalling address instead and latches onto the port the phone's audio really comes from
 * (symmetric RTP). Carriers on an allowlist keep the strict negotiated peer.
 */
export function legForOffer(sdp: string, prefer: ReadonlyArray<'PCMU' | 'PCMA'> = ['PCMU', 'PCMA'], signalledFrom?: string): OfferCheck {
  const offer = readAudioSdp(sdp);
  if ('error' in offer) return { ok: false, status: 488, reason: offer.error };
  const codec = offer.codecs.map((c) => c.name).find((name) => prefer.includes(name));
  if (!codec) return { ok: false, status: 488, reason: 'Offer has neither PCMU nor PCMA' };
  const natted = signalledFrom !== undefined && signalledFrom !== offer.address && isPrivate(offer.address) && !isPrivate(signalledFrom);
  const ptime = RTP_PTIMES.find((p) => p === offer.ptime);
  return {
    ok: true,
    offer,
    params: {
      kind: 'rtp',
      remote: natted ? { address: signalledFrom, port: offer.port, latch: true } : { address: offer.address, port: offer.port },
      codec,
      ...(offer.telephoneEvent !== null ? { telephoneEventPayloadType: offer.telephoneEvent } : {}),
      ...(ptime ? { ptime: ptime as RtpPtime } : {}),
    },
  };
}

/** RFC 1918, RFC 6598 (carrier-grade NAT) and IPv6 unique-local addresses. */
const PRIVATE = new IpAllowlist(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']);

export function isPrivate(address: string): boolean {
  return isIP(address) !== 0 && PRIVATE.has(address);
}

/** Our answer to an offer, for the leg set up at `local`. */
export function answerFor(offer: AudioOffer, codec: 'PCMU' | 'PCMA', local: { address: string; port: number }, sessionId: string, sessionVersion = 1): string {
  const answer = answerAudio(offer, local, { prefer: [codec], sessionId: sdpSessionIdOf(sessionId), sessionVersion });
  if ('error' in answer) throw new Error('the offer was checked before the leg was set up');
  return answer.sdp;
}

/** SDP's o= session id is digits: derived from the call's id so that it is stable per call. */
export function sdpSessionIdOf(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return String(hash || 1);
}
