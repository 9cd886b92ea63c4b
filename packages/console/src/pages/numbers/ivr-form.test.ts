import { describe, expect, it } from 'vitest';
import { parseIvrFlow } from '@openccc/protocol';
import { checkForm, type CheckContext } from './ivr-check.js';
import { defaultSurvey, defaultWorkTime, emptyAction, emptyKey, emptyNode, flowToForm, formToFlow, freshNodeId, newFlowForm, renameNode, type FlowForm } from './ivr-form.js';

/** docs/ivr.md's complete example. */
const HOTLINE = {
  version: 1,
  name: 'Hotline',
  start: 'main',
  workTime: {
    timeZone: 'Asia/Shanghai',
    weekly: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
    holidays: ['2026-10-01', '2026-10-02'],
    closedPrompts: ['zh-CN/outside-hours', 'zh-CN/goodbye'],
  },
  survey: {
    prompts: ['zh-CN/survey'],
    keys: { '1': { label: '满意' }, '2': { label: '一般' }, '3': { label: '不满意' } },
    thanksPrompts: ['zh-CN/thanks'],
  },
  nodes: {
    main: {
      kind: 'menu',
      label: '主菜单',
      prompts: ['zh-CN/welcome'],
      timeoutMs: 6000,
      keys: {
        '1': { action: 'queue', skillGroupId: 1, label: '业务咨询', prompts: ['zh-CN/transferring'] },
        '2': { action: 'goto', node: 'support', label: '技术支持' },
        '0': { action: 'repeat', label: '重听' },
        '9': { action: 'goto', node: 'bye', label: '结束' },
      },
      invalidKey: { prompts: ['zh-CN/invalid-key'], maxRetries: 2 },
      noInput: { prompts: ['zh-CN/no-input'], maxRetries: 2 },
      fallback: { action: 'hangup', prompts: ['zh-CN/goodbye'] },
    },
    support: { kind: 'play', label: '技术支持', prompts: ['zh-CN/transferring'], next: 'supportQueue' },
    supportQueue: { kind: 'queue', label: '技术支持队列', skillGroupId: 2 },
    bye: { kind: 'hangup', label: '再见', prompts: ['zh-CN/goodbye'] },
  },
};

const everything: CheckContext = { promptExists: () => true, skillGroupExists: () => true };

function pathsOf(form: FlowForm, context: CheckContext = everything): string[] {
  return checkForm(form, context).map((issue) => issue.path);
}

describe('the IVR form', () => {
  it('maps a flow to the form and back unchanged', () => {
    const form = flowToForm(parseIvrFlow(HOTLINE));
    expect(form.nodes.map((node) => [node.id, node.kind])).toEqual([
      ['main', 'menu'],
      ['support', 'play'],
      ['supportQueue', 'queue'],
      ['bye', 'hangup'],
    ]);
    expect(form.nodes[0]!.keys.map((key) => [key.key, key.action.action])).toEqual([
      ['1', 'queue'],
      ['2', 'goto'],
      ['9', 'goto'],
      ['0', 'repeat'],
    ]);
    expect(formToFlow(form)).toEqual(HOTLINE);
    expect(checkForm(form, everything)).toEqual([]);
  });

  it('keeps what a kind does not use while the kind changes, and writes only what the kind has', () => {
    const form = flowToForm(parseIvrFlow(HOTLINE));
    const main = form.nodes[0]!;
    main.kind = 'hangup';
    expect((formToFlow(form)['nodes'] as Record<string, unknown>)['main']).toEqual({ kind: 'hangup', label: '主菜单', prompts: ['zh-CN/welcome'] });
    main.kind = 'menu';
    expect(formToFlow(form)).toEqual(HOTLINE);
  });

  it('starts a new flow as a menu whose key 1 queues to the first skill group, valid as it is', () => {
    const form = newFlowForm(7);
    expect(formToFlow(form)).toEqual({
      version: 1,
      start: 'main',
      nodes: { main: { kind: 'menu', label: '主菜单', prompts: ['zh-CN/welcome'], keys: { '1': { action: 'queue', skillGroupId: 7 } } } },
    });
    expect(pathsOf(form)).toEqual([]);
    form.workTime = defaultWorkTime();
    form.survey = defaultSurvey();
    expect(pathsOf(form)).toEqual([]);
  });

  it('renames a node everywhere it is named', () => {
    const form = flowToForm(parseIvrFlow(HOTLINE));
    const renamed = renameNode(renameNode(form, form.nodes[0]!.uid, 'menu1'), form.nodes[3]!.uid, 'goodbye');
    const flow = formToFlow(renamed);
    expect(flow['start']).toBe('menu1');
    expect(Object.keys(flow['nodes'] as object)).toEqual(['menu1', 'support', 'supportQueue', 'goodbye']);
    expect(pathsOf(renamed)).toEqual([]);
    expect(freshNodeId(renamed)).toBe('node5');
  });
});

