import { CallSessions } from './call-sessions.js';
import type { SessionSnapshot } from './snapshot.js';
import type { SessionCommand, SessionRecord } from './types.js';

/** What recovery hands the engine: the final records and the commands that release everyone. */
export interface Recovery {
  /** One ended session per snapshot, ready for `buildTelCdr`. */
  records: SessionRecord[];
  /** `notifyAgent`, `releaseAgent`, `closeLeg` and `writeRecord`, in order, as any ended session produces them. */
  commands: SessionCommand[];
}

/**
 * Closes the sessions a node had in flight when it died (`kill -9`, a crash),
 * from their journalled snapshots. Run at start, before any new call.
 *
 * Each live session ends as if the node had reported `nodeCrashed` at `now`:
 * EndStatus 211 `clientError`, HungUpSide `system` (see `docs/engine.md`).
 * Its agents get `sessionEnded` and `releaseAgent`, so that nobody stays busy
 * or reserved; its legs get `closeLeg` (media that no longer exists: the
 * engine ignores it). A snapshot that had already ended (the record was being
 * written at the crash) is written again unchanged; the record store keeps one
 * record per session id (a write replaces), so no finished record is lost and
 * none appears twice.
 */
export function recoverSessions(snapshots: readonly SessionSnapshot[], now: number): Recovery {
  const sessions = new CallSessions();
  const records: SessionRecord[] = [];
  const commands: SessionCommand[] = [];
  for (const { session } of snapshots) {
    if (session.state === 'ended') {
      records.push(session);
      commands.push({ type: 'writeRecord', sessionId: session.sessionId, session });
      continue;
    }
    sessions.adopt(session);
    // A journal written out of order could hold a time after the restart; an end never precedes its last event.
    const at = Math.max(now, session.history.at(-1)?.at ?? now);
    for (const command of sessions.handle(session.sessionId, { type: 'nodeCrashed' }, at)) {
      commands.push(command);
      if (command.type === 'writeRecord') records.push(command.session);
    }
  }
  return { records, commands };
}
