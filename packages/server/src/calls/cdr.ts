import type { PSTNSession, PSTNSessionInfo, ServeParticipant, TelCdrInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { deriveEndStatus, participantEndStatus } from './end-status.js';
import { CallStateError } from './errors.js';
import type { SessionState } from './session-state.js';
import type { IvrKey, Participant, SessionRecord } from './types.js';

/** Recordings of a session, once the recorder has stored them; empty strings until then. */
export interface RecordingLinks {
  recordId?: string;
  recordUrl?: string;
  /** Per participant (by `Sequence`): the agent side's recording. */
  participants?: ReadonlyMap<number, { recordId: string; recordUrl: string }>;
}

/** Unix seconds from unix ms; 0 for a moment that never came, as TCCC reports it. */
function seconds(ms: number | null | undefined): number {
  return ms === null || ms === undefined ? 0 : Math.floor(ms / 1000);
}

/** When the session first entered a state, in unix ms. */
function firstEntered(session: SessionRecord, state: SessionState): number | null {
  return session.history.find((entry) => entry.to === state && entry.from !== state)?.at ?? null;
}

/** TCCC CallType: 1 outbound, 2 inbound phone, 3 inbound audio (VoIP), 6 internal. */
function callType(session: SessionRecord): number {
  if (session.kind === 'outbound') return 1;
  if (session.kind === 'internal') return 6;
  return session.channel === 'voip' ? 3 : 2;
}

/** The participant the record names as its seat: the last who answered, else the last who was rung. */
function seatParticipant(session: SessionRecord): Participant | undefined {
  return session.participants.filter((p) => p.acceptedAt !== null).at(-1) ?? session.participants.at(-1);
}

function ivrKeys(keys: readonly IvrKey[]): TelCdrInfo['IVRKeyPressedEx'] {
  return keys.map((key) => ({ Key: key.key, Label: key.label, Timestamp: key.at, NodeLabel: key.nodeLabel }));
}

/** Ringing for the record: an agent's phone for inbound and internal calls, the callee's for outbound ones. */
function ringAt(session: SessionRecord): number | null {
  if (session.kind === 'outbound') return firstEntered(session, 'calleeRinging');
  return session.participants.find((p) => p.ringAt !== null)?.ringAt ?? null;
}

/** How long the caller spent in the IVR, in seconds. */
function ivrSeconds(session: SessionRecord): number {
  const start = firstEntered(session, 'ivr');
  if (start === null) return 0;
  const exit = session.history.find((entry) => entry.from === 'ivr' && entry.to !== 'ivr');
  return exit === undefined ? 0 : seconds(exit.at) - seconds(start);
}

/** The call record (TCCC TelCdrInfo) of an ended session: one per session. */
export function buildTelCdr(session: SessionRecord, links: RecordingLinks = {}): TelCdrInfo {
  const end = session.end;
  if (end === null) throw new CallStateError(`Session ${session.sessionId} has not ended; its record cannot be built yet.`);
  const status = deriveEndStatus(session);
  const acceptedAt = firstEntered(session, 'talking');
  const talkEndedAt = session.talkEnd?.at ?? end.at;
  const seat = seatParticipant(session);
  const group = seat !== undefined && seat.groupId !== null ? { groupId: seat.groupId, groupName: seat.groupName } : session.group;
  const surveyStart = firstEntered(session, 'survey');
  const postKeys =
    surveyStart !== null && session.postIvrKeys.length === 0 ? [{ Key: 'noInput', Label: '', Timestamp: surveyStart, NodeLabel: '' }] : ivrKeys(session.postIvrKeys);
  const cdr = {
    SessionId: session.sessionId,
    Caller: session.caller,
    Callee: session.callee,
    Time: seconds(session.createdAt),
    Direction: session.kind === 'inbound' ? 0 : 1,
    CallType: callType(session),
    Duration: acceptedAt === null ? 0 : seconds(talkEndedAt) - seconds(acceptedAt),
    StartTimestamp: seconds(session.createdAt),
    QueuedTimestamp: seconds(firstEntered(session, 'queued')),
    RingTimestamp: seconds(ringAt(session)),
    AcceptTimestamp: seconds(acceptedAt),
    EndedTimestamp: seconds(end.at),
    IVRDuration: ivrSeconds(session),
    EndStatus: status.endStatus,
    EndStatusString: status.endStatusString,
    HungUpSide: status.hungUpSide,
    SkillGroup: group?.groupName ?? '',
    SkillGroupId: group?.groupId ?? 0,
    QueuedSkillGroupId: session.queuedGroup?.groupId ?? 0,
    QueuedSkillGroupName: session.queuedGroup?.groupName ?? '',
    IVRKeyPressed: session.ivrKeys.map((key) => key.key),
    IVRKeyPressedEx: ivrKeys(session.ivrKeys),
    PostIVRKeyPressedEx: postKeys,
    ServeParticipants: session.participants.map((p) => serveParticipant(session, p, status, links)),
    RecordId: links.recordId ?? '',
    RecordURL: links.recordUrl ?? '',
    CallerLocation: '',
    ProtectedCaller: '',
    ProtectedCallee: '',
    UUI: session.uui,
    Remark: session.remark,
    VoicemailRecordURL: [],
  } satisfies TelCdrInfo;
  if (seat === undefined) return cdr;
  const seatUser = { Name: seat.agent.name, Mail: seat.agent.mail, StaffNumber: seat.agent.staffNumber, Phone: seat.agent.phone ?? '', UserId: seat.agent.mail } satisfies TelCdrInfo['SeatUser'];
  return { ...cdr, SeatUser: seatUser };
}

/**
 * One `ServeParticipant`. `status` is the ended session's EndStatus; for a session in progress
 * (DescribeSessionDetail) it is null and the participant's `EndStatusString` stays empty.
 */
export function serveParticipant(session: SessionRecord, p: Participant, status: ReturnType<typeof deriveEndStatus> | null, links: RecordingLinks = {}): ServeParticipant {
  const from = p.transferFrom === null ? undefined : session.participants[p.transferFrom];
  const to = p.transferTo === null ? undefined : session.participants[p.transferTo];
  const recording = links.participants?.get(p.sequence);
  return {
    Sequence: p.sequence,
    Mail: p.agent.mail,
    Phone: p.agent.phone ?? '',
    Type: p.agent.seatType,
    StartTimestamp: seconds(p.startedAt),
    RingTimestamp: seconds(p.ringAt),
    AcceptTimestamp: seconds(p.acceptedAt),
    EndedTimestamp: seconds(p.endedAt),
    RecordId: recording?.recordId ?? '',
    RecordURL: recording?.recordUrl ?? '',
    TransferFrom: from?.agent.mail ?? '',
    TransferFromType: from?.agent.seatType ?? '',
    TransferTo: to?.agent.mail ?? '',
    TransferToType: to?.agent.seatType ?? '',
    SkillGroupId: p.groupId ?? 0,
    SkillGroupName: p.groupName,
    EndStatusString: status === null ? '' : participantEndStatus(p, status),
  } satisfies ServeParticipant;
}

/** TCCC SessionStatus of a session: `ringing`, `seatJoining` (an agent is being rung), `inProgress`, `finished`. */
export function pstnStatus(state: SessionState): 'ringing' | 'seatJoining' | 'inProgress' | 'finished' {
  switch (state) {
    case 'offering':
      return 'seatJoining';
    case 'talking':
    case 'held':
    case 'survey':
      return 'inProgress';
    case 'ended':
      return 'finished';
    default:
      return 'ringing';
  }
}

/** The agent a live session shows: the one serving it, else the last one rung. */
function currentAgent(session: SessionRecord): Participant | undefined {
  return session.participants.filter((p) => p.outcome === 'serving').at(-1) ?? session.participants.at(-1);
}

/** A session as DescribeTelSession shows it (TCCC PSTNSession; unix-second numbers). */
export function buildPstnSession(session: SessionRecord): PSTNSession {
  const agent = currentAgent(session);
  return {
    SessionID: session.sessionId,
    RoomID: '',
    Caller: session.caller,
    Callee: session.callee,
    StartTimestamp: seconds(session.createdAt),
    RingTimestamp: seconds(ringAt(session)),
    AcceptTimestamp: seconds(firstEntered(session, 'talking')),
    StaffEmail: agent?.agent.mail ?? '',
    StaffNumber: agent?.agent.staffNumber ?? '',
    SessionStatus: pstnStatus(session.state),
    Direction: session.kind === 'inbound' ? 0 : 1,
    ProtectedCaller: '',
    ProtectedCallee: '',
  } satisfies PSTNSession;
}

/**
 * A live session as DescribePSTNActiveSessionList lists it (TCCC
 * PSTNSessionInfo). The official model types StartTimestamp and
 * AcceptTimestamp as strings (unix seconds in decimal) and RingTimestamp as a
 * number; OpenCCC answers exactly that.
 */
export function buildPstnSessionInfo(session: SessionRecord): PSTNSessionInfo {
  const live = buildPstnSession(session);
  return { ...live, StartTimestamp: String(live.StartTimestamp), AcceptTimestamp: String(live.AcceptTimestamp) } satisfies PSTNSessionInfo;
}
