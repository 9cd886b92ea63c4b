import type { IvrEndReason, IvrEndStatus, IvrKeyPressed, IvrPathStep } from '@openccc/protocol';
import type { IvrPhase } from './session-state.js';

/** A playback the session asked for; the engine names it in `promptFinished`. */
export type PlaybackId = string;
/** A timer the session asked for; ids are never reused, so a late firing of a cancelled timer is recognised and ignored. */
export type IvrTimerId = string;

/** What the engine tells a session. */
export type IvrEvent =
  | { type: 'started' }
  /** Every prompt of a `play` has been played (not sent after `stopPlayback`, but ignored if it is). */
  | { type: 'promptFinished'; playbackId: PlaybackId }
  | { type: 'dtmf'; digit: string }
  | { type: 'timerFired'; timerId: IvrTimerId }
  | { type: 'callerHungUp' };

export type IvrEventType = IvrEvent['type'];

/** How a session ends the call: TCCC's reasons, plus `surveyEnd` for the after-call survey (whose call already has its EndStatus). */
export type IvrHangupReason = IvrEndReason | 'surveyEnd';

/** What a session asks the engine to do, in order. */
export type IvrCommand =
  /** Play these prompts one after the other, then send `promptFinished`; with `bargeIn`, keys pressed meanwhile count. */
  | { type: 'play'; playbackId: PlaybackId; prompts: string[]; bargeIn: boolean }
  | { type: 'stopPlayback'; playbackId: PlaybackId }
  /** Keys now count for the menu; silence for `timeoutMs` ends with the timer scheduled just after. */
  | { type: 'collectDigit'; timeoutMs: number }
  | { type: 'schedule'; timerId: IvrTimerId; at: number }
  | { type: 'cancelTimer'; timerId: IvrTimerId }
  /** A key counted: append `record` to `IVRKeyPressedEx` (or `PostIVRKeyPressedEx` when `survey`) and `step` to the `ivrPath`. */
  | { type: 'keyPressed'; record: IvrKeyPressed; step: IvrPathStep; survey: boolean }
  /** The IVR is over: queue the call to this skill group (the ACD's `callQueued`); `ivrPath` goes into `callIn`. */
  | { type: 'queue'; skillGroupId: number; ivrPath: IvrPathStep[] }
  /** The IVR is over: hang up; the call record's EndStatus is `endStatus` (null after a survey: the call's own stays). */
  | { type: 'hangup'; reason: IvrHangupReason; endStatus: IvrEndStatus | null };

/** How a session ended, for the call record. */
export interface IvrResult {
  outcome: 'queued' | 'hungUp' | 'callerHungUp';
  /** 102, 106 or 107 when the call ends in the IVR; null when it was queued, or for a survey. */
  endStatus: IvrEndStatus | null;
  skillGroupId: number | null;
  /** `IVRKeyPressedEx`, or `PostIVRKeyPressedEx` for a survey (with TCCC's `noInput` key when no key was pressed). */
  keysPressed: IvrKeyPressed[];
  /** `IVRKeyPressed`: the keys alone. */
  keys: string[];
  ivrPath: IvrPathStep[];
  /** When the session started and ended (unix ms, from the injected clock): `IVRDuration`. */
  startedAt: number;
  endedAt: number;
}

/** One move of a session's state machine, for the log. */
export interface IvrTransition {
  sessionId: string;
  from: IvrPhase;
  to: IvrPhase;
  nodeId: string | null;
  cause: IvrEventType;
}
