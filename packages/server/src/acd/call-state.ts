import { AcdStateError } from './errors.js';

/**
 * The life of one call inside the distributor.
 *
 *            callQueued
 *   new ─────────────────▶ queued ◀──── overflow (another group)
 *                           │  ▲ ▲
 *           offer to agents │  │ └──────────────── transfer to a group ───┐
 *                           ▼  │ timeout / decline / agent gone         │
 *                         ringing ───────────────────────────────▶ connected
 *                           │           first accept wins               │
 *                           ▼                                           ▼
 *   (queued, ringing) ─── abandoned / max wait / reset ───▶ ended ◀── call ended
 *
 * `new` and `ended` are never stored: a call exists in the state from its first
 * queueing until it ends.
 */
export type CallPhase = 'new' | 'queued' | 'ringing' | 'connected' | 'ended';

/** The phases a stored call can be in. */
export type LiveCallPhase = Exclude<CallPhase, 'new' | 'ended'>;

const CALL_MOVES: Record<CallPhase, ReadonlySet<CallPhase>> = {
  new: new Set(['queued']),
  queued: new Set(['ringing', 'queued', 'ended']),
  ringing: new Set(['queued', 'connected', 'ended']),
  connected: new Set(['queued', 'ended']),
  ended: new Set(),
};

/** Throws on a move the table does not allow: a bug in the distributor, never input. */
export function assertCallMove(callId: string, from: CallPhase, to: CallPhase): void {
  if (!CALL_MOVES[from].has(to)) throw new AcdStateError(`Call ${callId} cannot go from ${from} to ${to}.`);
}
