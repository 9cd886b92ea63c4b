import { defaultRecordFilters, parseLocalMinute } from '../records/record-filters.js';

/** The form: an agent's mail and a window as datetime-local values. */
export interface HistoryFilterForm {
  mail: string;
  from: string;
  to: string;
}

export type HistoryFilterError = 'agentMissing' | 'fromMissing' | 'toMissing' | 'fromInvalid' | 'toInvalid' | 'endBeforeStart';

export type HistoryFilterResult =
  | { ok: true; query: { mail: string; startSeconds: number; endSeconds: number } }
  | { ok: false; errors: Partial<Record<keyof HistoryFilterForm, HistoryFilterError>> };

/** Today, for the agent given (e.g. from `#/status-history?mail=…`). */
export function defaultHistoryFilters(now: Date, mail = ''): HistoryFilterForm {
  const today = defaultRecordFilters(now);
  return { mail, from: today.from, to: today.to };
}

/** Checks the form; the window's limits (under 7 days, at most 180 days back) are DescribeStaffStatusHistory's to judge. */
export function checkHistoryFilters(form: HistoryFilterForm): HistoryFilterResult {
  const errors: Partial<Record<keyof HistoryFilterForm, HistoryFilterError>> = {};
  const from = parseLocalMinute(form.from);
  const to = parseLocalMinute(form.to);
  if (!form.mail.trim()) errors.mail = 'agentMissing';
  if (!form.from.trim()) errors.from = 'fromMissing';
  else if (from === null) errors.from = 'fromInvalid';
  if (!form.to.trim()) errors.to = 'toMissing';
  else if (to === null) errors.to = 'toInvalid';
  if (from !== null && to !== null && to < from) errors.to = 'endBeforeStart';
  if (Object.keys(errors).length > 0 || from === null || to === null) return { ok: false, errors };
  return { ok: true, query: { mail: form.mail.trim(), startSeconds: from, endSeconds: to + 59 } };
}
