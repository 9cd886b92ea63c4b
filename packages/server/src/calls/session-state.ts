import { CallStateError } from './errors.js';

/**
 * The states of a call session.
 *
 *               ivrStarted                 queued
 *   created ──────────────────▶ ivr ───────────────────────┐
 *    │  │  │                                               ▼
 *    │  │  └───────────────── queued ───────────────────▶ queued ◀─┐ overflow; transfer to a
 *    │  │                                                 │  ▲     │ group (talking, held)
 *    │  │                                         offered │  │ offer timed out, declined,
 *    │  │                                                 ▼  │ withdrawn (queued calls)
 *    │  └────────────────── offered ─────────────────▶ offering ◀── transfer to an agent
 *    │  (internal call; outbound call from the Cloud API)  │   │          (talking, held)
 *    │                                                     │   │
 *    │                          agentAccepted (outbound)   │   │ agentAccepted (inbound, internal)
 *    │  agentAccepted (outbound call placed by the agent)  ▼   │
 *    └───────────────────────────────────────────────▶ dialing │
 *                                                   │      │   │
 *                                     calleeRinging │      │ calleeAnswered
 *                                                   ▼      ▼   ▼
 *                                    calleeRinging ─────▶ talking ◀──unhold── held
 *                                           calleeAnswered │   └────hold─────▶
 *                                                          │ the agent hangs up, survey on
 *                                                          ▼
 *                                                        survey
 *
 * Every state but `ended` can go to `ended`: a hang-up by anyone, a callee who
 * does not answer, a failed client or media, an offer nobody else can take, a
 * crashed node. `ended` is final. Mute, unmute, DTMF and IVR keys change no
 * state; they are recorded in the history in place.
 */
export const SessionState = {
  created: 'created',
  ivr: 'ivr',
  queued: 'queued',
  offering: 'offering',
  dialing: 'dialing',
  calleeRinging: 'calleeRinging',
  talking: 'talking',
  held: 'held',
  survey: 'survey',
  ended: 'ended',
} as const;

export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** Allowed moves between different states. */
export const SESSION_MOVES: Readonly<Record<SessionState, ReadonlySet<SessionState>>> = {
  created: new Set(['ivr', 'queued', 'offering', 'dialing', 'ended']),
  ivr: new Set(['queued', 'ended']),
  queued: new Set(['queued', 'offering', 'ended']),
  offering: new Set(['queued', 'talking', 'dialing', 'ended']),
  dialing: new Set(['calleeRinging', 'talking', 'ended']),
  calleeRinging: new Set(['talking', 'ended']),
  talking: new Set(['held', 'queued', 'offering', 'survey', 'ended']),
  held: new Set(['talking', 'queued', 'offering', 'ended']),
  survey: new Set(['ended']),
  ended: new Set(),
};

/** Whether a session may move from one state to another. */
export function canMove(from: SessionState, to: SessionState): boolean {
  return SESSION_MOVES[from].has(to);
}

/** Throws on a move the table does not allow: a bug in the caller, never input. */
export function assertSessionMove(sessionId: string, from: SessionState, to: SessionState): void {
  if (!canMove(from, to)) throw new CallStateError(`Session ${sessionId} cannot go from ${from} to ${to}.`);
}

/** The states in which an agent is talking to the far side (or has it on hold). */
export function isConnected(state: SessionState): boolean {
  return state === 'talking' || state === 'held';
}
