import type { Language } from '../i18n.js';
import { Button } from './button.js';
import { common, format } from './text.js';

export interface PagingProps {
  /** Zero-based, as TCCC's PageNumber. */
  page: number;
  pageSize: number;
  total: number;
  lang: Language;
  onPage: (page: number) => void;
  /** With choices, a page-size select is shown. */
  pageSizes?: readonly number[];
  onPageSize?: (size: number) => void;
}

/** Previous / next paging over a total, zero-based pages. */
export function Paging({ page, pageSize, total, lang, onPage, pageSizes, onPageSize }: PagingProps) {
  const t = common[lang];
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav class="paging" aria-label={t.paging}>
      <span class="paging-info" aria-live="polite">
        {format(t.pageOf, { page: Math.min(page + 1, pages), pages, total })}
      </span>
      {pageSizes && onPageSize ? (
        <label class="paging-size">
          {t.pageSize}
          <select class="input input-small" value={String(pageSize)} onChange={(e) => onPageSize(Number(e.currentTarget.value))}>
            {pageSizes.map((size) => (
              <option key={size} value={String(size)}>
                {size}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <Button variant="secondary" disabled={page <= 0} onClick={() => onPage(page - 1)}>
        {t.previous}
      </Button>
      <Button variant="secondary" disabled={page + 1 >= pages} onClick={() => onPage(page + 1)}>
        {t.next}
      </Button>
    </nav>
  );
}
