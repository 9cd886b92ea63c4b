import { isRecord } from '../../api.js';
import type { CallRecord } from './call-record.js';

/**
 * The CSV's columns, named as TelCdrInfo names its fields, with their values as DescribeTelCdr gives
 * them (times in unix seconds, key timestamps in unix ms). `SeatUser` is the agent's mail; the lists
 * are joined with `|`. The recording's link is left out: it is signed and expires, and an exported
 * file outlives it; `RecordId` says whether the call has a recording.
 */
export const CSV_COLUMNS = [
  'SessionId',
  'Caller',
  'Callee',
  'Direction',
  'CallType',
  'StartTimestamp',
  'QueuedTimestamp',
  'RingTimestamp',
  'AcceptTimestamp',
  'EndedTimestamp',
  'Duration',
  'IVRDuration',
  'EndStatus',
  'EndStatusString',
  'HungUpSide',
  'SeatUser',
  'SkillGroupId',
  'SkillGroup',
  'QueuedSkillGroupId',
  'QueuedSkillGroupName',
  'IVRKeyPressed',
  'PostIVRKeyPressed',
  'ServeParticipants',
  'RecordId',
  'UUI',
  'Remark',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** The UTF-8 byte order mark, so that spreadsheet programs read Chinese text correctly. */
export const BOM = '\uFEFF';

/** The records as CSV text (RFC 4180, CRLF line ends), starting with the BOM. */
export function recordsToCsv(records: readonly CallRecord[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of records) lines.push(CSV_COLUMNS.map((column) => csvCell(cellOf(record, column))).join(','));
  return `${BOM}${lines.join('\r\n')}\r\n`;
}

function cellOf(record: CallRecord, column: CsvColumn): string {
  switch (column) {
    case 'SeatUser':
      return record.seatMail;
    case 'IVRKeyPressed':
      return record.ivrKeys.map((k) => k.key).join('|');
    case 'PostIVRKeyPressed':
      return record.surveyKeys.map((k) => k.key).join('|');
    case 'ServeParticipants':
      return record.participants.map((p) => p.mail).join('|');
    case 'EndStatusString':
      return record.endStatusString;
    default: {
      const value = record.raw[column];
      return typeof value === 'string' || typeof value === 'number' ? String(value) : isRecord(value) || Array.isArray(value) ? JSON.stringify(value) : '';
    }
  }
}

/**
 * One CSV cell: quoted when it holds a comma, quote or line break. Text that a spreadsheet would
 * run as a formula (starting with = + - @, other than a plain number) gets a leading apostrophe.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^[+-]?\d+(\.\d+)?$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The export's file name: `call-records-<from>-<to>.csv`, the window's local dates. */
export function csvFileName(startSeconds: number, endSeconds: number): string {
  const day = (seconds: number) => {
    const d = new Date(seconds * 1000);
    return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
  };
  const from = day(startSeconds);
  const to = day(endSeconds);
  return from === to ? `call-records-${from}.csv` : `call-records-${from}-${to}.csv`;
}
