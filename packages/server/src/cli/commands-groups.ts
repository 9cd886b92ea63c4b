import { CloudApiError } from '@openccc/protocol';
import {
  GroupRoutingService,
  ROUTING_LIMITS,
  ROUTING_SETTINGS,
  type GroupRoutingChange,
  type GroupRoutingView,
  type RoutingSettingName,
  type ServerRoutingDefaults,
} from '../staff/group-routing-service.js';
import type { SkillGroupRoutingSettings, Store } from '../store/ports.js';
import { openFromFlags, pickInstance, type CommonFlags } from './context.js';
import { CliError, printJson, printTable } from './output.js';

export interface GroupFlags extends CommonFlags {
  'ring-timeout'?: string;
  'max-wait'?: string;
  overflow?: string;
  'when-none-online'?: string;
  'after-call-work'?: string;
}

const USAGE = `Usage: openccc group list [--instance ID] [--json]
       openccc group routing <id> [--ring-timeout S] [--max-wait S] [--overflow GROUP_ID|none]
                                  [--when-none-online queue|exit] [--after-call-work S] [--instance ID] [--json]
       (no option: show the group's routing; a value of default removes the group's own setting)`;

/** The environment variables the server reads its routing flags from. */
const SERVER_VARIABLES: Record<keyof ServerRoutingDefaults, string> = {
  ringTimeoutSeconds: 'OPENCCC_RING_TIMEOUT_SECONDS',
  maxWaitSeconds: 'OPENCCC_MAX_WAIT_SECONDS',
  afterCallWorkSeconds: 'OPENCCC_AFTER_CALL_WORK_SECONDS',
};

const LABELS: Record<RoutingSettingName, string> = {
  ringTimeoutSeconds: 'ring timeout',
  maxWaitSeconds: 'max wait',
  overflowGroupId: 'overflow',
  whenNoneOnline: 'when none online',
  afterCallWorkSeconds: 'after-call work',
};

/** The server's routing flags as a server started in this environment would read them (valid values only). */
function serverDefaultsFromEnv(env: NodeJS.ProcessEnv): Partial<ServerRoutingDefaults> {
  const defaults: Partial<ServerRoutingDefaults> = {};
  for (const [name, variable] of Object.entries(SERVER_VARIABLES) as Array<[keyof ServerRoutingDefaults, string]>) {
    const text = env[variable];
    const { min, max } = ROUTING_LIMITS[name];
    if (text !== undefined && /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max) defaults[name] = Number(text);
  }
  return defaults;
}

function seconds(flag: string, text: string | undefined): number | 'default' | undefined {
  if (text === undefined || text === 'default') return text;
  if (!/^\d+$/.test(text)) throw new CliError(`--${flag} takes a whole number of seconds, or default, not "${text}".`);
  return Number(text);
}

function changeFrom(flags: GroupFlags): GroupRoutingChange {
  const change: GroupRoutingChange = {};
  const ring = seconds('ring-timeout', flags['ring-timeout']);
  if (ring !== undefined) change.ringTimeoutSeconds = ring;
  const wait = seconds('max-wait', flags['max-wait']);
  if (wait !== undefined) change.maxWaitSeconds = wait;
  const acw = seconds('after-call-work', flags['after-call-work']);
  if (acw !== undefined) change.afterCallWorkSeconds = acw;
  const overflow = flags.overflow;
  if (overflow !== undefined) {
    if (overflow === 'none') change.overflowGroupId = null;
    else if (overflow === 'default') change.overflowGroupId = 'default';
    else if (/^\d+$/.test(overflow)) change.overflowGroupId = Number(overflow);
    else throw new CliError(`--overflow takes a skill group id, none or default, not "${overflow}".`);
  }
  // The service explains a value other than queue, exit or default.
  if (flags['when-none-online'] !== undefined) change.whenNoneOnline = flags['when-none-online'] as 'queue' | 'exit' | 'default';
  return change;
}

function groupIdFrom(text: string | undefined): number {
  if (text === undefined) throw new CliError(USAGE);
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) throw new CliError(`A skill group id is a positive integer, not "${text}".`);
  return id;
}

