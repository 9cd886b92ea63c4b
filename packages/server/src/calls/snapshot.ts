import { CallStateError } from './errors.js';
import { SessionState } from './session-state.js';
import type { AgentInfo, HistoryEntry, IvrKey, Leg, Participant, SessionEnd, SessionRecord } from './types.js';

/**
 * What the engine journals for each live session: the session record as it is
 * after an event, under a format version. The record is already the minimum a
 * call record needs (numbers, participants, keys, history), so the journal
 * keeps it whole rather than a second, lossy shape. It is plain JSON.
 */
export interface SessionSnapshot {
  v: 1;
  session: SessionRecord;
}

/** The snapshot of a session, detached from the live record. */
export function snapshotOf(session: Readonly<SessionRecord>): SessionSnapshot {
  return { v: 1, session: structuredClone(session) };
}

/** Reads a journalled snapshot (parsed JSON), checking every field; throws `CallStateError` naming the first bad one. */
export function parseSnapshot(value: unknown): SessionSnapshot {
  const root = record(value, 'snapshot');
  if (root.v !== 1) throw bad('snapshot.v', 'the format version 1', root.v);
  return { v: 1, session: parseSession(record(root.session, 'snapshot.session'), 'snapshot.session') };
}

type Fields = Record<string, unknown>;

function bad(path: string, expected: string, got: unknown): CallStateError {
  return new CallStateError(`Journalled session is unreadable: ${path} should be ${expected}, but is ${JSON.stringify(got) ?? 'undefined'}.`);
}

function record(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(path, 'an object', value);
  return value as Fields;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') throw bad(path, 'a string', value);
  return value;
}

function num(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(path, 'a number', value);
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw bad(path, 'true or false', value);
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, options: readonly T[]): T {
  const found = options.find((option) => option === value);
  if (found === undefined) throw bad(path, `one of ${options.join(', ')}`, value);
  return found;
}

function nullable<T>(value: unknown, path: string, read: (value: unknown, path: string) => T): T | null {
  return value === null ? null : read(value, path);
}

function list<T>(value: unknown, path: string, read: (value: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) throw bad(path, 'an array', value);
  return value.map((item, index) => read(item, `${path}.${index}`));
}

const STATES = Object.values(SessionState);

function agent(value: unknown, path: string): AgentInfo {
  const f = record(value, path);
  const info: AgentInfo = {
    agentId: str(f.agentId, `${path}.agentId`),
    mail: str(f.mail, `${path}.mail`),
    name: str(f.name, `${path}.name`),
    staffNumber: str(f.staffNumber, `${path}.staffNumber`),
    seatType: oneOf(f.seatType, `${path}.seatType`, ['staffSeat', 'staffPhoneSeat', 'staffExtensionSeat']),
  };
  if (f.phone !== undefined) info.phone = str(f.phone, `${path}.phone`);
  return info;
}

function leg(value: unknown, path: string): Leg {
  const f = record(value, path);
  return {
    legId: str(f.legId, `${path}.legId`),
    kind: oneOf(f.kind, `${path}.kind`, ['webrtc', 'rtp', 'virtual']),
    role: oneOf(f.role, `${path}.role`, ['customer', 'agent']),
    agentId: nullable(f.agentId, `${path}.agentId`, str),
    muted: bool(f.muted, `${path}.muted`),
    open: bool(f.open, `${path}.open`),
  };
}

function participant(value: unknown, path: string): Participant {
  const f = record(value, path);
  return {
    sequence: num(f.sequence, `${path}.sequence`),
    agent: agent(f.agent, `${path}.agent`),
    groupId: nullable(f.groupId, `${path}.groupId`, num),
    groupName: str(f.groupName, `${path}.groupName`),
    startedAt: num(f.startedAt, `${path}.startedAt`),
    ringAt: nullable(f.ringAt, `${path}.ringAt`, num),
    acceptedAt: nullable(f.acceptedAt, `${path}.acceptedAt`, num),
    endedAt: nullable(f.endedAt, `${path}.endedAt`, num),
    outcome: oneOf(f.outcome, `${path}.outcome`, ['ringing', 'serving', 'missed', 'declined', 'withdrawn', 'transferred', 'done', 'endedWhileRinging']),
    legId: nullable(f.legId, `${path}.legId`, str),
    transferFrom: nullable(f.transferFrom, `${path}.transferFrom`, num),
    transferTo: nullable(f.transferTo, `${path}.transferTo`, num),
  };
}

function ivrKey(value: unknown, path: string): IvrKey {
  const f = record(value, path);
  return { key: str(f.key, `${path}.key`), label: str(f.label, `${path}.label`), nodeLabel: str(f.nodeLabel, `${path}.nodeLabel`), at: num(f.at, `${path}.at`) };
}

