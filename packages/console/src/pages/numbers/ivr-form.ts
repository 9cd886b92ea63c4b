import { IVR_FLOW_VERSION, type IvrAction, type IvrFlow, type IvrNode, type IvrRetry } from '@openccc/protocol';

/**
 * The IVR editor's form state, and its two-way mapping to the IVR flow format (docs/ivr.md).
 * Numbers are kept as the text typed, so that a half-typed value is still a state; nodes and keys
 * are ordered lists with a stable `uid` each, so that renaming a node or changing a key keeps its
 * place (and its inputs) on the page. `formToFlow` writes the flow the server validates.
 */

export type NodeKind = IvrNode['kind'];
export type ActionKind = IvrAction['action'];
export const NODE_KINDS: readonly NodeKind[] = ['menu', 'play', 'queue', 'hangup'];
export const ACTION_KINDS: readonly ActionKind[] = ['queue', 'goto', 'repeat', 'hangup'];
export const DTMF_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#'] as const;

export interface ActionForm {
  action: ActionKind;
  node: string;
  skillGroupId: string;
  prompts: string[];
  label: string;
}

export interface RetryForm {
  prompts: string[];
  maxRetries: string;
}

export interface KeyForm {
  uid: string;
  key: string;
  action: ActionForm;
}

/** One node: the fields of every kind, so that switching kind back and forth loses nothing typed. */
export interface NodeForm {
  uid: string;
  id: string;
  kind: NodeKind;
  label: string;
  prompts: string[];
  keys: KeyForm[];
  timeoutMs: string;
  /** null: not set (the default, true). */
  bargeIn: boolean | null;
  invalidKey: RetryForm;
  noInput: RetryForm;
  /** null: not set (the default: hang up). */
  fallback: ActionForm | null;
  next: string;
  skillGroupId: string;
}

export interface WeeklyRangeForm {
  uid: string;
  days: number[];
  from: string;
  to: string;
}

export interface WorkTimeForm {
  timeZone: string;
  weekly: WeeklyRangeForm[];
  holidays: string[];
  closedPrompts: string[];
}

export interface SurveyKeyForm {
  uid: string;
  key: string;
  label: string;
}

export interface SurveyForm {
  label: string;
  prompts: string[];
  keys: SurveyKeyForm[];
  timeoutMs: string;
  bargeIn: boolean | null;
  invalidKey: RetryForm;
  noInput: RetryForm;
  thanksPrompts: string[];
}

export interface FlowForm {
  name: string;
  start: string;
  nodes: NodeForm[];
  workTime: WorkTimeForm | null;
  survey: SurveyForm | null;
}

let uids = 0;
/** A row's identity on the page; never written to the flow. */
export function newUid(): string {
  return `r${++uids}`;
}

export function emptyAction(action: ActionKind = 'queue'): ActionForm {
  return { action, node: '', skillGroupId: '', prompts: [], label: '' };
}

function emptyRetry(): RetryForm {
  return { prompts: [], maxRetries: '' };
}

export function emptyNode(id: string, kind: NodeKind = 'menu'): NodeForm {
  return { uid: newUid(), id, kind, label: '', prompts: [], keys: [], timeoutMs: '', bargeIn: null, invalidKey: emptyRetry(), noInput: emptyRetry(), fallback: null, next: '', skillGroupId: '' };
}

export function emptyKey(key: string, action: ActionForm = emptyAction()): KeyForm {
  return { uid: newUid(), key, action };
}

export function defaultWorkTime(): WorkTimeForm {
  return { timeZone: 'Asia/Shanghai', weekly: [{ uid: newUid(), days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }], holidays: [], closedPrompts: ['zh-CN/outside-hours'] };
}

export function defaultSurvey(): SurveyForm {
  return {
    label: '',
    prompts: ['zh-CN/survey'],
    keys: [
      { uid: newUid(), key: '1', label: '满意' },
      { uid: newUid(), key: '2', label: '一般' },
      { uid: newUid(), key: '3', label: '不满意' },
    ],
    timeoutMs: '',
    bargeIn: null,
    invalidKey: emptyRetry(),
    noInput: emptyRetry(),
    thanksPrompts: ['zh-CN/thanks'],
  };
}

