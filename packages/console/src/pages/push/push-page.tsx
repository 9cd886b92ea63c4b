import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api.js';
import { format, type Language } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, DataTable, Notice, Paging, SelectField, TextField, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { formatTime } from '../records/time-format.js';
import { formOf, requestBody, validate, type AuthMode, type FormErrors, type PushForm, type PushSettingsView } from './push-form.js';
import { text } from './push-text.js';
import './push.css';

type PushState = 'pending' | 'held' | 'delivered' | 'failed';

interface LogItem {
  id: number;
  uuid: string;
  action: 'cdr' | 'record';
  sessionId: string;
  state: PushState;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string;
  lastStatus: number | null;
  createdAt: number;
  deliveredAt: number | null;
}

interface LogPage {
  total: number;
  items: LogItem[];
}

const STATES: readonly PushState[] = ['pending', 'held', 'delivered', 'failed'];
const PAGE_SIZE = 20;
/** The log refreshes itself this often while the page is open. */
const REFRESH_MS = 5000;

const at = (ms: number | null) => (ms ? formatTime(Math.floor(ms / 1000)) : '');

/** Data push: the instance's receiver and its authentication, and the delivery log with resends. */
export function PushPage({ api, lang }: PageProps) {
  return (
    <section class="page" aria-labelledby="push-title">
      <header class="page-header">
        <div>
          <h1 id="push-title">{text[lang].title}</h1>
          <p class="page-lead">{text[lang].lead}</p>
        </div>
      </header>
      <SettingsCard api={api} lang={lang} />
      <DeliveryLog api={api} lang={lang} />
    </section>
  );
}

function SettingsCard({ api, lang }: Pick<PageProps, 'api' | 'lang'>) {
  const t = text[lang];
  const saved = useAsync(() => api.get<PushSettingsView>('/push/settings'), []);
  const [form, setForm] = useState<PushForm | null>(null);
  const [errors, setErrors] = useState<FormErrors>({});
  const [serverErrors, setServerErrors] = useState<Partial<Record<keyof PushForm, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState<'save' | 'test' | null>(null);
  const [testResult, setTestResult] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (saved.data) setForm(formOf(saved.data));
  }, [saved.data]);

  if (!form) {
    return saved.error ? (
      <Notice kind="error">
        {errorText(saved.error, lang)} <Button onClick={saved.reload}>{common[lang].retry}</Button>
      </Notice>
    ) : (
      <div class="card push-card" role="status">
        {common[lang].loading}
      </div>
    );
  }

  const set = <K extends keyof PushForm>(key: K, value: PushForm[K]) => {
    setForm({ ...form, [key]: value });
    if (errors[key]) setErrors({ ...errors, [key]: undefined });
    if (serverErrors[key]) setServerErrors({ ...serverErrors, [key]: undefined });
  };
  const errorOf = (key: keyof PushForm) => serverErrors[key] ?? (errors[key] ? t[errors[key]] : null);

  const save = async (event: Event) => {
    event.preventDefault();
    const found = validate(form, saved.data);
    setErrors(found);
    setServerErrors({});
    setFailure(null);
    setTestResult(null);
    if (Object.keys(found).length > 0) return;
    setBusy('save');
    try {
      const view = await api.put<PushSettingsView>('/push/settings', requestBody(form));
      toast(t.saved, 'success');
      setForm(formOf(view));
      saved.reload();
    } catch (e) {
      if (e instanceof ApiError && e.field && e.field in form) setServerErrors({ [e.field]: errorText(e, lang) });
      else setFailure(e);
    } finally {
      setBusy(null);
    }
  };

  const test = async () => {
    setTestResult(null);
    setFailure(null);
    if (!saved.data?.url) return setTestResult({ ok: false, text: t.testNeedsSave });
    setBusy('test');
    try {
      const result = await api.post<{ delivered: boolean; status: number | null; error: string }>('/push/test', {});
      setTestResult(result.delivered ? { ok: true, text: format(t.testOk, { status: result.status ?? '' }) } : { ok: false, text: format(t.testFailed, { error: result.error }) });
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };

  const secretHint = saved.data?.secretSet && saved.data.authMode === form.authMode ? t.secretSet : t.secretUnset;
  const authOptions: ReadonlyArray<{ value: AuthMode; label: string }> = [
    { value: 'none', label: t.authNone },
    { value: 'basic', label: t.authBasic },
    { value: 'oauth', label: t.authOauth },
  ];

  return (
    <form class="card push-card" onSubmit={(e) => void save(e)} noValidate aria-labelledby="push-settings-title">
      <h2 id="push-settings-title">{t.settings}</h2>
      {failure ? (
        <Notice kind="error" onDismiss={() => setFailure(null)} dismissLabel={common[lang].close}>
          {errorText(failure, lang)}
        </Notice>
      ) : null}
      {Object.values(errors).some(Boolean) ? <Notice kind="error">{t.fixErrors}</Notice> : null}
      <div class="form-grid">
        <div class="span-2">
          <TextField label={t.url} name="url" value={form.url} onValue={(v) => set('url', v)} hint={t.urlHint} error={errorOf('url')} placeholder="https://crm.example.com/ccc/push" maxLength={2048} required={form.cdr || form.record} />
        </div>
        <fieldset class="group span-2">
          <legend>{t.kinds}</legend>
          <label class="push-check">
            <input type="checkbox" name="cdr" checked={form.cdr} onChange={(e) => set('cdr', e.currentTarget.checked)} /> {t.cdr}
          </label>
          <label class="push-check">
            <input type="checkbox" name="record" checked={form.record} onChange={(e) => set('record', e.currentTarget.checked)} /> {t.record}
          </label>
        </fieldset>
        <SelectField label={t.auth} name="authMode" value={form.authMode} onValue={(v) => set('authMode', v)} options={authOptions} />
        <div />
        {form.authMode === 'basic' ? (
          <>
            <TextField label={t.username} name="username" value={form.username} onValue={(v) => set('username', v)} error={errorOf('username')} autoComplete="off" maxLength={256} required />
            <TextField label={t.password} name="password" type="password" value={form.password} onValue={(v) => set('password', v)} error={errorOf('password')} hint={secretHint} autoComplete="new-password" maxLength={1024} />
          </>
        ) : null}
        {form.authMode === 'oauth' ? (
          <>
            <div class="span-2">
              <TextField label={t.tokenUrl} name="tokenUrl" value={form.tokenUrl} onValue={(v) => set('tokenUrl', v)} error={errorOf('tokenUrl')} placeholder="https://auth.example.com/oauth/token" maxLength={2048} required />
            </div>
            <TextField label={t.clientId} name="clientId" value={form.clientId} onValue={(v) => set('clientId', v)} error={errorOf('clientId')} autoComplete="off" maxLength={256} required />
            <TextField label={t.clientSecret} name="clientSecret" type="password" value={form.clientSecret} onValue={(v) => set('clientSecret', v)} error={errorOf('clientSecret')} hint={secretHint} autoComplete="new-password" maxLength={1024} />
          </>
        ) : null}
      </div>
      {testResult ? <Notice kind={testResult.ok ? 'success' : 'error'}>{testResult.text}</Notice> : null}
      <div class="push-actions">
        <Button variant="primary" type="submit" busy={busy === 'save'} disabled={busy !== null}>
          {t.save}
        </Button>
        <Button onClick={() => void test()} busy={busy === 'test'} disabled={busy !== null}>
          {t.test}
        </Button>
      </div>
    </form>
  );
}

