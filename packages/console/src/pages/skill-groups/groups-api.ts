import type { ConsoleApi } from '../../api.js';

/** A skill group as DescribeSkillGroupInfoList answers it. */
export interface SkillGroupInfo {
  SkillGroupId: number;
  SkillGroupName: string;
  /** 0 phone, 1 IM, … (TCCC's SkillGroupType). */
  SkillGroupType: number;
  Type?: string;
  RoutePolicy?: string;
  MaxConcurrency?: number;
  RingAll?: boolean;
  LastModifyTimestamp?: number;
}

export interface SkillGroupPage {
  TotalCount: number;
  SkillGroupList: SkillGroupInfo[];
}

/** One page of skill groups, optionally filtered by name. */
export async function listGroups(api: ConsoleApi, page: number, pageSize: number, name?: string): Promise<SkillGroupPage> {
  const answer = await api.action<Partial<SkillGroupPage>>('DescribeSkillGroupInfoList', { PageNumber: page, PageSize: pageSize, ...(name ? { SkillGroupName: name } : {}) });
  return { TotalCount: answer.TotalCount ?? 0, SkillGroupList: answer.SkillGroupList ?? [] };
}

/** Every skill group of the instance (for pickers), in pages of 1000. */
export async function listAllGroups(api: ConsoleApi): Promise<SkillGroupInfo[]> {
  const all: SkillGroupInfo[] = [];
  for (let page = 0; ; page++) {
    const { TotalCount, SkillGroupList } = await listGroups(api, page, 1000);
    all.push(...SkillGroupList);
    if (SkillGroupList.length === 0 || all.length >= TotalCount) return all;
  }
}
