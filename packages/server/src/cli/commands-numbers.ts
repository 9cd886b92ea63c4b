import { readFile } from 'node:fs/promises';
import { CloudApiError } from '@openccc/protocol';
import { NumberService, type RouteInput } from '../numbers/number-service.js';
import { promptCheck } from '../numbers/prompt-check.js';
import { PromptService, promptFolder } from '../prompts/prompt-service.js';
import type { InstanceNumber } from '../store/ports.js';
import { openFromFlags, pickInstance, type CommonFlags } from './context.js';
import { CliError, printJson, printTable } from './output.js';

export interface NumberFlags extends CommonFlags {
  'skill-group'?: string;
  ivr?: string;
}

const USAGE = `Usage: openccc number add <number> [--skill-group ID | --ivr FILE] [--instance ID]
       openccc number route <number> [--skill-group ID | --ivr FILE]   (neither: unrouted)
       openccc number enable|disable|remove <number>
       openccc number list [--json]`;

async function routeInput(flags: NumberFlags): Promise<RouteInput> {
  if (flags['skill-group'] !== undefined && flags.ivr !== undefined) throw new CliError('Give --skill-group or --ivr, not both: a number routes to one of them.');
  if (flags['skill-group'] !== undefined) {
    const id = Number(flags['skill-group']);
    if (!/^\d+$/.test(flags['skill-group']) || !Number.isSafeInteger(id) || id < 1) throw new CliError(`--skill-group takes a skill group id (a positive integer), not "${flags['skill-group']}".`);
    return { skillGroupId: id };
  }
  if (flags.ivr === undefined) return {};
  let text: string;
  try {
    text = await readFile(flags.ivr, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the IVR flow ${flags.ivr}: ${(error as Error).message}`);
  }
  try {
    return { ivrFlow: JSON.parse(text) as unknown };
  } catch (error) {
    throw new CliError(`${flags.ivr} is not JSON: ${(error as Error).message}`);
  }
}

function describeRoute(n: InstanceNumber): string {
  if (n.route.kind === 'skillGroup') return `skill group ${n.route.skillGroupId}`;
  if (n.route.kind === 'ivr') {
    const name = (JSON.parse(n.route.flow) as { name?: unknown }).name;
    return typeof name === 'string' && name !== '' ? `IVR "${name}"` : 'IVR';
  }
  return 'none';
}

function asJson(n: InstanceNumber) {
  const route = n.route.kind === 'ivr' ? { kind: 'ivr', flow: JSON.parse(n.route.flow) as unknown } : n.route;
  return { number: n.number, route, state: n.state, callOutSkillGroupIds: n.callOutSkillGroupIds };
}

/** `openccc number add|route|enable|disable|remove|list`: the instance's phone numbers and where their calls go. */
export async function numberCommand(sub: string | undefined, args: string[], flags: NumberFlags, env: NodeJS.ProcessEnv): Promise<void> {
  const folder = openFromFlags(flags, env);
  try {
    const instance = await pickInstance(folder, flags.instance);
    const numbers = new NumberService(folder.store, promptCheck(new PromptService(folder.store, promptFolder(folder.dataDir))));
    const sdkAppId = instance.sdkAppId;
    if (sub === 'list') {
      const { items } = await numbers.list(sdkAppId, 0, 100_000);
      if (flags.json) printJson({ sdkAppId, numbers: items.map(asJson) });
      else printTable(items.map((n) => ({ number: n.number, route: describeRoute(n), state: n.state, callOutSkillGroups: n.callOutSkillGroupIds.join(',') || '-' })));
      return;
    }
    const raw = args[0];
    if (!raw || !['add', 'route', 'enable', 'disable', 'remove'].includes(sub ?? '')) throw new CliError(USAGE);
    let result: InstanceNumber | string;
    if (sub === 'add') result = await numbers.add(sdkAppId, raw, await routeInput(flags));
    else if (sub === 'route') result = await numbers.route(sdkAppId, raw, await routeInput(flags));
    else if (sub === 'remove') result = await numbers.remove(sdkAppId, raw);
    else {
      await numbers.setDisabled(sdkAppId, [raw], sub === 'disable');
      result = await numbers.require(sdkAppId, raw);
    }
    if (typeof result === 'string') {
      if (flags.json) printJson({ sdkAppId, number: result, result: 'removed' });
      else process.stdout.write(`${result} removed from instance ${sdkAppId}.\n`);
    } else if (flags.json) {
      printJson({ sdkAppId, ...asJson(result) });
    } else {
      process.stdout.write(`${result.number} (instance ${sdkAppId}): route ${describeRoute(result)}, ${result.state}.\n`);
    }
  } catch (error) {
    // The service speaks the Cloud API's language; its messages are written for people too.
    if (error instanceof CloudApiError) throw new CliError(error.text.en);
    throw error;
  } finally {
    await folder.store.close();
  }
}
