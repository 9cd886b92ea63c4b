import { IvrStateError } from './errors.js';

/**
 * The life of one call in the IVR.
 *
 *            started (work time open)
 *   idle ──────────────────────────▶ prompting ◀────────── goto / repeat / next ──┐
 *     │                                │  │ prompts ended (menu)                   │
 *     │ outside work time              │  ▼                                        │
 *     │ or a queue/hang-up node        │ collecting ── invalid key / no input ──▶ retrying
 *     │                                │  │                                        │ retry prompt ended:
 *     ▼                                ▼  ▼                                        │ the menu again
 *   leaving ◀──── queue / hang-up (with prompts: transferring, goodbye) ◀─────────┘
 *     │
 *     ▼  prompts ended, or the caller hung up (from any phase)
 *   done
 *
 * A key pressed while a menu's prompts (or its retry prompt) play counts when
 * the menu allows barge-in: the playback stops and the key is handled as if
 * it came while collecting.
 */
export type IvrPhase = 'idle' | 'prompting' | 'collecting' | 'retrying' | 'leaving' | 'done';

const IVR_MOVES: Record<IvrPhase, ReadonlySet<IvrPhase>> = {
  idle: new Set(['prompting', 'leaving', 'done']),
  prompting: new Set(['prompting', 'collecting', 'retrying', 'leaving', 'done']),
  collecting: new Set(['prompting', 'retrying', 'leaving', 'done']),
  retrying: new Set(['prompting', 'retrying', 'leaving', 'done']),
  leaving: new Set(['done']),
  done: new Set(),
};

/** Throws on a move the table does not allow: a bug in the interpreter, never input. */
export function assertIvrMove(sessionId: string, from: IvrPhase, to: IvrPhase): void {
  if (!IVR_MOVES[from].has(to)) throw new IvrStateError(`IVR session ${sessionId} cannot go from ${from} to ${to}.`);
}
