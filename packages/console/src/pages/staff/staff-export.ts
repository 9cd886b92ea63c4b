import type { ConsoleApi } from '../../api.js';
import type { Language } from '../../i18n.js';
import { STAFF_COLUMNS, toCsv } from './csv.js';
import { listAllStaff, type StaffInfo } from './staff-api.js';

const ROLE_WORDS: Record<Language, Record<number, string>> = {
  'zh-CN': { 1: '管理员', 2: '质检员', 3: '坐席' },
  'en-US': { 1: 'admin', 2: 'qa', 3: 'agent' },
};

/** The CSV of these staff, with headers in the language; the import reads it back as it is. */
export function staffCsv(staff: readonly StaffInfo[], lang: Language): string {
  const header = STAFF_COLUMNS.map((c) => (lang === 'zh-CN' ? c.zh : c.key));
  const rows = staff.map((s) => [
    s.Name,
    s.Mail,
    s.StaffNumber ?? '',
    s.Phone ?? '',
    s.Nick ?? '',
    ROLE_WORDS[lang][s.RoleId ?? 3] ?? String(s.RoleId ?? ''),
    (s.SkillGroupList ?? []).map((g) => g.SkillGroupName).join(';'),
    s.ExtensionNumber ?? '',
  ]);
  return toCsv([header, ...rows]);
}

/** Reads every staff member and has the browser download them as a CSV file; resolves with the count. */
export async function exportStaff(api: ConsoleApi, lang: Language, sdkAppId: number): Promise<number> {
  const staff = await listAllStaff(api);
  const blob = new Blob([staffCsv(staff, lang)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `openccc-staff-${sdkAppId}-${new Date().toISOString().slice(0, 10)}.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked on the next turn: the download has started by then.
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return staff.length;
}
