/** The IVR format: flows per number, their validation, and what an IVR leaves in call records. */
export { IVR_DEFAULTS, IVR_FLOW_VERSION, IvrFlowSchema, type IvrAction, type IvrFlow, type IvrMenuNode, type IvrNode, type IvrNodeKind, type IvrRetry, type IvrSurvey, type IvrWorkTime } from './flow.js';
export {
  IVR_ISSUE_CODES,
  IvrFlowError,
  checkIvrFlow,
  checkIvrPrompts,
  checkIvrSkillGroups,
  ivrReferences,
  parseIvrFlow,
  parseIvrFlowText,
  validateIvrFlow,
  type IvrIssue,
  type IvrIssueCode,
  type IvrReference,
  type IvrReferences,
  type IvrValidation,
} from './check.js';
export { IVR_END_STATUS, SURVEY_NO_INPUT_KEY, type IvrEndReason, type IvrEndStatus, type IvrKeyPressed, type IvrPathStep } from './records.js';
