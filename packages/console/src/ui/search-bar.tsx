import { useState } from 'preact/hooks';
import type { Language } from '../i18n.js';
import { Button } from './button.js';
import { common } from './text.js';

export interface SearchBarProps {
  /** The input's id (its label points at it). */
  id: string;
  label: string;
  placeholder: string;
  clearLabel: string;
  lang: Language;
  /** The search in force; a clear button shows while there is one. */
  active: string;
  /** Called with the trimmed text on submit, and with '' on clear. */
  onSearch: (text: string) => void;
}

/** A search box with its button and, while a search is in force, a button that clears it. */
export function SearchBar({ id, label, placeholder, clearLabel, lang, active, onSearch }: SearchBarProps) {
  const [query, setQuery] = useState(active);
  return (
    <form
      class="toolbar"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(query.trim());
      }}
    >
      <label class="visually-hidden" for={id}>
        {label}
      </label>
      <input id={id} class="input search-input" type="search" name="search" placeholder={placeholder} value={query} onInput={(e) => setQuery(e.currentTarget.value)} maxLength={128} />
      <Button type="submit">{common[lang].search}</Button>
      {active ? (
        <Button
          variant="text"
          onClick={() => {
            setQuery('');
            onSearch('');
          }}
        >
          {clearLabel}
        </Button>
      ) : null}
    </form>
  );
}
