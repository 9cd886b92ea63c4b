import type { PageProps } from '../../routes.js';

export function StaffPage({ lang }: PageProps) {
  return <section class="page"><h1>{lang === 'zh-CN' ? '员工管理' : 'Staff'}</h1></section>;
}
