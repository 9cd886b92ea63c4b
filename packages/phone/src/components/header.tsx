import type { Language, Translate } from '../i18n.js';

const LANGUAGES: Array<{ code: Language; label: string }> = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en-US', label: 'English' },
];

export function Header({ language, onLanguage, t }: { language: Language; onLanguage: (language: Language) => void; t: Translate }) {
  return (
    <header class="app-header">
      <h1 class="app-title">
        <span class="brand">{t('brand')}</span>
        <span class="title-text">{t('appTitle')}</span>
      </h1>
      <div class="lang-switch" role="group" aria-label={t('language')}>
        {LANGUAGES.map(({ code, label }) => (
          <button key={code} type="button" lang={code} class="lang-button" data-testid={`lang-${code}`} aria-pressed={language === code} onClick={() => onLanguage(code)}>
            {label}
          </button>
        ))}
      </div>
    </header>
  );
}
