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
        assert(!this.timers.has(command.timerId), `timer ${command.timerId} scheduled twice`);
        this.timers.set(command.timerId, command.at);
        break;
      case 'cancelTimer':
        this.timers.delete(command.timerId);
        break;
      case 'offer':
        for (const agentId of command.agentIds) {
          assert(!this.ringing.has(agentId), `${agentId} offered ${command.callId} while ${this.ringing.get(agentId)} rings`);
          this.ringing.set(agentId, command.callId);
        }
        break;
      case 'cancelOffer':
      case 'autoTransfer':
        for (const agentId of command.agentIds) {
          assert(this.ringing.get(agentId) === command.callId, `${command.type} of ${command.callId} for ${agentId}, who is not ringing for it`);
          this.ringing.delete(agentId);
        }
        break;
      case 'connected':
        assert(this.ringing.get(command.agentId) === command.callId, `${command.agentId} connected to ${command.callId} without ringing for it`);
        this.ringing.delete(command.agentId);
        break;
      default:
        break;
    }
  }

  /** What must hold after every event (plain checks: this runs thousands of times in the random tests). */
  check(): void {
    for (const agent of this.state.agents()) {
      const id = agent.agentId;
      const offeredPhase = agent.phase === 'offered' || agent.phase === 'servingOffered';
      assert((agent.offer !== null) === offeredPhase, `${id} is ${agent.phase} with offer ${agent.offer}`);
      if (agent.offer !== null) {
        const call = this.state.getCall(agent.offer);
        assert(call?.phase === 'ringing' && call.offeredTo.includes(id), `${id} holds offer ${agent.offer}, which is not ringing for them`);
      }
      const servingPhase = agent.phase === 'serving' || agent.phase === 'servingOffered';
      assert(agent.sessions.length > 0 === servingPhase, `${id} is ${agent.phase} with sessions ${agent.sessions.join()}`);
      for (const callId of agent.sessions) assert(this.state.getCall(callId)?.servedBy === id, `${id} serves ${callId}, which is not served by them`);
      assert((agent.wrapUpTimer !== null) === (agent.phase === 'wrapUp'), `${id} is ${agent.phase} with wrap-up timer ${agent.wrapUpTimer}`);
      assert(agent.presence !== 'offline' || agent.phase === 'idle', `${id} is offline but ${agent.phase}`);
      assert((this.ringing.get(id) ?? null) === agent.offer, `the engine rings ${this.ringing.get(id)} for ${id}, the distributor says ${agent.offer}`);
    }
    for (const call of this.state.calls()) {
      if (call.phase === 'ringing') {
        assert(call.offeredTo.length > 0, `${call.callId} rings for nobody`);
        for (const agentId of call.offeredTo) assert(this.state.getAgent(agentId)?.offer === call.callId, `${call.callId} rings for ${agentId}, whose offer is another`);
      } else {
        assert(call.offeredTo.length === 0, `${call.callId} is ${call.phase} with offers`);
      }
      if (call.phase === 'connected') assert(this.state.getAgent(call.servedBy ?? '')?.sessions.includes(call.callId) === true, `${call.callId} is served by nobody`);
    }
    const stored = [...this.state.timers()].map((t) => t.timerId);
    assert(stored.length === this.timers.size && stored.every((id) => this.timers.has(id)), `armed timers ${[...this.timers.keys()].join()} differ from stored ${stored.join()}`);
  }
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`ACD invariant broken: ${message}`);
}