/** A new flow: one menu whose key 1 queues to the first skill group. */
export function newFlowForm(firstSkillGroupId?: number): FlowForm {
  const main = emptyNode('main');
  main.label = '主菜单';
  main.prompts = ['zh-CN/welcome'];
  main.keys = [emptyKey('1', { ...emptyAction('queue'), skillGroupId: firstSkillGroupId === undefined ? '' : String(firstSkillGroupId) })];
  return { name: '', start: 'main', nodes: [main], workTime: null, survey: null };
}

// ── flow → form ─────────────────────────────────────────────────────────

const text = (value: number | undefined): string => (value === undefined ? '' : String(value));

function actionForm(action: IvrAction): ActionForm {
  return {
    action: action.action,
    node: action.action === 'goto' ? action.node : '',
    skillGroupId: action.action === 'queue' ? String(action.skillGroupId) : '',
    prompts: action.action === 'queue' || action.action === 'hangup' ? [...(action.prompts ?? [])] : [],
    label: action.label ?? '',
  };
}

function retryForm(retry: IvrRetry | undefined): RetryForm {
  return { prompts: [...(retry?.prompts ?? [])], maxRetries: text(retry?.maxRetries) };
}

/** Keys in the order of a phone's keypad (an object's integer keys would come 0 first). */
function keyOrder(key: string): number {
  return DTMF_KEYS.indexOf(key as (typeof DTMF_KEYS)[number]);
}

function nodeForm(id: string, node: IvrNode): NodeForm {
  const form = emptyNode(id, node.kind);
  form.label = node.label ?? '';
  form.prompts = [...(node.prompts ?? [])];
  if (node.kind === 'menu') {
    form.keys = Object.entries(node.keys)
      .sort(([a], [b]) => keyOrder(a) - keyOrder(b))
      .map(([key, action]) => emptyKey(key, actionForm(action)));
    form.timeoutMs = text(node.timeoutMs);
    form.bargeIn = node.bargeIn ?? null;
    form.invalidKey = retryForm(node.invalidKey);
    form.noInput = retryForm(node.noInput);
    form.fallback = node.fallback ? actionForm(node.fallback) : null;
  }
  if (node.kind === 'play') form.next = node.next;
  if (node.kind === 'queue') form.skillGroupId = String(node.skillGroupId);
  return form;
}

/** The form for a valid flow (as the server stores it). */
export function flowToForm(flow: IvrFlow): FlowForm {
  const work = flow.workTime;
  const survey = flow.survey;
  return {
    name: flow.name ?? '',
    start: flow.start,
    nodes: Object.entries(flow.nodes).map(([id, node]) => nodeForm(id, node)),
    workTime: work
      ? { timeZone: work.timeZone, weekly: work.weekly.map((range) => ({ uid: newUid(), days: [...range.days], from: range.from, to: range.to })), holidays: [...(work.holidays ?? [])], closedPrompts: [...work.closedPrompts] }
      : null,
    survey: survey
      ? {
          label: survey.label ?? '',
          prompts: [...survey.prompts],
          keys: Object.entries(survey.keys).map(([key, value]) => ({ uid: newUid(), key, label: value.label })),
          timeoutMs: text(survey.timeoutMs),
          bargeIn: survey.bargeIn ?? null,
          invalidKey: retryForm(survey.invalidKey),
          noInput: retryForm(survey.noInput),
          thanksPrompts: [...(survey.thanksPrompts ?? [])],
        }
      : null,
  };
}

// ── form → flow ─────────────────────────────────────────────────────────

/** Digits become a number; anything else is passed on as typed, for the validation to name; empty is left out. */
function integer(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** Sets the fields whose value is not undefined, in order (the JSON preview reads naturally). */
function fields(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) if (value !== undefined) out[key] = value;
  return out;
}

const optionalText = (value: string): string | undefined => (value.trim() === '' ? undefined : value.trim());
const optionalList = (list: string[]): string[] | undefined => (list.length === 0 ? undefined : [...list]);

function actionJson(action: ActionForm): Record<string, unknown> {
  switch (action.action) {
    case 'goto':
      return fields([['action', 'goto'], ['node', action.node], ['label', optionalText(action.label)]]);
    case 'queue':
      return fields([['action', 'queue'], ['skillGroupId', integer(action.skillGroupId)], ['prompts', optionalList(action.prompts)], ['label', optionalText(action.label)]]);
    case 'hangup':
      return fields([['action', 'hangup'], ['prompts', optionalList(action.prompts)], ['label', optionalText(action.label)]]);
    case 'repeat':
      return fields([['action', 'repeat'], ['label', optionalText(action.label)]]);
  }
}

