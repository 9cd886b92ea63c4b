import { useRef, useState } from 'preact/hooks';
import { format, type Language } from '../../i18n.js';
import type { PageProps } from '../../routes.js';
import { Button, DataTable, Field, Notice, TextField, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { MAX_PROMPT_BYTES, loadPrompts, uploadPrompt, type PromptRow } from './numbers-data.js';
import { PlayButton } from './prompt-picker.js';
import { numbersText } from './text.js';
import './numbers.css';

/** `#/prompts`: the built-in prompts and the instance's uploads, each playable; administrators upload WAV files. */
export function PromptsPage({ api, lang, readOnly }: PageProps) {
  const t = numbersText[lang];
  const prompts = useAsync(() => loadPrompts(api), [api]);
  const columns: Array<Column<PromptRow>> = [
    { key: 'play', header: <span class="visually-hidden">{t.play}</span>, class: 'actions', render: (row) => <PlayButton promptId={row.promptId} lang={lang} /> },
    { key: 'id', header: t.promptId, render: (row) => <span class="mono">{row.promptId}</span> },
    { key: 'kind', header: t.kind, render: (row) => <span class={`tag prompt-${row.builtIn ? 'builtin' : 'uploaded'}`}>{row.builtIn ? t.builtIn : t.uploadedKind}</span> },
    { key: 'content', header: t.content, render: (row) => (row.builtIn ? row.text : `${row.name} (${row.text})`) },
    { key: 'duration', header: t.duration, class: 'num', render: (row) => (row.durationMs === null ? '—' : `${(row.durationMs / 1000).toFixed(1)} s`) },
  ];
  return (
    <section class="page numbers-page prompts-page" aria-labelledby="prompts-title">
      <div class="page-header">
        <div>
          <h1 id="prompts-title">{t.library}</h1>
          <p class="page-lead">{t.libraryLead}</p>
        </div>
        <div class="page-actions">
          <a class="btn btn-secondary" href="#/numbers">
            {t.title}
          </a>
        </div>
      </div>
      {readOnly ? <Notice>{common[lang].readOnly}</Notice> : <UploadForm api={api} lang={lang} onUploaded={prompts.reload} />}
      <DataTable caption={t.library} columns={columns} rows={uploadsFirst(prompts.data ?? [])} rowKey={(row) => row.promptId} lang={lang} loading={prompts.loading} error={prompts.error} onRetry={prompts.reload} />
    </section>
  );
}

function UploadForm({ api, lang, onUploaded }: { api: PageProps['api']; lang: Language; onUploaded: () => void }) {
  const t = numbersText[lang];
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<{ file?: string | undefined; name?: string | undefined }>({});
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async () => {
    const fileError = !file ? t.fileRequired : !/\.wave?$/i.test(file.name) ? t.fileNotWav : file.size > MAX_PROMPT_BYTES ? t.fileTooLarge : undefined;
    if (fileError || !file) return setErrors({ file: fileError });
    const chosen = name.trim() || file.name.replace(/\.wave?$/i, '');
    setBusy(true);
    try {
      const added = await uploadPrompt(api, file, chosen);
      toast(format(t.uploaded, { name: added.name, id: added.promptId }));
      setFile(null);
      setName('');
      setErrors({});
      if (input.current) input.current.value = '';
      onUploaded();
    } catch (error) {
      const field = error instanceof Error && 'field' in error && error.field === 'name' ? 'name' : 'file';
      setErrors({ [field]: errorText(error, lang) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card toolbar prompts-upload"
      noValidate
      aria-label={t.upload}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Field label={t.file} hint={t.uploadHint} error={errors.file} required>
        {(control) => (
          <input
            {...control}
            ref={input}
            class="input input-file"
            type="file"
            name="file"
            accept=".wav,audio/wav,audio/x-wav"
            onChange={(event) => {
              setFile(event.currentTarget.files?.[0] ?? null);
              setErrors({});
            }}
          />
        )}
      </Field>
      <TextField label={t.name} name="name" value={name} onValue={setName} maxLength={128} error={errors.name} />
      <Button variant="primary" type="submit" busy={busy}>
        {t.upload}
      </Button>
    </form>
  );
}

/** The instance's own prompts first, newest first; then the built-in ones in the library's order. */
function uploadsFirst(rows: readonly PromptRow[]): PromptRow[] {
  const uploaded = rows.filter((row) => !row.builtIn).reverse();
  return [...uploaded, ...rows.filter((row) => row.builtIn)];
}