/** One setting's value for people. */
function shown(name: RoutingSettingName, value: unknown, groupNames: Map<number, string>, missing: boolean): string {
  switch (name) {
    case 'overflowGroupId': {
      if (value === null) return 'none (calls hang up)';
      const id = value as number;
      if (missing) return `group ${id} (deleted: calls hang up)`;
      const groupName = groupNames.get(id);
      return groupName === undefined ? `group ${id}` : `group ${id} "${groupName}"`;
    }
    case 'whenNoneOnline':
      return value === 'queue' ? 'queue (wait)' : 'exit (leave the queue)';
    case 'maxWaitSeconds':
      return value === 0 ? '0 s (no limit)' : `${String(value)} s`;
    default:
      return `${String(value)} s`;
  }
}

/** A group's own settings in one line, for `group list`. */
function summary(own: SkillGroupRoutingSettings): string {
  const parts: string[] = [];
  if (own.ringTimeoutSeconds !== undefined) parts.push(`ring ${own.ringTimeoutSeconds} s`);
  if (own.maxWaitSeconds !== undefined) parts.push(`max wait ${own.maxWaitSeconds} s`);
  if (own.overflowGroupId !== undefined) parts.push(`overflow ${own.overflowGroupId ?? 'none'}`);
  if (own.whenNoneOnline !== undefined) parts.push(`none online ${own.whenNoneOnline}`);
  if (own.afterCallWorkSeconds !== undefined) parts.push(`after-call work ${own.afterCallWorkSeconds} s`);
  return parts.join(', ') || 'defaults';
}

async function printView(store: Store, sdkAppId: number, view: GroupRoutingView, json: boolean | undefined): Promise<void> {
  const { group, effective } = view;
  if (json) {
    printJson({
      sdkAppId,
      skillGroupId: group.id,
      name: group.name,
      policy: view.policy,
      own: view.own,
      effective: effective.settings,
      sources: effective.sources,
      overflowGroupMissing: view.overflowGroupMissing,
    });
    return;
  }
  const names = new Map<number, string>();
  const overflow = effective.settings.overflowGroupId;
  if (overflow !== null && !view.overflowGroupMissing) {
    const target = await store.skillGroups.get(sdkAppId, overflow);
    if (target) names.set(target.id, target.name);
  }
  process.stdout.write(`Skill group ${group.id} "${group.name}" (instance ${sdkAppId}), policy ${view.policy}\n`);
  printTable(
    ROUTING_SETTINGS.map((name) => {
      const source = effective.sources[name];
      return {
        setting: LABELS[name],
        value: shown(name, effective.settings[name], names, view.overflowGroupMissing),
        source: source === 'server' ? `server (${SERVER_VARIABLES[name as keyof ServerRoutingDefaults]})` : source,
      };
    }),
  );
  if (ROUTING_SETTINGS.some((name) => effective.sources[name] !== 'group')) {
    process.stdout.write("\ndefault: the server's --ring-timeout, --max-wait or --after-call-work if it was started with one, else the built-in value shown.\n");
  }
}

/** `openccc group list|routing`: skill groups and their routing settings. */
export async function groupCommand(sub: string | undefined, args: string[], flags: GroupFlags, env: NodeJS.ProcessEnv): Promise<void> {
  if (sub !== 'list' && sub !== 'routing') throw new CliError(USAGE);
  const groupId = sub === 'routing' ? groupIdFrom(args[0]) : 0;
  const change = sub === 'routing' ? changeFrom(flags) : {};
  const folder = openFromFlags(flags, env);
  try {
    const sdkAppId = (await pickInstance(folder, flags.instance)).sdkAppId;
    const routing = new GroupRoutingService(folder.store);
    if (sub === 'list') {
      const groups = await routing.list(sdkAppId);
      if (flags.json) printJson({ sdkAppId, groups: groups.map((g) => ({ id: g.group.id, name: g.group.name, type: g.group.type, policy: g.policy, routing: g.own })) });
      else printTable(groups.map((g) => ({ id: g.group.id, name: g.group.name, policy: g.policy, routing: summary(g.own) })));
      return;
    }
    if (Object.keys(change).length > 0) await routing.update(sdkAppId, groupId, change);
    await printView(folder.store, sdkAppId, await routing.show(sdkAppId, groupId, serverDefaultsFromEnv(env)), flags.json);
  } catch (error) {
    // The service speaks the Cloud API's language; its messages are written for people too.
    if (error instanceof CloudApiError) throw new CliError(error.text.en);
    throw error;
  } finally {
    await folder.store.close();
  }
}
