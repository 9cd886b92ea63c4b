import { expect } from 'vitest';
import { InMemoryAcdState } from '../acd-state.js';
import { defaultGroupSettings } from '../defaults.js';
import { Distributor } from '../distributor.js';
import type { AcdCommand, AcdEvent, AcdTransition, AgentId, CallId, GroupId, GroupSettings, Membership } from '../types.js';

type Command<T extends AcdCommand['type']> = Extract<AcdCommand, { type: T }>;

/**
 * Drives a distributor the way the engine will: a fake clock, the engine's
 * timer table built from `schedule`/`cancelTimer`, and what is ringing where,
 * built from the commands. Every step checks the invariants.
 */
export class AcdHarness {
  readonly state = new InMemoryAcdState(1000);
  readonly transitions: AcdTransition[] = [];
  readonly acd: Distributor;
  now = 1_700_000_000_000;
  /** The engine's armed timers. */
  readonly timers = new Map<string, number>();
  /** What rings for each agent, as the engine sees it from the commands. */
  readonly ringing = new Map<AgentId, CallId>();
  /** Every command so far. */
  readonly log: AcdCommand[] = [];

  constructor(nodeId = 'node-a') {
    this.acd = new Distributor({ state: this.state, nodeId, onTransition: (t) => this.transitions.push(t) });
  }

  send(event: AcdEvent): AcdCommand[] {
    // The agent's own decline stops the ringing on their side; no command says so.
    if (event.type === 'offerDeclined' && this.ringing.get(event.agentId) === event.callId) this.ringing.delete(event.agentId);
    const commands = this.acd.handle(event, this.now);
    for (const command of commands) this.apply(command);
    this.log.push(...commands);
    this.check();
    return commands;
  }

  group(groupId: GroupId, settings: Partial<GroupSettings> = {}): void {
    this.send({ type: 'groupConfigured', group: { ...defaultGroupSettings, ...settings, groupId } });
  }

  /** Adds an agent to groups (`[groupId, priority]` or a group id at priority 3) and sets them free. */
  agent(agentId: AgentId, groups: Array<GroupId | [GroupId, Membership['priority']]>, status: 'free' | 'notReady' | 'rest' = 'free'): AcdCommand[] {
    const memberships = groups.map((g): Membership => (Array.isArray(g) ? { groupId: g[0], priority: g[1] } : { groupId: g, priority: 3 }));
    this.send({ type: 'membershipChanged', agentId, groups: memberships });
    return this.send({ type: 'agentStatus', agentId, status });
  }

  call(callId: CallId, groupId: GroupId, callerNumber?: string): AcdCommand[] {
    return this.send({ type: 'callQueued', callId, groupId, callerNumber });
  }

  /** Moves the clock on, firing due timers in time order, as the engine would. */
  advance(ms: number): AcdCommand[] {
    const until = this.now + ms;
    const out: AcdCommand[] = [];
    for (;;) {
      const due = [...this.timers].filter(([, at]) => at <= until).sort((a, b) => a[1] - b[1])[0];
      if (!due) break;
      this.now = Math.max(this.now, due[1]);
      this.timers.delete(due[0]);
      out.push(...this.send({ type: 'timerFired', timerId: due[0] }));
    }
    this.now = until;
    return out;
  }

  /** The commands of one type in a list. */
  static of<T extends AcdCommand['type']>(commands: AcdCommand[], type: T): Array<Command<T>> {
    return commands.filter((c): c is Command<T> => c.type === type);
  }

  /** The agents the last `offer` of a call went to. */
  offeredTo(callId: CallId): AgentId[] {
    const offers = AcdHarness.of(this.log, 'offer').filter((o) => o.callId === callId);
    return offers.at(-1)?.agentIds ?? [];
  }

  private apply(command: AcdCommand): void {
    switch (command.type) {
      case 'schedule':
        expect(this.timers.has(command.timerId), `timer ${command.timerId} scheduled twice`).toBe(false);
        this.timers.set(command.timerId, command.at);
        break;
      case 'cancelTimer':
        this.timers.delete(command.timerId);
        break;
      case 'offer':
        for (const agentId of command.agentIds) {
          expect(this.ringing.get(agentId), `${agentId} offered ${command.callId} while another call rings`).toBeUndefined();
          this.ringing.set(agentId, command.callId);
        }
        break;
      case 'cancelOffer':
      case 'autoTransfer':
        for (const agentId of command.agentIds) {
          expect(this.ringing.get(agentId)).toBe(command.callId);
          this.ringing.delete(agentId);
        }
        break;
      case 'connected':
        expect(this.ringing.get(command.agentId)).toBe(command.callId);
        this.ringing.delete(command.agentId);
        break;
      default:
        break;
    }
  }

  /** What must hold after every event. */
  check(): void {
    const calls = new Map([...this.state.calls()].map((c) => [c.callId, c]));
    for (const agent of this.state.agents()) {
      const reservedPhase = agent.phase === 'offered' || agent.phase === 'servingOffered';
      expect(agent.offer !== null, `${agent.agentId} is ${agent.phase} with offer ${agent.offer}`).toBe(reservedPhase);
      if (agent.offer !== null) {
        const call = calls.get(agent.offer);
        expect(call?.phase, `${agent.agentId}'s offer ${agent.offer}`).toBe('ringing');
        expect(call?.offeredTo).toContain(agent.agentId);
      }
      expect(agent.sessions.length > 0).toBe(agent.phase === 'serving' || agent.phase === 'servingOffered');
      for (const callId of agent.sessions) expect(calls.get(callId)?.servedBy).toBe(agent.agentId);
      expect(agent.wrapUpTimer !== null).toBe(agent.phase === 'wrapUp');
      if (agent.presence === 'offline') expect(agent.phase === 'idle' || agent.phase === 'wrapUp', `${agent.agentId} offline but ${agent.phase}`).toBe(true);
      expect(this.ringing.get(agent.agentId) ?? null).toBe(agent.offer);
    }
    for (const call of calls.values()) {
      if (call.phase === 'ringing') {
        expect(call.offeredTo.length).toBeGreaterThan(0);
        for (const agentId of call.offeredTo) expect(this.state.getAgent(agentId)?.offer).toBe(call.callId);
      } else {
        expect(call.offeredTo).toEqual([]);
      }
      if (call.phase === 'connected') expect(this.state.getAgent(call.servedBy ?? '')?.sessions).toContain(call.callId);
    }
    expect(new Set(this.timers.keys())).toEqual(new Set([...this.state.timers()].map((t) => t.timerId)));
  }
}
