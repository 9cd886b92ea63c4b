import type {
  DescribeSessionDetailResponse,
  IVRKeyPressedElement,
  PSTNSession,
  SessionEvent,
  TelCdrInfo,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { buildPstnSession, serveParticipant, type IvrKey, type Participant, type SessionRecord } from '../calls/index.js';

/**
 * How the call actions show a session: a live one from the engine's
 * `SessionRecord`, an ended one from its stored record (TelCdrInfo), which is
 * all that is left of it.
 */

export type SessionDetail = Omit<DescribeSessionDetailResponse, 'RequestId'>;

function seconds(ms: number | null): number {
  return ms === null ? 0 : Math.floor(ms / 1000);
}

/** An ended session as DescribeTelSession shows it: what its record holds, `SessionStatus: finished`. */
export function pstnSessionOfRecord(record: TelCdrInfo): PSTNSession {
  return {
    SessionID: record.SessionId ?? '',
    RoomID: '',
    Caller: record.Caller ?? '',
    Callee: record.Callee ?? '',
    StartTimestamp: record.StartTimestamp ?? record.Time ?? 0,
    RingTimestamp: record.RingTimestamp ?? 0,
    AcceptTimestamp: record.AcceptTimestamp ?? 0,
    StaffEmail: record.SeatUser?.Mail ?? '',
    StaffNumber: record.SeatUser?.StaffNumber ?? '',
    SessionStatus: 'finished',
    Direction: record.Direction ?? 0,
    ProtectedCaller: record.ProtectedCaller ?? '',
    ProtectedCallee: record.ProtectedCallee ?? '',
  } satisfies PSTNSession;
}

function keyElements(keys: readonly IVRKeyPressedElement[] | undefined): IVRKeyPressedElement[] {
  return (keys ?? []).map((k) => ({ Key: k.Key ?? '', Label: k.Label ?? '', Timestamp: k.Timestamp ?? 0, NodeLabel: k.NodeLabel ?? '' }));
}

/**
 * An ended session as DescribeSessionDetail shows it, from its record (with its
 * recording links already filled in). Records keep no hold or mute events, so
 * `Events` is empty; OpenCCC stores no transcripts, so `AsrURL` is empty.
 */
export function sessionDetailOfRecord(record: TelCdrInfo): SessionDetail {
  return {
    Caller: record.Caller ?? '',
    Callee: record.Callee ?? '',
    CallType: record.CallType ?? 0,
    StartTimeStamp: record.StartTimestamp ?? record.Time ?? 0,
    RingTimestamp: record.RingTimestamp ?? 0,
    AcceptTimestamp: record.AcceptTimestamp ?? 0,
    EndedTimestamp: record.EndedTimestamp ?? 0,
    QueuedTimestamp: record.QueuedTimestamp ?? 0,
    StaffUserId: record.SeatUser?.Mail ?? '',
    EndStatus: record.EndStatus ?? 0,
    QueuedSkillGroupId: record.QueuedSkillGroupId ?? 0,
    QueuedSkillGroupName: record.QueuedSkillGroupName ?? '',
    RecordURL: record.RecordURL ?? '',
    CustomRecordURL: record.CustomRecordURL ?? '',
    AsrURL: '',
    VoicemailRecordURL: record.VoicemailRecordURL ?? [],
    VoicemailAsrURL: [],
    IVRKeyPressed: keyElements(record.IVRKeyPressedEx),
    PostIVRKeyPressed: keyElements(record.PostIVRKeyPressedEx),
    HungUpSide: record.HungUpSide ?? '',
    UUI: record.UUI ?? record.Uui ?? '',
    Events: [],
    ServeParticipants: record.ServeParticipants ?? [],
  };
}

/** TCCC CallType: 1 outbound, 2 inbound phone, 3 inbound audio (VoIP), 6 internal. */
function callType(session: SessionRecord): number {
  if (session.kind === 'outbound') return 1;
  if (session.kind === 'internal') return 6;
  return session.channel === 'voip' ? 3 : 2;
}

function firstEntered(session: SessionRecord, state: SessionRecord['state']): number | null {
  return session.history.find((entry) => entry.to === state && entry.from !== state)?.at ?? null;
}

function liveKeys(keys: readonly IvrKey[]): IVRKeyPressedElement[] {
  return keys.map((key) => ({ Key: key.key, Label: key.label, Timestamp: key.at, NodeLabel: key.nodeLabel }));
}

const EVENT_TYPES = { hold: 'StaffHold', unhold: 'StaffUnhold', mute: 'StaffMute', unmute: 'StaffUnmute' } as const;

/** The agent who was in conversation at `at`: holds and mutes are theirs. */
function servingAt(session: SessionRecord, at: number): Participant | undefined {
  return session.participants.filter((p) => p.acceptedAt !== null && p.acceptedAt <= at && (p.endedAt === null || p.endedAt >= at)).at(-1);
}

function liveEvents(session: SessionRecord): SessionEvent[] {
  const events: SessionEvent[] = [];
  for (const entry of session.history) {
    if (entry.event !== 'hold' && entry.event !== 'unhold' && entry.event !== 'mute' && entry.event !== 'unmute') continue;
    const agent = servingAt(session, entry.at)?.agent;
    events.push({
      Timestamp: seconds(entry.at),
      EventType: EVENT_TYPES[entry.event],
      StaffEventDetail: { Staffs: agent === undefined ? [] : [{ Mail: agent.mail, StaffNumber: agent.staffNumber }] },
    });
  }
  return events;
}

/**
 * A session in progress as DescribeSessionDetail shows it: what has happened
 * so far. It has not ended, so `EndedTimestamp` and `EndStatus` are 0 and
 * `HungUpSide` is empty; its recording is linked once the record is written.
 * `Events` lists the holds and mutes so far.
 */
export function sessionDetailOfLive(session: SessionRecord): SessionDetail {
  const pstn = buildPstnSession(session);
  return {
    Caller: session.caller,
    Callee: session.callee,
    CallType: callType(session),
    StartTimeStamp: pstn.StartTimestamp ?? 0,
    RingTimestamp: pstn.RingTimestamp ?? 0,
    AcceptTimestamp: pstn.AcceptTimestamp ?? 0,
    EndedTimestamp: 0,
    QueuedTimestamp: seconds(firstEntered(session, 'queued')),
    StaffUserId: pstn.StaffEmail ?? '',
    EndStatus: 0,
    QueuedSkillGroupId: session.queuedGroup?.groupId ?? 0,
    QueuedSkillGroupName: session.queuedGroup?.groupName ?? '',
    RecordURL: '',
    CustomRecordURL: '',
    AsrURL: '',
    VoicemailRecordURL: [],
    VoicemailAsrURL: [],
    IVRKeyPressed: liveKeys(session.ivrKeys),
    PostIVRKeyPressed: liveKeys(session.postIvrKeys),
    HungUpSide: '',
    UUI: session.uui,
    Events: liveEvents(session),
    ServeParticipants: session.participants.map((p) => serveParticipant(session, p, null)),
  };
}

/** Whether a session is on the phone network (DescribePSTNActiveSessionList lists only those): phone inbound calls and outbound calls. */
export function isPstnSession(session: SessionRecord): boolean {
  return session.kind === 'outbound' || (session.kind === 'inbound' && session.channel === 'phone');
}
