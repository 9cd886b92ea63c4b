import type { ActionHandlers, CheckedHandlers } from './context.js';
import { sdkLoginActions } from './actions/sdk-login.js';
import { skillGroupActions } from './actions/skill-groups.js';
import { staffStatusActions } from './actions/staff-status.js';
import { staffActions } from './actions/staff.js';
import { numberActions } from './actions/numbers.js';
import { callRecordActions } from './actions/call-records.js';
import { ivrAudioActions } from './actions/ivr-audio.js';
import { callActions } from './actions/calls.js';
import { extensionActions } from './actions/extensions.js';

const handlers = {
  ...sdkLoginActions,
  ...staffActions,
  ...skillGroupActions,
  ...staffStatusActions,
  ...numberActions,
  ...callRecordActions,
  ...ivrAudioActions,
  ...callActions,
  ...extensionActions,
} satisfies ActionHandlers;

/** Every implemented action's handler; responses use only the official models' fields (checked at compile time). */
export const actionHandlers: ActionHandlers & CheckedHandlers<typeof handlers> = handlers;
