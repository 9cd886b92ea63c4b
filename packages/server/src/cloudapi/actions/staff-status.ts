import type { ActionHandlers } from '../context.js';

type StatusActions = 'SetStaffStatus' | 'DescribeStaffStatusMetrics' | 'DescribeStaffStatusHistory' | 'ForceMemberOffline' | 'RestoreMemberOnline';

export const staffStatusActions = {
  async SetStaffStatus({ services, language }, req) {
    const list = await services.status.setStatus(req.SdkAppId, req.StaffStatusList as Array<{ StaffUserId: string; Status: 'free' | 'notReady' | 'rest'; Reason?: string }>, language === 'zh-CN' ? 'zh' : 'en');
    return { StaffStatusList: list };
  },

  async DescribeStaffStatusMetrics({ services }, req) {
    const metrics = await services.status.metrics(req.SdkAppId, { staffList: req.StaffList, groupIds: req.GroupIdList, statuses: req.StatusList });
    return { Metrics: metrics };
  },

  async DescribeStaffStatusHistory({ services }, req) {
    const data = await services.status.history(req.SdkAppId, req.StaffUserId, req.StartTimestamp, req.EndTimestamp, req.Cursor, req.PageSize ?? 100);
    return { Data: data };
  },

  async ForceMemberOffline({ services }, req) {
    await services.status.forceOffline(req.SdkAppId, req.UserId);
    return {};
  },

  async RestoreMemberOnline({ services }, req) {
    await services.status.restoreOnline(req.SdkAppId, req.UserId);
    return {};
  },
} satisfies Pick<ActionHandlers, StatusActions>;
