import type { FieldDescriptor } from '@openccc/protocol';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ROLE_ADMIN } from '../../api.js';
import { format } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { sdkTestLink } from '../../sdk-test/launch.js';
import { Button, Field, Notice, SelectField, TextField, errorText, useAsync } from '../../ui/index.js';
import { FieldsEditor } from './field-editor.js';
import { fromBody, initialDraft, toBody, type Draft } from './form-model.js';
import { ResultPanel } from './result-panel.js';
import { sendSigned, type SignedExchange } from './send-signed.js';
import { text } from './text.js';
import './explorer.css';

interface ExplorerAction {
  name: string;
  fields: FieldDescriptor[];
}

interface KeyView {
  secretId: string;
  status: string;
  description: string;
}

const DEFAULT_ACTION = 'CreateSDKLoginToken';

function actionInHash(): string | null {
  const query = location.hash.split('?')[1] ?? '';
  return new URLSearchParams(query).get('action');
}

/**
 * TCCC's quick integration: pick an action, fill its generated form (or its JSON), pick a key and
 * send a real signed request from the browser; see the signing steps, the headers and the answer.
 */
export function ExplorerPage({ api, user, lang }: PageProps) {
  const t = text[lang];
  const actions = useAsync(() => api.get<{ actions: ExplorerAction[] }>('/explorer/actions'), []);
  // QA staff may not list keys: they type the SecretId.
  const keys = useAsync(() => (user.role === ROLE_ADMIN ? api.get<{ keys: KeyView[] }>('/keys').catch(() => ({ keys: [] })) : Promise.resolve({ keys: [] })), [user.role]);
  const [actionName, setActionName] = useState(actionInHash() ?? DEFAULT_ACTION);
  const action = useMemo(() => actions.data?.actions.find((a) => a.name === actionName) ?? null, [actions.data, actionName]);
  const [draft, setDraft] = useState<Record<string, Draft>>({});
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  const [secretId, setSecretId] = useState('');
  // The SecretKey lives in this component's state only: never stored, never sent.
  const [secretKey, setSecretKey] = useState('');
  const [keyErrors, setKeyErrors] = useState<{ secretId?: string; secretKey?: string }>({});
  const [busy, setBusy] = useState(false);
  // Bumped when a send is refused, so that the first field marked wrong gets the focus.
  const [refusals, setRefusals] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (refusals > 0) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refusals]);
  const [result, setResult] = useState<{ action: string; exchange: SignedExchange; params: unknown; sequence: number } | null>(null);

  const enabledKeys = (keys.data?.keys ?? []).filter((k) => k.status === 'enabled');
  useEffect(() => {
    if (!secretId && enabledKeys[0]) setSecretId(enabledKeys[0].secretId);
  }, [keys.data]);

  useEffect(() => {
    if (!action) return;
    setDraft(initialDraft(action.fields, user.sdkAppId));
    setMode('form');
    setJsonError(null);
    setShowErrors(false);
    setResult(null);
  }, [action]);

  const built = useMemo(() => (action ? toBody(action.fields, draft, lang) : null), [action, draft, lang]);

  const chooseAction = (name: string) => {
    setActionName(name);
    history.replaceState(null, '', `#/explorer?action=${encodeURIComponent(name)}`);
  };

  const switchMode = (next: 'form' | 'json') => {
    if (!action || next === mode) return;
    if (next === 'json') {
      setJson(JSON.stringify(built?.body ?? {}, null, 2));
      setJsonError(null);
      setMode('json');
      return;
    }
    const parsed = parseJson(json);
    if ('error' in parsed) return setJsonError(parsed.error);
    const fromJson = fromBody(action.fields, parsed.value);
    if (!fromJson) return setJsonError(t.jsonUnknown);
    setDraft(fromJson);
    setJsonError(null);
    setMode('form');
  };

  function parseJson(source: string): { value: Record<string, unknown> } | { error: string } {
    try {
      const value: unknown = JSON.parse(source);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: t.jsonObject };
      return { value: value as Record<string, unknown> };
    } catch (error) {
      return { error: format(t.jsonInvalid, { message: error instanceof Error ? error.message : String(error) }) };
    }
  }

  const send = async (event: Event) => {
    event.preventDefault();
    if (!action || !built) return;
    let params: Record<string, unknown>;
    if (mode === 'json') {
      const parsed = parseJson(json);
      if ('error' in parsed) {
        setJsonError(parsed.error);
        return setRefusals((n) => n + 1);
      }
      params = parsed.value;
      setJsonError(null);
    } else {
      setShowErrors(true);
      if (Object.keys(built.errors).length > 0) return setRefusals((n) => n + 1);
      params = built.body;
    }
    const missing = { secretId: secretId.trim() ? undefined : t.secretIdMissing, secretKey: secretKey ? undefined : t.secretKeyMissing };
    setKeyErrors(missing);
    if (missing.secretId || missing.secretKey) return setRefusals((n) => n + 1);
    setBusy(true);
    try {
      const exchange = await sendSigned({ action: action.name, body: JSON.stringify(params), secretId: secretId.trim(), secretKey, language: lang, origin: location.origin });
      setResult((previous) => ({ action: action.name, exchange, params, sequence: (previous?.sequence ?? 0) + 1 }));
    } finally {
      setBusy(false);
    }
  };

  const openSdkTest = () => {
    const answer = (result?.exchange.response as { Response?: { Token?: unknown; SdkURL?: unknown } } | undefined)?.Response;
    const params = result?.params as { SdkAppId?: unknown; SeatUserId?: unknown } | undefined;
    if (typeof answer?.Token !== 'string' || typeof answer.SdkURL !== 'string' || typeof params?.SeatUserId !== 'string') return;
    const link = sdkTestLink({ token: answer.Token, sdkUrl: answer.SdkURL, sdkAppId: Number(params.SdkAppId ?? user.sdkAppId), userId: params.SeatUserId, lang });
    window.open(link, '_blank', 'noopener');
  };

  const errors = showErrors && built ? built.errors : {};
  const errorCount = Object.keys(errors).length;
  return (
    <section class="page explorer" aria-labelledby="explorer-title">
      <header class="page-header">
        <div>
          <h1 id="explorer-title">{t.title}</h1>
          <p class="page-lead">{t.intro}</p>
        </div>
      </header>
      {actions.error ? (
        <Notice kind="error">
          {errorText(actions.error, lang)}{' '}
          <Button variant="text" onClick={actions.reload}>
            {lang === 'zh-CN' ? '重试' : 'Retry'}
          </Button>
        </Notice>
      ) : null}
      {!actions.data && !actions.error ? <p class="muted">{t.loadingActions}</p> : null}
      {actions.data ? (
        <div class="explorer-columns">
          <form ref={formRef} class="card explorer-request" onSubmit={(event) => void send(event)} noValidate aria-label={t.title}>
            <SelectField
              label={t.action}
              name="action"
              value={actionName}
              onValue={chooseAction}
              options={actions.data.actions.map((a) => ({ value: a.name, label: a.name }))}
            />
            <div class="explorer-tabs" role="radiogroup" aria-label={t.paramsTab}>
              {(['form', 'json'] as const).map((m) => (
                <button key={m} type="button" role="radio" aria-checked={mode === m} class={`explorer-tab${mode === m ? ' is-active' : ''}`} onClick={() => switchMode(m)}>
                  {m === 'form' ? t.form : t.json}
                </button>
              ))}
            </div>
            {action && mode === 'form' ? (
              <div class="explorer-fields">
                <FieldsEditor fields={action.fields} path="" draft={draft} onChange={setDraft} lang={lang} errors={errors} disabled={busy} />
              </div>
            ) : null}
            {mode === 'json' ? (
              <div class={`field${jsonError ? ' field-invalid' : ''}`}>
                <label class="field-label" for="explorer-json">
                  {t.json}
                </label>
                <textarea
                  id="explorer-json"
                  name="json"
                  class="input mono explorer-json"
                  spellcheck={false}
                  value={json}
                  aria-invalid={jsonError ? 'true' : undefined}
                  aria-describedby={jsonError ? 'explorer-json-error' : undefined}
                  onInput={(event) => setJson(event.currentTarget.value)}
                />
                {jsonError ? (
                  <p class="field-error" id="explorer-json-error" role="alert">
                    {jsonError}
                  </p>
                ) : null}
              </div>
            ) : null}
            <div class="explorer-key">
              <Field label={t.secretId} required hint={t.secretIdHint} error={keyErrors.secretId}>
                {(control) => (
                  <>
                    <input
                      {...control}
                      class="input mono"
                      name="secretId"
                      list="explorer-keys"
                      value={secretId}
                      autoComplete="off"
                      spellcheck={false}
                      onInput={(event) => setSecretId(event.currentTarget.value)}
                    />
                    <datalist id="explorer-keys">
                      {enabledKeys.map((k) => (
                        <option key={k.secretId} value={k.secretId}>
                          {k.description}
                        </option>
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <TextField label={t.secretKey} name="secretKey" type="password" value={secretKey} onValue={setSecretKey} required hint={t.secretKeyHint} error={keyErrors.secretKey} autoComplete="off" />
            </div>
            {errorCount > 0 ? <Notice kind="error">{t.fixErrors}</Notice> : null}
            <div class="explorer-buttons">
              <Button variant="primary" type="submit" busy={busy}>
                {busy ? t.sending : t.send}
              </Button>
              <Button
                onClick={() => {
                  if (!action) return;
                  setDraft(initialDraft(action.fields, user.sdkAppId));
                  setShowErrors(false);
                  setJsonError(null);
                  setMode('form');
                }}
                disabled={busy}
              >
                {t.reset}
              </Button>
            </div>
          </form>
          <section class="card explorer-response-card" aria-labelledby="explorer-result-title" aria-live="polite">
            <h2 id="explorer-result-title">{t.result}</h2>
            {result ? (
              <ResultPanel
                lang={lang}
                action={result.action}
                exchange={result.exchange}
                params={result.params}
                sequence={result.sequence}
                {...(result.action === 'CreateSDKLoginToken' ? { onOpenSdkTest: openSdkTest } : {})}
              />
            ) : (
              <p class="muted">{t.noResult}</p>
            )}
          </section>
        </div>
      ) : null}
    </section>
  );
}
