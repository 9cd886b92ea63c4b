import { describe, expect, it } from 'vitest';
import { IVR_ISSUE_CODES, IvrFlowError, checkIvrPrompts, checkIvrSkillGroups, ivrReferences, parseIvrFlow, parseIvrFlowText, validateIvrFlow, type IvrIssue, type IvrIssueCode } from './check.js';

const CJK = /[\u4e00-\u9fff]/;

/** A valid flow with every node kind, a schedule and a survey; each test breaks one thing in a copy. */
function hotline(): Record<string, unknown> {
  return {
    version: 1,
    name: 'Hotline',
    start: 'main',
    workTime: {
      timeZone: 'Asia/Shanghai',
      weekly: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
      holidays: ['2026-10-01'],
      closedPrompts: ['zh-CN/outside-hours'],
    },
    survey: { prompts: ['zh-CN/survey'], keys: { '1': { label: '满意' }, '2': { label: '一般' }, '3': { label: '不满意' } }, thanksPrompts: ['zh-CN/thanks'] },
    nodes: {
      main: {
        kind: 'menu',
        label: '主菜单',
        prompts: ['zh-CN/welcome'],
        keys: {
          '1': { action: 'queue', skillGroupId: 1, label: '业务咨询', prompts: ['zh-CN/transferring'] },
          '2': { action: 'goto', node: 'support', label: '技术支持' },
          '9': { action: 'goto', node: 'bye', label: '结束' },
          '0': { action: 'repeat', label: '重听' },
        },
        invalidKey: { prompts: ['zh-CN/invalid-key'], maxRetries: 2 },
        noInput: { prompts: ['zh-CN/no-input'] },
        fallback: { action: 'hangup', prompts: ['zh-CN/goodbye'] },
      },
      support: { kind: 'play', label: '技术支持', prompts: ['zh-CN/transferring'], next: 'supportQueue' },
      supportQueue: { kind: 'queue', skillGroupId: 2 },
      bye: { kind: 'hangup', prompts: ['zh-CN/goodbye'] },
    },
  };
}

type Json = Record<string, unknown>;
function nodes(flow: Json): Record<string, Json> {
  return flow.nodes as Record<string, Json>;
}

function issuesOf(flow: unknown): IvrIssue[] {
  const result = validateIvrFlow(flow);
  if (result.ok) throw new Error('expected the flow to be refused');
  return result.issues;
}

/** Asserts exactly one issue of `code` at `path`, naming the node in both languages. */
function expectIssue(issues: IvrIssue[], code: IvrIssueCode, path: string, nodeId: string | null): IvrIssue {
  const found = issues.filter((issue) => issue.code === code);
  expect(found.map((issue) => issue.path)).toEqual([path]);
  const issue = found[0] as IvrIssue;
  expect(issue.nodeId).toBe(nodeId);
  expect(issue.message.en).not.toMatch(CJK);
  expect(issue.message.zh).toMatch(CJK);
  if (nodeId !== null) {
    expect(issue.message.en).toContain(`\`${nodeId}\``);
    expect(issue.message.zh).toContain(`\`${nodeId}\``);
  }
  return issue;
}

