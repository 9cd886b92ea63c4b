import type { Language, Translate } from '../i18n.js';
import type { Session } from '../session.js';

const LANGUAGES: Array<{ code: Language; label: string }> = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en-US', label: 'English' },
];

export function LanguageSwitch({ session, language, t }: { session: Session; language: Language; t: Translate }) {
  return (
    <div class="lang-switch" role="group" aria-label={t('language')}>
      {LANGUAGES.map(({ code, label }) => (
        <button
          key={code}
          type="button"
          lang={code}
          class="lang-button"
          data-testid={`lang-${code}`}
          aria-pressed={language === code}
          onClick={() => session.setLanguage(code)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
