import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { format } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { parseHash } from '../../routes.js';
import { Button, DataTable, Field, Notice, SelectField, errorText, useAsync, type Column } from '../../ui/index.js';
import { formatDuration, formatTime } from '../records/time-format.js';
import { checkHistoryFilters, defaultHistoryFilters, type HistoryFilterForm, type HistoryFilterResult } from './history-filters.js';
import { staffOptions } from './staff-options.js';
import { historyText, statusText } from './status-history-text.js';
import { fetchStatusHistory, HISTORY_SCAN_LIMIT, statusSegments, timeByStatus, timelineView, type StatusEntry, type StatusSegment } from './status-timeline.js';
import './status-history.css';

type FormErrors = Extract<HistoryFilterResult, { ok: false }>['errors'];
type Query = Extract<HistoryFilterResult, { ok: true }>['query'];

/** `#/status-history`: one agent's status changes in a window, as a table and a coloured timeline. `?mail=` picks the agent. */
export function StatusHistoryPage({ api, lang }: PageProps) {
  const t = historyText[lang];
  const [form, setForm] = useState<HistoryFilterForm>(() => defaultHistoryFilters(new Date(), parseHash(location.hash).query.get('mail') ?? ''));
  const [errors, setErrors] = useState<FormErrors>({});
  const [query, setQuery] = useState<Query | null>(() => {
    const initial = checkHistoryFilters(form);
    return initial.ok ? initial.query : null;
  });

  const staff = useAsync(() => staffOptions(api), [api]);
  const history = useAsync(
    () => (query ? fetchStatusHistory((name, params) => api.action(name, params), query.mail, query.startSeconds, query.endSeconds).then((r) => ({ ...r, query, now: Math.floor(Date.now() / 1000) })) : Promise.resolve(null)),
    [api, query],
  );
  const data = history.data;
  const [fit, setFit] = useState(true);
  const view = useMemo(() => (data ? timelineView(data.entries, data.query.startSeconds, data.query.endSeconds, data.now, fit) : null), [data, fit]);
  const segments = useMemo(() => (data && view ? statusSegments(data.entries, view.from, view.to, data.now) : []), [data, view]);
  const rows = useMemo(() => (data && !history.error ? [...data.entries].sort((a, b) => a.timestamp - b.timestamp) : []), [data, history.error]);

  const set = (field: keyof HistoryFilterForm) => (value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const columns: Array<Column<StatusEntry>> = [
    { key: 'time', header: t.time, render: (e) => <span class="nowrap">{formatTime(e.timestamp)}</span> },
    {
      key: 'status',
      header: t.status,
      render: (e) => (
        <span class="status-chip">
          <span class={`status-swatch history-status-${e.status}`} aria-hidden="true" />
          {statusText(e.status, lang)}
        </span>
      ),
    },
    { key: 'reason', header: t.reason, render: (e) => e.reason || <span class="muted">—</span> },
    { key: 'session', header: t.session, render: (e) => (e.sessionId ? <span class="mono">{e.sessionId}</span> : <span class="muted">—</span>) },
  ];

  const agentLabel = staff.data?.find((s) => s.mail.toLowerCase() === data?.query.mail.toLowerCase())?.label ?? data?.query.mail ?? '';

  return (
    <section class="page status-history-page" aria-labelledby="status-history-title">
      <header class="page-header">
        <div>
          <h1 id="status-history-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
      </header>

      <form
        class="toolbar history-filters card"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const checked = checkHistoryFilters(form);
          if (!checked.ok) {
            setErrors(checked.errors);
            return;
          }
          setErrors({});
          setQuery(checked.query);
        }}
      >
        <SelectField
          label={t.agent}
          name="mail"
          required
          value={form.mail}
          onValue={set('mail')}
          options={[
            { value: '', label: t.chooseAgent },
            ...(staff.data ?? []).map((s) => ({ value: s.mail, label: s.label })),
            // An agent named in the link but not (yet) in the list stays selectable.
            ...(form.mail && staff.data && !staff.data.some((s) => s.mail === form.mail) ? [{ value: form.mail, label: form.mail }] : []),
          ]}
          error={errors.mail ? t[errors.mail] : staff.error ? `${t.staffError}${errorText(staff.error, lang)}` : null}
        />
        <DateTimeField label={t.from} name="from" value={form.from} onValue={set('from')} error={errors.from ? t[errors.from] : null} />
        <DateTimeField label={t.to} name="to" value={form.to} onValue={set('to')} error={errors.to ? t[errors.to] : null} />
        <div class="history-filter-buttons">
          <Button type="submit" variant="primary" busy={history.loading && query !== null}>
            {t.show}
          </Button>
        </div>
      </form>

      {!query ? <Notice kind="info">{t.pick}</Notice> : null}
      {data?.truncated && !history.error ? <Notice kind="warning">{format(t.truncated, { n: HISTORY_SCAN_LIMIT })}</Notice> : null}
      {data && view && !history.error ? (
        <Timeline segments={segments} startSeconds={view.from} endSeconds={view.to} agent={agentLabel} lang={lang}>
          <label class="status-fit">
            <input type="checkbox" checked={fit} onChange={(event) => setFit(event.currentTarget.checked)} />
            {t.fit}
          </label>
        </Timeline>
      ) : null}
      {query ? (
        <>
          {data && !history.loading && !history.error ? (
            <p class="muted" role="status">
              {format(t.count, { n: rows.length })}
            </p>
          ) : null}
          <DataTable caption={t.caption} columns={columns} rows={rows} rowKey={(e) => `${e.cursor}-${e.timestamp}`} lang={lang} loading={history.loading} error={history.error} empty={t.empty} />
        </>
      ) : null}
    </section>
  );
}