describe('validateIvrFlow', () => {
  it('accepts a flow with every node kind, a schedule and a survey', () => {
    const result = validateIvrFlow(hotline());
    expect(result.ok).toBe(true);
  });

  it('refuses a value that is not an object, saying what a flow holds', () => {
    for (const input of [null, [], 'flow', 3]) {
      const [issue] = issuesOf(input);
      expect(issue?.code).toBe('invalidFormat');
      expect(issue?.message.en).toContain('`nodes`');
    }
  });

  it.each([
    ['a wrong type', (f: Json) => (nodes(f).main!.timeoutMs = '5s'), 'nodes.main.timeoutMs', 'main'],
    ['an unknown node kind', (f: Json) => (nodes(f).bye!.kind = 'voicemail'), 'nodes.bye.kind', 'bye'],
    ['a missing kind', (f: Json) => delete nodes(f).bye!.kind, 'nodes.bye.kind', 'bye'],
    ['an unknown action', (f: Json) => ((nodes(f).main!.keys as Json)['1'] = { action: 'transfer' }), 'nodes.main.keys.1.action', 'main'],
    ['a key that is not DTMF', (f: Json) => ((nodes(f).main!.keys as Json)['12'] = { action: 'repeat' }), 'nodes.main.keys', 'main'],
    ['an unknown field', (f: Json) => (nodes(f).support!.nxt = 'main'), 'nodes.support.nxt', 'support'],
    ['a missing field', (f: Json) => delete nodes(f).support!.next, 'nodes.support.next', 'support'],
    ['a bad node id', (f: Json) => (nodes(f)['1st'] = { kind: 'hangup' }), 'nodes', null],
    ['a prompt id that is a path', (f: Json) => (nodes(f).bye!.prompts = ['../etc/passwd']), 'nodes.bye.prompts.0', 'bye'],
    ['an unknown time zone', (f: Json) => ((f.workTime as Json).timeZone = 'Mars/Olympus'), 'workTime.timeZone', null],
    ['a bad time of day', (f: Json) => ((f.workTime as Json).weekly = [{ days: [1], from: '9:00', to: '18:00' }]), 'workTime.weekly.0.from', null],
    ['a weekday out of range', (f: Json) => ((f.workTime as Json).weekly = [{ days: [0], from: '09:00', to: '18:00' }]), 'workTime.weekly.0.days.0', null],
    ['another version', (f: Json) => (f.version = 2), 'version', null],
  ])('names the path and node of a format error: %s', (_what, breakIt, path, nodeId) => {
    const flow = hotline();
    breakIt(flow);
    const issues = issuesOf(flow);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'invalidFormat', path, nodeId });
    expect(issues[0]?.message.en).toContain(`\`${path}\``);
    expect(issues[0]?.message.zh).toMatch(CJK);
  });

  it('refuses a start that names no node, listing the nodes', () => {
    const flow = hotline();
    flow.start = 'welcome';
    const issue = expectIssue(issuesOf(flow), 'missingStart', 'start', null);
    expect(issue.message.en).toContain('`welcome`');
    expect(issue.message.en).toContain('main, support, supportQueue, bye');
  });

  it('refuses goto, next and fallback targets that do not exist, each by its path', () => {
    const flow = hotline();
    (nodes(flow).main!.keys as Json)['2'] = { action: 'goto', node: 'sales' };
    nodes(flow).support!.next = 'queue2';
    const issues = issuesOf(flow);
    expect(issues.filter((issue) => issue.code === 'unknownTarget').map((issue) => issue.path)).toEqual(['nodes.main.keys.2.node', 'nodes.support.next']);
    expect(issues.find((issue) => issue.path === 'nodes.main.keys.2.node')?.message.en).toBe('Node `main` goes to node `sales` (`nodes.main.keys.2.node`), which does not exist. Add the node or correct the id.');

    const fallback = hotline();
    nodes(fallback).main!.fallback = { action: 'goto', node: 'nowhere' };
    expectIssue(issuesOf(fallback), 'unknownTarget', 'nodes.main.fallback.node', 'main');
  });

  it('refuses nodes nothing leads to', () => {
    const flow = hotline();
    nodes(flow).orphan = { kind: 'play', prompts: ['zh-CN/goodbye'], next: 'bye' };
    const issues = issuesOf(flow);
    expect(issues.filter((issue) => issue.code === 'unreachableNode').map((issue) => issue.nodeId)).toEqual(['orphan']);
    expect(issues.find((issue) => issue.nodeId === 'orphan')?.message.en).toContain('cannot be reached from `start` (`main`)');
  });

  it('refuses play nodes that go round without a key wait', () => {
    const flow = hotline();
    nodes(flow).support!.next = 'again';
    nodes(flow).again = { kind: 'play', prompts: ['zh-CN/all-busy'], next: 'support' };
    const issue = expectIssue(issuesOf(flow), 'endlessLoop', 'nodes.support.next', 'support');
    expect(issue.message.en).toContain('`support` → `again` → `support`');
    expect(issue.message.en).toContain('never wait for a key');
  });

  it('refuses fallbacks that lead a silent caller round forever, but not a loop through a key', () => {
    const flow = hotline();
    nodes(flow).main!.fallback = { action: 'goto', node: 'main' };
    expectIssue(issuesOf(flow), 'endlessLoop', 'nodes.main.fallback.node', 'main');

    const repeat = hotline();
    nodes(repeat).main!.fallback = { action: 'repeat' };
    expectIssue(issuesOf(repeat), 'endlessLoop', 'nodes.main.fallback.action', 'main');

    const viaKey = hotline();
    nodes(viaKey).bye = { kind: 'menu', prompts: ['zh-CN/goodbye'], keys: { '1': { action: 'goto', node: 'main' } }, fallback: { action: 'goto', node: 'main' } };
    expect(validateIvrFlow(viaKey).ok).toBe(true);
  });

  it('refuses an empty work-time range and says how to write one past midnight', () => {
    const flow = hotline();
    (flow.workTime as Json).weekly = [{ days: [6], from: '20:00', to: '02:00' }];
    const issue = expectIssue(issuesOf(flow), 'emptyTimeRange', 'workTime.weekly.0', null);
    expect(issue.message.en).toContain('split a range that passes midnight in two');
  });

  it('reports every graph issue at once', () => {
    const flow = hotline();
    flow.start = 'nope';
    nodes(flow).support!.next = 'gone';
    const codes = issuesOf(flow).map((issue) => issue.code);
    expect(codes).toEqual(['missingStart', 'unknownTarget']);
  });

  it('parseIvrFlow throws every issue in one IvrFlowError', () => {
    const flow = hotline();
    nodes(flow).support!.next = 'gone';
    let caught: unknown;
    try {
      parseIvrFlow(flow);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IvrFlowError);
    expect((caught as IvrFlowError).issues.map((issue) => issue.code)).toEqual(['unknownTarget', 'unreachableNode']);
    expect((caught as IvrFlowError).message).toContain('- Node `support` goes to node `gone`');
    expect((caught as IvrFlowError).messageIn('zh-CN')).toContain('- 节点 `support` 跳转到不存在的节点 `gone`');
    expect((caught as IvrFlowError).messageIn('en-US')).toBe((caught as IvrFlowError).message);
  });

  it('parseIvrFlowText reads a file\'s text, a JSON syntax error included', () => {
    expect(parseIvrFlowText(JSON.stringify(hotline())).start).toBe('main');
    let caught: unknown;
    try {
      parseIvrFlowText('{"version": 1, "start": "main",}');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(IvrFlowError);
    expect((caught as IvrFlowError).issues).toMatchObject([{ code: 'invalidFormat', path: '', nodeId: null }]);
    expect((caught as IvrFlowError).message).toContain('not valid JSON');
  });
});

