import type { ComponentType } from 'preact';
import type { ConsoleApi, ConsoleUser } from './api.js';
import type { Bilingual, Language } from './i18n.js';
import { GettingStarted } from './pages/home/getting-started.js';
import { SkillGroupsPage } from './pages/skill-groups/skill-groups-page.js';
import { StaffPage } from './pages/staff/staff-page.js';
import { NumbersPage } from './pages/numbers/numbers-page.js';
import { PromptsPage } from './pages/numbers/prompts-page.js';
import { KeysPage } from './pages/keys/keys-page.js';
import { EmbeddingPage } from './pages/embedding/embedding-page.js';
import { RecordsPage } from './pages/records/records-page.js';
import { StatusHistoryPage } from './pages/status-history/status-history-page.js';
import { ExplorerPage } from './pages/explorer/explorer-page.js';
import { DashboardPage } from './pages/dashboard/dashboard-page.js';
import { PushPage } from './pages/push/push-page.js';
import { SipTrunksPage } from './pages/sip-trunks/sip-trunks-page.js';
import { ExtensionsPage } from './pages/extensions/extensions-page.js';

/** What every page is given. `readOnly` is true for QA staff: the page shows no control that changes something. */
export interface PageProps {
  api: ConsoleApi;
  user: ConsoleUser;
  lang: Language;
  readOnly: boolean;
}

export interface ConsoleRoute {
  /** The hash route, e.g. `#/staff`; a page may read more of the hash after it (`#/staff?mail=…`). */
  path: `#/${string}`;
  label: Bilingual;
  /** `read`: administrators and QA staff; `admin`: administrators only (hidden from QA staff). */
  access: 'read' | 'admin';
  component: ComponentType<PageProps>;
}

/**
 * The console's pages, in the order of the navigation. To add a page: put it in
 * `pages/<name>/`, import its component above and add one entry here.
 */
export const ROUTES: readonly ConsoleRoute[] = [
  { path: '#/', label: { 'zh-CN': '快速开始', 'en-US': 'Getting started' }, access: 'read', component: GettingStarted },
  { path: '#/dashboard', label: { 'zh-CN': '实时监控', 'en-US': 'Live dashboard' }, access: 'read', component: DashboardPage },
  { path: '#/staff', label: { 'zh-CN': '员工管理', 'en-US': 'Staff' }, access: 'read', component: StaffPage },
  { path: '#/skill-groups', label: { 'zh-CN': '技能组', 'en-US': 'Skill groups' }, access: 'read', component: SkillGroupsPage },
  { path: '#/numbers', label: { 'zh-CN': '号码与 IVR', 'en-US': 'Numbers and IVR' }, access: 'read', component: NumbersPage },
  { path: '#/prompts', label: { 'zh-CN': '提示音库', 'en-US': 'Prompts' }, access: 'read', component: PromptsPage },
  { path: '#/sip-trunks', label: { 'zh-CN': 'SIP 中继', 'en-US': 'SIP trunks' }, access: 'read', component: SipTrunksPage },
  { path: '#/extensions', label: { 'zh-CN': '分机', 'en-US': 'Extensions' }, access: 'read', component: ExtensionsPage },
  { path: '#/records', label: { 'zh-CN': '通话记录', 'en-US': 'Call records' }, access: 'read', component: RecordsPage },
  { path: '#/status-history', label: { 'zh-CN': '坐席状态历史', 'en-US': 'Status history' }, access: 'read', component: StatusHistoryPage },
  { path: '#/explorer', label: { 'zh-CN': 'API Explorer', 'en-US': 'API Explorer' }, access: 'read', component: ExplorerPage },
  { path: '#/keys', label: { 'zh-CN': 'API 密钥', 'en-US': 'API keys' }, access: 'admin', component: KeysPage },
  { path: '#/embedding', label: { 'zh-CN': '嵌入设置', 'en-US': 'Embedding' }, access: 'read', component: EmbeddingPage },
  { path: '#/push', label: { 'zh-CN': '数据推送', 'en-US': 'Data push' }, access: 'admin', component: PushPage },
];

/** A parsed hash: `#/staff/a/b?x=1` → route `#/staff`, rest `['a','b']`, query `x=1`. */
export interface HashLocation {
  path: `#/${string}`;
  rest: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): HashLocation {
  const raw = hash.replace(/^#/, '');
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const segments = pathPart.split('/').filter(Boolean).map((s) => safeDecode(s));
  const [first, ...rest] = segments;
  return { path: `#/${first ?? ''}`, rest, query: new URLSearchParams(queryPart) };
}

/** The routes a user may see: administrators all, QA staff the `read` ones. */
export function routesFor(role: number, routes: readonly ConsoleRoute[] = ROUTES): ConsoleRoute[] {
  return routes.filter((route) => route.access === 'read' || role === 1);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
