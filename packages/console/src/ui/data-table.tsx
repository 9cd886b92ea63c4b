import type { ComponentChildren } from 'preact';
import type { Language } from '../i18n.js';
import { Button } from './button.js';
import { common, errorText } from './text.js';

export interface Column<Row> {
  key: string;
  header: ComponentChildren;
  render: (row: Row) => ComponentChildren;
  /** e.g. `num` right-aligns, `actions` keeps buttons on one line. */
  class?: string;
}

export interface DataTableProps<Row> {
  /** Names the table for assistive technology. */
  caption: string;
  columns: ReadonlyArray<Column<Row>>;
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  lang: Language;
  loading?: boolean;
  error?: unknown;
  onRetry?: () => void;
  /** What an empty table says, e.g. how to add the first row. */
  empty?: ComponentChildren;
}

/** A table with its loading, error and empty states; rows stay visible (dimmed) while reloading. */
export function DataTable<Row>({ caption, columns, rows, rowKey, lang, loading = false, error, onRetry, empty }: DataTableProps<Row>) {
  const t = common[lang];
  const failed = error !== undefined && error !== null;
  return (
    <div class="table-wrap" aria-busy={loading ? 'true' : 'false'}>
      <table class={`table${loading && rows.length > 0 ? ' table-reloading' : ''}`}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" class={c.class}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((c) => (
                <td key={c.key} class={c.class}>
                  {c.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {failed ? (
        <div class="table-state table-error" role="alert">
          <strong>{t.errorTitle}</strong>
          <span>{errorText(error, lang)}</span>
          {onRetry ? <Button onClick={onRetry}>{t.retry}</Button> : null}
        </div>
      ) : loading && rows.length === 0 ? (
        <div class="table-state" role="status">
          <span class="spinner" aria-hidden="true" />
          {t.loading}
        </div>
      ) : !loading && rows.length === 0 ? (
        <div class="table-state table-empty">{empty ?? t.empty}</div>
      ) : null}
    </div>
  );
}
