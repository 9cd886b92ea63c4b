import type { SdkStatus } from '@openccc/protocol';
import type { Language, MessageKey } from '../i18n.js';
import { translate } from '../i18n.js';

export const STATUS_LABELS: Record<SdkStatus, MessageKey> = {
  free: 'statusFree',
  busy: 'statusBusy',
  rest: 'statusRest',
  notReady: 'statusNotReady',
  arrange: 'statusArrange',
  offline: 'statusOffline',
};

/** The break reasons offered; the chosen label (in the UI language) is what the server stores. */
export const REST_REASONS = ['restReasonLunch', 'restReasonMeeting', 'restReasonTraining'] as const satisfies readonly MessageKey[];

const ALL_REASON_KEYS: MessageKey[] = [...REST_REASONS, 'restReasonOther'];

/** A stored reason in the current language when it is one of ours (in either language), else as stored. */
export function displayReason(language: Language, reason: string): string {
  for (const key of ALL_REASON_KEYS) {
    if (reason === translate('zh-CN', key) || reason === translate('en-US', key)) return translate(language, key);
  }
  return reason;
}

/** Which preset a stored reason is: a reason key, 'other' with free text, or '' for none. */
export function reasonChoice(reason: string): { choice: string; custom: string } {
  if (!reason) return { choice: '', custom: '' };
  for (const key of REST_REASONS) {
    if (reason === translate('zh-CN', key) || reason === translate('en-US', key)) return { choice: key, custom: '' };
  }
  const other = reason === translate('zh-CN', 'restReasonOther') || reason === translate('en-US', 'restReasonOther');
  return { choice: 'restReasonOther', custom: other ? '' : reason };
}
