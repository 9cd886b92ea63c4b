import type { ActionHandlers } from './context.js';
import { sdkLoginActions } from './actions/sdk-login.js';
import { skillGroupActions } from './actions/skill-groups.js';
import { staffStatusActions } from './actions/staff-status.js';
import { staffActions } from './actions/staff.js';

export const actionHandlers: ActionHandlers = {
  ...sdkLoginActions,
  ...staffActions,
  ...skillGroupActions,
  ...staffStatusActions,
};
