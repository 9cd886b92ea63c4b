import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export type NoticeKind = 'info' | 'success' | 'warning' | 'error';

/** An inline message; errors are announced at once (`role="alert"`), the rest politely. */
export function Notice({ kind = 'info', children, onDismiss, dismissLabel }: { kind?: NoticeKind; children: ComponentChildren; onDismiss?: () => void; dismissLabel?: string }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div class="notice-body">{children}</div>
      {onDismiss ? (
        <button type="button" class="notice-close" aria-label={dismissLabel ?? '×'} onClick={onDismiss}>
          ×
        </button>
      ) : null}
    </div>
  );
}

interface Toast {
  id: number;
  kind: NoticeKind;
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(list: Toast[]) => void>();
const TOAST_MS = 5000;

function publish(list: Toast[]): void {
  toasts = list;
  for (const listener of listeners) listener(toasts);
}

/** Shows a short message in the corner, e.g. `toast('已保存', 'success')`; errors stay until closed. */
export function toast(text: string, kind: NoticeKind = 'success'): void {
  const id = nextId++;
  publish([...toasts, { id, kind, text }].slice(-4));
  if (kind !== 'error') window.setTimeout(() => dismissToast(id), TOAST_MS);
}

export function dismissToast(id: number): void {
  publish(toasts.filter((t) => t.id !== id));
}

/** Where toasts appear; the app renders it once. */
export function Toasts({ closeLabel }: { closeLabel: string }) {
  const [list, setList] = useState(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => {
      listeners.delete(setList);
    };
  }, []);
  return (
    <div class="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast notice-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <span>{t.text}</span>
          <button type="button" class="notice-close" aria-label={closeLabel} onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
