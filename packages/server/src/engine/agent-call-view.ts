import type { AgentCallView } from '@openccc/protocol';
import type { AgentId, SessionRecord } from '../calls/types.js';

/** A session as the agent's workbench shows it (`welcome.sessions`): their side of it. */
export function callView(session: Readonly<SessionRecord>, agentId: AgentId, ringing: boolean): AgentCallView {
  const internal = session.kind === 'internal';
  const outgoing = session.kind === 'outbound' || (internal && session.initiator?.agentId === agentId);
  const state: AgentCallView['state'] = ringing ? 'ringing' : session.state === 'held' ? 'held' : session.state === 'talking' ? 'talking' : outgoing ? 'dialing' : 'ringing';
  const peer = internal ? (outgoing ? (session.peer?.mail ?? '') : (session.initiator?.mail ?? '')) : outgoing ? session.callee : session.caller;
  const talking = session.history.find((h) => h.to === 'talking');
  return {
    sessionId: session.sessionId,
    type: internal ? 'internal' : 'phone',
    direction: outgoing ? 'out' : 'in',
    state,
    peer,
    callerPhoneNumber: session.caller,
    calleePhoneNumber: session.callee,
    remark: session.remark,
    ivrPath: session.ivrKeys.map((k) => ({ key: k.key, label: k.label })),
    startedAt: session.createdAt,
    answeredAt: talking?.at ?? null,
    ringUntil: null,
  };
}
