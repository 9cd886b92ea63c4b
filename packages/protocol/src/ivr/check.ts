import { CloudApiError, type Language, type LocalizedText } from '../errors.js';
import { IvrFlowSchema, type IvrAction, type IvrFlow, type IvrRetry } from './flow.js';

/**
 * Validation of an IVR flow: the format (the schema language, first error
 * only, since parsing stops there), then checks of the graph (every issue at
 * once). Each issue names the node and the path of the bad field.
 */

export const IVR_ISSUE_CODES = [
  /** The JSON does not match the format (a wrong type, a missing or unknown field). */
  'invalidFormat',
  /** `start` names no node. */
  'missingStart',
  /** A `goto`, `next` or fallback names no node. */
  'unknownTarget',
  /** No path from `start` leads to the node. */
  'unreachableNode',
  /** Nodes a caller who presses no key would go round forever. */
  'endlessLoop',
  /** A work-time range that ends before it starts. */
  'emptyTimeRange',
  /** A prompt the prompt library does not hold (`checkIvrPrompts`). */
  'missingPrompt',
  /** A skill group that does not exist (`checkIvrSkillGroups`). */
  'unknownSkillGroup',
] as const;

export type IvrIssueCode = (typeof IVR_ISSUE_CODES)[number];

export interface IvrIssue {
  code: IvrIssueCode;
  /** The field at fault, as in the JSON (`nodes.sales.keys.1.node`). */
  path: string;
  /** The node it belongs to, or null for the flow's top-level fields. */
  nodeId: string | null;
  message: LocalizedText;
}

/** Thrown by `parseIvrFlow`; `issues` holds every problem found, `message` lists them in English. */
export class IvrFlowError extends Error {
  override name = 'IvrFlowError';
  readonly issues: readonly IvrIssue[];

  constructor(issues: readonly IvrIssue[]) {
    super(`The IVR flow is not valid:\n${issues.map((issue) => `- ${issue.message.en}`).join('\n')}`);
    this.issues = issues;
  }

  /** The list of issues in the reader's language. */
  messageIn(language: Language): string {
    if (language === 'en-US') return this.message;
    return `IVR 流程无效：\n${this.issues.map((issue) => `- ${issue.message.zh}`).join('\n')}`;
  }
}

export type IvrValidation = { ok: true; flow: IvrFlow } | { ok: false; issues: IvrIssue[] };

function nodeOf(path: string): string | null {
  const match = /^nodes\.([^.]+)/.exec(path);
  return match ? (match[1] as string) : null;
}

function issue(code: IvrIssueCode, path: string, en: string, zh: string): IvrIssue {
  return { code, path, nodeId: nodeOf(path), message: { en, zh } };
}

