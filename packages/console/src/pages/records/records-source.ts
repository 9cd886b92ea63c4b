import { isRecord } from '../../api.js';
import { parseCallRecord, type CallRecord } from './call-record.js';
import { CDR_PAGE_SIZE, describeTelCdrParams, keepsRecord, type RecordQuery } from './record-filters.js';

/** Calls one Cloud API action on the user's instance (`ConsoleApi.action`). */
export type ActionCall = (name: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>;

export interface FetchedRecords {
  /** The records that pass every filter, newest first. */
  records: CallRecord[];
  /** How many records DescribeTelCdr has in the window (before the agent and EndStatus filters). */
  total: number;
  /** True when the window holds more than `limit` records and the rest were not read. */
  truncated: boolean;
}

/** The most records one search reads (100 pages): beyond that, narrow the time range. */
export const RECORD_SCAN_LIMIT = 10_000;

/**
 * Reads every page DescribeTelCdr has for the query and keeps those that pass the agent and
 * EndStatus filters. DescribeTelCdr filters by time and number itself; it cannot filter by agent or
 * EndStatus, so those are applied here over all the pages, which keeps the paging and the CSV
 * export exact. Its errors (a window too long or too old) propagate as thrown.
 */
export async function fetchRecords(action: ActionCall, query: RecordQuery, options: { limit?: number; signal?: AbortSignal } = {}): Promise<FetchedRecords> {
  const limit = options.limit ?? RECORD_SCAN_LIMIT;
  const kept: CallRecord[] = [];
  let total = 0;
  let read = 0;
  for (let page = 0; ; page++) {
    options.signal?.throwIfAborted();
    const response = await action('DescribeTelCdr', describeTelCdrParams(query, page));
    total = typeof response['TotalCount'] === 'number' ? response['TotalCount'] : 0;
    const list = Array.isArray(response['TelCdrList']) ? response['TelCdrList'] : [];
    for (const item of list) {
      const record = isRecord(item) ? parseCallRecord(item) : null;
      if (record && keepsRecord(query, record)) kept.push(record);
    }
    read += list.length;
    if (list.length < CDR_PAGE_SIZE || read >= total) break;
    if (read >= limit) {
      return { records: newestFirst(kept), total, truncated: true };
    }
  }
  return { records: newestFirst(kept), total, truncated: false };
}

function newestFirst(records: CallRecord[]): CallRecord[] {
  return records.sort((a, b) => b.startTimestamp - a.startTimestamp || (a.sessionId < b.sessionId ? 1 : -1));
}
