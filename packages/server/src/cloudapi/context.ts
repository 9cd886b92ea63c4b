import type { ActionRequest, ImplementedAction, Language } from '@openccc/protocol';
import type * as Ccc from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import type { LoginTokens } from '../auth/login-tokens.js';
import type { CallControl } from '../calls/call-control.js';
import type { RecordingLinks } from '../calls/recording-links.js';
import type { NumberService } from '../numbers/number-service.js';
import type { PromptService } from '../prompts/prompt-service.js';
import type { Store } from '../store/ports.js';
import type { ExtensionService, RegistrationLookup } from '../sip/extensions.js';
import type { Presence } from '../staff/presence.js';
import type { SkillGroupService } from '../staff/skill-group-service.js';
import type { StaffService } from '../staff/staff-service.js';
import type { StatusService } from '../staff/status-service.js';

/** The domain services the Cloud API actions call. */
export interface Services {
  store: Store;
  presence: Presence;
  staff: StaffService;
  skillGroups: SkillGroupService;
  status: StatusService;
  numbers: NumberService;
  prompts: PromptService;
  /** SIP extensions (desk phones). */
  extensions: ExtensionService;
  /** Whether an extension is registered (the SIP registrar, when it runs); without it every extension reads unregistered. */
  sipRegistrations?: RegistrationLookup;
  tokens: LoginTokens;
  /** The call engine's controls and live view. */
  calls: CallControl;
  /** Signs the recording links that records answer with; without it, `RecordURL` is answered as stored (empty). */
  recordings?: RecordingLinks;
  clock: () => number;
  publicUrl: string;
  tokenTtlSeconds: number;
}

export interface ActionContext {
  services: Services;
  language: Language;
  requestId: string;
}

/**
 * The official SDK's response model of each implemented action (`ccc_models.d.ts`, a dev dependency
 * used for types only). Handlers return these, so a misspelt or mistyped response field fails to compile.
 */
export interface ActionResponses {
  CreateSDKLoginToken: Ccc.CreateSDKLoginTokenResponse;
  CreateAdminURL: Ccc.CreateAdminURLResponse;
  CreateStaff: Ccc.CreateStaffResponse;
  DescribeStaffInfoList: Ccc.DescribeStaffInfoListResponse;
  ModifyStaff: Ccc.ModifyStaffResponse;
  DeleteStaff: Ccc.DeleteStaffResponse;
  ModifyStaffPassword: Ccc.ModifyStaffPasswordResponse;
  CreateCCCSkillGroup: Ccc.CreateCCCSkillGroupResponse;
  DescribeSkillGroupInfoList: Ccc.DescribeSkillGroupInfoListResponse;
  UpdateCCCSkillGroup: Ccc.UpdateCCCSkillGroupResponse;
  DeleteCCCSkillGroup: Ccc.DeleteCCCSkillGroupResponse;
  BindStaffSkillGroupList: Ccc.BindStaffSkillGroupListResponse;
  UnbindStaffSkillGroupList: Ccc.UnbindStaffSkillGroupListResponse;
  SetStaffStatus: Ccc.SetStaffStatusResponse;
  DescribeStaffStatusMetrics: Ccc.DescribeStaffStatusMetricsResponse;
  DescribeStaffStatusHistory: Ccc.DescribeStaffStatusHistoryResponse;
  ForceMemberOffline: Ccc.ForceMemberOfflineResponse;
  RestoreMemberOnline: Ccc.RestoreMemberOnlineResponse;
  DescribeNumbers: Ccc.DescribeNumbersResponse;
  BindNumberCallOutSkillGroup: Ccc.BindNumberCallOutSkillGroupResponse;
  UnbindNumberCallOutSkillGroup: Ccc.UnbindNumberCallOutSkillGroupResponse;
  DisableCCCPhoneNumber: Ccc.DisableCCCPhoneNumberResponse;
  DescribeTelCdr: Ccc.DescribeTelCdrResponse;
  UploadIvrAudio: Ccc.UploadIvrAudioResponse;
  DescribeIvrAudioList: Ccc.DescribeIvrAudioListResponse;
  HangUpCall: Ccc.HangUpCallResponse;
  CreateCallOutSession: Ccc.CreateCallOutSessionResponse;
  TransferToManual: Ccc.TransferToManualResponse;
  DescribePSTNActiveSessionList: Ccc.DescribePSTNActiveSessionListResponse;
  DescribeTelSession: Ccc.DescribeTelSessionResponse;
  DescribeSessionDetail: Ccc.DescribeSessionDetailResponse;
  DescribeCallInMetrics: Ccc.DescribeCallInMetricsResponse;
  DescribeTelCallInfo: Ccc.DescribeTelCallInfoResponse;
  CreateExtension: Ccc.CreateExtensionResponse;
  DescribeExtension: Ccc.DescribeExtensionResponse;
  DescribeExtensions: Ccc.DescribeExtensionsResponse;
  ModifyExtension: Ccc.ModifyExtensionResponse;
  DeleteExtension: Ccc.DeleteExtensionResponse;
  ResetExtensionPassword: Ccc.ResetExtensionPasswordResponse;
}

/** Fails to compile unless `ActionResponses` lists exactly the implemented actions. */
type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : never;
export const RESPONSES_COVER_ACTIONS: SameKeys<keyof ActionResponses, ImplementedAction> = true;

/** What a handler returns: the response model without RequestId, which the envelope adds. */
export type ActionResponse<A extends ImplementedAction> = Omit<ActionResponses[A], 'RequestId'>;

export type ActionHandler<A extends ImplementedAction> = (ctx: ActionContext, request: ActionRequest<A>) => Promise<ActionResponse<A>>;

/** One handler per implemented action: a missing one fails to compile. */
export type ActionHandlers = { [A in ImplementedAction]: ActionHandler<A> };

/**
 * `Actual` with every field that `Expected` lacks, at any depth, turned into `never`, so that
 * assigning a value of type `Actual` to it fails to compile. Optional fields of the official models
 * make plain assignability too lenient: `{ Nik: '…' }` is a valid `StaffInfo`.
 */
type Exact<Expected, Actual> = Actual extends readonly (infer Item)[]
  ? Expected extends readonly (infer ExpectedItem)[]
    ? Array<Exact<ExpectedItem, Item>>
    : never
  : Actual extends object
    ? { [K in keyof Actual]: K extends keyof Expected ? Exact<NonNullable<Expected[K]>, Actual[K]> : never }
    : Actual;

/**
 * Each handler of `T` with its response narrowed by `Exact`. Assigning a group of handlers to
 * `CheckedHandlers<typeof group>` fails to compile when a response carries a field, at any depth,
 * that the official model does not have.
 */
export type CheckedHandlers<T> = {
  [A in keyof T]: A extends ImplementedAction
    ? T[A] extends (ctx: ActionContext, request: ActionRequest<A>) => Promise<infer Response>
      ? (ctx: ActionContext, request: ActionRequest<A>) => Promise<Exact<ActionResponse<A>, Response>>
      : never
    : never;
};
