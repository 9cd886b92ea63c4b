import { API_BASE, ApiError, isRecord, type ConsoleApi } from '../../api.js';

/** What the numbers and prompt pages read from the console API (packages/server/src/console/numbers-routes.ts, prompts-routes.ts). */

export type NumberRouteSummary = { kind: 'none' } | { kind: 'skillGroup'; skillGroupId: number } | { kind: 'ivr'; name: string };

export interface NumberRow {
  number: string;
  state: 'enabled' | 'disabled';
  route: NumberRouteSummary;
  callOutSkillGroupIds: number[];
}

export type NumberRoute = { kind: 'none' } | { kind: 'skillGroup'; skillGroupId: number } | { kind: 'ivr'; flow: unknown };

export interface PromptRow {
  promptId: string;
  builtIn: boolean;
  name: string;
  language: string | null;
  text: string;
  durationMs: number | null;
  format: string | null;
  bytes: number | null;
  createdAt: number | null;
}

export interface SkillGroupOption {
  id: number;
  name: string;
}

/** An issue the server found in a flow, with the path of its field. */
export interface ServerIssue {
  code: string;
  path: string;
  message: { en: string; zh: string };
}

/** At most this many bytes per prompt (TCCC's limit, checked by the server too). */
export const MAX_PROMPT_BYTES = 5 * 1024 * 1024;

export const numberPath = (number: string) => `/numbers/${encodeURIComponent(number)}`;

export async function loadNumbers(api: ConsoleApi): Promise<NumberRow[]> {
  return (await api.get<{ numbers: NumberRow[] }>('/numbers')).numbers;
}

export async function loadNumber(api: ConsoleApi, number: string): Promise<NumberRow & { route: NumberRoute }> {
  return api.get(numberPath(number));
}

export async function loadPrompts(api: ConsoleApi): Promise<PromptRow[]> {
  return (await api.get<{ prompts: PromptRow[] }>('/prompts')).prompts;
}

export async function loadSkillGroups(api: ConsoleApi): Promise<SkillGroupOption[]> {
  const out: SkillGroupOption[] = [];
  for (let page = 0; ; page++) {
    const res = await api.action<{ TotalCount?: number; SkillGroupList?: Array<{ SkillGroupId?: number; SkillGroupName?: string }> }>('DescribeSkillGroupInfoList', { PageSize: 100, PageNumber: page });
    const list = res.SkillGroupList ?? [];
    for (const group of list) if (typeof group.SkillGroupId === 'number') out.push({ id: group.SkillGroupId, name: group.SkillGroupName ?? String(group.SkillGroupId) });
    if (list.length < 100 || out.length >= (res.TotalCount ?? 0)) return out;
  }
}

/** The issues of a refused flow (`error.issues` of a 400 from PUT /numbers/:number/route), or null. */
export function serverIssues(body: unknown): ServerIssue[] | null {
  const error = isRecord(body) && isRecord(body['error']) ? body['error'] : null;
  const issues = error?.['issues'];
  if (!Array.isArray(issues)) return null;
  return issues.filter((issue): issue is ServerIssue => isRecord(issue) && typeof issue['path'] === 'string' && isRecord(issue['message']));
}

/** Saves a route. A refused flow throws `RouteRefused` with the server's issues; other failures the client's `ApiError`. */
export async function saveRoute(api: ConsoleApi, number: string, route: NumberRoute): Promise<NumberRow> {
  try {
    return await api.put<NumberRow>(`${numberPath(number)}/route`, route);
  } catch (error) {
    const issues = error instanceof ApiError ? serverIssues({ error: error.details }) : null;
    if (issues && issues.length > 0) throw new RouteRefused(issues);
    throw error;
  }
}

/** Uploads a WAV file as the request body. */
export function uploadPrompt(api: ConsoleApi, file: File, name: string): Promise<PromptRow> {
  const query = new URLSearchParams({ name, fileName: file.name });
  return api.upload<PromptRow>(`/prompts?${query.toString()}`, file, 'audio/wav');
}

/** A refused IVR flow, with every issue the server found. */
export class RouteRefused extends Error {
  constructor(readonly issues: ServerIssue[]) {
    super('The IVR flow is not valid.');
    this.name = 'RouteRefused';
  }
}

/** The URL a prompt's audio plays from. */
export function promptAudioUrl(promptId: string): string {
  return `${API_BASE}/prompts/audio/${promptId.split('/').map(encodeURIComponent).join('/')}`;
}
