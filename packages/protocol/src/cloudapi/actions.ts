import { arr, bool, int, obj, optional, str, type Infer, type Schema } from '../schema.js';

/**
 * Request schemas of the Cloud API actions OpenCCC implements. Field names and
 * shapes follow `ccc_models.d.ts` of the official SDK (ccc 2020-02-10) exactly.
 */
const sdkAppId = int({ min: 1 });
const email = str({
  minLength: 3,
  maxLength: 128,
  // ASCII only: case-insensitive matching is then the same in SQL and in memory.
  pattern: { regex: /^[!-?A-~]+@[!-?A-~]+$/, en: 'an ASCII email address such as agent@example.com', zh: 'ASCII 邮箱地址，例如 agent@example.com' },
});
const staffStatus = str({ oneOf: ['free', 'notReady', 'rest'] });
// Capped so that PageNumber × PageSize stays a safe offset.
const pageNumber = int({ min: 0, max: 100_000_000 });
const id = int({ min: 1 });
// A phone number as a client writes it; the server normalises it to 0086… and says what is wrong.
const phoneNumber = str({ minLength: 1, maxLength: 32 });
// A TCCC session id (a UUID v4 in OpenCCC); any other text simply names no session.
const sessionId = str({ minLength: 1, maxLength: 64 });
// TCCC limits UUI to 1024 bytes; the handler checks the bytes, this the characters.
const uui = str({ maxLength: 1024 });
// A SIP extension: 1 to 32 digits (dialable from a keypad; the staff's ExtensionNumber holds 32).
const extensionId = str({ minLength: 1, maxLength: 32, pattern: { regex: /^[0-9]{1,32}$/, en: '1 to 32 digits, such as 8001', zh: '1 到 32 位数字，例如 8001' } });

export const SeatUserInfoSchema = obj({
  Name: str({ minLength: 1, maxLength: 128 }),
  Mail: email,
  StaffNumber: str({ maxLength: 64 }),
  Phone: optional(str({ maxLength: 32 })),
  Nick: optional(str({ maxLength: 128 })),
  UserId: optional(str({ maxLength: 128 })),
  SkillGroupNameList: optional(arr(str({ minLength: 1, maxLength: 128 }), { max: 100 })),
  Role: optional(int({ min: 1, max: 3 })),
  ExtensionNumber: optional(str({ maxLength: 32 })),
});

const ForwardingConfigSchema = obj({
  Enabled: optional(bool()),
  Condition: optional(int({ min: 1, max: 3 })),
  Target: optional(
    obj({
      Type: optional(int({ min: 1, max: 2 })),
      StaffUserId: optional(str({ maxLength: 128 })),
      SkillGroupId: optional(id),
      Extension: optional(str({ maxLength: 32 })),
    }),
  ),
});

