import type { ServerStatus } from '@openccc/protocol';
import { dictionary, type Language } from '../../i18n.js';
import { isServerStatus } from './status-timeline.js';

/** The status history page; each `HistoryFilterError` is a key here, so a new one without a text fails to compile. */
export const historyText = dictionary(
  {
    title: '坐席状态历史',
    lead: '选择坐席和时间范围，查看其状态变化（时间范围需小于 7 天，最早可查 180 天前）。',
    agent: '坐席',
    chooseAgent: '请选择坐席',
    from: '开始时间',
    to: '结束时间',
    show: '查询',
    timeline: '状态时间线',
    fit: '从第一次状态变化开始显示',
    timelineLabel: '{agent} 的状态时间线：{summary}',
    caption: '状态变化列表',
    time: '时间',
    status: '状态',
    reason: '原因',
    session: '会话 ID',
    empty: '该时间范围内没有状态变化。',
    pick: '选择坐席后查看状态历史。',
    count: '共 {n} 次状态变化。',
    truncated: '状态变化过多，只读取了前 {n} 条；请缩小时间范围。',
    staffError: '坐席列表加载失败：',
    agentMissing: '请选择坐席。',
    fromMissing: '请选择开始时间。',
    toMissing: '请选择结束时间。',
    fromInvalid: '开始时间无效。',
    toInvalid: '结束时间无效。',
    endBeforeStart: '结束时间不能早于开始时间。',
  },
  {
    title: 'Agent status history',
    lead: "Pick an agent and a time range to see their status changes (the range must be shorter than 7 days and start at most 180 days ago).",
    agent: 'Agent',
    chooseAgent: 'Choose an agent',
    from: 'From',
    to: 'To',
    show: 'Show',
    timeline: 'Status timeline',
    fit: 'Start at the first status change',
    timelineLabel: 'Status timeline of {agent}: {summary}',
    caption: 'Status changes',
    time: 'Time',
    status: 'Status',
    reason: 'Reason',
    session: 'Session ID',
    empty: 'No status change in this time range.',
    pick: 'Choose an agent to see their status history.',
    count: '{n} status changes.',
    truncated: 'Too many status changes; only the first {n} were read. Narrow the time range.',
    staffError: 'Could not load the agents: ',
    agentMissing: 'Choose an agent.',
    fromMissing: 'Choose the start time.',
    toMissing: 'Choose the end time.',
    fromInvalid: 'The start time is not valid.',
    toInvalid: 'The end time is not valid.',
    endBeforeStart: 'The end cannot be before the start.',
  },
);

const STATUS_TEXT: Record<Language, Record<ServerStatus | 'unknown', string>> = {
  'zh-CN': { free: '空闲', busy: '忙碌', rest: '小休', notReady: '示忙', afterCallWork: '话后整理', offline: '离线', unknown: '未知' },
  'en-US': { free: 'Free', busy: 'Busy', rest: 'Resting', notReady: 'Not ready', afterCallWork: 'After-call work', offline: 'Offline', unknown: 'Unknown' },
};

/** A status word in the user's language; a word outside the vocabulary is shown as it is. */
export function statusText(status: string, lang: Language): string {
  if (status === 'unknown' || isServerStatus(status)) return STATUS_TEXT[lang][status];
  return status;
}
