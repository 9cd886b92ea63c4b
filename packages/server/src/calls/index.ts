/** Call sessions: the state machine of each call, its EndStatus and its TCCC records. Pure: no I/O, no timers, time handed in. */
export { CallSessions, type CallSessionsOptions, type SessionTransition } from './call-sessions.js';
export { SessionState, SESSION_MOVES, assertSessionMove, canMove, isConnected } from './session-state.js';
export { CallStateError } from './errors.js';
export { deriveEndStatus, participantEndStatus, END_STATUS, type EndStatus, type EndStatusString } from './end-status.js';
export { buildTelCdr, buildPstnSession, buildPstnSessionInfo, pstnStatus, serveParticipant, type RecordingLinks } from './cdr.js';
export { snapshotOf, parseSnapshot, type SessionSnapshot } from './snapshot.js';
export { recoverSessions, type Recovery } from './recovery.js';
export { tcccNumber } from './phone-number.js';
export type * from './types.js';