function retryJson(retry: RetryForm): Record<string, unknown> | undefined {
  const out = fields([['prompts', optionalList(retry.prompts)], ['maxRetries', integer(retry.maxRetries)]]);
  return Object.keys(out).length === 0 ? undefined : out;
}

function keyMap<T>(rows: ReadonlyArray<{ key: string }>, value: (index: number) => T): Record<string, T> {
  const out: Record<string, T> = {};
  rows.forEach((row, index) => (out[row.key] = value(index)));
  return out;
}

function nodeJson(node: NodeForm): Record<string, unknown> {
  const base: Array<[string, unknown]> = [['kind', node.kind], ['label', optionalText(node.label)]];
  switch (node.kind) {
    case 'menu':
      return fields([
        ...base,
        ['prompts', [...node.prompts]],
        ['timeoutMs', integer(node.timeoutMs)],
        ['bargeIn', node.bargeIn ?? undefined],
        ['keys', keyMap(node.keys, (i) => actionJson(node.keys[i]!.action))],
        ['invalidKey', retryJson(node.invalidKey)],
        ['noInput', retryJson(node.noInput)],
        ['fallback', node.fallback ? actionJson(node.fallback) : undefined],
      ]);
    case 'play':
      return fields([...base, ['prompts', [...node.prompts]], ['next', node.next]]);
    case 'queue':
      return fields([...base, ['prompts', optionalList(node.prompts)], ['skillGroupId', integer(node.skillGroupId)]]);
    case 'hangup':
      return fields([...base, ['prompts', optionalList(node.prompts)]]);
  }
}

/** The flow's JSON as the form stands, valid or not (validation says what is wrong, by path). */
export function formToFlow(form: FlowForm): Record<string, unknown> {
  const work = form.workTime;
  const survey = form.survey;
  const nodes: Record<string, unknown> = {};
  for (const node of form.nodes) nodes[node.id] = nodeJson(node);
  return fields([
    ['version', IVR_FLOW_VERSION],
    ['name', optionalText(form.name)],
    ['start', form.start],
    [
      'workTime',
      work
        ? fields([
            ['timeZone', work.timeZone.trim()],
            ['weekly', work.weekly.map((range) => ({ days: [...range.days].sort((a, b) => a - b), from: range.from.trim(), to: range.to.trim() }))],
            ['holidays', optionalList(work.holidays)],
            ['closedPrompts', [...work.closedPrompts]],
          ])
        : undefined,
    ],
    [
      'survey',
      survey
        ? fields([
            ['label', optionalText(survey.label)],
            ['prompts', [...survey.prompts]],
            ['keys', keyMap(survey.keys, (i) => ({ label: survey.keys[i]!.label.trim() }))],
            ['timeoutMs', integer(survey.timeoutMs)],
            ['bargeIn', survey.bargeIn ?? undefined],
            ['invalidKey', retryJson(survey.invalidKey)],
            ['noInput', retryJson(survey.noInput)],
            ['thanksPrompts', optionalList(survey.thanksPrompts)],
          ])
        : undefined,
    ],
    ['nodes', nodes],
  ]);
}

// ── edits that keep the flow whole ─────────────────────────────────────

/** Renames a node and every reference to it (start, goto keys and fallbacks, play nodes' next). */
export function renameNode(form: FlowForm, uid: string, id: string): FlowForm {
  const old = form.nodes.find((node) => node.uid === uid)?.id;
  if (old === undefined) return form;
  const ref = (value: string) => (value === old && old !== '' ? id : value);
  const action = (a: ActionForm): ActionForm => (a.action === 'goto' ? { ...a, node: ref(a.node) } : a);
  return {
    ...form,
    start: ref(form.start),
    nodes: form.nodes.map((node) => ({
      ...node,
      id: node.uid === uid ? id : node.id,
      next: ref(node.next),
      keys: node.keys.map((key) => ({ ...key, action: action(key.action) })),
      fallback: node.fallback ? action(node.fallback) : null,
    })),
  };
}

/** A node id not yet used: `node2`, `node3`… */
export function freshNodeId(form: FlowForm, stem = 'node'): string {
  const used = new Set(form.nodes.map((node) => node.id));
  for (let n = form.nodes.length + 1; ; n++) if (!used.has(`${stem}${n}`)) return `${stem}${n}`;
}