describe('the IVR form check', () => {
  it('points at a key that goes to no node, and at a key queued to no skill group', () => {
    const form = newFlowForm();
    const main = form.nodes[0]!;
    expect(pathsOf(form)).toEqual(['nodes.main.keys.1.skillGroupId']);
    main.keys[0]!.action.skillGroupId = 'abc';
    expect(pathsOf(form)).toEqual(['nodes.main.keys.1.skillGroupId']);
    main.keys[0]!.action.skillGroupId = '3';
    main.keys.push(emptyKey('2', { ...emptyAction('goto'), node: 'sales' }));
    expect(checkForm(form, everything)).toEqual([{ path: 'nodes.main.keys.2.node', message: expect.objectContaining({ zh: expect.stringContaining('sales') }) }]);
  });

  it('reports the format errors of every node at once', () => {
    const form = newFlowForm(1);
    form.nodes[0]!.timeoutMs = '500';
    const play = emptyNode('intro', 'play');
    form.nodes.push(play);
    form.nodes[0]!.keys.push(emptyKey('2', { ...emptyAction('goto'), node: 'intro' }));
    // Within one node, the first error.
    expect(pathsOf(form)).toEqual(['nodes.main.timeoutMs', 'nodes.intro.prompts']);
  });

  it('finds two nodes with one id, a key listed twice and a bad node id', () => {
    const form = newFlowForm(1);
    form.nodes.push(emptyNode('main', 'hangup'));
    form.nodes[0]!.keys.push(emptyKey('1', emptyAction('repeat')));
    expect(pathsOf(form)).toEqual(['nodes.main.keys.1', 'nodes.main.id']);
    form.nodes[1]!.id = '2nd';
    form.nodes[0]!.keys.pop();
    expect(pathsOf(form)).toEqual(['nodes.2nd.id']);
  });

  it('checks the work time and the survey', () => {
    const form = newFlowForm(1);
    form.workTime = defaultWorkTime();
    form.workTime.weekly[0]!.to = '8:00';
    form.survey = defaultSurvey();
    form.survey.keys = [];
    expect(pathsOf(form)).toEqual(['workTime.weekly.0.to']);
    form.workTime.weekly[0]!.to = '08:00';
    form.workTime.timeZone = 'Mars/Olympus';
    expect(pathsOf(form)).toEqual(['workTime.timeZone']);
    form.workTime.timeZone = 'Asia/Shanghai';
    expect(pathsOf(form)).toEqual(['survey.keys']);
    form.survey.keys = defaultSurvey().keys;
    expect(pathsOf(form)).toEqual(['workTime.weekly.0']);
    form.workTime.weekly[0]!.to = '18:00';
    form.survey.noInput.maxRetries = '12';
    expect(pathsOf(form)).toEqual(['survey.noInput.maxRetries']);
    form.survey.noInput.maxRetries = '1';
    form.survey.bargeIn = false;
    expect(pathsOf(form)).toEqual([]);
    expect(formToFlow(form)['survey']).toMatchObject({ bargeIn: false, noInput: { maxRetries: 1 } });
  });

  it('names prompts and skill groups the instance does not have', () => {
    const form = newFlowForm(4);
    form.nodes[0]!.prompts = ['zh-CN/welcome', 'uploaded/9'];
    const context: CheckContext = { promptExists: (id) => id.startsWith('zh-CN/'), skillGroupExists: (id) => id !== 4 };
    expect(pathsOf(form, context)).toEqual(['nodes.main.keys.1.skillGroupId', 'nodes.main.prompts.1']);
  });
});
