import type { Logger } from 'pino';
import { defaultGroupSettings, routePolicyFromTccc, toPriority } from '../acd/defaults.js';
import type { AcdEvent, GroupConfig } from '../acd/types.js';
import type { AgentId, AgentInfo } from '../calls/types.js';
import type { AgentRef } from '../realtime/agent-connection.js';
import type { Presence } from '../staff/presence.js';
import type { SkillGroup, Store } from '../store/ports.js';
import { agentIdOf, agentRefOf } from './agent-id.js';

export interface AcdDirectoryOptions {
  store: Pick<Store, 'staff' | 'skillGroups'>;
  presence: Pick<Presence, 'statusOf'>;
  log: Logger;
  /** Per-group routing settings spread over the ACD defaults; read each time a group is (re)configured. */
  groupSettings?: (sdkAppId: number, groupId: number) => Promise<Partial<GroupConfig>>;
  /** Hands ACD events to the engine's turn loop; `before` runs in that turn first. */
  feed: (what: string, events: AcdEvent[], before?: () => void) => void;
}

/**
 * What the ACD knows of the agents and skill groups, read from the store: the
 * online agents' details and memberships, and the groups in use with their
 * routing. Changes reach the ACD as events through `feed`, in the engine's
 * turn loop; `refresh` re-reads everything it knows (changes made by the CLI,
 * which no service announces).
 */
export class AcdDirectory {
  /** Agents the ACD knows, with what sessions and records need of them. */
  readonly agents = new Map<AgentId, AgentInfo>();
  /** Groups the ACD is configured with. */
  readonly groups = new Map<number, { sdkAppId: number; name: string }>();

  constructor(private readonly options: AcdDirectoryOptions) {}

  /** Reads an agent's details and skill groups and hands the ACD their memberships and status. */
  async loadAgent(agent: AgentRef): Promise<void> {
    const info = await this.agentInfo(agent);
    if (!info) return;
    const memberships = (await this.options.store.staff.memberships(agent.sdkAppId, [agent.mail])).get(agent.mail.toLowerCase()) ?? [];
    for (const m of memberships) await this.ensureGroup(agent.sdkAppId, m.skillGroupId);
    const groups = memberships.map((m) => ({ groupId: m.skillGroupId, priority: toPriority(m.priority) }));
    const status = this.options.presence.statusOf(agent.sdkAppId, agent.mail);
    this.options.feed(
      'agent loaded',
      [
        { type: 'membershipChanged', agentId: info.agentId, groups },
        { type: 'agentStatus', agentId: info.agentId, status },
      ],
      () => this.agents.set(info.agentId, info),
    );
  }

  async agentInfo(agent: AgentRef): Promise<AgentInfo | undefined> {
    const staff = await this.options.store.staff.get(agent.sdkAppId, agent.mail);
    if (!staff) return undefined;
    const info: AgentInfo = { agentId: agentIdOf(agent), mail: staff.mail, name: staff.name, staffNumber: staff.staffNumber, seatType: 'staffSeat' };
    if (staff.phone) info.phone = staff.phone;
    return info;
  }

  /** Makes sure the ACD knows a group (read from the store); undefined when it does not exist. */
  async ensureGroup(sdkAppId: number, groupId: number): Promise<{ name: string } | undefined> {
    const known = this.groups.get(groupId);
    if (known && known.sdkAppId === sdkAppId) return known;
    const group = await this.options.store.skillGroups.get(sdkAppId, groupId);
    if (!group) return undefined;
    await this.configureGroup(sdkAppId, group);
    return { name: group.name };
  }

  private async configureGroup(sdkAppId: number, group: Pick<SkillGroup, 'id' | 'name' | 'routePolicy' | 'ringAll' | 'usingLastSeat' | 'maxConcurrency'>): Promise<void> {
    const settings = (await this.options.groupSettings?.(sdkAppId, group.id)) ?? {};
    const config: GroupConfig = {
      ...defaultGroupSettings,
      groupId: group.id,
      policy: routePolicyFromTccc(group.routePolicy, group.ringAll),
      usingLastSeat: group.usingLastSeat,
      maxConcurrency: Math.max(1, group.maxConcurrency),
      ...settings,
    };
    this.groups.set(group.id, { sdkAppId, name: group.name });
    this.options.feed('group configured', [{ type: 'groupConfigured', group: config }]);
    // The ACD overflows only to a group it knows; the group is registered above, so a cycle of overflows ends.
    if (config.onQueueExit.action === 'overflow') await this.ensureGroup(sdkAppId, config.onQueueExit.groupId);
  }

  /** Staff's skill groups changed (API, console): the ACD gets the online ones' new memberships now, not at the next refresh. */
  membershipsChanged(sdkAppId: number, mails: string[]): void {
    for (const mail of mails) {
      const agentId = agentIdOf({ sdkAppId, mail });
      if (!this.agents.has(agentId) || this.options.presence.statusOf(sdkAppId, mail) === 'offline') continue;
      this.loadAgent({ sdkAppId, mail }).catch((err: unknown) => this.options.log.warn({ err }, 'loading an agent for the ACD failed'));
    }
  }

  /** A skill group changed or was deleted: the ACD gets it now, if it uses it. */
  groupChanged(sdkAppId: number, groupId: number): void {
    const known = this.groups.get(groupId);
    if (!known || known.sdkAppId !== sdkAppId) return;
    this.options.store.skillGroups
      .get(sdkAppId, groupId)
      .then(async (group) => {
        if (group) return this.configureGroup(sdkAppId, group);
        this.groups.delete(groupId);
        this.options.feed('group removed', [{ type: 'groupRemoved', groupId }]);
      })
      .catch((err: unknown) => this.options.log.warn({ err }, 'reading a skill group failed'));
  }

  /** Re-reads the groups in use and online agents' memberships, so changes made through the API or the CLI reach the ACD. */
  async refresh(): Promise<void> {
    for (const [groupId, known] of [...this.groups]) {
      const group = await this.options.store.skillGroups.get(known.sdkAppId, groupId);
      if (!group) {
        this.groups.delete(groupId);
        this.options.feed('group removed', [{ type: 'groupRemoved', groupId }]);
      } else await this.configureGroup(known.sdkAppId, group);
    }
    for (const agentId of [...this.agents.keys()]) {
      const ref = agentRefOf(agentId);
      if (this.options.presence.statusOf(ref.sdkAppId, ref.mail) === 'offline') continue;
      await this.loadAgent(ref);
    }
  }
}