export const ActionSchemas = {
  CreateSDKLoginToken: obj({ SdkAppId: sdkAppId, SeatUserId: str({ minLength: 1, maxLength: 128 }), OnlyOnce: optional(bool()) }),
  CreateAdminURL: obj({ SdkAppId: sdkAppId, SeatUserId: str({ minLength: 1, maxLength: 128 }) }),
  CreateStaff: obj({ SdkAppId: sdkAppId, Staffs: arr(SeatUserInfoSchema, { min: 1, max: 10 }), SendPassword: optional(bool()) }),
  DescribeStaffInfoList: obj({
    SdkAppId: sdkAppId,
    PageSize: int({ min: 1, max: 9999 }),
    PageNumber: pageNumber,
    StaffMail: optional(str({ maxLength: 128 })),
    ModifiedTime: optional(int({ min: 0 })),
    SkillGroupId: optional(id),
  }),
  ModifyStaff: obj({
    SdkAppId: sdkAppId,
    Email: email,
    Name: optional(str({ minLength: 1, maxLength: 128 })),
    Phone: optional(str({ maxLength: 32 })),
    Nick: optional(str({ maxLength: 128 })),
    StaffNo: optional(str({ maxLength: 64 })),
    SkillGroupIds: optional(arr(id, { max: 100 })),
    UseMobileCallOut: optional(bool()),
    UseMobileAccept: optional(int({ min: 0, max: 2 })),
    ExtensionNumber: optional(str({ maxLength: 32 })),
    ForwardingConfig: optional(ForwardingConfigSchema),
  }),
  DeleteStaff: obj({ SdkAppId: sdkAppId, StaffList: arr(str({ minLength: 1, maxLength: 128 }), { min: 1, max: 100 }) }),
  ModifyStaffPassword: obj({ SdkAppId: sdkAppId, Email: email, Password: str({ minLength: 8, maxLength: 128 }) }),
  CreateCCCSkillGroup: obj({
    SdkAppId: sdkAppId,
    SkillGroupName: str({ minLength: 1, maxLength: 128 }),
    SkillGroupType: int({ min: 0, max: 4 }),
    MaxConcurrency: optional(int({ min: 1, max: 100 })),
  }),
  DescribeSkillGroupInfoList: obj({
    SdkAppId: sdkAppId,
    PageSize: int({ min: 1, max: 9999 }),
    PageNumber: pageNumber,
    SkillGroupId: optional(id),
    ModifiedTime: optional(int({ min: 0 })),
    SkillGroupName: optional(str({ maxLength: 128 })),
  }),
  UpdateCCCSkillGroup: obj({
    SdkAppId: sdkAppId,
    SkillGroupID: id,
    SkillGroupName: optional(str({ minLength: 1, maxLength: 128 })),
    MaxConcurrency: optional(int({ min: 1, max: 100 })),
    RingAll: optional(bool()),
  }),
  DeleteCCCSkillGroup: obj({ SdkAppId: sdkAppId, SkillGroupId: id }),
  BindStaffSkillGroupList: obj({
    SdkAppId: sdkAppId,
    StaffEmail: email,
    StaffSkillGroupList: optional(arr(obj({ SkillGroupId: id, Priority: optional(int({ min: 1, max: 5 })) }), { max: 100 })),
    SkillGroupList: optional(arr(id, { max: 100 })),
  }),
  UnbindStaffSkillGroupList: obj({ SdkAppId: sdkAppId, StaffEmail: email, SkillGroupList: arr(id, { min: 1, max: 100 }) }),
  SetStaffStatus: obj({
    SdkAppId: sdkAppId,
    StaffStatusList: arr(obj({ StaffUserId: str({ minLength: 1, maxLength: 128 }), Status: staffStatus, Reason: optional(str({ maxLength: 128 })) }), {
      min: 1,
      max: 100,
    }),
  }),
  DescribeStaffStatusMetrics: obj({
    SdkAppId: sdkAppId,
    StaffList: optional(arr(str({ maxLength: 128 }), { max: 1000 })),
    GroupIdList: optional(arr(id, { max: 100 })),
    StatusList: optional(arr(str({ oneOf: ['free', 'busy', 'rest', 'notReady', 'afterCallWork', 'offline'] }), { max: 6 })),
  }),
  DescribeStaffStatusHistory: obj({
    SdkAppId: sdkAppId,
    StaffUserId: str({ minLength: 1, maxLength: 128 }),
    StartTimestamp: int({ min: 0 }),
    EndTimestamp: int({ min: 0 }),
    Cursor: optional(str({ maxLength: 64 })),
    PageSize: optional(int({ min: 1, max: 1000 })),
  }),
  ForceMemberOffline: obj({ SdkAppId: sdkAppId, UserId: str({ minLength: 1, maxLength: 128 }) }),
  RestoreMemberOnline: obj({ SdkAppId: sdkAppId, UserId: str({ minLength: 1, maxLength: 128 }) }),
  DescribeNumbers: obj({ SdkAppId: sdkAppId, PageNumber: optional(pageNumber), PageSize: optional(int({ min: 1, max: 100 })) }),
  BindNumberCallOutSkillGroup: obj({ SdkAppId: sdkAppId, Number: phoneNumber, SkillGroupIds: arr(id, { min: 1, max: 100 }) }),
  UnbindNumberCallOutSkillGroup: obj({ SdkAppId: sdkAppId, Number: phoneNumber, SkillGroupIds: arr(id, { min: 1, max: 100 }) }),
  // SdkAppId is optional in the official model; OpenCCC requires it so that a key's instance policy applies (checked by the handler).
  DisableCCCPhoneNumber: obj({ PhoneNumbers: arr(phoneNumber, { min: 1, max: 100 }), Disabled: int({ min: 0, max: 1 }), SdkAppId: optional(sdkAppId) }),
  DescribeTelCdr: obj({
    StartTimeStamp: int({ min: 0 }),
    EndTimeStamp: int({ min: 0 }),
    SdkAppId: sdkAppId,
    PageSize: int({ min: 1, max: 100 }),
    PageNumber: pageNumber,
    // Deprecated in the official model: accepted and ignored.
    InstanceId: optional(int({ min: 0 })),
    Limit: optional(int({ min: 0 })),
    Offset: optional(int({ min: 0 })),
    Phones: optional(arr(phoneNumber, { max: 100 })),
    SessionIds: optional(arr(str({ minLength: 1, maxLength: 64 }), { max: 100 })),
  }),
  UploadIvrAudio: obj({
    SdkAppId: sdkAppId,
    // AudioUrl carries the file as a base64 data: URL (5 MB of audio is about 7 million characters).
    AudioList: arr(obj({ CustomFileName: str({ minLength: 1, maxLength: 128 }), AudioUrl: str({ minLength: 1, maxLength: 7_200_000 }) }), { min: 1, max: 10 }),
  }),
  DescribeIvrAudioList: obj({
    SdkAppId: sdkAppId,
    PageSize: int({ min: 1, max: 50 }),
    PageNumber: pageNumber,
    CustomFileName: optional(arr(str({ maxLength: 128 }), { max: 100 })),
    AudioFileName: optional(arr(str({ maxLength: 128 }), { max: 100 })),
    FileId: optional(arr(id, { max: 100 })),
  }),
  HangUpCall: obj({ SdkAppId: sdkAppId, SessionId: sessionId }),
  CreateCallOutSession: obj({
    SdkAppId: sdkAppId,
    UserId: str({ minLength: 1, maxLength: 128 }),
    Callee: phoneNumber,
    // Deprecated in the official model in favour of Callers; still accepted.
    Caller: optional(phoneNumber),
    Callers: optional(arr(phoneNumber, { max: 100 })),
    IsForceUseMobile: optional(bool()),
    // Deprecated spelling of UUI; still accepted.
    Uui: optional(uui),
    UUI: optional(uui),
  }),
  TransferToManual: obj({ SdkAppId: sdkAppId, SessionId: sessionId, SkillGroupId: id }),
  DescribePSTNActiveSessionList: obj({ SdkAppId: sdkAppId, Offset: int({ min: 0, max: 100_000_000 }), Limit: int({ min: 1, max: 25 }) }),
  DescribeTelSession: obj({ SdkAppId: sdkAppId, SessionId: sessionId }),
  DescribeSessionDetail: obj({ SdkAppId: sdkAppId, SessionId: sessionId, StartTimestamp: int({ min: 0 }), EndTimestamp: int({ min: 0 }) }),
  DescribeCallInMetrics: obj({
    SdkAppId: sdkAppId,
    EnabledSkillGroup: optional(bool()),
    EnabledNumber: optional(bool()),
    GroupIdList: optional(arr(id, { max: 100 })),
  }),
  CreateExtension: obj({
    SdkAppId: sdkAppId,
    ExtensionId: extensionId,
    ExtensionName: str({ minLength: 1, maxLength: 128 }),
    SkillGroupIds: optional(arr(id, { max: 100 })),
    // A staff mail; empty: bound to nobody.
    Relation: optional(str({ maxLength: 128 })),
  }),
  DescribeExtension: obj({ SdkAppId: sdkAppId, ExtensionId: extensionId }),
  DescribeExtensions: obj({
    SdkAppId: sdkAppId,
    PageNumber: pageNumber,
    // A filter: ids of any form are accepted and simply match nothing.
    ExtensionIds: optional(arr(str({ maxLength: 32 }), { max: 100 })),
    PageSize: optional(int({ min: 1, max: 100 })),
    FuzzingKeyWord: optional(str({ maxLength: 128 })),
    IsNeedStatus: optional(bool()),
  }),
  ModifyExtension: obj({
    SdkAppId: sdkAppId,
    ExtensionId: extensionId,
    ExtensionName: optional(str({ minLength: 1, maxLength: 128 })),
    SkillGroupIds: optional(arr(id, { max: 100 })),
    // A staff mail, or empty to unbind.
    Relation: optional(str({ maxLength: 128 })),
  }),
  DeleteExtension: obj({ SdkAppId: sdkAppId, ExtensionId: extensionId }),
  ResetExtensionPassword: obj({ SdkAppId: sdkAppId, ExtensionId: extensionId }),
  // No SdkAppId: the instances are listed, and the key's policy must allow each of them (checked by the dispatcher).
  DescribeTelCallInfo: obj({ StartTimeStamp: int({ min: 0 }), EndTimeStamp: int({ min: 0 }), SdkAppIdList: arr(sdkAppId, { min: 1, max: 100 }) }),
} satisfies Record<string, Schema<object>>;

