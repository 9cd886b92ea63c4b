import type { InternalCallInPayload, PhoneCallInPayload, TcccEventPayloads } from '@openccc/protocol';
import type { SessionState } from './session-state.js';

/** A TCCC session id (UUID v4). */
export type SessionId = string;
/** An agent as the engine and the ACD name it; opaque here (for example `sdkAppId/mail`). */
export type AgentId = string;
/** A media leg as the media plane names it; opaque here. */
export type LegId = string;

/** How an agent's audio reaches OpenCCC (TCCC `serverType`, also ServeParticipant `Type`). */
export type SeatType = 'staffSeat' | 'staffPhoneSeat' | 'staffExtensionSeat';

/** An agent taking part in a session, with what the record and the events need of them. */
export interface AgentInfo {
  agentId: AgentId;
  mail: string;
  name: string;
  staffNumber: string;
  /** `0086…`, when the agent has a phone. */
  phone?: string;
  seatType: SeatType;
}

/** Who started the session and how. */
export type SessionKind = 'inbound' | 'outbound' | 'internal';
/** An inbound caller's network: the phone network, or a VoIP (audio) client. */
export type Channel = 'phone' | 'voip';

/** A media leg of the session. */
export interface Leg {
  legId: LegId;
  kind: 'webrtc' | 'rtp' | 'virtual';
  /** The customer's (or, in an internal call, the calling agent's) leg, or an agent's. */
  role: 'customer' | 'agent';
  agentId: AgentId | null;
  muted: boolean;
  /** False once the leg's part in the session is over (`closeLeg` was sent). */
  open: boolean;
}

/** A leg as the engine hands it in; the session fills in the rest. */
export type NewLeg = Pick<Leg, 'legId' | 'kind'>;

/** How an agent's part in the session went. */
export type ParticipantOutcome =
  | 'ringing'
  | 'serving'
  | 'missed'
  | 'declined'
  | 'withdrawn'
  | 'transferred'
  | 'done'
  | 'endedWhileRinging';

/** One agent's part in the session, in order (TCCC ServeParticipants). Times are unix ms. */
export interface Participant {
  sequence: number;
  agent: AgentInfo;
  groupId: number | null;
  groupName: string;
  startedAt: number;
  ringAt: number | null;
  acceptedAt: number | null;
  endedAt: number | null;
  outcome: ParticipantOutcome;
  legId: LegId | null;
  /** Sequence of the participant who transferred the call to this one. */
  transferFrom: number | null;
  /** Sequence of the participant this one transferred the call to (the one who answered, else the last one offered). */
  transferTo: number | null;
}

/** A key pressed in the IVR or the satisfaction survey. `at` is unix ms. */
export interface IvrKey {
  key: string;
  label: string;
  nodeLabel: string;
  at: number;
}

/** Who ended the session (TCCC HungUpSide, plus `admin` for HangUpCall and the console). */
export type HangupSide = 'user' | 'seat' | 'system' | 'admin';

/** Why the system ended a call (ACD hang-ups, number routing, IVR). */
export type SystemReason = 'noSeatOnline' | 'queueTimeout' | 'noSuchGroup' | 'agentGone' | 'notWorkTime' | 'ivrEnd' | 'transferFailed' | 'reset';

/** How an outbound callee's network answered, named as TCCC's EndStatusString. */
export type CalleeFailure = 'notAnswer' | 'userReject' | 'powerOff' | 'numberNotExist' | 'busy' | 'notInService';

/** A client that failed (VoIP caller or agent workbench). */
export type ClientFailure = 'callConflict' | 'clientError';

/** What ended the session, kept for the EndStatus. */
export type SessionEnd =
  | { at: number; cause: 'hangup'; side: HangupSide; reason: SystemReason | null }
  | { at: number; cause: 'calleeFailed'; failure: CalleeFailure }
  | { at: number; cause: 'mediaTimeout'; side: 'user' | 'seat' }
  | { at: number; cause: 'clientFailed'; side: 'user' | 'seat'; failure: ClientFailure }
  | { at: number; cause: 'noAnswer'; declined: boolean }
  | { at: number; cause: 'nodeCrashed' };

/** One move (or in-place event) of a session, in order. `at` is unix ms. */
export interface HistoryEntry {
  at: number;
  event: SessionEventType | 'created';
  from: SessionState | null;
  to: SessionState;
}

/** A call session: plain JSON-ready data, the whole of what the record is built from. Times are unix ms. */
export interface SessionRecord {
  sessionId: SessionId;
  kind: SessionKind;
  channel: Channel;
  state: SessionState;
  /** Caller and callee as the record shows them: `0086…` numbers, or agents' mails for internal calls. */
  caller: string;
  callee: string;
  remark: string;
  uui: string;
  /** Whether the customer hears the satisfaction survey when the agent hangs up. */
  survey: boolean;
  createdAt: number;
  /** The agent who placed an outbound or internal call. */
  initiator: AgentInfo | null;
  /** The agent an internal call is for. */
  peer: AgentInfo | null;
  legs: Leg[];
  participants: Participant[];
  /** The group the call waits in (or last waited in). */
  group: { groupId: number; groupName: string } | null;
  /** The first group the call queued in (TCCC QueuedSkillGroupId). */
  queuedGroup: { groupId: number; groupName: string } | null;
  ivrKeys: IvrKey[];
  postIvrKeys: IvrKey[];
  /** Set when the conversation ended and the customer went on to the survey. */
  talkEnd: { at: number; side: HangupSide } | null;
  /** Whether the ringing offers came from the queue (the ACD moves on when they fail) or straight to agents. */
  offerSource: 'queue' | 'direct' | null;
  /** The participant whose blind transfer is looking for a taker. */
  pendingTransferFrom: number | null;
  end: SessionEnd | null;
  history: HistoryEntry[];
}

