import type { Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { LanguageSwitch } from './language-switch.js';

/** Title, signed-in agent, connection, language and (standalone) sign-out. */
export function Header({ session, state, t }: { session: Session; state: SessionState; t: Translate }) {
  const staff = state.staff;
  const name = staff ? staff.name || staff.nick || staff.mail : '';
  const agent = staff && (
    <p class="agent" aria-label={t('agent')}>
      <span class="agent-avatar" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </span>
      <span class="agent-text">
        <span class="agent-name">{name}</span>
        <span class="agent-mail" data-testid="staff">
          {staff.mail}
        </span>
      </span>
    </p>
  );
  const title = (
    <h1 class={`app-title${state.embedded ? ' visually-hidden' : ''}`}>
      <span class="brand">{t('brand')}</span>
      <span class="title-text">{t('appTitle')}</span>
    </h1>
  );
  const language = <LanguageSwitch session={session} language={state.language} t={t} />;

  // Embedded: the SDK's panel already shows a title bar, so one compact row.
  if (state.embedded) {
    return (
      <header class="app-header">
        {title}
        <div class="header-row">
          {agent}
          <div class="header-tools">
            <ConnectionIndicator connection={state.connection} t={t} />
            {language}
          </div>
        </div>
      </header>
    );
  }
  return (
    <header class="app-header">
      <div class="header-row title-row">
        {title}
        <div class="header-tools">
          {language}
          <button type="button" class="button ghost small" data-testid="logout" onClick={() => session.logout()}>
            {t('logout')}
          </button>
        </div>
      </div>
      <div class="header-row">
        {agent}
        <ConnectionIndicator connection={state.connection} t={t} />
      </div>
    </header>
  );
}
