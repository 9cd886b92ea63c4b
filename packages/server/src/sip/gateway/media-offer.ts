/**
 * SDP to media legs and back: the codec a SIP peer's offer lets us use, the RTP leg that carries it,
 * and our answer with the leg's local address.
 */
import type { LegParams } from '../../media/protocol.js';
import { answerAudio, readAudioSdp, type AudioOffer } from '../sdp.js';

export type OfferCheck = { ok: true; offer: AudioOffer; params: LegParams & { kind: 'rtp' } } | { ok: false; status: 488; reason: string };

/** Reads a peer's SDP offer into the RTP leg that will carry the call (PCMU or PCMA, RFC 4733 events). */
export function legForOffer(sdp: string, prefer: ReadonlyArray<'PCMU' | 'PCMA'> = ['PCMU', 'PCMA']): OfferCheck {
  const offer = readAudioSdp(sdp);
  if ('error' in offer) return { ok: false, status: 488, reason: offer.error };
  const codec = offer.codecs.map((c) => c.name).find((name) => prefer.includes(name));
  if (!codec) return { ok: false, status: 488, reason: 'Offer has neither PCMU nor PCMA' };
  return {
    ok: true,
    offer,
    params: {
      kind: 'rtp',
      remote: { address: offer.address, port: offer.port },
      codec,
      ...(offer.telephoneEvent !== null ? { telephoneEventPayloadType: offer.telephoneEvent } : {}),
    },
  };
}

/** Our answer to an offer, for the leg set up at `local`. */
export function answerFor(offer: AudioOffer, codec: 'PCMU' | 'PCMA', local: { address: string; port: number }, sessionId: string): string {
  const answer = answerAudio(offer, local, { prefer: [codec], sessionId: sdpSessionId(sessionId) });
  if ('error' in answer) throw new Error('the offer was checked before the leg was set up');
  return answer.sdp;
}

/** SDP's o= session id is digits: derived from the call's id so that it is stable per call. */
function sdpSessionId(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return String(hash || 1);
}
