import type { StaffStatus } from './presence.js';

/**
 * Agent status transitions.
 *
 *                 login / Agent.online
 *   offline ───────────────────────────▶ free ◀──────────┐
 *      ▲  ◀── logout / grace / forced ──  │ ▲             │
 *      │                                  ▼ │             │
 *      └──── (from any status) ──── notReady ⇄ rest ⇄ afterCallWork
 *                                          │
 *   (call engine) free/notReady/rest/afterCallWork ──▶ busy ──▶ afterCallWork | free | rest | notReady
 *
 * Every status may go offline. `busy` is entered and left only by the call
 * engine (a session starts or ends); the agent and the Cloud API cannot set it.
 * An agent who placed a call while resting or not ready goes back to that.
 */
const ALLOWED: Record<StaffStatus, ReadonlySet<StaffStatus>> = {
  offline: new Set(['free', 'notReady', 'rest', 'afterCallWork', 'offline']),
  free: new Set(['free', 'notReady', 'rest', 'afterCallWork', 'busy', 'offline']),
  notReady: new Set(['free', 'notReady', 'rest', 'afterCallWork', 'busy', 'offline']),
  rest: new Set(['free', 'notReady', 'rest', 'afterCallWork', 'busy', 'offline']),
  afterCallWork: new Set(['free', 'notReady', 'rest', 'afterCallWork', 'busy', 'offline']),
  busy: new Set(['busy', 'afterCallWork', 'free', 'rest', 'notReady', 'offline']),
};

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
}

/** Whether an agent may move from one status to another. */
export function canTransition(from: StaffStatus, to: StaffStatus): boolean {
  return ALLOWED[from].has(to);
}

/** Throws on a move the table does not allow: a bug in the caller, never user input. */
export function assertTransition(from: StaffStatus, to: StaffStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(`Agent status cannot go from ${from} to ${to}.`);
}