/** Parses and checks a flow (the value of a JSON file), returning every issue or the typed flow. */
export function validateIvrFlow(input: unknown): IvrValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [issue('invalidFormat', '', 'An IVR flow must be a JSON object with `version`, `start` and `nodes`.', 'IVR 流程应为包含 `version`、`start` 和 `nodes` 的 JSON 对象。')] };
  }
  let flow: IvrFlow;
  try {
    flow = IvrFlowSchema.parse(input, '', 'json');
  } catch (err) {
    if (!(err instanceof CloudApiError)) throw err;
    // The schema language names the path in the first backquotes of its messages.
    const path = /`([^`]*)`/.exec(err.text.en)?.[1] ?? '';
    return { ok: false, issues: [{ code: 'invalidFormat', path, nodeId: nodeOf(path), message: err.text }] };
  }
  const issues = checkIvrFlow(flow);
  return issues.length === 0 ? { ok: true, flow } : { ok: false, issues };
}

/** `parseIvrFlow` for the text of a JSON file: a syntax error is an `invalidFormat` issue too. */
export function parseIvrFlowText(text: string): IvrFlow {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new IvrFlowError([issue('invalidFormat', '', `The IVR flow is not valid JSON: ${reason}`, `IVR 流程不是有效的 JSON：${reason}`)]);
  }
  return parseIvrFlow(json);
}

/** `validateIvrFlow` that throws `IvrFlowError` instead of returning issues. */
export function parseIvrFlow(input: unknown): IvrFlow {
  const result = validateIvrFlow(input);
  if (!result.ok) throw new IvrFlowError(result.issues);
  return result.flow;
}

interface Edge {
  from: string;
  to: string;
  path: string;
  /** Taken without a valid key (a play node's `next`, a menu's fallback): a loop of these never ends for a silent caller. */
  withoutKey: boolean;
}

function edgesOf(flow: IvrFlow): Edge[] {
  const edges: Edge[] = [];
  for (const [id, node] of Object.entries(flow.nodes)) {
    if (node.kind === 'play') edges.push({ from: id, to: node.next, path: `nodes.${id}.next`, withoutKey: true });
    if (node.kind !== 'menu') continue;
    for (const [key, action] of Object.entries(node.keys)) {
      if (action.action === 'goto') edges.push({ from: id, to: action.node, path: `nodes.${id}.keys.${key}.node`, withoutKey: false });
    }
    if (node.fallback?.action === 'goto') edges.push({ from: id, to: node.fallback.node, path: `nodes.${id}.fallback.node`, withoutKey: true });
  }
  return edges;
}

/** The graph checks on a parsed flow: start, targets, reachability, endless loops, time ranges. */
export function checkIvrFlow(flow: IvrFlow): IvrIssue[] {
  const issues: IvrIssue[] = [];
  const has = (id: string): boolean => Object.hasOwn(flow.nodes, id);
  const ids = Object.keys(flow.nodes);

  if (!has(flow.start)) {
    issues.push(issue('missingStart', 'start', `\`start\` names node \`${flow.start}\`, which does not exist; the nodes are ${ids.join(', ')}.`, `\`start\` 指向的节点 \`${flow.start}\` 不存在；现有节点为 ${ids.join('、')}。`));
  }

  const edges = edgesOf(flow);
  for (const edge of edges) {
    if (!has(edge.to)) {
      issues.push(issue('unknownTarget', edge.path, `Node \`${edge.from}\` goes to node \`${edge.to}\` (\`${edge.path}\`), which does not exist. Add the node or correct the id.`, `节点 \`${edge.from}\` 跳转到不存在的节点 \`${edge.to}\`（\`${edge.path}\`），请添加该节点或更正 ID。`));
    }
  }

  if (has(flow.start)) {
    const reached = new Set([flow.start]);
    const pending = [flow.start];
    for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
      for (const edge of edges) {
        if (edge.from === id && has(edge.to) && !reached.has(edge.to)) {
          reached.add(edge.to);
          pending.push(edge.to);
        }
      }
    }
    for (const id of ids) {
      if (!reached.has(id)) {
        issues.push(issue('unreachableNode', `nodes.${id}`, `Node \`${id}\` cannot be reached from \`start\` (\`${flow.start}\`): no key, \`next\` or fallback leads to it. Link it or remove it.`, `节点 \`${id}\` 无法从起始节点 \`${flow.start}\` 到达：没有按键、\`next\` 或 fallback 指向它。请连接或删除该节点。`));
      }
    }
  }

  issues.push(...endlessLoops(flow, edges));
  for (const [id, node] of Object.entries(flow.nodes)) {
    if (node.kind === 'menu' && node.fallback?.action === 'repeat') {
      const path = `nodes.${id}.fallback.action`;
      issues.push(issue('endlessLoop', path, `Node \`${id}\` repeats itself when its retries are used up (\`${path}\`), so a caller who presses no key never leaves it. Let the fallback hang up, queue or go to another node.`, `节点 \`${id}\` 在重试用尽后重复自身（\`${path}\`），不按键的来电者将永远无法离开。请让 fallback 挂机、排队或转到其他节点。`));
    }
  }

  flow.workTime?.weekly.forEach((range, i) => {
    if (range.from >= range.to) {
      const path = `workTime.weekly.${i}`;
      issues.push(issue('emptyTimeRange', path, `The work-time range \`${path}\` runs from ${range.from} to ${range.to}, which is empty; \`from\` must be before \`to\` (split a range that passes midnight in two, ending at 24:00 and starting at 00:00).`, `工作时间段 \`${path}\` 为 ${range.from} 至 ${range.to}，为空；\`from\` 应早于 \`to\`（跨午夜的时间段请拆成两段，分别以 24:00 结束、以 00:00 开始）。`));
    }
  });
  return issues;
}

/** Each node has at most one edge taken without a key, so the loops are found by walking from every node once. */
function endlessLoops(flow: IvrFlow, edges: Edge[]): IvrIssue[] {
  const next = new Map<string, Edge>();
  for (const edge of edges) if (edge.withoutKey && Object.hasOwn(flow.nodes, edge.to)) next.set(edge.from, edge);
  const issues: IvrIssue[] = [];
  const done = new Set<string>();
  for (const start of Object.keys(flow.nodes)) {
    const walk: string[] = [];
    let id: string | undefined = start;
    while (id !== undefined && !done.has(id) && !walk.includes(id)) {
      walk.push(id);
      id = next.get(id)?.to;
    }
    if (id !== undefined && walk.includes(id)) {
      const loop = walk.slice(walk.indexOf(id));
      const first = next.get(loop[0] as string) as Edge;
      const route = [...loop, loop[0]].map((node) => `\`${node}\``).join(' → ');
      const playsOnly = loop.every((node) => flow.nodes[node]?.kind === 'play');
      issues.push(
        playsOnly
          ? issue('endlessLoop', first.path, `Nodes ${route} play in a circle and never wait for a key, so the call would never end. Let one of them go to a menu, a queue or a hang-up.`, `节点 ${route} 循环播放且从不等待按键，通话将永不结束。请让其中一个节点转到菜单、排队或挂机。`)
          : issue('endlessLoop', first.path, `Nodes ${route} form a loop that a caller who presses no key never leaves (\`next\` and \`fallback\` lead back). Give one of the menus a fallback that hangs up or queues.`, `节点 ${route} 构成循环：不按键的来电者将永远无法离开（\`next\` 与 \`fallback\` 又回到原处）。请让其中一个菜单的 fallback 挂机或排队。`),
      );
    }
    for (const node of walk) done.add(node);
  }
  return issues;
}

