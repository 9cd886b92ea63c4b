import type { ConsoleApi } from '../../api.js';

/** A staff member as DescribeStaffInfoList answers it. */
export interface StaffInfo {
  Name: string;
  Mail: string;
  Phone?: string;
  Nick?: string;
  StaffNumber?: string;
  RoleId?: number;
  SkillGroupList?: Array<{ SkillGroupId: number; SkillGroupName: string; Priority?: number; Type?: string }>;
  LastModifyTimestamp?: number;
  ExtensionNumber?: string;
}

export interface StaffPage {
  TotalCount: number;
  StaffList: StaffInfo[];
}

/** TCCC's default priority of a membership (1 is offered first, 5 last). */
export const DEFAULT_PRIORITY = 3;
/** CreateStaff takes at most this many staff per request. */
export const CREATE_STAFF_BATCH = 10;

export async function listStaff(api: ConsoleApi, page: number, pageSize: number, mail?: string): Promise<StaffPage> {
  const answer = await api.action<Partial<StaffPage>>('DescribeStaffInfoList', { PageNumber: page, PageSize: pageSize, ...(mail ? { StaffMail: mail } : {}) });
  return { TotalCount: answer.TotalCount ?? 0, StaffList: answer.StaffList ?? [] };
}

/** Every staff member (for export), in pages of 1000. */
export async function listAllStaff(api: ConsoleApi): Promise<StaffInfo[]> {
  const all: StaffInfo[] = [];
  for (let page = 0; ; page++) {
    const { TotalCount, StaffList } = await listStaff(api, page, 1000);
    all.push(...StaffList);
    if (StaffList.length === 0 || all.length >= TotalCount) return all;
  }
}

/** A random password of 16 letters and digits (no look-alikes), from the platform's CSPRNG. */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
  // Bytes at or above the largest multiple of the alphabet's length are dropped, so every letter is equally likely.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < 16) {
    for (const b of crypto.getRandomValues(new Uint8Array(32))) if (b < limit && out.length < 16) out += alphabet[b % alphabet.length];
  }
  return out;
}
