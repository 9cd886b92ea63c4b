import type { AgentCallView, ServerEvent, TcccEventPayloads } from '@openccc/protocol';

/** A call the agent is in, as `welcome.sessions` and the events describe it; times are on this browser's clock (unix ms). */
export type TrackedCall = AgentCallView;

/** Why a call left the agent's list, as the recent calls show it. */
export const END_REASONS = [
  'peerHungUp',
  'agentHungUp',
  'declined',
  'missed',
  'answeredElsewhere',
  'cancelled',
  'noAnswer',
  'transferred',
  'admin',
  'timeout',
  'unknown',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** A call that has just left the list. `duration` is the conversation in whole seconds (0 if never answered). */
export interface EndedCall {
  call: TrackedCall;
  reason: EndReason;
  duration: number;
}

export interface CallChange {
  calls: TrackedCall[];
  ended: EndedCall | null;
}

/** `welcome.sessions`, moved from the server's clock to ours (`offset` = server time − local time). */
export function fromWelcome(views: readonly AgentCallView[], offset: number): TrackedCall[] {
  const local = (t: number) => t - offset;
  return views.map((view) => ({
    ...view,
    ivrPath: Array.isArray(view.ivrPath) ? view.ivrPath.map((step) => ({ ...step })) : [],
    startedAt: local(view.startedAt),
    answeredAt: view.answeredAt === null ? null : local(view.answeredAt),
    ringUntil: view.ringUntil === null ? null : local(view.ringUntil),
  }));
}

/** Seconds talked so far, by this browser's clock. */
export function talkSeconds(call: TrackedCall, now: number): number {
  return call.answeredAt === null ? 0 : Math.max(0, Math.floor((now - call.answeredAt) / 1000));
}

/** The reason a `sessionEnded` (or a hang-up from here, closeBy `seat`) gives, knowing whether the call was answered. */
export function endReason(call: TrackedCall, closeBy: TcccEventPayloads['sessionEnded']['closeBy'], mainReason?: string): EndReason {
  if (mainReason === 'transfer') return 'transferred';
  if (mainReason === 'answeredElsewhere') return 'answeredElsewhere';
  if (closeBy === 'admin') return 'admin';
  if (call.answeredAt === null && call.state !== 'talking' && call.state !== 'held') {
    if (call.direction === 'out') return closeBy === 'seat' ? 'cancelled' : 'noAnswer';
    return closeBy === 'seat' ? 'declined' : 'missed';
  }
  if (closeBy === 'client') return 'peerHungUp';
  if (closeBy === 'seat') return 'agentHungUp';
  return 'timeout';
}

/** How the agent's calls change with one server event. Events for calls not in the list change nothing. */
export function applyCallEvent(calls: readonly TrackedCall[], event: ServerEvent, now: number): CallChange {
  switch (event.name) {
    case 'callIn':
      return unchanged(upsert(calls, offered(event.payload, now)));
    case 'userAccessed':
    case 'calloutAccepted':
      return unchanged(markAnswered(calls, event.payload.sessionId, now));
    case 'callOuted': {
      const p = event.payload;
      return unchanged(placed(calls, { sessionId: p.sessionId, type: 'phone', peer: p.calleePhoneNumber, calleePhoneNumber: p.calleePhoneNumber, callerPhoneNumber: p.callerPhoneNumber, remark: p.remark }, now));
    }
    case 'autoTransfer':
      return removeCall(calls, event.payload.sessionId, () => 'missed', now);
    case 'transfer':
      return removeCall(calls, event.payload.sessionId, () => 'transferred', now);
    case 'sessionEnded': {
      const { sessionId, closeBy, mainReason, duration } = event.payload;
      return removeCall(calls, sessionId, (call) => endReason(call, closeBy, mainReason), now, duration);
    }
    default:
      return unchanged(calls as TrackedCall[]);
  }
}

/** An outbound or internal call this agent placed (from the event, or the reply to the request). Known calls keep their start. */
export function placed(
  calls: readonly TrackedCall[],
  call: Pick<TrackedCall, 'sessionId' | 'type' | 'peer'> & Partial<Pick<TrackedCall, 'calleePhoneNumber' | 'callerPhoneNumber' | 'remark'>>,
  now: number,
): TrackedCall[] {
  const known = calls.find((c) => c.sessionId === call.sessionId);
  const fields = {
    peer: call.peer || known?.peer || '',
    calleePhoneNumber: call.calleePhoneNumber || known?.calleePhoneNumber || '',
    callerPhoneNumber: call.callerPhoneNumber || known?.callerPhoneNumber || '',
    remark: call.remark || known?.remark || '',
  };
  if (known) return calls.map((c) => (c === known ? { ...c, ...fields } : c));
  return [...calls, { sessionId: call.sessionId, type: call.type, direction: 'out', state: 'dialing', ivrPath: [], startedAt: now, answeredAt: null, ringUntil: null, ...fields }];
}

/** The conversation has started (the agent answered, or the callee did). */
export function markAnswered(calls: readonly TrackedCall[], sessionId: string, now: number): TrackedCall[] {
  return calls.map((c) => (c.sessionId === sessionId && (c.state === 'ringing' || c.state === 'dialing') ? { ...c, state: 'talking', answeredAt: c.answeredAt ?? now, ringUntil: null } : c));
}

/** Hold or resume succeeded. */
export function markHeld(calls: readonly TrackedCall[], sessionId: string, held: boolean): TrackedCall[] {
  const from = held ? 'talking' : 'held';
  return calls.map((c) => (c.sessionId === sessionId && c.state === from ? { ...c, state: held ? 'held' : 'talking' } : c));
}

/** Takes a call off the list; `duration` (seconds) is the server's when it gave one. */
export function removeCall(calls: readonly TrackedCall[], sessionId: string, reason: (call: TrackedCall) => EndReason, now: number, duration?: number): CallChange {
  const call = calls.find((c) => c.sessionId === sessionId);
  if (!call) return unchanged(calls as TrackedCall[]);
  return { calls: calls.filter((c) => c !== call), ended: { call, reason: reason(call), duration: duration ?? talkSeconds(call, now) } };
}

function offered(payload: TcccEventPayloads['callIn'], now: number): TrackedCall {
  const timeout = Number.isFinite(payload.timeout) && payload.timeout > 0 ? payload.timeout : 0;
  const base = { sessionId: payload.sessionId, direction: 'in', state: 'ringing', startedAt: now, answeredAt: null, ringUntil: timeout ? now + timeout * 1000 : null } as const;
  if (payload.type === 'internal') {
    return { ...base, type: 'internal', peer: payload.peerUserId, callerPhoneNumber: '', calleePhoneNumber: '', remark: '', ivrPath: [] };
  }
  // Phone, and (from newer servers) VoIP, which carries the same fields.
  const type = (payload as { type: string }).type === 'voip' ? 'voip' : 'phone';
  const ivrPath = Array.isArray(payload.ivrPath) ? payload.ivrPath.map((step) => ({ key: String(step.key), label: String(step.label ?? '') })) : [];
  return {
    ...base,
    type,
    peer: payload.callerPhoneNumber || payload.protectedCaller || '',
    callerPhoneNumber: payload.callerPhoneNumber || payload.protectedCaller || '',
    calleePhoneNumber: payload.calleePhoneNumber || payload.protectedCallee || '',
    remark: payload.remark ?? '',
    ivrPath,
  };
}

function upsert(calls: readonly TrackedCall[], call: TrackedCall): TrackedCall[] {
  return calls.some((c) => c.sessionId === call.sessionId) ? calls.map((c) => (c.sessionId === call.sessionId ? call : c)) : [...calls, call];
}

function unchanged(calls: TrackedCall[]): CallChange {
  return { calls, ended: null };
}