/** The window as one bar, each status a coloured stretch, with a legend of the time spent in each. */
function Timeline({ segments, startSeconds, endSeconds, agent, lang, children }: { segments: StatusSegment[]; startSeconds: number; endSeconds: number; agent: string; lang: PageProps['lang']; children: ComponentChildren }) {
  const t = historyText[lang];
  const span = Math.max(1, endSeconds - startSeconds);
  const totals = [...timeByStatus(segments)].sort((a, b) => b[1] - a[1]);
  const summary = totals.map(([status, seconds]) => `${statusText(status, lang)} ${formatDuration(seconds)}`).join(', ');
  return (
    <figure class="card status-timeline">
      <div class="status-timeline-head">
        <figcaption class="status-timeline-title">{t.timeline}</figcaption>
        {children}
      </div>
      <div class="status-bar" role="img" aria-label={format(t.timelineLabel, { agent, summary })}>
        {segments.map((s) => (
          <span
            key={s.from}
            class={`status-bar-part history-status-${s.status}`}
            style={{ left: `${((s.from - startSeconds) / span) * 100}%`, width: `${((s.to - s.from) / span) * 100}%` }}
            title={`${statusText(s.status, lang)} ${formatTime(s.from)} – ${formatTime(s.to)} (${formatDuration(s.to - s.from)})`}
          />
        ))}
      </div>
      <div class="status-axis" aria-hidden="true">
        <span>{formatTime(startSeconds)}</span>
        <span>{formatTime(endSeconds)}</span>
      </div>
      <ul class="status-legend">
        {totals.map(([status, seconds]) => (
          <li key={status}>
            <span class={`status-swatch history-status-${status}`} aria-hidden="true" />
            {statusText(status, lang)} <span class="muted">{formatDuration(seconds)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

function DateTimeField({ label, name, value, onValue, error }: { label: string; name: string; value: string; onValue: (value: string) => void; error: string | null }) {
  return (
    <Field label={label} error={error} required>
      {(control) => <input {...control} class="input" type="datetime-local" step={60} name={name} value={value} onInput={(event) => onValue(event.currentTarget.value)} />}
    </Field>
  );
}
