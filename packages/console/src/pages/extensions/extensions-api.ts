import type { ConsoleApi } from '../../api.js';

/** An extension as DescribeExtensions answers it (with IsNeedStatus). */
export interface ExtensionInfo {
  ExtensionId: string;
  ExtensionName: string;
  FullExtensionId?: string;
  /** Skill group ids, comma-separated as in TCCC's model. */
  SkillGroupId?: string;
  /** The bound staff member's mail; empty when bound to nobody. */
  Relation?: string;
  RelationName?: string;
  /** Whether a phone is registered for it now. */
  Register?: boolean;
  /** 0 offline, 100 idle, 200 busy. */
  Status?: number;
}

/** What a phone is configured with (DescribeExtension), the password included. */
export interface ExtensionAccount {
  ExtensionId: string;
  ExtensionDomain: string;
  Password: string;
  OutboundProxy: string;
  Transport: string;
}

/** What the form edits; `relation` is a staff mail or empty, `skillGroupIds` the groups it belongs to. */
export interface ExtensionInput {
  name: string;
  relation: string;
  skillGroupIds: number[];
}

export const EXTENSION_PAGE_SIZE = 20;

export async function listExtensions(api: ConsoleApi, page: number, pageSize: number): Promise<{ total: number; extensions: ExtensionInfo[] }> {
  const answer = await api.action<{ Total?: number; ExtensionList?: ExtensionInfo[] }>('DescribeExtensions', { PageNumber: page, PageSize: pageSize, IsNeedStatus: true });
  return { total: answer.Total ?? 0, extensions: answer.ExtensionList ?? [] };
}

export async function createExtension(api: ConsoleApi, id: string, input: ExtensionInput): Promise<void> {
  await api.action('CreateExtension', { ExtensionId: id, ExtensionName: input.name, SkillGroupIds: input.skillGroupIds, Relation: input.relation });
}

export async function modifyExtension(api: ConsoleApi, id: string, input: ExtensionInput): Promise<void> {
  await api.action('ModifyExtension', { ExtensionId: id, ExtensionName: input.name, SkillGroupIds: input.skillGroupIds, Relation: input.relation });
}

export async function deleteExtension(api: ConsoleApi, id: string): Promise<void> {
  await api.action('DeleteExtension', { ExtensionId: id });
}

/** A new password for the extension; the phone's old one stops working at once. */
export async function resetExtensionPassword(api: ConsoleApi, id: string): Promise<string> {
  return (await api.action<{ Password: string }>('ResetExtensionPassword', { ExtensionId: id })).Password;
}

/** The account a phone registers with, its password included (administrators only). */
export function describeExtension(api: ConsoleApi, id: string): Promise<ExtensionAccount> {
  return api.action<ExtensionAccount>('DescribeExtension', { ExtensionId: id });
}

/** The group ids of `SkillGroupId` ("1,2"). */
export function skillGroupIdsOf(extension: ExtensionInfo): number[] {
  return (extension.SkillGroupId ?? '')
    .split(',')
    .map((part) => Number(part.trim()))
    .filter((id) => Number.isSafeInteger(id) && id > 0);
}

export type ExtensionFormField = 'id' | 'name' | 'relation' | 'groups' | 'form';

/** The form field a Cloud API refusal is about, from its code and (for parameter errors) the parameter it names. */
export function extensionFieldOf(code: string, message: string): ExtensionFormField {
  if (code === 'FailedOperation.DuplicatedAccount') return 'id';
  if (code === 'InvalidParameterValue.AccountNotExist') return 'relation';
  if (code === 'InvalidParameterValue.SkillGroupError') return 'groups';
  if (code.startsWith('InvalidParameter')) {
    if (message.includes('ExtensionId')) return 'id';
    if (message.includes('ExtensionName')) return 'name';
    if (message.includes('Relation')) return 'relation';
    if (message.includes('SkillGroupIds')) return 'groups';
  }
  return 'form';
}