describe('references', () => {
  const flow = parseIvrFlow(hotline());

  it('lists every prompt and skill group with its path', () => {
    const refs = ivrReferences(flow);
    expect(refs.skillGroups.map((ref) => [ref.value, ref.path])).toEqual([
      [1, 'nodes.main.keys.1.skillGroupId'],
      [2, 'nodes.supportQueue.skillGroupId'],
    ]);
    expect(refs.prompts.map((ref) => ref.path)).toEqual([
      'nodes.main.prompts.0',
      'nodes.main.keys.1.prompts.0',
      'nodes.main.invalidKey.prompts.0',
      'nodes.main.noInput.prompts.0',
      'nodes.main.fallback.prompts.0',
      'nodes.support.prompts.0',
      'nodes.bye.prompts.0',
      'workTime.closedPrompts.0',
      'survey.prompts.0',
      'survey.thanksPrompts.0',
    ]);
  });

  it('checkIvrPrompts names each prompt missing from a library, with its node', () => {
    const library = new Set(['zh-CN/welcome', 'zh-CN/transferring', 'zh-CN/invalid-key', 'zh-CN/no-input', 'zh-CN/goodbye', 'zh-CN/outside-hours', 'zh-CN/survey']);
    const issues = checkIvrPrompts(flow, (id) => library.has(id));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'missingPrompt', path: 'survey.thanksPrompts.0', nodeId: null });
    expect(issues[0]?.message.en).toBe('Prompt `zh-CN/thanks` in `survey.thanksPrompts.0` is not in the prompt library. Upload it or use an existing prompt id.');
    const inNode = checkIvrPrompts(flow, (id) => id !== 'zh-CN/welcome');
    expectIssue(inNode, 'missingPrompt', 'nodes.main.prompts.0', 'main');
  });

  it('checkIvrSkillGroups names each skill group that does not exist', () => {
    const issues = checkIvrSkillGroups(flow, (id) => id === 1);
    expectIssue(issues, 'unknownSkillGroup', 'nodes.supportQueue.skillGroupId', 'supportQueue');
  });
});

it('every issue code is tested above', () => {
  expect(IVR_ISSUE_CODES).toEqual(['invalidFormat', 'missingStart', 'unknownTarget', 'unreachableNode', 'endlessLoop', 'emptyTimeRange', 'missingPrompt', 'unknownSkillGroup']);
});
