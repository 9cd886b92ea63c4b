import { UNREGISTERED, type ExtensionRegistration } from '../../sip/extensions.js';
import type { SipExtension } from '../../store/ports.js';
import type { ActionHandlers } from '../context.js';

type ExtensionActions = 'CreateExtension' | 'DescribeExtension' | 'DescribeExtensions' | 'ModifyExtension' | 'DeleteExtension' | 'ResetExtensionPassword';

/** ExtensionInfo.Status: 0 offline (not registered), 100 idle, 200 busy. */
const STATUS = { offline: 0, idle: 100, busy: 200 } as const;
const DEFAULT_PAGE_SIZE = 20;

function statusOf(registration: ExtensionRegistration): number {
  if (!registration.registered) return STATUS.offline;
  return registration.busy ? STATUS.busy : STATUS.idle;
}

function extensionInfo(extension: SipExtension, domain: string, registration: ExtensionRegistration | null) {
  return {
    SdkAppId: extension.sdkAppId,
    // The phone's address of record.
    FullExtensionId: `${extension.extensionId}@${domain}`,
    ExtensionId: extension.extensionId,
    // A comma-separated list in the official model.
    SkillGroupId: extension.skillGroupIds.join(','),
    ExtensionName: extension.name,
    CreateTime: Math.floor(extension.createdAt / 1000),
    ModifyTime: Math.floor(extension.modifiedAt / 1000),
    ...(registration === null ? {} : { Status: statusOf(registration), Register: registration.registered }),
    Relation: extension.relation?.mail ?? '',
    RelationName: extension.relation?.name ?? '',
  };
}

export const extensionActions = {
  async CreateExtension({ services }, req) {
    await services.extensions.create(req.SdkAppId, {
      extensionId: req.ExtensionId,
      name: req.ExtensionName,
      ...(req.SkillGroupIds === undefined ? {} : { skillGroupIds: req.SkillGroupIds }),
      ...(req.Relation === undefined ? {} : { relation: req.Relation }),
    });
    return {};
  },

  async DescribeExtension({ services }, req) {
    const account = await services.extensions.account(req.SdkAppId, req.ExtensionId);
    return { ExtensionId: account.extensionId, ExtensionDomain: account.domain, Password: account.password, OutboundProxy: account.outboundProxy, Transport: account.transport };
  },

  async DescribeExtensions({ services }, req) {
    const page = await services.extensions.list(req.SdkAppId, {
      pageNumber: req.PageNumber,
      pageSize: req.PageSize ?? DEFAULT_PAGE_SIZE,
      ...(req.ExtensionIds === undefined ? {} : { extensionIds: req.ExtensionIds }),
      ...(req.FuzzingKeyWord === undefined ? {} : { keyword: req.FuzzingKeyWord }),
    });
    const domain = services.extensions.domainOf(req.SdkAppId);
    // The live state only when asked for (IsNeedStatus), as TCCC does.
    const lookup = req.IsNeedStatus === true ? (services.sipRegistrations ?? UNREGISTERED) : null;
    return {
      Total: page.total,
      ExtensionList: page.items.map((extension) => extensionInfo(extension, domain, lookup && lookup(extension.sdkAppId, extension.extensionId))),
    };
  },

  async ModifyExtension({ services }, req) {
    await services.extensions.modify(req.SdkAppId, req.ExtensionId, {
      ...(req.ExtensionName === undefined ? {} : { name: req.ExtensionName }),
      ...(req.SkillGroupIds === undefined ? {} : { skillGroupIds: req.SkillGroupIds }),
      ...(req.Relation === undefined ? {} : { relation: req.Relation }),
    });
    return {};
  },

  async DeleteExtension({ services }, req) {
    await services.extensions.delete(req.SdkAppId, req.ExtensionId);
    return {};
  },

  async ResetExtensionPassword({ services }, req) {
    return { Password: await services.extensions.resetPassword(req.SdkAppId, req.ExtensionId) };
  },
} satisfies Pick<ActionHandlers, ExtensionActions>;