/** How a session starts. */
export type SessionSpec =
  | {
      kind: 'inbound';
      channel: Channel;
      /** The customer's number (`0086…`). */
      caller: string;
      /** The hotline number dialled (`0086…`). */
      callee: string;
      customerLeg: NewLeg;
      remark?: string;
      uui?: string;
      survey?: boolean;
    }
  | {
      kind: 'outbound';
      agent: AgentInfo;
      /** The number shown to the callee (`0086…`). */
      caller: string;
      callee: string;
      customerLeg: NewLeg;
      remark?: string;
      uui?: string;
      groupId?: number;
      groupName?: string;
    }
  | {
      kind: 'internal';
      agent: AgentInfo;
      agentLeg: NewLeg;
      peer: AgentInfo;
    };

/** Where a blind transfer goes. */
export type TransferTarget = { type: 'agent'; agent: AgentInfo; timeoutMs: number } | { type: 'group'; groupId: number; groupName: string };

/** What the engine tells a session. Each is handled with the time it happened (unix ms). */
export type SessionEvent =
  | { type: 'ivrStarted' }
  | { type: 'ivrKey'; key: string; label: string; nodeLabel: string }
  | { type: 'queued'; groupId: number; groupName: string }
  | { type: 'offered'; agents: AgentInfo[]; timeoutMs: number; groupId?: number; groupName?: string }
  | { type: 'offerTimedOut'; agentIds: AgentId[] }
  | { type: 'offerDeclined'; agentId: AgentId }
  | { type: 'offerCancelled'; agentIds: AgentId[]; reason: 'answeredElsewhere' | 'agentGone' | 'agentUnavailable' }
  | { type: 'agentAccepted'; agentId: AgentId; leg: NewLeg }
  | { type: 'calleeRinging' }
  | { type: 'calleeAnswered' }
  | { type: 'calleeFailed'; failure: CalleeFailure }
  | { type: 'hold'; agentId: AgentId }
  | { type: 'unhold'; agentId: AgentId }
  | { type: 'mute'; agentId: AgentId }
  | { type: 'unmute'; agentId: AgentId }
  | { type: 'sendDigits'; agentId: AgentId; digits: string }
  | { type: 'transferRequested'; agentId: AgentId; target: TransferTarget }
  | { type: 'hangup'; side: HangupSide; agentId?: AgentId; reason?: SystemReason }
  | { type: 'mediaTimeout'; side: 'user' | 'seat' }
  | { type: 'clientFailed'; side: 'user' | 'seat'; failure: ClientFailure }
  | { type: 'nodeCrashed' };

export type SessionEventType = SessionEvent['type'];

/** TCCC's `callIn` for a VoIP caller; `@openccc/protocol` has only the phone and internal variants so far. */
export interface VoipCallInPayload extends Omit<PhoneCallInPayload, 'type'> {
  type: 'voip';
}

/** Event payloads the session sends to agents, by TCCC event name. */
export interface AgentNotifications {
  callIn: PhoneCallInPayload | InternalCallInPayload | VoipCallInPayload;
  userAccessed: TcccEventPayloads['userAccessed'];
  autoTransfer: TcccEventPayloads['autoTransfer'];
  callOuted: TcccEventPayloads['callOuted'];
  calloutAccepted: TcccEventPayloads['calloutAccepted'];
  transfer: TcccEventPayloads['transfer'];
  sessionEnded: TcccEventPayloads['sessionEnded'];
}

export type NotifyAgent = {
  [E in keyof AgentNotifications]: { type: 'notifyAgent'; agentId: AgentId; event: E; payload: AgentNotifications[E] };
}[keyof AgentNotifications];

/** What playback a leg hears. */
export type Playback = 'ringback' | 'queueMusic' | 'holdMusic';

/** What the session asks the engine to do, in order. */
export type SessionCommand =
  | { type: 'play'; sessionId: SessionId; legId: LegId; media: Playback }
  | { type: 'stopMedia'; sessionId: SessionId; legId: LegId }
  | { type: 'bridge'; sessionId: SessionId; legIds: [LegId, LegId] }
  | { type: 'unbridge'; sessionId: SessionId; legIds: [LegId, LegId] }
  | { type: 'dial'; sessionId: SessionId; legId: LegId; from: string; to: string }
  | { type: 'sendDigits'; sessionId: SessionId; legId: LegId; digits: string }
  | { type: 'setMute'; sessionId: SessionId; legId: LegId; muted: boolean }
  | { type: 'runSurvey'; sessionId: SessionId; legId: LegId }
  | { type: 'closeLeg'; sessionId: SessionId; legId: LegId }
  | NotifyAgent
  | { type: 'releaseAgent'; sessionId: SessionId; agentId: AgentId; phase: 'ringing' | 'serving' }
  | { type: 'writeRecord'; sessionId: SessionId; session: SessionRecord };

export type SessionCommandType = SessionCommand['type'];