export type ImplementedAction = keyof typeof ActionSchemas;
export type ActionRequest<A extends ImplementedAction> = Infer<(typeof ActionSchemas)[A]>;
export type SeatUserInfo = Infer<typeof SeatUserInfoSchema>;

export function isImplementedAction(action: string): action is ImplementedAction {
  return Object.hasOwn(ActionSchemas, action);
}

/** Every action of the official `ccc` 2020-02-10 client; those not implemented answer UnsupportedOperation. */
export const CCC_CLIENT_ACTIONS: readonly string[] = [
  'AbortAgentCruiseDialingCampaign', 'AbortPredictiveDialingCampaign', 'BindNumberCallInInterface', 'BindNumberCallOutSkillGroup',
  'BindStaffSkillGroupList', 'ControlAIConversation', 'CreateAICall', 'CreateAIAgentCall', 'CreateAdminURL',
  'CreateAgentCruiseDialingCampaign', 'CreateAutoCalloutTask', 'CreateCCCSkillGroup', 'CreateCallOutSession',
  'CreateCarrierPrivilegeNumberApplicant', 'CreateCompanyApply', 'CreateExtension', 'CreateIVRSession', 'CreateOwnNumberApply',
  'CreatePredictiveDialingCampaign', 'CreateSDKLoginToken', 'CreateStaff', 'CreateUserSig', 'DeleteCCCSkillGroup',
  'DeleteExtension', 'DeletePredictiveDialingCampaign', 'DeleteStaff', 'DescribeAIAgentInfoList', 'DescribeAIAnalysisResult',
  'DescribeAICallExtractResult', 'DescribeAICallInteractionRecords', 'DescribeAILatency', 'DescribeActiveCarrierPrivilegeNumber',
  'DescribeAgentCruiseDialingCampaign', 'DescribeAutoCalloutTask', 'DescribeAutoCalloutTasks', 'DescribeCCCBuyInfoList',
  'DescribeCallInMetrics', 'DescribeCarrierPrivilegeNumberApplicants', 'DescribeChatMessages', 'DescribeCompanyList',
  'DescribeExtension', 'DescribeExtensions', 'DescribeFlashSMSList', 'DescribeIMCdrList', 'DescribeIMCdrs',
  'DescribeIvrAudioList', 'DescribeNumbers', 'DescribePSTNActiveSessionList', 'DescribePredictiveDialingCampaign',
  'DescribePredictiveDialingCampaigns', 'DescribePredictiveDialingSessions', 'DescribeProtectedTelCdr', 'DescribeSessionDetail',
  'DescribeSkillGroupInfoList', 'DescribeStaffInfoList', 'DescribeStaffStatusHistory', 'DescribeStaffStatusMetrics',
  'DescribeTelCallInfo', 'DescribeTelCdr', 'DescribeTelRecordAsr', 'DescribeTelSession', 'DisableCCCPhoneNumber',
  'ForceMemberOffline', 'HangUpCall', 'ModifyCompanyApply', 'ModifyExtension', 'ModifyOwnNumberApply', 'ModifyStaff',
  'ModifyStaffPassword', 'PausePredictiveDialingCampaign', 'PauseAutoCalloutTask', 'PlaySoundCall', 'ResetExtensionPassword',
  'RestoreMemberOnline', 'ResumeAutoCalloutTask', 'ResumePredictiveDialingCampaign', 'SetStaffStatus', 'StopAutoCalloutTask',
  'TransferToManual', 'UnbindNumberCallOutSkillGroup', 'UnbindStaffSkillGroupList', 'UpdateCCCSkillGroup',
  'UpdatePredictiveDialingCampaign', 'UploadIvrAudio',
];
