import { useState } from 'preact/hooks';
import { format, type Language } from '../../i18n.js';
import { parseHash, type PageProps } from '../../routes.js';
import { Button, ConfirmItemDialog, DataTable, Notice, TextField, common, errorText, toast, useAsync, type Column } from '../../ui/index.js';
import { loadNumbers, loadSkillGroups, numberPath, type NumberRow, type SkillGroupOption } from './numbers-data.js';
import { RouteEditor } from './route-editor.js';
import { numbersText } from './text.js';
import './numbers.css';

/** `#/numbers`: the instance's numbers with route and state; `#/numbers/<number>` edits one number's route. */
export function NumbersPage(props: PageProps) {
  const number = parseHash(location.hash).rest[0];
  if (number) return <RouteEditor key={number} api={props.api} number={number} lang={props.lang} readOnly={props.readOnly} />;
  return <NumbersList {...props} />;
}

function NumbersList({ api, lang, readOnly }: PageProps) {
  const t = numbersText[lang];
  const numbers = useAsync(() => Promise.all([loadNumbers(api), loadSkillGroups(api)]), [api]);
  const [adding, setAdding] = useState('');
  const [addError, setAddError] = useState<string | undefined>();
  const [busy, setBusy] = useState<string | null>(null);
  const [removing, setRemoving] = useState<NumberRow | null>(null);
  const rows = numbers.data?.[0] ?? [];
  const groups = numbers.data?.[1] ?? [];

  const add = async () => {
    const value = adding.trim();
    if (value === '') return setAddError(t.numberRequired);
    setBusy('add');
    try {
      const added = await api.post<NumberRow>('/numbers', { number: value, route: { kind: 'none' } });
      setAdding('');
      setAddError(undefined);
      toast(format(t.added, { number: added.number }));
      location.hash = `#/numbers/${encodeURIComponent(added.number)}`;
    } catch (error) {
      setAddError(errorText(error, lang));
    } finally {
      setBusy(null);
    }
  };

  const setState = async (row: NumberRow, state: NumberRow['state']) => {
    setBusy(row.number);
    try {
      await api.put(`${numberPath(row.number)}/state`, { state });
      toast(format(t.stateChanged, { number: row.number, state: state === 'enabled' ? t.enabled : t.disabled }));
      numbers.reload();
    } catch (error) {
      toast(errorText(error, lang), 'error');
    } finally {
      setBusy(null);
    }
  };

  const remove = async (row: NumberRow) => {
    setBusy(row.number);
    try {
      await api.del(numberPath(row.number));
      toast(format(t.removed, { number: row.number }));
      setRemoving(null);
      numbers.reload();
    } catch (error) {
      toast(errorText(error, lang), 'error');
    } finally {
      setBusy(null);
    }
  };

  const columns: Array<Column<NumberRow>> = [
    { key: 'number', header: t.number, render: (row) => <span class="mono">{row.number}</span> },
    { key: 'route', header: t.route, render: (row) => routeText(row, groups, lang) },
    { key: 'state', header: t.state, render: (row) => <span class={`tag number-${row.state}`}>{row.state === 'enabled' ? t.enabled : t.disabled}</span> },
    {
      key: 'actions',
      header: common[lang].actions,
      class: 'actions',
      render: (row) => (
        <span class="number-actions">
          <a class="btn btn-text" href={`#/numbers/${encodeURIComponent(row.number)}`} aria-label={`${t.editRoute} ${row.number}`}>
            {readOnly ? t.route : t.editRoute}
          </a>
          {readOnly ? null : (
            <>
              <Button variant="text" busy={busy === row.number} onClick={() => void setState(row, row.state === 'enabled' ? 'disabled' : 'enabled')} aria-label={`${row.state === 'enabled' ? t.disable : t.enable} ${row.number}`}>
                {row.state === 'enabled' ? t.disable : t.enable}
              </Button>
              <Button variant="text" class="btn-danger-text" onClick={() => setRemoving(row)} aria-label={`${t.remove} ${row.number}`}>
                {t.remove}
              </Button>
            </>
          )}
        </span>
      ),
    },
  ];

  return (
    <section class="page numbers-page" aria-labelledby="numbers-title">
      <div class="page-header">
        <div>
          <h1 id="numbers-title">{t.title}</h1>
          <p class="page-lead">{t.lead}</p>
        </div>
        <div class="page-actions">
          <a class="btn btn-secondary" href="#/prompts">
            {t.library}
          </a>
        </div>
      </div>
      {readOnly ? <Notice>{common[lang].readOnly}</Notice> : null}
      {readOnly ? null : (
        <form
          class="card toolbar numbers-add"
          noValidate
          aria-label={t.addNumber}
          onSubmit={(event) => {
            event.preventDefault();
            void add();
          }}
        >
          <TextField label={t.addNumber} hint={t.numberHint} type="tel" name="number" value={adding} onValue={(value) => (setAdding(value), setAddError(undefined))} error={addError} maxLength={32} />
          <Button variant="primary" type="submit" busy={busy === 'add'}>
            {t.add}
          </Button>
        </form>
      )}
      <DataTable caption={t.title} columns={columns} rows={rows} rowKey={(row) => row.number} lang={lang} loading={numbers.loading} error={numbers.error} onRetry={numbers.reload} empty={t.empty} />
      <ConfirmItemDialog
        item={removing}
        title={t.removeTitle}
        confirmLabel={t.remove}
        lang={lang}
        busy={removing !== null && busy === removing.number}
        onCancel={() => setRemoving(null)}
        onConfirm={(row) => void remove(row)}
      >
        {(row) => format(t.removeBody, { number: row.number })}
      </ConfirmItemDialog>
    </section>
  );
}

function routeText(row: NumberRow, groups: readonly SkillGroupOption[], lang: Language): string {
  const t = numbersText[lang];
  switch (row.route.kind) {
    case 'none':
      return t.routeNone;
    case 'skillGroup': {
      const id = row.route.skillGroupId;
      return format(t.routeSkillGroup, { name: groups.find((g) => g.id === id)?.name ?? `#${id}` });
    }
    case 'ivr':
      return format(t.routeIvr, { name: row.route.name || t.unnamedFlow });
  }
}
