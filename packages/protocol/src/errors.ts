/**
 * Cloud API error codes. The strings are Tencent Cloud API 3.0's exact codes:
 * clients written against TCCC branch on them, so they must never change.
 */
export const CLOUD_API_ERROR_CODES = [
  'AuthFailure.InvalidAuthorization',
  'AuthFailure.InvalidSecretId',
  'AuthFailure.SecretIdNotFound',
  'AuthFailure.SignatureExpire',
  'AuthFailure.SignatureFailure',
  'AuthFailure.TokenFailure',
  'AuthFailure.UnauthorizedOperation',
  'FailedOperation',
  'FailedOperation.CallOutFailed',
  'FailedOperation.CurStateNotAllowModify',
  'FailedOperation.DuplicatedAccount',
  'FailedOperation.PermissionDenied',
  'FailedOperation.NoCallOutNumber',
  'FailedOperation.SeatStatusBusy',
  'FailedOperation.SessionNotExists',
  'FailedOperation.SessionNotInControlState',
  'InternalError',
  'InternalError.DBError',
  'InvalidAction',
  'InvalidParameter',
  'InvalidParameter.InstanceNotExist',
  'InvalidParameterValue',
  'InvalidParameterValue.AccountNotExist',
  'InvalidParameterValue.PhoneNumInvalid',
  'InvalidParameterValue.InstanceNotExist',
  'InvalidParameterValue.SkillGroupError',
  'InvalidParameterValue.SkillGroupExist',
  'InvalidRequest',
  'LimitExceeded',
  'MissingParameter',
  'NoSuchVersion',
  'RequestLimitExceeded',
  'RequestSizeLimitExceeded',
  'ResourceInUse',
  'ResourceNotFound',
  'UnauthorizedOperation',
  'UnknownParameter',
  'UnsupportedOperation',
  'UnsupportedProtocol',
] as const;

export type CloudApiErrorCode = (typeof CLOUD_API_ERROR_CODES)[number];

/** A message in both languages the Cloud API answers in (`X-TC-Language`). */
export interface LocalizedText {
  en: string;
  zh: string;
}

export type Language = 'en-US' | 'zh-CN';

/** The one error type that crosses the Cloud API boundary. */
export class CloudApiError extends Error {
  readonly code: CloudApiErrorCode;
  readonly text: LocalizedText;

  constructor(code: CloudApiErrorCode, text: LocalizedText) {
    super(text.en);
    this.name = 'CloudApiError';
    this.code = code;
    this.text = text;
  }

  /** The message in the caller's language. */
  messageIn(language: Language): string {
    return language === 'zh-CN' ? this.text.zh : this.text.en;
  }
}

/** Shorthand for building a CloudApiError from an English and a Chinese message. */
export function cloudError(code: CloudApiErrorCode, en: string, zh: string): CloudApiError {
  return new CloudApiError(code, { en, zh });
}
