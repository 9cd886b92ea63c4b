import { agentsOf, endStatusNameOf, isEndStatusName, type CallRecord } from './call-record.js';

/** The filter form as typed: times as `<input type="datetime-local">` values (local time, minutes). */
export interface RecordFilterForm {
  from: string;
  to: string;
  /** A caller or callee number, in any form DescribeTelCdr accepts; empty for all. */
  number: string;
  /** An agent's mail; empty for all. */
  agent: string;
  /** An EndStatus name from the protocol's list; empty for all. */
  endStatus: string;
}

/** A checked filter: what DescribeTelCdr is asked, and what is kept of its answer. */
export interface RecordQuery {
  /** Unix seconds, both included (the end covers its whole minute). */
  startSeconds: number;
  endSeconds: number;
  phone: string;
  agent: string;
  endStatus: string;
}

export type RecordFilterError = 'fromMissing' | 'toMissing' | 'fromInvalid' | 'toInvalid' | 'endBeforeStart' | 'numberInvalid' | 'endStatusUnknown';

export type RecordFilterResult = { ok: true; query: RecordQuery } | { ok: false; errors: Partial<Record<keyof RecordFilterForm, RecordFilterError>> };

/** DescribeTelCdr's largest page. */
export const CDR_PAGE_SIZE = 100;

/** Today, from midnight to 23:59, in the browser's time zone. */
export function defaultRecordFilters(now: Date): RecordFilterForm {
  const day = localDate(now);
  return { from: `${day}T00:00`, to: `${day}T23:59`, number: '', agent: '', endStatus: '' };
}

/**
 * Checks the form. The window's own limits (how far back, how long) are DescribeTelCdr's to judge:
 * its answer names them in the user's language, so they are not repeated here.
 */
export function checkRecordFilters(form: RecordFilterForm): RecordFilterResult {
  const errors: Partial<Record<keyof RecordFilterForm, RecordFilterError>> = {};
  const from = parseLocalMinute(form.from);
  const to = parseLocalMinute(form.to);
  if (!form.from.trim()) errors.from = 'fromMissing';
  else if (from === null) errors.from = 'fromInvalid';
  if (!form.to.trim()) errors.to = 'toMissing';
  else if (to === null) errors.to = 'toInvalid';
  if (from !== null && to !== null && to < from) errors.to = 'endBeforeStart';
  const number = form.number.trim();
  if (number && !/^\+?[\d][\d\s\-.()]{2,30}$/.test(number)) errors.number = 'numberInvalid';
  if (form.endStatus && !isEndStatusName(form.endStatus)) errors.endStatus = 'endStatusUnknown';
  if (Object.keys(errors).length > 0 || from === null || to === null) return { ok: false, errors };
  return { ok: true, query: { startSeconds: from, endSeconds: to + 59, phone: number, agent: form.agent.trim().toLowerCase(), endStatus: form.endStatus } };
}

/** DescribeTelCdr's parameters for one page of the query (SdkAppId is the console's to set). */
export function describeTelCdrParams(query: RecordQuery, pageNumber: number): Record<string, unknown> {
  return {
    StartTimeStamp: query.startSeconds,
    EndTimeStamp: query.endSeconds,
    PageSize: CDR_PAGE_SIZE,
    PageNumber: pageNumber,
    ...(query.phone ? { Phones: [query.phone] } : {}),
  };
}

/** Whether a record passes the filters DescribeTelCdr cannot express: the agent and the EndStatus. */
export function keepsRecord(query: RecordQuery, record: CallRecord): boolean {
  if (query.agent && !agentsOf(record).has(query.agent)) return false;
  if (query.endStatus && endStatusNameOf(record) !== query.endStatus) return false;
  return true;
}

/** `YYYY-MM-DDTHH:mm` in local time → unix seconds; null when it is not such a moment. */
export function parseLocalMinute(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(y, mo - 1, d, h, mi, Number.isNaN(s) ? 0 : s);
  // new Date rolls 2026-02-31 over into March: such a value is not a date.
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d || date.getHours() !== h || date.getMinutes() !== mi) return null;
  return Math.floor(date.getTime() / 1000);
}

/** A Date as `YYYY-MM-DDTHH:mm` in local time, the value a datetime-local input takes. */
export function toLocalMinute(date: Date): string {
  return `${localDate(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function localDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
