import { useEffect, useMemo, useState } from 'preact/hooks';
import { format, type Language } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, DataTable, Field, Notice, Paging, SelectField, TextField, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { END_STATUS_NAMES, endStatusNameOf, type CallRecord } from './call-record.js';
import { endStatusText } from './end-status-text.js';
import { RecordDetail } from './record-detail.js';
import { checkRecordFilters, defaultRecordFilters, type RecordFilterForm, type RecordFilterResult, type RecordQuery } from './record-filters.js';
import { csvFileName, recordsToCsv } from './records-csv.js';
import { fetchRecords, RECORD_SCAN_LIMIT } from './records-source.js';
import { recordsText } from './records-text.js';
import { formatDuration, formatTime } from './time-format.js';
import { staffOptions, type StaffOption } from '../status-history/staff-options.js';
import './records.css';

const PAGE_SIZES = [20, 50, 100] as const;

type FormErrors = Extract<RecordFilterResult, { ok: false }>['errors'];

/** `#/records`: the call records of a time range, filtered, paged, with details, recordings and CSV export. */
export function RecordsPage({ api, lang }: PageProps) {
  const t = recordsText[lang];
  const [form, setForm] = useState<RecordFilterForm>(() => defaultRecordFilters(new Date()));
  const [errors, setErrors] = useState<FormErrors>({});
  const [query, setQuery] = useState<RecordQuery | null>(() => {
    const initial = checkRecordFilters(defaultRecordFilters(new Date()));
    return initial.ok ? initial.query : null;
  });
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState<number>(PAGE_SIZES[0]);
  const [open, setOpen] = useState<CallRecord | null>(null);

  const staff = useAsync(() => staffOptions(api), [api]);
  const result = useAsync(() => (query ? fetchRecords((name, params) => api.action(name, params), query) : Promise.resolve(null)), [api, query]);
  useEffect(() => setPage(0), [result.data]);

  // After a failed search the previous answer no longer matches the filters: show none of it.
  const records = useMemo(() => (result.error ? [] : (result.data?.records ?? [])), [result.error, result.data]);
  const shown = useMemo(() => records.slice(page * pageSize, page * pageSize + pageSize), [records, page, pageSize]);

  const set = (field: keyof RecordFilterForm) => (value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const search = (next: RecordFilterForm) => {
    const checked = checkRecordFilters(next);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    setQuery(checked.query);
  };

  const exportCsv = () => {
    if (!query || records.length === 0) return;
    download(recordsToCsv(records), csvFileName(query.startSeconds, query.endSeconds));
    toast(format(t.exported, { n: records.length }));
  };

  const columns: Array<Column<CallRecord>> = [
    { key: 'time', header: t.time, render: (r) => <span class="nowrap">{formatTime(r.startTimestamp)}</span> },
    { key: 'direction', header: t.direction, render: (r) => directionText(r, lang) },
    { key: 'caller', header: t.caller, render: (r) => <span class="mono">{r.caller}</span> },
    { key: 'callee', header: t.callee, render: (r) => <span class="mono">{r.callee}</span> },
    { key: 'agent', header: t.agent, render: (r) => <span class="records-agent" title={r.seatMail}>{r.seatName || r.seatMail || '—'}</span> },
    { key: 'group', header: t.skillGroup, render: (r) => r.skillGroup || '—' },
    { key: 'duration', header: t.duration, class: 'num', render: (r) => formatDuration(r.duration) },
    {
      key: 'end',
      header: t.endStatus,
      render: (r) => {
        const name = endStatusNameOf(r);
        return (
          <span class={`tag end-status end-status-${name === 'ok' ? 'ok' : 'other'}`} title={`${r.endStatus} ${name}`}>
            {endStatusText(name, lang)}
          </span>
        );
      },
    },
    { key: 'recorded', header: t.recorded, render: (r) => (r.recordId ? t.hasRecording : <span class="muted">{t.noRecording}</span>) },
    {
      key: 'actions',
      header: <span class="visually-hidden">{t.details}</span>,
      class: 'actions',
      render: (r) => (
        <Button variant="text" aria-label={format(t.detailsOf, { id: r.sessionId })} onClick={() => setOpen(r)}>
          {t.details}
        </Button>
      ),
    },
  ];

  return (
    <section class="page records-page" aria-labelledby="records-title">
      <header class="page-header">
        <div>
          <h1 id="records-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        <div class="page-actions">
          <Button onClick={exportCsv} disabled={records.length === 0 || result.loading}>
            {t.exportCsv}
          </Button>
        </div>
      </header>

      <form
        class="toolbar records-filters card"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          search(form);
        }}
      >
        <DateTimeField label={t.from} name="from" value={form.from} onValue={set('from')} error={errors.from ? t[errors.from] : null} />
        <DateTimeField label={t.to} name="to" value={form.to} onValue={set('to')} error={errors.to ? t[errors.to] : null} />
        <TextField label={t.number} name="number" type="tel" inputMode="tel" placeholder={t.numberHint} value={form.number} onValue={set('number')} error={errors.number ? t[errors.number] : null} maxLength={40} />
        <SelectField
          label={t.agent}
          name="agent"
          value={form.agent}
          onValue={set('agent')}
          options={[{ value: '', label: t.allAgents }, ...(staff.data ?? []).map((s: StaffOption) => ({ value: s.mail, label: s.label }))]}
          error={staff.error ? `${t.staffError}${errorText(staff.error, lang)}` : null}
        />
        <SelectField
          label={t.endStatus}
          name="endStatus"
          value={form.endStatus}
          onValue={set('endStatus')}
          options={[{ value: '', label: t.allEndStatuses }, ...END_STATUS_NAMES.map((name) => ({ value: name, label: endStatusText(name, lang) }))]}
          error={errors.endStatus ? t[errors.endStatus] : null}
        />
        <div class="records-filter-buttons">
          <Button type="submit" variant="primary" busy={result.loading}>
            {t.search}
          </Button>
          <Button
            onClick={() => {
              const fresh = defaultRecordFilters(new Date());
              setForm(fresh);
              search(fresh);
            }}
          >
            {t.reset}
          </Button>
        </div>
      </form>

      {result.data?.truncated && !result.error ? <Notice kind="warning">{format(t.truncated, { total: result.data.total, limit: RECORD_SCAN_LIMIT })}</Notice> : null}
      {result.data && !result.loading && !result.error ? (
        <p class="muted records-summary" role="status">
          {format(t.summary, { shown: records.length, total: result.data.total })}
        </p>
      ) : null}

      <DataTable caption={t.caption} columns={columns} rows={shown} rowKey={(r) => r.sessionId} lang={lang} loading={result.loading} error={result.error} empty={t.empty} />
      {records.length > 0 ? (
        <Paging
          page={page}
          pageSize={pageSize}
          total={records.length}
          lang={lang}
          onPage={setPage}
          pageSizes={PAGE_SIZES}
          onPageSize={(size) => {
            setPageSize(size);
            setPage(0);
          }}
        />
      ) : null}

      {open ? <RecordDetail record={open} lang={lang} onClose={() => setOpen(null)} /> : null}
    </section>
  );
}

function directionText(record: CallRecord, lang: Language): string {
  const t = recordsText[lang];
  if (record.callType === 6) return t.internal;
  return record.direction === 0 ? t.inbound : t.outbound;
}

/** A `datetime-local` input in a Field (minutes). */
function DateTimeField({ label, name, value, onValue, error }: { label: string; name: string; value: string; onValue: (value: string) => void; error: string | null }) {
  return (
    <Field label={label} error={error} required>
      {(control) => <input {...control} class="input" type="datetime-local" step={60} name={name} value={value} onInput={(event) => onValue(event.currentTarget.value)} />}
    </Field>
  );
}

/** Saves text as a file through a temporary object URL. */
function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 0);
}