function group(value: unknown, path: string): { groupId: number; groupName: string } {
  const f = record(value, path);
  return { groupId: num(f.groupId, `${path}.groupId`), groupName: str(f.groupName, `${path}.groupName`) };
}

const EVENTS = [
  'created',
  'ivrStarted',
  'ivrKey',
  'queued',
  'offered',
  'offerTimedOut',
  'offerDeclined',
  'offerCancelled',
  'agentAccepted',
  'calleeRinging',
  'calleeAnswered',
  'calleeFailed',
  'hold',
  'unhold',
  'mute',
  'unmute',
  'sendDigits',
  'transferRequested',
  'hangup',
  'mediaTimeout',
  'clientFailed',
  'nodeCrashed',
] as const satisfies readonly HistoryEntry['event'][];

function historyEntry(value: unknown, path: string): HistoryEntry {
  const f = record(value, path);
  return {
    at: num(f.at, `${path}.at`),
    event: oneOf(f.event, `${path}.event`, EVENTS),
    from: nullable(f.from, `${path}.from`, (v, p) => oneOf(v, p, STATES)),
    to: oneOf(f.to, `${path}.to`, STATES),
  };
}

const HANGUP_SIDES = ['user', 'seat', 'system', 'admin'] as const;
const SYSTEM_REASONS = ['noSeatOnline', 'queueTimeout', 'noSuchGroup', 'agentGone', 'notWorkTime', 'ivrEnd', 'transferFailed', 'reset'] as const;

function sessionEnd(value: unknown, path: string): SessionEnd {
  const f = record(value, path);
  const at = num(f.at, `${path}.at`);
  const cause = oneOf(f.cause, `${path}.cause`, ['hangup', 'calleeFailed', 'mediaTimeout', 'clientFailed', 'noAnswer', 'nodeCrashed']);
  switch (cause) {
    case 'hangup':
      return { at, cause, side: oneOf(f.side, `${path}.side`, HANGUP_SIDES), reason: nullable(f.reason, `${path}.reason`, (v, p) => oneOf(v, p, SYSTEM_REASONS)) };
    case 'calleeFailed':
      return { at, cause, failure: oneOf(f.failure, `${path}.failure`, ['notAnswer', 'userReject', 'powerOff', 'numberNotExist', 'busy', 'notInService']) };
    case 'mediaTimeout':
      return { at, cause, side: oneOf(f.side, `${path}.side`, ['user', 'seat']) };
    case 'clientFailed':
      return { at, cause, side: oneOf(f.side, `${path}.side`, ['user', 'seat']), failure: oneOf(f.failure, `${path}.failure`, ['callConflict', 'clientError']) };
    case 'noAnswer':
      return { at, cause, declined: bool(f.declined, `${path}.declined`) };
    case 'nodeCrashed':
      return { at, cause };
  }
}

function parseSession(f: Fields, path: string): SessionRecord {
  return {
    sessionId: str(f.sessionId, `${path}.sessionId`),
    kind: oneOf(f.kind, `${path}.kind`, ['inbound', 'outbound', 'internal']),
    channel: oneOf(f.channel, `${path}.channel`, ['phone', 'voip']),
    state: oneOf(f.state, `${path}.state`, STATES),
    caller: str(f.caller, `${path}.caller`),
    callee: str(f.callee, `${path}.callee`),
    remark: str(f.remark, `${path}.remark`),
    uui: str(f.uui, `${path}.uui`),
    survey: bool(f.survey, `${path}.survey`),
    createdAt: num(f.createdAt, `${path}.createdAt`),
    initiator: nullable(f.initiator, `${path}.initiator`, agent),
    peer: nullable(f.peer, `${path}.peer`, agent),
    legs: list(f.legs, `${path}.legs`, leg),
    participants: list(f.participants, `${path}.participants`, participant),
    group: nullable(f.group, `${path}.group`, group),
    queuedGroup: nullable(f.queuedGroup, `${path}.queuedGroup`, group),
    ivrKeys: list(f.ivrKeys, `${path}.ivrKeys`, ivrKey),
    postIvrKeys: list(f.postIvrKeys, `${path}.postIvrKeys`, ivrKey),
    talkEnd: nullable(f.talkEnd, `${path}.talkEnd`, (v, p) => {
      const t = record(v, p);
      return { at: num(t.at, `${p}.at`), side: oneOf(t.side, `${p}.side`, HANGUP_SIDES) };
    }),
    offerSource: nullable(f.offerSource, `${path}.offerSource`, (v, p) => oneOf(v, p, ['queue', 'direct'])),
    pendingTransferFrom: nullable(f.pendingTransferFrom, `${path}.pendingTransferFrom`, num),
    end: nullable(f.end, `${path}.end`, sessionEnd),
    history: list(f.history, `${path}.history`, historyEntry),
  };
}
