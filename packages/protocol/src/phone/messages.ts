import { CloudApiError } from '../errors.js';
import { isRecord, knownFields, oneOf } from '../json-schemas.js';
import { int, optional, str, type Infer, type Schema } from '../schema.js';

/**
 * The virtual phone network's protocol (`/phone/v1`): how a virtual phone (the
 * web phone at `/phone`, the scripted caller `openccc call`, a test) places and
 * takes calls without a carrier. JSON text frames over one WebSocket per phone.
 *
 * A phone first says `hello` with the virtual number it uses; calls to that
 * number then reach it (`incoming`), until the socket closes. It dials with
 * `dial`; the server answers with `media` (its side of the audio leg), then
 * `ringing` / `answered` / `ended`. Audio is G.711 on a plain RTP leg or a
 * WebRTC leg; DTMF travels in the audio as RFC 4733 events, as on a real line.
 */
export const PHONE_VERSION = 1;
export const PHONE_PATH = '/phone/v1';

/** The phone's side of the audio: an RTP socket (address: default the WebSocket's peer), or a complete WebRTC offer. */
const MEDIA_OFFER = knownFields({
  kind: oneOf(['rtp', 'webrtc'] as const),
  address: optional(str({ maxLength: 64 })),
  port: optional(int({ min: 1, max: 65535 })),
  codec: optional(oneOf(['PCMU', 'PCMA'] as const)),
  sdp: optional(str({ maxLength: 65536 })),
});
export type PhoneMediaOffer = Infer<typeof MEDIA_OFFER>;

const CALL_ID = str({ minLength: 1, maxLength: 64 });
/** A phone number as dialled: digits with an optional leading `+`; the server normalises it to `0086…`. */
const NUMBER = str({ minLength: 3, maxLength: 32 });

export const PHONE_HELLO = knownFields({ type: oneOf(['hello'] as const), v: int(), number: NUMBER });
export const PHONE_DIAL = knownFields({ type: oneOf(['dial'] as const), callId: CALL_ID, to: NUMBER, media: MEDIA_OFFER });
export const PHONE_ANSWER = knownFields({ type: oneOf(['answer'] as const), callId: CALL_ID, media: MEDIA_OFFER });
/** Refuse an incoming call: `busy` (EndStatus 206) or `reject` (203). */
export const PHONE_REJECT = knownFields({ type: oneOf(['reject'] as const), callId: CALL_ID, reason: optional(oneOf(['busy', 'reject'] as const)) });
export const PHONE_HANGUP = knownFields({ type: oneOf(['hangup'] as const), callId: CALL_ID });
export const PHONE_PING = knownFields({ type: oneOf(['ping'] as const) });

export type PhoneClientMessage =
  | Infer<typeof PHONE_HELLO>
  | Infer<typeof PHONE_DIAL>
  | Infer<typeof PHONE_ANSWER>
  | Infer<typeof PHONE_REJECT>
  | Infer<typeof PHONE_HANGUP>
  | Infer<typeof PHONE_PING>;

/** The server's side of the audio leg. */
export type PhoneMediaAnswer = { kind: 'rtp'; address: string; port: number; codec: 'PCMU' | 'PCMA' } | { kind: 'webrtc'; sdp: string };

/** Why a call ended, as the phone sees it. */
export const PHONE_END_REASONS = ['hangup', 'remoteHangup', 'busy', 'rejected', 'notAnswer', 'noRoute', 'unreachable', 'mediaTimeout', 'error', 'shutdown'] as const;
export type PhoneEndReason = (typeof PHONE_END_REASONS)[number];

export type PhoneServerMessage =
  /** `number` is the phone's number as the network writes it (`0086…`). */
  | { type: 'welcome'; v: number; number: string }
  | { type: 'pong' }
  /** An incoming call to this phone's number; answer, reject, or let it ring out. */
  | { type: 'incoming'; callId: string; from: string; to: string }
  /** The server's side of the call's audio: the reply to `dial` and `answer`. */
  | { type: 'media'; callId: string; media: PhoneMediaAnswer }
  /** An agent's phone rings for this call (the caller would hear ringback). */
  | { type: 'ringing'; callId: string }
  /** The call is answered: by the IVR or queue for a hotline (`by: 'system'`), by an agent (`by` is the agent's mail). */
  | { type: 'answered'; callId: string; by: string }
  | { type: 'ended'; callId: string; reason: PhoneEndReason; message: string }
  | { type: 'error'; callId?: string; code: PhoneErrorCode; message: string };

export const PHONE_ERROR_CODES = ['badMessage', 'badVersion', 'notRegistered', 'numberInUse', 'callExists', 'noSuchCall', 'mediaFailed', 'tooManyCalls'] as const;
export type PhoneErrorCode = (typeof PHONE_ERROR_CODES)[number];

/** One frame from a phone: a message, or why it was refused. */
export type PhoneFrame = { ok: true; message: PhoneClientMessage } | { ok: false; callId?: string; message: string };

const SCHEMAS: Record<PhoneClientMessage['type'], Schema<PhoneClientMessage>> = {
  hello: PHONE_HELLO,
  dial: PHONE_DIAL,
  answer: PHONE_ANSWER,
  reject: PHONE_REJECT,
  hangup: PHONE_HANGUP,
  ping: PHONE_PING,
};

/** Validates one parsed JSON frame of the phone protocol. */
export function parsePhoneFrame(value: unknown): PhoneFrame {
  if (!isRecord(value) || typeof value['type'] !== 'string') return { ok: false, message: 'A frame is a JSON object with a string type.' };
  const type = value['type'];
  const schema = Object.hasOwn(SCHEMAS, type) ? SCHEMAS[type as PhoneClientMessage['type']] : undefined;
  const callId = typeof value['callId'] === 'string' ? value['callId'] : undefined;
  if (!schema) return { ok: false, callId, message: `Unknown message type ${JSON.stringify(type).slice(0, 40)}.` };
  try {
    const message = schema.parse(value, '', 'json');
    if ((message.type === 'dial' || message.type === 'answer') && !mediaComplete(message.media)) {
      return { ok: false, callId, message: 'media needs port for rtp, sdp for webrtc.' };
    }
    return { ok: true, message };
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    return { ok: false, callId, message: error.message };
  }
}

function mediaComplete(media: PhoneMediaOffer): boolean {
  return media.kind === 'rtp' ? media.port !== undefined : media.sdp !== undefined;
}
