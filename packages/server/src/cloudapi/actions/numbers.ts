import { cloudError } from '@openccc/protocol';
import type { InstanceNumber } from '../../store/ports.js';
import type { ActionHandlers } from '../context.js';

type NumberActions = 'DescribeNumbers' | 'BindNumberCallOutSkillGroup' | 'UnbindNumberCallOutSkillGroup' | 'DisableCCCPhoneNumber';

/** NumberInfo.State: 1 in service, 4 disabled by the administrator (TCCC's 2 and 5, arrears and violations, do not occur). */
const STATE = { enabled: 1, disabled: 4 } as const;
/** NumberInfo.CostType: 1, the operator's own number (every OpenCCC number is). */
const OWN_NUMBER = 1;
const DEFAULT_PAGE_SIZE = 20;

function numberInfo(n: InstanceNumber) {
  return { Number: n.number, CallOutSkillGroupIds: n.callOutSkillGroupIds, State: STATE[n.state], CostType: OWN_NUMBER };
}

export const numberActions = {
  async DescribeNumbers({ services }, req) {
    const page = await services.numbers.list(req.SdkAppId, req.PageNumber ?? 0, req.PageSize ?? DEFAULT_PAGE_SIZE);
    return { TotalCount: page.total, Numbers: page.items.map(numberInfo) };
  },

  async BindNumberCallOutSkillGroup({ services }, req) {
    await services.numbers.bindCallOut(req.SdkAppId, req.Number, req.SkillGroupIds);
    return {};
  },

  async UnbindNumberCallOutSkillGroup({ services }, req) {
    await services.numbers.unbindCallOut(req.SdkAppId, req.Number, req.SkillGroupIds);
    return {};
  },

  async DisableCCCPhoneNumber({ services }, req) {
    // Optional in the official model, required here: a key limited to some instances must not reach others' numbers.
    if (req.SdkAppId === undefined) {
      throw cloudError('MissingParameter', 'The parameter `SdkAppId` is required: OpenCCC changes numbers of one instance at a time.', '缺少参数 `SdkAppId`：OpenCCC 每次只修改一个实例的号码。');
    }
    await services.numbers.setDisabled(req.SdkAppId, req.PhoneNumbers, req.Disabled === 1);
    return {};
  },
} satisfies Pick<ActionHandlers, NumberActions>;
