import { SERVER_STATUSES, type ServerStatus } from '@openccc/protocol';
import { isRecord } from '../../api.js';

/** One entry of DescribeStaffStatusHistory (`Timestamp` in unix seconds). */
export interface StatusEntry {
  cursor: string;
  timestamp: number;
  status: string;
  reason: string;
  sessionId: string;
}

/** A stretch of the timeline: a status from `from` to `to` (unix seconds); `unknown` before the first entry. */
export interface StatusSegment {
  status: ServerStatus | 'unknown';
  from: number;
  to: number;
}

/** The largest page DescribeStaffStatusHistory gives. */
export const HISTORY_PAGE_SIZE = 1000;

/** The most entries one search reads; a week of status changes stays far below it. */
export const HISTORY_SCAN_LIMIT = 20_000;

export function isServerStatus(value: string): value is ServerStatus {
  return (SERVER_STATUSES as readonly string[]).includes(value);
}

export function parseStatusEntries(value: unknown): StatusEntry[] {
  const entries: StatusEntry[] = [];
  for (const item of Array.isArray(value) ? value : []) {
    if (!isRecord(item) || typeof item['Timestamp'] !== 'number' || typeof item['Status'] !== 'string') continue;
    entries.push({
      cursor: typeof item['Cursor'] === 'string' ? item['Cursor'] : '',
      timestamp: item['Timestamp'],
      status: item['Status'],
      reason: typeof item['Reason'] === 'string' ? item['Reason'] : '',
      sessionId: typeof item['SessionId'] === 'string' ? item['SessionId'] : '',
    });
  }
  return entries;
}

/** Reads every page of a staff's history in the window, following each page's last Cursor. */
export async function fetchStatusHistory(
  action: (name: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>,
  mail: string,
  startSeconds: number,
  endSeconds: number,
): Promise<{ entries: StatusEntry[]; truncated: boolean }> {
  const entries: StatusEntry[] = [];
  let cursor = '';
  for (;;) {
    const response = await action('DescribeStaffStatusHistory', { StaffUserId: mail, StartTimestamp: startSeconds, EndTimestamp: endSeconds, PageSize: HISTORY_PAGE_SIZE, ...(cursor ? { Cursor: cursor } : {}) });
    const page = parseStatusEntries(response['Data']);
    entries.push(...page);
    const last = page[page.length - 1];
    if (page.length < HISTORY_PAGE_SIZE || !last?.cursor) return { entries, truncated: false };
    if (entries.length >= HISTORY_SCAN_LIMIT) return { entries, truncated: true };
    cursor = last.cursor;
  }
}

/**
 * The timeline of a window: each entry's status lasts until the next entry, the last one until the
 * window's end (or `now`, if the window reaches into the future). What came before the first entry
 * is not in the window's history, so it is `unknown`. Entries are taken in time order.
 */
export function statusSegments(entries: readonly StatusEntry[], startSeconds: number, endSeconds: number, nowSeconds: number): StatusSegment[] {
  const end = Math.max(startSeconds, Math.min(endSeconds, nowSeconds));
  const sorted = [...entries].sort((a, b) => a.timestamp - b.timestamp);
  const segments: StatusSegment[] = [];
  let at = startSeconds;
  let status: StatusSegment['status'] = 'unknown';
  for (const entry of sorted) {
    const from = Math.min(Math.max(entry.timestamp, startSeconds), end);
    if (from > at) segments.push({ status, from: at, to: from });
    at = Math.max(at, from);
    status = isServerStatus(entry.status) ? entry.status : 'unknown';
  }
  if (end > at) segments.push({ status, from: at, to: end });
  return mergeNeighbours(segments);
}

/** Seconds spent in each status over the segments. */
export function timeByStatus(segments: readonly StatusSegment[]): Map<StatusSegment['status'], number> {
  const totals = new Map<StatusSegment['status'], number>();
  for (const s of segments) totals.set(s.status, (totals.get(s.status) ?? 0) + (s.to - s.from));
  return totals;
}

function mergeNeighbours(segments: StatusSegment[]): StatusSegment[] {
  const merged: StatusSegment[] = [];
  for (const segment of segments) {
    const previous = merged[merged.length - 1];
    if (previous && previous.status === segment.status && previous.to === segment.from) previous.to = segment.to;
    else merged.push({ ...segment });
  }
  return merged;
}

/**
 * The stretch of the window the bar shows: never past `now`, and with `fit`, from the first change
 * on, so that a day with a few minutes of activity is not a sliver at the bar's edge.
 */
export function timelineView(entries: readonly StatusEntry[], startSeconds: number, endSeconds: number, nowSeconds: number, fit: boolean): { from: number; to: number } {
  const to = Math.max(startSeconds, Math.min(endSeconds, nowSeconds));
  const first = entries.reduce((min, e) => Math.min(min, e.timestamp), Number.POSITIVE_INFINITY);
  const from = fit && Number.isFinite(first) ? Math.min(Math.max(first, startSeconds), to) : startSeconds;
  return { from, to };
}
