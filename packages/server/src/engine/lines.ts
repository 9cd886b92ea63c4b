import type { PhoneEndReason } from '@openccc/protocol';
import type { CalleeFailure } from '../calls/types.js';
import type { LegParams, LegReady, ToneSpec } from '../media/protocol.js';

/**
 * The seam between the engine and a phone network (the virtual network now,
 * SIP trunks next): a customer's line as the engine sees it.
 */

/** An inbound caller's line: the engine tells it how the call goes. */
export interface CallerLine {
  /** An agent's phone rings for the call. */
  ringing(): void;
  /** The call is answered: `by` is `system` (the IVR or queue) or the agent's mail. */
  answered(by: string): void;
  /** The call is over for the caller. Called once. */
  ended(reason: PhoneEndReason, message: string): void;
}

export interface InboundCall {
  /** The caller's number, as dialled from (normalised by the engine). */
  from: string;
  /** The hotline number dialled. */
  to: string;
  /** The caller's audio. */
  media: LegParams;
  line: CallerLine;
}

export type InboundResult = { ok: true; sessionId: string; media: LegReady } | { ok: false; reason: PhoneEndReason; message: string };

/** An outbound callee's audio: a real leg, or a scripted callee's voice (heard by the agent). */
export type CalleeMedia = { kind: 'leg'; params: LegParams } | { kind: 'scripted'; voice: ToneSpec };

/** What the network reports about a callee the engine dialled. */
export interface CalleeEvents {
  ringing(): void;
  /** Resolves with the server's side of the callee's audio (for a real leg). */
  answered(media: CalleeMedia): Promise<LegReady | null>;
  failed(failure: CalleeFailure): void;
  /** The callee hung up after answering (or while ringing: the network reports `failed('userReject')` instead). */
  hungUp(): void;
}

/** A dialled callee, for the engine to end. */
export interface CalleeLine {
  /** The engine ends the call (the agent hung up, the session ended). */
  hangup(): void;
}

/** Places outbound calls on a network. */
export interface Dialer {
  /** `sdkAppId`: the instance the call belongs to (a SIP trunk is chosen per instance). */
  dial(call: { sessionId: string; sdkAppId: number; from: string; to: string }, events: CalleeEvents): CalleeLine;
}
