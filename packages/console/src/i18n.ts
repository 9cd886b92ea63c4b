/** The console's languages: zh-CN by default, en-US by switch; the choice is remembered. */
export type Language = 'zh-CN' | 'en-US';

export const LANGUAGES: readonly Language[] = ['zh-CN', 'en-US'];
export const LANGUAGE_KEY = 'openccc.console.language';

export function isLanguage(value: unknown): value is Language {
  return value === 'zh-CN' || value === 'en-US';
}

/** `?lang=` wins, then the remembered choice, then zh-CN. */
export function initialLanguage(search: string, remembered: string | null): Language {
  const asked = new URLSearchParams(search).get('lang');
  if (isLanguage(asked)) return asked;
  if (isLanguage(remembered)) return remembered;
  return 'zh-CN';
}

/** A text in both languages, e.g. a page's label in the route registry. */
export type Bilingual = Record<Language, string>;

/**
 * A page's dictionary: the English strings must have exactly the Chinese keys, so a missing
 * translation fails to compile. `const text = dictionary({ title: '员工' }, { title: 'Staff' });`
 * then `text[lang].title`.
 */
export function dictionary<const Keys extends string>(zh: Record<Keys, string>, en: Record<Keys, string>): Record<Language, Record<Keys, string>> {
  return { 'zh-CN': zh, 'en-US': en };
}

/** Fills `{name}` placeholders: `format('共 {n} 条', { n: 3 })`. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
