/**
 * What an IVR leaves in call records, in TCCC's shapes: `TelCdrInfo.IVRKeyPressedEx`
 * and `PostIVRKeyPressedEx` (IVRKeyPressedElement), `IVRKeyPressed` (the keys alone),
 * the `ivrPath` of `callIn`, and the EndStatus of a call that ends in the IVR.
 */
import { END_STATUS } from '../cloudapi/end-status.js';

/** One key in `IVRKeyPressedEx` / `PostIVRKeyPressedEx`; `Timestamp` is unix milliseconds, as TCCC documents. */
export interface IvrKeyPressed {
  Key: string;
  Label: string;
  Timestamp: number;
  NodeLabel: string;
}

/** TCCC's `Key` in `PostIVRKeyPressedEx` for a survey the caller entered without pressing a key. */
export const SURVEY_NO_INPUT_KEY = 'noInput';

/** One step of `callIn`'s `ivrPath`. */
export interface IvrPathStep {
  key: string;
  label: string;
}

/** How a call can end inside the IVR, with TCCC's EndStatus code for each. */
export const IVR_END_STATUS = {
  /** The caller hung up during the IVR. */
  ivrGiveUp: END_STATUS.ivrGiveUp,
  /** The call came outside the work-time schedule. */
  notWorkTime: END_STATUS.notWorkTime,
  /** The IVR ended the call on its own, with no agent (a hang-up key or node, retries used up). */
  ivrEnd: END_STATUS.ivrEnd,
} as const;

export type IvrEndReason = keyof typeof IVR_END_STATUS;
export type IvrEndStatus = (typeof IVR_END_STATUS)[IvrEndReason];
