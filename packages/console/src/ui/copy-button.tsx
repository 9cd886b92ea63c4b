import { useEffect, useState } from 'preact/hooks';
import type { Language } from '../i18n.js';
import { common } from './text.js';

/** Copies text to the clipboard; works outside secure contexts too (plain-HTTP consoles). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Fall through to the selection way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

/** A small "copy" button; says "copied" for a moment, or that copying failed. */
export function CopyButton({ text, lang, label }: { text: string; lang: Language; label?: string }) {
  const t = common[lang];
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      class="btn btn-text btn-copy"
      aria-label={label ? `${t.copy}: ${label}` : t.copy}
      onClick={() => {
        void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'));
      }}
    >
      {state === 'copied' ? t.copied : t.copy}
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? t.copied : state === 'failed' ? t.copyFailed : ''}
      </span>
    </button>
  );
}
