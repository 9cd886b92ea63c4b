import { parseIvrFlow, type IvrFlow } from '@openccc/protocol';

/** Monday 30 November 2026, 10:00 in Shanghai (UTC+8): inside the hotline's hours. */
export const MONDAY_10_SHANGHAI = Date.UTC(2026, 10, 30, 2, 0, 0);

/** The hotline of the tests: a main menu, a sub-menu, play, queue and hang-up nodes, a schedule and a survey. */
export function hotlineFlow(changes: (flow: Record<string, unknown>) => void = () => {}): IvrFlow {
  const flow: Record<string, unknown> = {
    version: 1,
    name: 'Hotline',
    start: 'main',
    workTime: {
      timeZone: 'Asia/Shanghai',
      weekly: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' }],
      holidays: ['2026-12-31'],
      closedPrompts: ['zh-CN/outside-hours', 'zh-CN/goodbye'],
    },
    survey: {
      prompts: ['zh-CN/survey'],
      keys: { '1': { label: '满意' }, '2': { label: '一般' }, '3': { label: '不满意' } },
      noInput: { maxRetries: 1 },
      thanksPrompts: ['zh-CN/thanks'],
    },
    nodes: {
      main: {
        kind: 'menu',
        label: '主菜单',
        prompts: ['zh-CN/welcome'],
        keys: {
          '1': { action: 'queue', skillGroupId: 1, label: '业务咨询', prompts: ['zh-CN/transferring'] },
          '2': { action: 'goto', node: 'support' },
          '3': { action: 'goto', node: 'news' },
          '9': { action: 'hangup', label: '结束', prompts: ['zh-CN/goodbye'] },
          '0': { action: 'repeat', label: '重听' },
          '#': { action: 'goto', node: 'closed' },
        },
        invalidKey: { prompts: ['zh-CN/invalid-key'], maxRetries: 2 },
        noInput: { prompts: ['zh-CN/no-input'], maxRetries: 1 },
        fallback: { action: 'hangup', prompts: ['zh-CN/goodbye'] },
      },
      support: {
        kind: 'menu',
        label: '技术支持',
        prompts: ['support/menu'],
        timeoutMs: 4000,
        bargeIn: false,
        keys: { '1': { action: 'queue', skillGroupId: 2, label: '宽带' }, '*': { action: 'goto', node: 'main', label: '返回' } },
        fallback: { action: 'queue', skillGroupId: 2 },
      },
      news: { kind: 'play', label: '公告', prompts: ['news/today'], next: 'newsQueue' },
      newsQueue: { kind: 'queue', skillGroupId: 3, prompts: ['zh-CN/transferring'] },
      closed: { kind: 'hangup', prompts: ['zh-CN/goodbye'] },
    },
  };
  changes(flow);
  return parseIvrFlow(flow);
}
