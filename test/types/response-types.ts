/**
 * Compile-time checks (run by `npm run typecheck`): Cloud API handlers must answer with the official
 * SDK's response models. Each `@ts-expect-error` fails the build if the mistake below it compiles.
 */
import type { ActionHandlers, CheckedHandlers } from '../../packages/server/src/cloudapi/context.js';

const misspeltTopLevel = { async DeleteStaff() { return { DeleteStatusInfo: '{}', OnlineStaffLst: [] as string[] }; } } satisfies Partial<ActionHandlers>;
// @ts-expect-error: OnlineStaffLst is not a field of DeleteStaffResponse.
export const a: CheckedHandlers<typeof misspeltTopLevel> = misspeltTopLevel;

const misspeltNested = {
  async DescribeStaffInfoList() {
    return { TotalCount: 1, StaffList: [{ Mail: 'a@b.c', Nik: 'x' }] };
  },
} satisfies Partial<ActionHandlers>;
// @ts-expect-error: Nik is not a field of StaffInfo.
export const b: CheckedHandlers<typeof misspeltNested> = misspeltNested;

const mistyped = { async CreateCCCSkillGroup() { return { SkillGroupId: '7' }; } };
// @ts-expect-error: SkillGroupId is a number in CreateCCCSkillGroupResponse.
export const c: Partial<ActionHandlers> = mistyped;

const right = {
  async DescribeStaffInfoList() {
    return { TotalCount: 1, StaffList: [{ Mail: 'a@b.c', Nick: 'x', SkillGroupList: [{ SkillGroupId: 1, SkillGroupName: 'g', Priority: 1, Type: 'TEL' }] }] };
  },
} satisfies Partial<ActionHandlers>;
export const d: CheckedHandlers<typeof right> = right;
