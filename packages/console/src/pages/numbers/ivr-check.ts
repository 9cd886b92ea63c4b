import { checkIvrPrompts, checkIvrSkillGroups, validateIvrFlow, type IvrIssue } from '@openccc/protocol';
import { formToFlow, type FlowForm } from './ivr-form.js';

/**
 * The editor's validation: the same checks as the server's (`validateIvrFlow`, then the prompts
 * and skill groups the instance has), plus what only the form can get wrong: two nodes with one
 * id, or one key twice in a menu (in the flow's JSON the second would silently replace the first).
 * Each issue has the JSON path of its field (`nodes.main.keys.1.node`), which the form's inputs
 * know, so the message shows next to the field.
 */

export interface FormIssue {
  path: string;
  message: { en: string; zh: string };
}

export interface CheckContext {
  promptExists: (promptId: string) => boolean;
  skillGroupExists: (id: number) => boolean;
}

/** An issue at its field; a bad key of a map (a node id, a menu key) is put at the input that holds the key. */
function fromIvr(issue: IvrIssue): FormIssue {
  const badKey = /^The key "(.*)" in `([^`]*)`/.exec(issue.message.en);
  if (!badKey) return { path: issue.path, message: issue.message };
  const [, key = '', map = ''] = badKey;
  return { path: map === 'nodes' ? `nodes.${key}.id` : `${map}.${key}`, message: issue.message };
}

/** Every issue the form has now; none means the server will take the flow. */
export function checkForm(form: FlowForm, context: CheckContext): FormIssue[] {
  const duplicates = duplicateIssues(form);
  if (duplicates.length > 0) return duplicates;
  const flow = formToFlow(form);
  // The format check stops at its first error: checked part by part, each node and section reports its own.
  const parts = formatIssuesByPart(flow);
  if (parts.length > 0) return parts;
  const result = validateIvrFlow(flow);
  if (!result.ok) return result.issues.map(fromIvr);
  return [...checkIvrSkillGroups(result.flow, context.skillGroupExists), ...checkIvrPrompts(result.flow, context.promptExists)].map(fromIvr);
}

function duplicateIssues(form: FlowForm): FormIssue[] {
  const issues: FormIssue[] = [];
  const seen = new Set<string>();
  for (const node of form.nodes) {
    if (seen.has(node.id)) issues.push({ path: `nodes.${node.id}.id`, message: { en: `Two nodes are called ${node.id}; give each node its own id.`, zh: `有两个节点都叫 ${node.id}，每个节点的 ID 须不同。` } });
    seen.add(node.id);
    const keys = new Set<string>();
    for (const key of node.kind === 'menu' ? node.keys : []) {
      if (keys.has(key.key)) issues.push({ path: `nodes.${node.id}.keys.${key.key}`, message: { en: `Key ${key.key} is listed twice in node ${node.id}.`, zh: `节点 ${node.id} 中按键 ${key.key} 出现了两次。` } });
      keys.add(key.key);
    }
  }
  const surveyKeys = new Set<string>();
  for (const key of form.survey?.keys ?? []) {
    if (surveyKeys.has(key.key)) issues.push({ path: `survey.keys.${key.key}`, message: { en: `Key ${key.key} is listed twice in the survey.`, zh: `满意度调查中按键 ${key.key} 出现了两次。` } });
    surveyKeys.add(key.key);
  }
  return issues;
}

/** The format errors of each node, of the work time and of the survey, each checked in a flow of its own. */
function formatIssuesByPart(flow: Record<string, unknown>): FormIssue[] {
  const nodes = flow['nodes'] as Record<string, unknown>;
  // The top level is checked with its own start and a stand-in node (a hang-up needs nothing); each node with a
  // stand-in start, since whether start names a node is a check of the whole graph.
  const parts: Array<Record<string, unknown>> = [{ version: flow['version'], start: flow['start'], nodes: { stub: { kind: 'hangup' } }, ...pick(flow, ['name', 'workTime', 'survey']) }];
  for (const id of Object.keys(nodes)) parts.push({ version: flow['version'], start: 'stub', nodes: { [id]: nodes[id] } });
  const issues: FormIssue[] = [];
  for (const part of parts) {
    const result = validateIvrFlow(part);
    if (!result.ok) issues.push(...result.issues.filter((issue) => issue.code === 'invalidFormat').map(fromIvr));
  }
  return issues;
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** The message in the page's language. */
export function issueText(issue: FormIssue, lang: 'zh-CN' | 'en-US'): string {
  return lang === 'zh-CN' ? issue.message.zh : issue.message.en;
}
