import { END_STATUS, type EndStatusString } from '@openccc/protocol';
import { isRecord } from '../../api.js';

/** A key pressed in the IVR or the survey (TCCC's IVRKeyPressedElement; `timestampMs` in unix ms, 0 when absent). */
export interface KeyPress {
  key: string;
  label: string;
  nodeLabel: string;
  timestampMs: number;
}

/** One agent rung or serving in a call (TCCC's ServeParticipant); times in unix seconds, 0 for a moment that never came. */
export interface Participant {
  sequence: number;
  mail: string;
  phone: string;
  type: string;
  skillGroupName: string;
  startTimestamp: number;
  ringTimestamp: number;
  acceptTimestamp: number;
  endedTimestamp: number;
  endStatusString: string;
  transferFrom: string;
  transferTo: string;
  recordId: string;
}

/**
 * One call record as the console shows it, read from DescribeTelCdr's `TelCdrInfo`. `raw` keeps the
 * record as the server sent it, for the CSV export; everything else is validated here, so the pages
 * never trust the shape of what came over the wire.
 */
export interface CallRecord {
  sessionId: string;
  caller: string;
  callee: string;
  /** 0 inbound, 1 outbound (and internal). */
  direction: number;
  /** 1 outbound, 2 inbound phone, 3 inbound VoIP, 5 predictive, 6 internal. */
  callType: number;
  startTimestamp: number;
  queuedTimestamp: number;
  ringTimestamp: number;
  acceptTimestamp: number;
  endedTimestamp: number;
  duration: number;
  ivrDuration: number;
  endStatus: number;
  endStatusString: string;
  hungUpSide: string;
  seatMail: string;
  seatName: string;
  skillGroup: string;
  queuedSkillGroupName: string;
  ivrKeys: KeyPress[];
  surveyKeys: KeyPress[];
  participants: Participant[];
  recordId: string;
  /** A signed link that expires; shown in the player, never logged or exported. */
  recordUrl: string;
  raw: Record<string, unknown>;
}

/** Reads one `TelCdrInfo`; null when it is not a record at all (no SessionId). */
export function parseCallRecord(value: unknown): CallRecord | null {
  if (!isRecord(value)) return null;
  const sessionId = text(value['SessionId']);
  if (!sessionId) return null;
  const seat = isRecord(value['SeatUser']) ? value['SeatUser'] : {};
  return {
    sessionId,
    caller: text(value['Caller']),
    callee: text(value['Callee']),
    direction: num(value['Direction']),
    callType: num(value['CallType']),
    startTimestamp: num(value['StartTimestamp']) || num(value['Time']),
    queuedTimestamp: num(value['QueuedTimestamp']),
    ringTimestamp: num(value['RingTimestamp']),
    acceptTimestamp: num(value['AcceptTimestamp']),
    endedTimestamp: num(value['EndedTimestamp']),
    duration: num(value['Duration']),
    ivrDuration: num(value['IVRDuration']),
    endStatus: num(value['EndStatus']),
    endStatusString: text(value['EndStatusString']),
    hungUpSide: text(value['HungUpSide']),
    seatMail: text(seat['Mail']),
    seatName: text(seat['Name']),
    skillGroup: text(value['SkillGroup']),
    queuedSkillGroupName: text(value['QueuedSkillGroupName']),
    ivrKeys: keys(value['IVRKeyPressedEx']),
    surveyKeys: keys(value['PostIVRKeyPressedEx']),
    participants: list(value['ServeParticipants'])
      .filter(isRecord)
      .map((p, index) => ({
        sequence: typeof p['Sequence'] === 'number' ? p['Sequence'] : index,
        mail: text(p['Mail']),
        phone: text(p['Phone']),
        type: text(p['Type']),
        skillGroupName: text(p['SkillGroupName']),
        startTimestamp: num(p['StartTimestamp']),
        ringTimestamp: num(p['RingTimestamp']),
        acceptTimestamp: num(p['AcceptTimestamp']),
        endedTimestamp: num(p['EndedTimestamp']),
        endStatusString: text(p['EndStatusString']),
        transferFrom: text(p['TransferFrom']),
        transferTo: text(p['TransferTo']),
        recordId: text(p['RecordId']),
      }))
      .sort((a, b) => a.sequence - b.sequence),
    recordId: text(value['RecordId']),
    recordUrl: text(value['RecordURL']),
    raw: value,
  };
}

/** The EndStatus names the console offers as a filter, in the protocol's order. */
export const END_STATUS_NAMES = Object.keys(END_STATUS) as EndStatusString[];

export function isEndStatusName(value: string): value is EndStatusString {
  return Object.prototype.hasOwnProperty.call(END_STATUS, value);
}

/** The record's EndStatus name: its EndStatusString, or else the name of its code. */
export function endStatusNameOf(record: Pick<CallRecord, 'endStatus' | 'endStatusString'>): string {
  if (record.endStatusString) return record.endStatusString;
  const found = END_STATUS_NAMES.find((name) => END_STATUS[name] === record.endStatus);
  return found ?? String(record.endStatus);
}

/** Every agent a record names: the seat and each participant (mails, lower-cased). */
export function agentsOf(record: Pick<CallRecord, 'seatMail' | 'participants'>): Set<string> {
  const mails = new Set<string>();
  if (record.seatMail) mails.add(record.seatMail.toLowerCase());
  for (const p of record.participants) if (p.mail) mails.add(p.mail.toLowerCase());
  return mails;
}

/**
 * The waits of a call, in seconds, or null where a moment never came: in the IVR (as recorded), in
 * the queue (queued → first ring), ringing (first ring → answer) and talking (the record's Duration).
 */
export function waitsOf(record: CallRecord): { ivr: number; queue: number | null; ring: number | null; talk: number } {
  const queue = record.queuedTimestamp && record.ringTimestamp ? Math.max(0, record.ringTimestamp - record.queuedTimestamp) : record.queuedTimestamp && record.endedTimestamp && !record.ringTimestamp ? Math.max(0, record.endedTimestamp - record.queuedTimestamp) : null;
  const ring = record.ringTimestamp && record.acceptTimestamp ? Math.max(0, record.acceptTimestamp - record.ringTimestamp) : null;
  return { ivr: record.ivrDuration, queue, ring, talk: record.duration };
}

function keys(value: unknown): KeyPress[] {
  return list(value)
    .filter(isRecord)
    .map((k) => ({ key: text(k['Key']), label: text(k['Label']), nodeLabel: text(k['NodeLabel']), timestampMs: num(k['Timestamp']) }));
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function num(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : 0;
  return Number.isFinite(n) ? n : 0;
}
