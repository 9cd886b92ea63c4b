import { CallStateError } from './errors.js';
import { tcccNumber } from './phone-number.js';
import type { AgentInfo, AgentNotifications, Leg, Participant, SessionEnd, SessionId, SessionRecord, SessionSpec } from './types.js';

/** A new session, in `created`, from how it starts. */
export function newSession(sessionId: SessionId, spec: SessionSpec, now: number): SessionRecord {
  const base = {
    sessionId,
    state: 'created' as const,
    createdAt: now,
    participants: [],
    group: null,
    queuedGroup: null,
    ivrKeys: [],
    postIvrKeys: [],
    talkEnd: null,
    offerSource: null,
    pendingTransferFrom: null,
    end: null,
    history: [{ at: now, event: 'created' as const, from: null, to: 'created' as const }],
  };
  switch (spec.kind) {
    case 'inbound':
      return {
        ...base,
        kind: 'inbound',
        channel: spec.channel,
        caller: spec.channel === 'phone' ? tcccNumber(spec.caller) : spec.caller,
        callee: tcccNumber(spec.callee),
        remark: spec.remark ?? '',
        uui: spec.uui ?? '',
        survey: spec.survey ?? false,
        initiator: null,
        peer: null,
        legs: [{ ...spec.customerLeg, role: 'customer', agentId: null, muted: false, open: true }],
      };
    case 'outbound':
      return {
        ...base,
        kind: 'outbound',
        channel: 'phone',
        caller: tcccNumber(spec.caller),
        callee: tcccNumber(spec.callee),
        remark: spec.remark ?? '',
        uui: spec.uui ?? '',
        survey: false,
        initiator: spec.agent,
        peer: null,
        group: spec.groupId === undefined ? null : { groupId: spec.groupId, groupName: spec.groupName ?? '' },
        legs: [{ ...spec.customerLeg, role: 'customer', agentId: null, muted: false, open: true }],
      };
    case 'internal':
      return {
        ...base,
        kind: 'internal',
        channel: 'phone',
        caller: spec.agent.mail,
        callee: spec.peer.mail,
        remark: '',
        uui: '',
        survey: false,
        initiator: spec.agent,
        peer: spec.peer,
        legs: [{ ...spec.agentLeg, role: 'agent', agentId: spec.agent.agentId, muted: false, open: true }],
      };
  }
}

/** A participant for an agent now being rung or joining. */
export function newParticipant(
  s: SessionRecord,
  agent: AgentInfo,
  now: number,
  fields: Pick<Participant, 'outcome'> & Partial<Pick<Participant, 'ringAt' | 'acceptedAt' | 'legId'>>,
): Participant {
  return {
    sequence: s.participants.length,
    agent,
    groupId: s.group?.groupId ?? null,
    groupName: s.group?.groupName ?? '',
    startedAt: now,
    ringAt: fields.ringAt ?? null,
    acceptedAt: fields.acceptedAt ?? null,
    endedAt: null,
    outcome: fields.outcome,
    legId: fields.legId ?? null,
    transferFrom: null,
    transferTo: null,
  };
}

/** The customer's leg (in an internal call, the calling agent's). */
export function customerLeg(s: SessionRecord): Leg {
  const leg = s.legs[0];
  if (!leg) throw new CallStateError(`Session ${s.sessionId} has no legs.`);
  return leg;
}

/** The one agent an outbound or internal call may be offered to: the agent placing it, or the agent called. */
export function expectedTaker(s: SessionRecord): AgentInfo {
  const agent = s.kind === 'internal' ? s.peer : s.initiator;
  if (!agent) throw new CallStateError(`Session ${s.sessionId} (${s.kind}) has no agent to offer it to.`);
  return agent;
}

/** `sessionEnded`'s `type`, as in `callIn`. */
export function sessionType(s: SessionRecord): string {
  if (s.kind === 'internal') return 'internal';
  return s.channel === 'voip' ? 'voip' : 'phone';
}

/** `sessionEnded`'s `closeBy`: the customer (`client`), the agent (`seat`), an administrator, or the system (`timer`). */
export function closeByOf(end: SessionEnd): AgentNotifications['sessionEnded']['closeBy'] {
  switch (end.cause) {
    case 'hangup':
      return end.side === 'user' ? 'client' : end.side === 'system' ? 'timer' : end.side;
    case 'calleeFailed':
      return 'client';
    case 'clientFailed':
      return end.side === 'user' ? 'client' : 'seat';
    case 'mediaTimeout':
    case 'noAnswer':
    case 'nodeCrashed':
      return 'timer';
  }
}
