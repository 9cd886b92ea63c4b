import { useState } from 'preact/hooks';
import type { ConsoleApi } from '../../api.js';
import { format, type Language } from '../../i18n.js';
import { Button, CopyButton, Dialog, errorText, FormDialog, Notice, TextField } from '../../ui/index.js';
import { generatePassword } from './staff-api.js';
import { text } from './text.js';

/**
 * Resets a staff member's password (ModifyStaffPassword): generated in the browser or entered. The
 * new password is shown once, then forgotten when the dialog closes; it is never stored.
 */
export function PasswordDialog({ api, lang, mail, onClose }: { api: ConsoleApi; lang: Language; mail: string; onClose: () => void }) {
  const t = text[lang];
  const [mode, setMode] = useState<'generate' | 'enter'>('generate');
  const [entered, setEntered] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const password = mode === 'generate' ? generatePassword() : entered;
    if (password.length < 8) {
      setFieldError(t.passwordTooShort);
      return;
    }
    setFieldError(null);
    setBusy(true);
    try {
      await api.action('ModifyStaffPassword', { Email: mail, Password: password });
      setEntered('');
      setShown(password);
    } catch (failure) {
      setError(errorText(failure, lang));
    } finally {
      setBusy(false);
    }
  };

  if (shown !== null) {
    return (
      <Dialog open title={t.passwordSet} onClose={onClose} footer={<Button variant="primary" onClick={onClose}>{t.done}</Button>}>
        <Notice kind="warning">{t.passwordOnce}</Notice>
        <p class="secret" data-testid="new-password">
          <span class="mono">{shown}</span>
          <CopyButton text={shown} lang={lang} label={t.passwordNew} />
        </p>
      </Dialog>
    );
  }

  return (
    <FormDialog lang={lang} title={format(t.passwordTitle, { mail })} formId="password-form" busy={busy} onClose={onClose} submitLabel={t.passwordSubmit}>
      <form id="password-form" onSubmit={(event) => void submit(event)} noValidate>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <fieldset class="group choice">
          <legend class="visually-hidden">{t.passwordNew}</legend>
          <label>
            <input type="radio" name="mode" value="generate" checked={mode === 'generate'} onChange={() => setMode('generate')} /> {t.passwordGenerate}
          </label>
          <label>
            <input type="radio" name="mode" value="enter" checked={mode === 'enter'} onChange={() => setMode('enter')} /> {t.passwordEnter}
          </label>
        </fieldset>
        {mode === 'enter' ? (
          <TextField label={t.passwordNew} name="password" type="password" autoComplete="new-password" value={entered} onValue={setEntered} error={fieldError} hint={t.passwordHint} maxLength={128} required />
        ) : (
          <p class="field-hint">{t.passwordHint}</p>
        )}
      </form>
    </FormDialog>
  );
}
