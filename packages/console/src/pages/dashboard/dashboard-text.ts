import { dictionary, type Language } from '../../i18n.js';
import type { ServerStatus } from '@openccc/protocol';

/** The live dashboard's words. */
export const dashboardText = dictionary(
  {
    title: '实时监控',
    lead: '坐席状态、排队和今日通话，实时更新。',
    connecting: '连接中…',
    live: '实时',
    reconnecting: '连接已断开，正在重连…',
    agentsHeading: '坐席状态',
    filterHint: '点击状态可筛选下方的坐席列表。',
    todayHeading: '今日',
    answered: '已接听',
    abandoned: '放弃',
    outbound: '外呼',
    serviceLevel: '服务水平',
    serviceLevelHint: '{n} 秒内接听',
    serviceLevelTarget: '服务水平目标（秒）',
    serviceLevelInvalid: '请输入 1–600 之间的整数。',
    callsHeading: '当前呼入',
    ivr: 'IVR 中',
    queued: '排队中',
    ringing: '振铃中',
    talking: '通话中',
    queuesHeading: '排队',
    group: '技能组',
    waiting: '排队数',
    longest: '最长等待',
    noGroups: '尚无技能组。',
    chartHeading: '最近一小时每分钟通话',
    chartSummary: '最近一小时：已接听 {answered}，放弃 {abandoned}，外呼 {outbound}。',
    minuteTitle: '{time}：已接听 {answered}，放弃 {abandoned}，外呼 {outbound}',
    listHeading: '坐席列表',
    showing: '显示 {n} / {total} 位坐席',
    showAll: '显示全部',
    name: '姓名',
    staffNumber: '工号',
    mail: '邮箱',
    status: '状态',
    reason: '原因',
    inStatus: '持续时间',
    noAgents: '没有处于该状态的坐席。',
    notSeen: '—',
  },
  {
    title: 'Live dashboard',
    lead: "Agents, queues and today's calls, updated live.",
    connecting: 'Connecting…',
    live: 'Live',
    reconnecting: 'Disconnected; reconnecting…',
    agentsHeading: 'Agents by status',
    filterHint: 'Choose a status to filter the agent list below.',
    todayHeading: 'Today',
    answered: 'Answered',
    abandoned: 'Abandoned',
    outbound: 'Outbound',
    serviceLevel: 'Service level',
    serviceLevelHint: 'Within {n} s',
    serviceLevelTarget: 'Service level target (s)',
    serviceLevelInvalid: 'Enter a whole number from 1 to 600.',
    callsHeading: 'Inbound calls now',
    ivr: 'In IVR',
    queued: 'Queued',
    ringing: 'Ringing',
    talking: 'Talking',
    queuesHeading: 'Queues',
    group: 'Skill group',
    waiting: 'Waiting',
    longest: 'Longest wait',
    noGroups: 'No skill groups yet.',
    chartHeading: 'Calls per minute, last hour',
    chartSummary: 'Last hour: {answered} answered, {abandoned} abandoned, {outbound} outbound.',
    minuteTitle: '{time}: {answered} answered, {abandoned} abandoned, {outbound} outbound',
    listHeading: 'Agents',
    showing: 'Showing {n} of {total} agents',
    showAll: 'Show all',
    name: 'Name',
    staffNumber: 'Staff no.',
    mail: 'Email',
    status: 'Status',
    reason: 'Reason',
    inStatus: 'Time in status',
    noAgents: 'No agent is in this status.',
    notSeen: '—',
  },
);

const STATUS_TEXT: Record<Language, Record<ServerStatus, string>> = {
  'zh-CN': { free: '空闲', busy: '忙碌', rest: '小休', notReady: '示忙', afterCallWork: '话后整理', offline: '离线' },
  'en-US': { free: 'Free', busy: 'Busy', rest: 'Resting', notReady: 'Not ready', afterCallWork: 'After-call work', offline: 'Offline' },
};

/** A status word in the page's language. */
export function statusLabel(status: ServerStatus, lang: Language): string {
  return STATUS_TEXT[lang][status];
}

/** A duration as `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
