import type { ConsoleApi } from '../../api.js';
import { isRecord } from '../../api.js';

/** A staff member to pick in a filter. */
export interface StaffOption {
  mail: string;
  /** `Name <mail>`, or the mail alone. */
  label: string;
}

/** The instance's staff from DescribeStaffInfoList, sorted by name then mail. */
export async function staffOptions(api: Pick<ConsoleApi, 'action'>): Promise<StaffOption[]> {
  const response = await api.action('DescribeStaffInfoList', { PageSize: 9999, PageNumber: 0 });
  return staffOptionsFrom(response['StaffList']);
}

export function staffOptionsFrom(list: unknown): StaffOption[] {
  const options: StaffOption[] = [];
  for (const item of Array.isArray(list) ? list : []) {
    if (!isRecord(item) || typeof item['Mail'] !== 'string' || !item['Mail']) continue;
    const name = typeof item['Name'] === 'string' ? item['Name'].trim() : '';
    options.push({ mail: item['Mail'], label: name ? `${name} <${item['Mail']}>` : item['Mail'] });
  }
  return options.sort((a, b) => a.label.localeCompare(b.label));
}
