import { CallSessions, type SessionTransition } from '../call-sessions.js';
import type { AgentInfo, SessionCommand, SessionEvent, SessionRecord, SessionSpec } from '../types.js';

/** 2026-01-01T00:00:00Z: whole seconds, so record timestamps are easy to read. */
export const T0 = 1_767_225_600_000;

export const alice: AgentInfo = { agentId: 'app/alice@example.com', mail: 'alice@example.com', name: 'Alice', staffNumber: '1001', seatType: 'staffSeat' };
export const bob: AgentInfo = { agentId: 'app/bob@example.com', mail: 'bob@example.com', name: 'Bob', staffNumber: '1002', seatType: 'staffSeat' };
export const carol: AgentInfo = {
  agentId: 'app/carol@example.com',
  mail: 'carol@example.com',
  name: 'Carol',
  staffNumber: '1003',
  phone: '008613800000003',
  seatType: 'staffPhoneSeat',
};

export const HOTLINE = '008640012345678';
export const CUSTOMER = '008613912345678';

/** Session ids in UUID v4 form, counted up, so tests can name them. */
export function sequentialIds(): () => string {
  let next = 0;
  return () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;
}

export function inboundSpec(overrides: Partial<Extract<SessionSpec, { kind: 'inbound' }>> = {}): SessionSpec {
  return { kind: 'inbound', channel: 'phone', caller: CUSTOMER, callee: HOTLINE, customerLeg: { legId: 'leg-customer', kind: 'rtp' }, ...overrides };
}

export function outboundSpec(overrides: Partial<Extract<SessionSpec, { kind: 'outbound' }>> = {}): SessionSpec {
  return {
    kind: 'outbound',
    agent: alice,
    caller: HOTLINE,
    callee: CUSTOMER,
    customerLeg: { legId: 'leg-callee', kind: 'virtual' },
    groupId: 7,
    groupName: 'Sales',
    ...overrides,
  };
}

export function internalSpec(): SessionSpec {
  return { kind: 'internal', agent: alice, agentLeg: { legId: 'leg-alice', kind: 'webrtc' }, peer: bob };
}

/** One session driven on a fake clock: `at(s)` moves to T0 + s seconds. */
export class SessionDriver {
  readonly sessions: CallSessions;
  readonly transitions: SessionTransition[] = [];
  readonly sessionId: string;
  readonly opened: SessionCommand[];
  /** Every command so far, in order. */
  readonly log: SessionCommand[] = [];
  record: SessionRecord | undefined;
  private now = T0;

  constructor(spec: SessionSpec) {
    this.sessions = new CallSessions({ newId: sequentialIds(), onTransition: (t) => this.transitions.push(t) });
    const { sessionId, commands } = this.sessions.open(spec, this.now);
    this.sessionId = sessionId;
    this.opened = commands;
    this.log.push(...commands);
  }

  /** Applies an event at T0 + `seconds` (or now) and returns its commands. */
  send(event: SessionEvent, seconds?: number): SessionCommand[] {
    if (seconds !== undefined) this.now = T0 + seconds * 1000;
    const commands = this.sessions.handle(this.sessionId, event, this.now);
    this.log.push(...commands);
    for (const command of commands) if (command.type === 'writeRecord') this.record = command.session;
    return commands;
  }

  get state(): string {
    return this.sessions.get(this.sessionId)?.state ?? this.record?.state ?? 'gone';
  }

  get session(): Readonly<SessionRecord> {
    const session = this.sessions.get(this.sessionId) ?? this.record;
    if (!session) throw new Error('no session');
    return session;
  }

  /** The ended session; fails the test when it has not ended. */
  ended(): SessionRecord {
    if (!this.record) throw new Error(`session is still ${this.state}`);
    return this.record;
  }
}

const agentLeg = (agent: AgentInfo) => ({ legId: `leg-${agent.name.toLowerCase()}`, kind: 'webrtc' as const });

/** Ready-made paths, each ending in a known way (shared by the EndStatus and record tests). */
export const scenarios = {
  /** Inbound: IVR (key 1) 0–5 s, queued 5 s, Alice rings at 8 s, answers at 10 s, the customer hangs up at 70 s. */
  inboundAnswered(): SessionDriver {
    const call = new SessionDriver(inboundSpec({ remark: 'vip', uui: 'crm-42' }));
    call.send({ type: 'ivrStarted' }, 0);
    call.send({ type: 'ivrKey', key: '1', label: 'Sales', nodeLabel: 'menu' }, 3);
    call.send({ type: 'queued', groupId: 7, groupName: 'Sales' }, 5);
    call.send({ type: 'offered', agents: [alice], timeoutMs: 30_000, groupId: 7, groupName: 'Sales' }, 8);
    call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 10);
    call.send({ type: 'hangup', side: 'user' }, 70);
    return call;
  },
  inboundUntilQueued(): SessionDriver {
    const call = new SessionDriver(inboundSpec());
    call.send({ type: 'ivrStarted' }, 0);
    call.send({ type: 'ivrKey', key: '2', label: 'Support', nodeLabel: 'menu' }, 2);
    call.send({ type: 'queued', groupId: 8, groupName: 'Support' }, 4);
    return call;
  },
  inboundRinging(): SessionDriver {
    const call = scenarios.inboundUntilQueued();
    call.send({ type: 'offered', agents: [alice], timeoutMs: 20_000 }, 6);
    return call;
  },
  inboundTalking(): SessionDriver {
    const call = scenarios.inboundRinging();
    call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 9);
    return call;
  },
  outboundDialing(): SessionDriver {
    const call = new SessionDriver(outboundSpec());
    call.send({ type: 'agentAccepted', agentId: alice.agentId, leg: agentLeg(alice) }, 0);
    return call;
  },
  outboundRinging(): SessionDriver {
    const call = scenarios.outboundDialing();
    call.send({ type: 'calleeRinging' }, 2);
    return call;
  },
  internalRinging(): SessionDriver {
    const call = new SessionDriver(internalSpec());
    call.send({ type: 'offered', agents: [bob], timeoutMs: 30_000 }, 0);
    return call;
  },
  /** Alice answers at 9 s and blindly transfers to the Billing group at 40 s; Bob answers at 50 s; the customer hangs up at 100 s. */
  transferredToGroup(): SessionDriver {
    const call = scenarios.inboundTalking();
    call.send({ type: 'transferRequested', agentId: alice.agentId, target: { type: 'group', groupId: 9, groupName: 'Billing' } }, 40);
    call.send({ type: 'offered', agents: [bob], timeoutMs: 20_000 }, 45);
    call.send({ type: 'agentAccepted', agentId: bob.agentId, leg: agentLeg(bob) }, 50);
    call.send({ type: 'hangup', side: 'user' }, 100);
    return call;
  },
};

export { agentLeg };