function stateTag(state: PushState, lang: Language) {
  const t = text[lang];
  return (
    <span class={`tag push-state push-${state}`} title={state === 'held' ? t.heldHint : undefined}>
      {t[state]}
    </span>
  );
}

function DeliveryLog({ api, lang }: Pick<PageProps, 'api' | 'lang'>) {
  const t = text[lang];
  const [page, setPage] = useState(0);
  const [state, setState] = useState<PushState | ''>('');
  const [resending, setResending] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const log = useAsync(() => api.get<LogPage>(`/push/deliveries?page=${page}&pageSize=${PAGE_SIZE}${state ? `&state=${state}` : ''}`), [page, state]);

  useEffect(() => {
    const timer = window.setInterval(() => log.reload(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [log.reload]);

  const resend = async (item: LogItem) => {
    setResending(item.id);
    setFailure(null);
    try {
      await api.post(`/push/deliveries/${item.id}/resend`, {});
      toast(format(t.resent, { uuid: item.uuid }), 'success');
      log.reload();
    } catch (e) {
      setFailure(e);
    } finally {
      setResending(null);
    }
  };

  const columns: Array<Column<LogItem>> = [
    { key: 'created', header: t.created, render: (i) => at(i.createdAt) },
    { key: 'action', header: t.action, render: (i) => <code>{i.action}</code> },
    { key: 'session', header: t.session, render: (i) => <span class="mono push-session">{i.sessionId}</span> },
    { key: 'state', header: t.state, render: (i) => stateTag(i.state, lang) },
    { key: 'attempts', header: t.attempts, class: 'num', render: (i) => i.attempts },
    {
      key: 'error',
      header: t.lastError,
      render: (i) => (i.lastError ? <span class="push-error">{i.lastError}</span> : <span class="muted">—</span>),
    },
    { key: 'next', header: t.nextAttempt, render: (i) => at(i.nextAttemptAt) },
    {
      key: 'actions',
      header: common[lang].actions,
      class: 'actions',
      render: (i) =>
        i.state === 'pending' ? null : (
          <Button variant="text" busy={resending === i.id} disabled={resending !== null} onClick={() => void resend(i)} aria-label={`${t.resend} ${i.action} ${i.sessionId}`}>
            {t.resend}
          </Button>
        ),
    },
  ];

  return (
    <section class="push-log" aria-labelledby="push-log-title">
      <div class="toolbar push-log-head">
        <div>
          <h2 id="push-log-title">{t.log}</h2>
          <p class="muted">{t.logLead}</p>
        </div>
        <div class="page-actions">
          <SelectField
            label={t.state}
            name="state"
            value={state}
            onValue={(v) => {
              setState(v);
              setPage(0);
            }}
            options={[{ value: '' as const, label: t.allStates }, ...STATES.map((s) => ({ value: s, label: t[s] }))]}
          />
          <Button onClick={log.reload}>{t.refresh}</Button>
        </div>
      </div>
      {failure ? (
        <Notice kind="error" onDismiss={() => setFailure(null)} dismissLabel={common[lang].close}>
          {errorText(failure, lang)}
        </Notice>
      ) : null}
      <DataTable caption={t.caption} columns={columns} rows={log.data?.items ?? []} rowKey={(i) => i.id} lang={lang} loading={log.loading} error={log.error} onRetry={log.reload} empty={t.empty} />
      <Paging page={page} pageSize={PAGE_SIZE} total={log.data?.total ?? 0} lang={lang} onPage={setPage} />
    </section>
  );
}