/** A prompt or skill group a flow refers to, with where. */
export interface IvrReference<T> {
  value: T;
  path: string;
  nodeId: string | null;
}

export interface IvrReferences {
  prompts: IvrReference<string>[];
  skillGroups: IvrReference<number>[];
}

/** Every prompt and skill group a flow uses, so a caller can check them against what exists. */
export function ivrReferences(flow: IvrFlow): IvrReferences {
  const refs: IvrReferences = { prompts: [], skillGroups: [] };
  const addPrompts = (list: readonly string[] | undefined, path: string): void => {
    list?.forEach((value, i) => refs.prompts.push({ value, path: `${path}.${i}`, nodeId: nodeOf(path) }));
  };
  const addRetry = (retry: IvrRetry | undefined, path: string): void => addPrompts(retry?.prompts, `${path}.prompts`);
  const addAction = (action: IvrAction | undefined, path: string): void => {
    if (action?.action === 'queue') refs.skillGroups.push({ value: action.skillGroupId, path: `${path}.skillGroupId`, nodeId: nodeOf(path) });
    if (action?.action === 'queue' || action?.action === 'hangup') addPrompts(action.prompts, `${path}.prompts`);
  };
  for (const [id, node] of Object.entries(flow.nodes)) {
    const path = `nodes.${id}`;
    addPrompts(node.prompts, `${path}.prompts`);
    if (node.kind === 'queue') refs.skillGroups.push({ value: node.skillGroupId, path: `${path}.skillGroupId`, nodeId: id });
    if (node.kind !== 'menu') continue;
    for (const [key, action] of Object.entries(node.keys)) addAction(action, `${path}.keys.${key}`);
    addRetry(node.invalidKey, `${path}.invalidKey`);
    addRetry(node.noInput, `${path}.noInput`);
    addAction(node.fallback, `${path}.fallback`);
  }
  if (flow.workTime) addPrompts(flow.workTime.closedPrompts, 'workTime.closedPrompts');
  if (flow.survey) {
    addPrompts(flow.survey.prompts, 'survey.prompts');
    addRetry(flow.survey.invalidKey, 'survey.invalidKey');
    addRetry(flow.survey.noInput, 'survey.noInput');
    addPrompts(flow.survey.thanksPrompts, 'survey.thanksPrompts');
  }
  return refs;
}

function where(ref: IvrReference<unknown>): { en: string; zh: string } {
  return ref.nodeId === null ? { en: `\`${ref.path}\``, zh: `\`${ref.path}\`` } : { en: `node \`${ref.nodeId}\` (\`${ref.path}\`)`, zh: `节点 \`${ref.nodeId}\`（\`${ref.path}\`）` };
}

/** The prompts a flow plays that `exists` does not know (run it against the prompt library before a flow goes live). */
export function checkIvrPrompts(flow: IvrFlow, exists: (promptId: string) => boolean): IvrIssue[] {
  return ivrReferences(flow)
    .prompts.filter((ref) => !exists(ref.value))
    .map((ref) => {
      const at = where(ref);
      return { code: 'missingPrompt', path: ref.path, nodeId: ref.nodeId, message: { en: `Prompt \`${ref.value}\` in ${at.en} is not in the prompt library. Upload it or use an existing prompt id.`, zh: `${at.zh} 中的提示音 \`${ref.value}\` 不在提示音库中，请上传或改用已有的提示音 ID。` } };
    });
}

/** The skill groups a flow queues to that `exists` does not know. */
export function checkIvrSkillGroups(flow: IvrFlow, exists: (skillGroupId: number) => boolean): IvrIssue[] {
  return ivrReferences(flow)
    .skillGroups.filter((ref) => !exists(ref.value))
    .map((ref) => {
      const at = where(ref);
      return { code: 'unknownSkillGroup', path: ref.path, nodeId: ref.nodeId, message: { en: `Skill group ${ref.value} in ${at.en} does not exist. Create it or correct the id.`, zh: `${at.zh} 中的技能组 ${ref.value} 不存在，请创建或更正 ID。` } };
    });
}
