import { END_STATUS, type EndStatusString } from '@openccc/protocol';
import { CallStateError } from './errors.js';
import type { SessionState } from './session-state.js';
import type { CalleeFailure, HangupSide, Participant, SessionRecord } from './types.js';

export { END_STATUS, type EndStatusString };

/** How a session ended, as a record states it. */
export interface EndStatus {
  endStatus: (typeof END_STATUS)[EndStatusString];
  endStatusString: EndStatusString;
  /** TCCC HungUpSide: an administrator's hang-up counts as the system's. */
  hungUpSide: 'user' | 'seat' | 'system';
}

const CALLEE_FAILURES: Record<CalleeFailure, EndStatusString> = {
  notAnswer: 'notAnswer',
  userReject: 'userReject',
  powerOff: 'powerOff',
  numberNotExist: 'numberNotExist',
  busy: 'busy',
  notInService: 'notInService',
};

/**
 * EndStatus, EndStatusString and HungUpSide of an ended session, from its
 * history. The order of the rules matters: failures of a client or of the
 * node first, then a conversation that took place (`ok`), then where the
 * unanswered call was when it ended. `docs/engine.md` has the table.
 */
export function deriveEndStatus(session: SessionRecord): EndStatus {
  const end = session.end;
  if (end === null) throw new CallStateError(`Session ${session.sessionId} has not ended; it is ${session.state}.`);
  const phase = phaseAtEnd(session);
  const answered = session.history.some((entry) => entry.to === 'talking');
  const voip = session.kind === 'inbound' && session.channel === 'voip';
  const result = (code: EndStatusString, hungUpSide: EndStatus['hungUpSide']): EndStatus => ({
    endStatus: END_STATUS[code],
    endStatusString: code,
    hungUpSide,
  });

  switch (end.cause) {
    case 'nodeCrashed':
      return result('clientError', 'system');
    case 'clientFailed':
      if (end.side === 'user' && voip) return result(end.failure === 'callConflict' ? 'callConflict' : 'voipClientError', 'system');
      return result('clientError', 'system');
    case 'mediaTimeout':
      if (end.side === 'seat') return result('clientError', 'system');
      if (voip) return result('clientTimeout', 'system');
      // A phone caller whose audio stopped is treated as a caller who hung up, but the system noticed it.
      return { ...unanswered(session, phase, answered, 'user'), hungUpSide: 'system' };
    case 'calleeFailed':
      return answered ? result('ok', 'user') : result(CALLEE_FAILURES[end.failure], 'user');
    case 'noAnswer':
      if (answered) return result('ok', 'system');
      if (session.kind === 'internal') return end.declined ? result('userReject', 'seat') : result('notAnswer', 'system');
      // The agent who was to place an outbound call did not take their own leg.
      return result('callerCancel', end.declined ? 'seat' : 'system');
    case 'hangup': {
      if (end.reason === 'reset') return result('clientError', 'system');
      const side = session.talkEnd?.side ?? end.side;
      if (answered) return result('ok', hungUpSideOf(side));
      switch (end.reason) {
        case 'notWorkTime':
          return result('notWorkTime', 'system');
        case 'noSeatOnline':
          return result('noSeatOnline', 'system');
        case 'ivrEnd':
        case 'queueTimeout':
        case 'noSuchGroup':
        case 'transferFailed':
        case 'agentGone':
          return result('ivrEnd', 'system');
        default:
          return unanswered(session, phase, answered, end.side);
      }
    }
  }
}

/** An unanswered call that someone hung up, by where it was. */
function unanswered(session: SessionRecord, phase: SessionState, answered: boolean, side: HangupSide): EndStatus {
  const hungUpSide = hungUpSideOf(side);
  const result = (code: EndStatusString): EndStatus => ({ endStatus: END_STATUS[code], endStatusString: code, hungUpSide });
  if (answered) return result('ok');
  switch (session.kind) {
    case 'inbound':
      if (side !== 'user') return result('ivrEnd');
      if (phase === 'queued') return result('waitingGiveUp');
      if (phase === 'offering') return result('ringingGiveUp');
      return result('ivrGiveUp');
    case 'outbound':
      if (side === 'user') return result('userReject');
      if (phase === 'calleeRinging') return result('callerCancelWhileRing');
      if (phase === 'dialing') return result('callerCancelWithoutRing');
      return result('callerCancel');
    case 'internal':
      return result(phase === 'offering' ? 'callerCancelWhileRing' : 'callerCancelWithoutRing');
  }
}

function hungUpSideOf(side: HangupSide): EndStatus['hungUpSide'] {
  return side === 'admin' ? 'system' : side;
}

/** The state the session was in when it ended. */
function phaseAtEnd(session: SessionRecord): SessionState {
  const last = session.history.at(-1);
  return last?.to === 'ended' && last.from !== null ? last.from : session.state;
}

/**
 * One participant's EndStatusString (TCCC ServeParticipant.EndStatusString):
 * `ok` for an agent who handed the call on, `notAnswer` or `userReject` for an
 * offer that went nowhere, and the session's own for whoever was still in the
 * call, ringing or talking, when it ended.
 */
export function participantEndStatus(participant: Participant, session: EndStatus): EndStatusString {
  switch (participant.outcome) {
    case 'transferred':
      return 'ok';
    case 'missed':
    case 'withdrawn':
      return 'notAnswer';
    case 'declined':
      return 'userReject';
    case 'serving':
    case 'done':
    case 'ringing':
    case 'endedWhileRinging':
      return session.endStatusString;
  }
}
