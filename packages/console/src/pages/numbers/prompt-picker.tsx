import { useEffect, useState } from 'preact/hooks';
import { format, type Language } from '../../i18n.js';
import { toast } from '../../ui/index.js';
import { promptAudioUrl, type PromptRow } from './numbers-data.js';
import { ivrText, numbersText } from './text.js';

/** One audio element for the whole console: playing a prompt stops the one before. */
let audio: HTMLAudioElement | null = null;
let playing: string | null = null;
const listeners = new Set<(id: string | null) => void>();

function setPlaying(id: string | null): void {
  playing = id;
  for (const listener of listeners) listener(id);
}

function play(promptId: string, lang: Language): void {
  audio ??= new Audio();
  const element = audio;
  element.onended = () => setPlaying(null);
  element.onerror = () => {
    if (playing === promptId) toast(format(numbersText[lang].playFailed, { id: promptId }), 'error');
    setPlaying(null);
  };
  element.src = promptAudioUrl(promptId);
  setPlaying(promptId);
  element.play().catch(() => setPlaying(null));
}

function stop(): void {
  audio?.pause();
  setPlaying(null);
}

/** A button that plays a prompt, or stops it while it plays. */
export function PlayButton({ promptId, lang }: { promptId: string; lang: Language }) {
  const t = numbersText[lang];
  const [current, setCurrent] = useState(playing);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => void listeners.delete(setCurrent);
  }, []);
  const on = current === promptId;
  return (
    <button
      type="button"
      class={`btn btn-text prompt-play${on ? ' prompt-playing' : ''}`}
      aria-label={`${on ? t.stop : t.play} ${promptId}`}
      aria-pressed={on ? 'true' : 'false'}
      data-prompt={promptId}
      onClick={() => (on ? stop() : play(promptId, lang))}
    >
      <span aria-hidden="true">{on ? '■' : '▶'}</span>
    </button>
  );
}

/** What a prompt is called in a list: its id, and what it says or its upload name. */
export function promptTitle(prompt: PromptRow | undefined, id: string): string {
  if (!prompt) return id;
  const said = prompt.builtIn ? prompt.text : prompt.name;
  return said ? `${id} · ${said}` : id;
}

export interface PromptPickerProps {
  /** The field's label, and the base of its controls' names. */
  label: string;
  value: string[];
  onValue: (value: string[]) => void;
  library: readonly PromptRow[];
  lang: Language;
  readOnly: boolean;
  /** The JSON path of the list, for its error and those of its items (`path.0`). */
  path: string;
  errorAt: (path: string) => string | undefined;
}

/** An ordered list of prompts chosen from the library, each with a play button. */
export function PromptPicker({ label, value, onValue, library, lang, readOnly, path, errorAt }: PromptPickerProps) {
  const t = ivrText[lang];
  const [choice, setChoice] = useState('');
  const byId = new Map(library.map((p) => [p.promptId, p]));
  const error = errorAt(path);
  const groupId = `pp-${path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <div class={`field prompt-picker${error ? ' field-invalid' : ''}`} role="group" aria-labelledby={`${groupId}-label`} data-path={path}>
      <span class="field-label" id={`${groupId}-label`}>
        {label}
      </span>
      {value.length === 0 ? <p class="muted prompt-none">{t.noPrompts}</p> : null}
      <ol class="prompt-list">
        {value.map((id, index) => {
          const itemError = errorAt(`${path}.${index}`);
          return (
            <li key={`${id}-${index}`} class={itemError ? 'prompt-item prompt-item-invalid' : 'prompt-item'}>
              <PlayButton promptId={id} lang={lang} />
              <span class="prompt-name" title={promptTitle(byId.get(id), id)}>
                {promptTitle(byId.get(id), id)}
              </span>
              {readOnly ? null : (
                <span class="prompt-item-actions">
                  {index > 0 ? (
                    <button type="button" class="btn btn-text" aria-label={format(t.moveUp, { id })} onClick={() => onValue(moveUp(value, index))}>
                      ↑
                    </button>
                  ) : null}
                  <button type="button" class="btn btn-text btn-danger-text" aria-label={format(t.removePrompt, { id })} onClick={() => onValue(value.filter((_, i) => i !== index))}>
                    ×
                  </button>
                </span>
              )}
              {itemError ? <p class="field-error">{itemError}</p> : null}
            </li>
          );
        })}
      </ol>
      {readOnly ? null : (
        <div class="prompt-add">
          <select class="input input-small" aria-label={`${label}: ${t.choosePrompt}`} value={choice} onChange={(event) => setChoice(event.currentTarget.value)}>
            <option value="">{t.choosePrompt}</option>
            <optgroup label={t.builtInGroup}>
              {library.filter((p) => p.builtIn).map((p) => (
                <option key={p.promptId} value={p.promptId}>
                  {promptTitle(p, p.promptId)}
                </option>
              ))}
            </optgroup>
            <optgroup label={t.uploadedGroup}>
              {library.filter((p) => !p.builtIn).map((p) => (
                <option key={p.promptId} value={p.promptId}>
                  {promptTitle(p, p.promptId)}
                </option>
              ))}
            </optgroup>
          </select>
          <button
            type="button"
            class="btn btn-secondary btn-small"
            disabled={choice === ''}
            onClick={() => {
              if (choice === '') return;
              onValue([...value, choice]);
              setChoice('');
            }}
          >
            {t.addPrompt}
          </button>
        </div>
      )}
      {error ? <p class="field-error">{error}</p> : null}
    </div>
  );
}

function moveUp(list: string[], index: number): string[] {
  const out = [...list];
  [out[index - 1], out[index]] = [out[index]!, out[index - 1]!];
  return out;
}
