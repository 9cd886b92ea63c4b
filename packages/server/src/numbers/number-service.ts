import { CloudApiError, checkIvrPrompts, checkIvrSkillGroups, cloudError, validateIvrFlow, type IvrIssue } from '@openccc/protocol';
import type { InstanceNumber, NumberRoute, Store } from '../store/ports.js';
import { requireInstance } from '../staff/instances.js';
import { parseInstanceNumber } from './number-format.js';

/** How a number is to be routed, as given by the CLI: at most one of the two. */
export interface RouteInput {
  skillGroupId?: number;
  /** The parsed JSON of an IVR flow file. */
  ivrFlow?: unknown;
}

/** Tells whether a prompt id can be played (the default library and uploaded prompts). */
export type PromptExists = (promptId: string) => boolean;

/** Instance phone numbers: their routes, states and outbound skill groups. Numbers are normalised to `0086…` on the way in. */
export class NumberService {
  constructor(
    private readonly store: Store,
    private readonly promptExists: (sdkAppId: number) => Promise<PromptExists>,
    private readonly clock: () => number = Date.now,
  ) {}

  async add(sdkAppId: number, rawNumber: string, input: RouteInput): Promise<InstanceNumber> {
    await requireInstance(this.store.instances, sdkAppId);
    const number = normalise(rawNumber);
    const route = await this.routeFrom(sdkAppId, input);
    const existing = await this.store.numbers.find(number);
    if (existing || !(await this.store.numbers.add({ sdkAppId, number, route, state: 'enabled' }, this.clock()))) {
      const owner = existing?.sdkAppId === sdkAppId ? 'this instance' : 'another instance';
      throw cloudError('FailedOperation', `The number ${number} already belongs to ${owner}.`, `号码 ${number} 已属于${existing?.sdkAppId === sdkAppId ? '本实例' : '其他实例'}。`);
    }
    return this.require(sdkAppId, number);
  }

  async list(sdkAppId: number, pageNumber: number, pageSize: number): Promise<{ total: number; items: InstanceNumber[] }> {
    await requireInstance(this.store.instances, sdkAppId);
    return this.store.numbers.list(sdkAppId, { limit: pageSize, offset: pageNumber * pageSize });
  }

  /** Replaces the route of an existing number. */
  async route(sdkAppId: number, rawNumber: string, input: RouteInput): Promise<InstanceNumber> {
    const number = (await this.require(sdkAppId, rawNumber)).number;
    await this.store.numbers.setRoute(sdkAppId, number, await this.routeFrom(sdkAppId, input), this.clock());
    return this.require(sdkAppId, number);
  }

  async remove(sdkAppId: number, rawNumber: string): Promise<string> {
    const number = (await this.require(sdkAppId, rawNumber)).number;
    await this.store.numbers.remove(sdkAppId, number);
    return number;
  }

  async bindCallOut(sdkAppId: number, rawNumber: string, skillGroupIds: number[]): Promise<void> {
    const number = (await this.require(sdkAppId, rawNumber)).number;
    await this.requireGroups(sdkAppId, skillGroupIds);
    await this.store.numbers.bindCallOut(sdkAppId, number, skillGroupIds, this.clock());
  }

  async unbindCallOut(sdkAppId: number, rawNumber: string, skillGroupIds: number[]): Promise<void> {
    const number = (await this.require(sdkAppId, rawNumber)).number;
    await this.store.numbers.unbindCallOut(sdkAppId, number, skillGroupIds, this.clock());
  }

  /** Disables or enables every number listed; changes nothing when one of them is not the instance's. */
  async setDisabled(sdkAppId: number, rawNumbers: string[], disabled: boolean): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    const numbers = rawNumbers.map(normalise);
    const missing: string[] = [];
    for (const number of numbers) if ((await this.store.numbers.find(number))?.sdkAppId !== sdkAppId) missing.push(number);
    if (missing.length > 0) throw notFound(sdkAppId, missing);
    await this.store.numbers.setState(sdkAppId, numbers, disabled ? 'disabled' : 'enabled', this.clock());
  }

  /** The instance's number (given in any accepted form), or ResourceNotFound. */
  async require(sdkAppId: number, rawNumber: string): Promise<InstanceNumber> {
    await requireInstance(this.store.instances, sdkAppId);
    const number = normalise(rawNumber);
    const found = await this.store.numbers.find(number);
    if (found?.sdkAppId !== sdkAppId) throw notFound(sdkAppId, [number]);
    return found;
  }

  private async routeFrom(sdkAppId: number, input: RouteInput): Promise<NumberRoute> {
    if (input.skillGroupId !== undefined && input.ivrFlow !== undefined) {
      throw cloudError('InvalidParameterValue', 'A number routes to a skill group or to an IVR flow, not both.', '号码只能路由到技能组或 IVR 流程之一。');
    }
    if (input.skillGroupId !== undefined) {
      await this.requireGroups(sdkAppId, [input.skillGroupId]);
      return { kind: 'skillGroup', skillGroupId: input.skillGroupId };
    }
    if (input.ivrFlow === undefined) return { kind: 'none' };
    const result = validateIvrFlow(input.ivrFlow);
    if (!result.ok) throw new InvalidIvrFlow(result.issues);
    const { items } = await this.store.skillGroups.list(sdkAppId, { limit: 100_000, offset: 0 });
    const groups = new Set(items.map((g) => g.id));
    const promptExists = await this.promptExists(sdkAppId);
    const issues = [...checkIvrSkillGroups(result.flow, (id) => groups.has(id)), ...checkIvrPrompts(result.flow, promptExists)];
    if (issues.length > 0) throw new InvalidIvrFlow(issues);
    return { kind: 'ivr', flow: JSON.stringify(result.flow) };
  }

  private async requireGroups(sdkAppId: number, ids: number[]): Promise<void> {
    const missing: number[] = [];
    for (const id of new Set(ids)) if (!(await this.store.skillGroups.get(sdkAppId, id))) missing.push(id);
    if (missing.length > 0) {
      const list = missing.join(', ');
      throw cloudError('InvalidParameterValue.SkillGroupError', `Skill group ${list} does not exist in instance ${sdkAppId}.`, `实例 ${sdkAppId} 中不存在技能组 ${list}。`);
    }
  }
}

function normalise(raw: string): string {
  const parsed = parseInstanceNumber(raw);
  if (!parsed.ok) throw cloudError('InvalidParameterValue', parsed.reason.en, parsed.reason.zh);
  return parsed.number;
}

function notFound(sdkAppId: number, numbers: string[]): CloudApiError {
  const list = numbers.join(', ');
  return cloudError('ResourceNotFound', `Instance ${sdkAppId} has no number ${list}. DescribeNumbers lists its numbers.`, `实例 ${sdkAppId} 中没有号码 ${list}，可用 DescribeNumbers 查看本实例的号码。`);
}

/** A refused IVR flow: one error for all its issues, which it keeps, each naming its node and field. */
export class InvalidIvrFlow extends CloudApiError {
  constructor(readonly issues: readonly IvrIssue[]) {
    super('InvalidParameterValue', {
      en: `The IVR flow is not valid:\n${issues.map((i) => `- ${i.message.en}`).join('\n')}`,
      zh: `IVR 流程无效：\n${issues.map((i) => `- ${i.message.zh}`).join('\n')}`,
    });
  }
}
