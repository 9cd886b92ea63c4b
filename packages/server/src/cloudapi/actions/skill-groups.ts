import { DEFAULT_PRIORITY } from '../../staff/staff-service.js';
import type { ActionHandlers } from '../context.js';

type SkillGroupActions =
  | 'CreateCCCSkillGroup'
  | 'DescribeSkillGroupInfoList'
  | 'UpdateCCCSkillGroup'
  | 'DeleteCCCSkillGroup'
  | 'BindStaffSkillGroupList'
  | 'UnbindStaffSkillGroupList';

export const skillGroupActions = {
  async CreateCCCSkillGroup({ services }, req) {
    const id = await services.skillGroups.create(req.SdkAppId, req.SkillGroupName, req.SkillGroupType, req.MaxConcurrency);
    return { SkillGroupId: id };
  },

  async DescribeSkillGroupInfoList({ services }, req) {
    const page = await services.skillGroups.list(req.SdkAppId, {
      pageSize: req.PageSize,
      pageNumber: req.PageNumber,
      id: req.SkillGroupId,
      name: req.SkillGroupName,
      modifiedSince: req.ModifiedTime === undefined ? undefined : req.ModifiedTime * 1000,
    });
    return {
      TotalCount: page.total,
      SkillGroupList: page.items.map((g) => ({
        SkillGroupId: g.id,
        SkillGroupName: g.name,
        Type: g.type === 1 ? 'IM' : g.type === 0 ? 'TEL' : 'ALL',
        RoutePolicy: g.routePolicy,
        UsingLastSeat: g.usingLastSeat ? 1 : 0,
        MaxConcurrency: g.maxConcurrency,
        LastModifyTimestamp: Math.floor(g.modifiedAt / 1000),
        SkillGroupType: g.type,
        Alias: g.alias,
        RingAll: g.ringAll,
      })),
    };
  },

  async UpdateCCCSkillGroup({ services }, req) {
    await services.skillGroups.update(req.SdkAppId, req.SkillGroupID, { name: req.SkillGroupName, maxConcurrency: req.MaxConcurrency, ringAll: req.RingAll });
    return {};
  },

  async DeleteCCCSkillGroup({ services }, req) {
    await services.skillGroups.delete(req.SdkAppId, req.SkillGroupId);
    return {};
  },

  async BindStaffSkillGroupList({ services }, req) {
    // StaffSkillGroupList (with priorities) is the current form; SkillGroupList is the older one.
    const groups = [
      ...(req.SkillGroupList ?? []).map((id) => ({ skillGroupId: id, priority: DEFAULT_PRIORITY })),
      ...(req.StaffSkillGroupList ?? []).map((g) => ({ skillGroupId: g.SkillGroupId, priority: g.Priority ?? DEFAULT_PRIORITY })),
    ];
    await services.staff.bind(req.SdkAppId, req.StaffEmail, groups);
    return {};
  },

  async UnbindStaffSkillGroupList({ services }, req) {
    await services.staff.unbind(req.SdkAppId, req.StaffEmail, req.SkillGroupList);
    return {};
  },
} satisfies Pick<ActionHandlers, SkillGroupActions>;
