/** The data push settings as the server shows them (a secret only as whether it is set). */
export interface PushSettingsView {
  url: string;
  cdr: boolean;
  record: boolean;
  authMode: AuthMode;
  username: string;
  tokenUrl: string;
  clientId: string;
  secretSet: boolean;
  modifiedAt: number | null;
}

export type AuthMode = 'none' | 'basic' | 'oauth';

/** The form's values; secrets are typed anew, empty keeps the stored one. */
export interface PushForm {
  url: string;
  cdr: boolean;
  record: boolean;
  authMode: AuthMode;
  username: string;
  password: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

/** What can be wrong with a field, translated by the page. */
export type FormProblem = 'urlRequired' | 'urlInvalid' | 'urlScheme' | 'urlCredentials' | 'usernameRequired' | 'usernameColon' | 'passwordRequired' | 'tokenUrlRequired' | 'clientIdRequired' | 'secretRequired';

export type FormErrors = Partial<Record<keyof PushForm, FormProblem>>;

export function formOf(view: PushSettingsView): PushForm {
  return {
    url: view.url,
    cdr: view.cdr,
    record: view.record,
    authMode: view.authMode,
    username: view.username,
    password: '',
    tokenUrl: view.tokenUrl,
    clientId: view.clientId,
    clientSecret: '',
  };
}

function urlProblem(value: string): FormProblem | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'urlInvalid';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'urlScheme';
  if (url.username || url.password) return 'urlCredentials';
  return null;
}

/**
 * The same checks as the server makes, so the form says what is wrong before sending; `saved` is
 * what the server holds (a secret left empty is kept only when one is set for the same mode).
 */
export function validate(form: PushForm, saved: PushSettingsView | undefined): FormErrors {
  const errors: FormErrors = {};
  if (form.url.trim() === '') {
    if (form.cdr || form.record) errors.url = 'urlRequired';
  } else {
    const problem = urlProblem(form.url);
    if (problem) errors.url = problem;
  }
  const secretKept = saved?.secretSet === true && saved.authMode === form.authMode;
  if (form.authMode === 'basic') {
    if (!form.username.trim()) errors.username = 'usernameRequired';
    else if (form.username.includes(':')) errors.username = 'usernameColon';
    if (!form.password && !secretKept) errors.password = 'passwordRequired';
  }
  if (form.authMode === 'oauth') {
    if (!form.tokenUrl.trim()) errors.tokenUrl = 'tokenUrlRequired';
    else {
      const problem = urlProblem(form.tokenUrl);
      if (problem) errors.tokenUrl = problem;
    }
    if (!form.clientId.trim()) errors.clientId = 'clientIdRequired';
    if (!form.clientSecret && !secretKept) errors.clientSecret = 'secretRequired';
  }
  return errors;
}

/** The PUT body: only the fields of the chosen mode, secrets only when typed. */
export function requestBody(form: PushForm): Record<string, unknown> {
  const base = { url: form.url.trim(), cdr: form.cdr, record: form.record, authMode: form.authMode };
  if (form.authMode === 'basic') return { ...base, username: form.username.trim(), ...(form.password ? { password: form.password } : {}) };
  if (form.authMode === 'oauth') return { ...base, tokenUrl: form.tokenUrl.trim(), clientId: form.clientId.trim(), ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}) };
  return base;
}
