import type { PageProps } from '../../routes.js';

export function SkillGroupsPage({ lang }: PageProps) {
  return <section class="page"><h1>{lang === 'zh-CN' ? '技能组' : 'Skill groups'}</h1></section>;
}
