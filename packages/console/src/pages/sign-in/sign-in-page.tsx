import { useState } from 'preact/hooks';
import { ApiError, type ConsoleApi, type ConsoleUser } from '../../api.js';
import type { Language } from '../../i18n.js';
import { Button, errorText, Notice, TextField } from '../../ui/index.js';
import { text } from './text.js';

export interface SignInPageProps {
  api: ConsoleApi;
  lang: Language;
  onSignedIn: (user: ConsoleUser) => void;
  /** Why the user is here again, e.g. the session expired. */
  reason?: 'expired' | null;
}

type Errors = Partial<Record<'mail' | 'password' | 'sdkAppId' | 'form', string>>;

/** Email + password (+ SdkAppId when the account exists in several instances). */
export function SignInPage({ api, lang, onSignedIn, reason }: SignInPageProps) {
  const t = text[lang];
  const [mail, setMail] = useState('');
  const [password, setPassword] = useState('');
  const [sdkAppId, setSdkAppId] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Errors>({});

  const submit = async (event: Event) => {
    event.preventDefault();
    const found: Errors = {};
    if (!mail.trim()) found.mail = t.mailRequired;
    if (!password) found.password = t.passwordRequired;
    const idText = sdkAppId.trim();
    if (idText && !/^\d{1,15}$/.test(idText)) found.sdkAppId = t.sdkAppIdNumber;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const user = await api.signIn(mail.trim(), password, idText ? Number(idText) : undefined);
      setPassword('');
      onSignedIn(user);
    } catch (error) {
      setErrors(errorsOf(error, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form class="sign-in-card" onSubmit={(event) => void submit(event)} noValidate aria-labelledby="sign-in-title">
        <p class="brand-mark" aria-hidden="true">
          OpenCCC
        </p>
        <h1 id="sign-in-title">{t.title}</h1>
        <p class="sign-in-lead">{t.lead}</p>
        {reason === 'expired' ? <Notice kind="warning">{t.expired}</Notice> : null}
        {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
        <TextField label={t.mail} type="email" name="mail" autoComplete="username" value={mail} onValue={setMail} error={errors.mail} required />
        <TextField label={t.password} type="password" name="password" autoComplete="current-password" value={password} onValue={setPassword} error={errors.password} required />
        <TextField label={t.sdkAppId} name="sdkAppId" inputMode="numeric" value={sdkAppId} onValue={setSdkAppId} error={errors.sdkAppId} hint={t.sdkAppIdHint} />
        <Button type="submit" variant="primary" busy={busy} class="btn-block">
          {busy ? t.signingIn : t.signIn}
        </Button>
        <p class="sign-in-foot">{t.foot}</p>
      </form>
    </main>
  );
}

function errorsOf(error: unknown, lang: Language): Errors {
  const t = text[lang];
  if (error instanceof ApiError && error.kind === 'console') {
    switch (error.code) {
      case 'bad-credentials':
        return { form: t.badCredentials };
      case 'instance-required':
        return { sdkAppId: t.instanceRequired };
      case 'rate-limited':
        return { form: t.rateLimited };
      case 'invalid':
        if (error.field === 'sdkAppId') return { sdkAppId: t.sdkAppIdNumber };
        if (error.field === 'mail') return { mail: t.mailRequired };
        if (error.field === 'password') return { password: t.passwordRequired };
    }
  }
  return { form: errorText(error, lang) };
}
