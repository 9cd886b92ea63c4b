import { useState } from 'preact/hooks';
import type { ConsoleApi } from '../../api.js';
import { format, type Language } from '../../i18n.js';
import { Button, DataTable, Dialog, errorText, Field, Notice, common } from '../../ui/index.js';
import { batches, readStaffImport, type ImportRow, type ParsedImport, type RowProblem } from './csv.js';
import { CREATE_STAFF_BATCH } from './staff-api.js';
import { text } from './text.js';

interface Outcome {
  line: number;
  mail: string;
  ok: boolean;
  message: string;
}

const FILE_LIMIT_BYTES = 5 * 1024 * 1024;

/**
 * Imports staff from a CSV file: rows are checked in the browser first, then sent with CreateStaff
 * in batches of its limit; every row ends with its own result (created, or why not).
 */
export function StaffImport({ api, lang, onClose, onImported }: { api: ConsoleApi; lang: Language; onClose: () => void; onImported: () => void }) {
  const t = text[lang];
  const [parsed, setParsed] = useState<ParsedImport | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);

  const problemText: Record<RowProblem, string> = {
    'name-missing': t.problemName,
    'mail-missing': t.problemMail,
    'mail-invalid': t.problemMailInvalid,
    'mail-duplicate': t.problemDuplicate,
    'role-invalid': t.problemRole,
    'too-long': t.problemLong,
  };
  const fileProblemText: Record<NonNullable<ParsedImport['fileProblem']>, string> = {
    empty: t.fileEmpty,
    'no-mail-column': t.fileNoMail,
    'no-name-column': t.fileNoName,
    'unterminated-quote': t.fileQuote,
  };

  const choose = async (file: File | undefined) => {
    setParsed(null);
    setOutcomes(null);
    setFileError(null);
    if (!file) return;
    if (file.size > FILE_LIMIT_BYTES) {
      setFileError(t.fileUnreadable);
      return;
    }
    try {
      setParsed(readStaffImport(await file.text()));
    } catch {
      setFileError(t.fileUnreadable);
    }
  };

  const run = async (rows: ImportRow[], before: Outcome[]) => {
    const results: Outcome[] = [...before];
    setProgress({ done: 0, total: rows.length });
    let done = 0;
    for (const batch of batches(rows, CREATE_STAFF_BATCH)) {
      try {
        const answer = await api.action<{ ErrorStaffList?: Array<{ StaffEmail?: string; Code?: string; Message?: string }> }>('CreateStaff', {
          Staffs: batch.map((r) => ({
            Name: r.name,
            Mail: r.mail,
            StaffNumber: r.staffNumber,
            Phone: r.phone,
            Nick: r.nick,
            Role: r.role,
            ExtensionNumber: r.extensionNumber,
            ...(r.skillGroups.length > 0 ? { SkillGroupNameList: r.skillGroups } : {}),
          })),
        });
        const failed = new Map((answer.ErrorStaffList ?? []).map((e) => [String(e.StaffEmail ?? '').toLowerCase(), `${e.Message ?? ''} (${e.Code ?? ''})`]));
        for (const r of batch) {
          const why = failed.get(r.mail.toLowerCase());
          results.push({ line: r.line, mail: r.mail, ok: why === undefined, message: why ?? t.importOk });
        }
      } catch (error) {
        // The whole batch was refused (e.g. a bad field): each of its rows says so.
        const why = errorText(error, lang);
        for (const r of batch) results.push({ line: r.line, mail: r.mail, ok: false, message: why });
      }
      done += batch.length;
      setProgress({ done, total: rows.length });
    }
    setProgress(null);
    results.sort((a, b) => a.line - b.line);
    setOutcomes(results);
    if (results.some((r) => r.ok)) onImported();
  };

  const start = () => {
    if (!parsed) return;
    const rejected = parsed.problems.map((p) => ({ line: p.line, mail: p.mail, ok: false, message: problemText[p.problem] }));
    void run(parsed.rows, rejected);
  };

  const busy = progress !== null;
  const preview: Outcome[] = outcomes ?? (parsed ? parsed.problems.map((p) => ({ line: p.line, mail: p.mail, ok: false, message: problemText[p.problem] })) : []);
  const okCount = outcomes?.filter((o) => o.ok).length ?? 0;

  return (
    <Dialog
      open
      wide
      title={t.importTitle}
      onClose={() => {
        if (!busy) onClose();
      }}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            {outcomes ? common[lang].close : common[lang].cancel}
          </Button>
          {!outcomes ? (
            <Button variant="primary" busy={busy} disabled={!parsed || parsed.rows.length === 0} onClick={start}>
              {busy ? format(t.importing, progress) : format(t.importStart, { n: parsed?.rows.length ?? 0 })}
            </Button>
          ) : null}
        </>
      }
    >
      <p class="field-hint import-help">{t.importHelp}</p>
      <Field label={t.importFile} error={fileError ?? (parsed?.fileProblem ? fileProblemText[parsed.fileProblem] : null)}>
        {(control) => <input {...control} type="file" name="csv" accept=".csv,text/csv" disabled={busy} onChange={(e) => void choose(e.currentTarget.files?.[0])} />}
      </Field>
      {parsed && parsed.unknownColumns.length > 0 ? <Notice kind="warning">{format(t.unknownColumns, { columns: parsed.unknownColumns.join(', ') })}</Notice> : null}
      {parsed && !parsed.fileProblem && parsed.rows.length === 0 && !outcomes ? <Notice kind="warning">{t.importNothing}</Notice> : null}
      {outcomes ? <Notice kind={okCount === outcomes.length ? 'success' : 'warning'}>{format(t.importResult, { ok: okCount, failed: outcomes.length - okCount })}</Notice> : null}
      {preview.length > 0 ? (
        <div class="import-results">
          <DataTable
            caption={t.importStatus}
            lang={lang}
            rows={preview}
            rowKey={(o) => o.line}
            columns={[
              { key: 'line', header: t.importLine, render: (o) => o.line, class: 'num' },
              { key: 'mail', header: t.mail, render: (o) => o.mail },
              { key: 'result', header: t.importStatus, render: (o) => <span class={o.ok ? 'result-ok' : 'result-failed'}>{o.message}</span> },
            ]}
          />
        </div>
      ) : null}
    </Dialog>
  );
}
