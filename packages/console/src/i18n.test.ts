import { describe, expect, it } from 'vitest';
import { format, initialLanguage } from './i18n.js';

describe('console language', () => {
  it('takes ?lang= first, then the remembered choice, then zh-CN', () => {
    expect(initialLanguage('?lang=en-US', 'zh-CN')).toBe('en-US');
    expect(initialLanguage('?lang=fr-FR', 'en-US')).toBe('en-US');
    expect(initialLanguage('', 'en-US')).toBe('en-US');
    expect(initialLanguage('', 'de')).toBe('zh-CN');
    expect(initialLanguage('', null)).toBe('zh-CN');
  });

  it('fills placeholders and leaves unknown ones', () => {
    expect(format('第 {page} / {pages} 页', { page: 1, pages: 3 })).toBe('第 1 / 3 页');
    expect(format('{missing}', {})).toBe('{missing}');
  });
});
