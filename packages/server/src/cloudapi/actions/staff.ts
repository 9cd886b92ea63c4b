import type { StaffPatch } from '../../store/ports.js';
import type { ActionHandlers } from '../context.js';

export const staffActions = {
  async CreateStaff({ services, language }, req) {
    // SendPassword is accepted; OpenCCC sends no mail (see docs/cloud-api.md), so passwords are set with ModifyStaffPassword or the CLI.
    const failures = await services.staff.createBatch(req.SdkAppId, req.Staffs);
    return {
      ErrorStaffList: failures.map((f) => ({ StaffEmail: f.mail, Code: f.code, Message: language === 'zh-CN' ? f.zh : f.en })),
    };
  },

  async DescribeStaffInfoList({ services }, req) {
    const page = await services.staff.list(req.SdkAppId, {
      pageSize: req.PageSize,
      pageNumber: req.PageNumber,
      mail: req.StaffMail,
      modifiedSince: req.ModifiedTime === undefined ? undefined : req.ModifiedTime * 1000,
      skillGroupId: req.SkillGroupId,
    });
    return {
      TotalCount: page.total,
      StaffList: page.items.map(({ staff, groups }) => ({
        Name: staff.name,
        Mail: staff.mail,
        Phone: staff.phone,
        Nick: staff.nick,
        StaffNumber: staff.staffNumber,
        RoleId: staff.role,
        RoleIdList: staff.role,
        RoleList: [staff.role],
        SkillGroupList: groups.map((g) => ({
          SkillGroupId: g.skillGroupId,
          SkillGroupName: g.skillGroupName,
          Priority: g.priority,
          Type: g.skillGroupType === 1 ? 'IM' : g.skillGroupType === 0 ? 'TEL' : 'ALL',
        })),
        LastModifyTimestamp: Math.floor(staff.modifiedAt / 1000),
        ExtensionNumber: staff.extensionNumber,
        ForwardingConfig: staff.forwardingConfig ?? { Enabled: false },
      })),
    };
  },

  async ModifyStaff({ services }, req) {
    const patch: StaffPatch = {
      name: req.Name,
      phone: req.Phone,
      nick: req.Nick,
      staffNumber: req.StaffNo,
      useMobileCallOut: req.UseMobileCallOut,
      useMobileAccept: req.UseMobileAccept,
      extensionNumber: req.ExtensionNumber,
      forwardingConfig: req.ForwardingConfig,
    };
    await services.staff.modify(req.SdkAppId, req.Email, patch, req.SkillGroupIds);
    return {};
  },

  async DeleteStaff({ services }, req) {
    const result = await services.staff.delete(req.SdkAppId, req.StaffList);
    return {
      OnlineStaffList: result.online,
      DeleteStatusInfo: JSON.stringify({ Deleted: result.deleted, Online: result.online, NotFound: result.notFound }),
    };
  },

  async ModifyStaffPassword({ services }, req) {
    const mail = await services.staff.setPassword(req.SdkAppId, req.Email, req.Password);
    await services.status.endLogins(req.SdkAppId, mail);
    return {};
  },
} satisfies Pick<ActionHandlers, 'CreateStaff' | 'DescribeStaffInfoList' | 'ModifyStaff' | 'DeleteStaff' | 'ModifyStaffPassword'>;
