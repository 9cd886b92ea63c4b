import { useState } from 'preact/hooks';
import { errorText, type Translate } from '../i18n.js';
import type { Session, SessionState } from '../session.js';

/** Standalone login: email, password and an optional SdkAppId (for accounts in several instances). */
export function LoginForm({ session, state, t }: { session: Session; state: SessionState; t: Translate }) {
  const [mail, setMail] = useState('');
  const [password, setPassword] = useState('');
  const [sdkAppId, setSdkAppId] = useState('');
  const [missing, setMissing] = useState(false);
  const busy = state.phase === 'loggingIn';
  const error = state.error;

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    if (!mail.trim() || !password) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const id = sdkAppId.trim() ? Number(sdkAppId.trim()) : undefined;
    void session.loginWithPassword(mail.trim(), password, id !== undefined && Number.isSafeInteger(id) && id > 0 ? id : undefined);
  };

  return (
    <form class="login-form" onSubmit={submit} aria-busy={busy} noValidate>
      <h2 class="login-title">{t('loginTitle')}</h2>
      <label class="field">
        <span class="field-label">{t('mail')}</span>
        <input
          name="mail"
          type="email"
          autoComplete="username"
          required
          value={mail}
          disabled={busy}
          onInput={(e) => setMail(e.currentTarget.value)}
          aria-invalid={missing && !mail.trim()}
        />
      </label>
      <label class="field">
        <span class="field-label">{t('password')}</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          disabled={busy}
          onInput={(e) => setPassword(e.currentTarget.value)}
          aria-invalid={missing && !password}
        />
      </label>
      <label class="field">
        <span class="field-label">{t('sdkAppId')}</span>
        <input
          name="sdkAppId"
          type="text"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          value={sdkAppId}
          disabled={busy}
          onInput={(e) => setSdkAppId(e.currentTarget.value)}
        />
      </label>
      {missing && !busy && (
        <p class="error" role="alert" data-testid="error">
          {t('loginMissing')}
        </p>
      )}
      {error && !busy && !missing && (
        <p class="error" role="alert" data-testid="error" data-detail={error.message}>
          {/* Never say whether the account exists: accountNotFound reads like a wrong password here. */}
          {errorText(state.language, error.code === 'accountNotFound' ? { ...error, code: 'badCredentials' } : error)}
        </p>
      )}
      <button type="submit" class="button primary block" data-testid="login-submit" disabled={busy}>
        {busy && <span class="spinner small" aria-hidden="true" />}
        {busy ? t('loggingIn') : t('login')}
      </button>
    </form>
  );
}
