import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef } from 'preact/hooks';
import type { Language } from '../i18n.js';
import { Button } from './button.js';
import { common } from './text.js';

export interface DialogProps {
  open: boolean;
  title: ComponentChildren;
  onClose: () => void;
  children: ComponentChildren;
  /** The buttons at the bottom. */
  footer?: ComponentChildren;
  wide?: boolean;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog (the platform's `<dialog>`, so the page behind is inert). Tab stays inside, Esc
 * closes, and focus returns to where it was when the dialog closes.
 */
export function Dialog({ open, title, onClose, children, footer, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // A layout effect: when the dialog closes, focus goes back in the same commit that removes it,
  // never resting on the page's body in between.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first =
      dialog.querySelector<HTMLElement>('[autofocus]') ?? dialog.querySelector<HTMLElement>('.dialog-body input, .dialog-body select, .dialog-body textarea') ?? dialog.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      previous?.focus();
    };
  }, [open]);

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      class={`dialog${wide ? ' dialog-wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Esc: the owner decides (it may refuse while saving).
        event.preventDefault();
        onClose();
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Tab') return;
        const items = Array.from(ref.current?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []).filter((el) => el.offsetParent !== null);
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) return;
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }}
    >
      <header class="dialog-header">
        <h2 id={titleId}>{title}</h2>
      </header>
      <div class="dialog-body">{children}</div>
      {footer ? <footer class="dialog-footer">{footer}</footer> : null}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  title: ComponentChildren;
  children: ComponentChildren;
  confirmLabel: string;
  lang: Language;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
  busy?: boolean;
}

/** Asks before something that cannot be undone; Cancel has the focus first. */
export function ConfirmDialog({ open, title, children, confirmLabel, lang, onConfirm, onCancel, danger = true, busy = false }: ConfirmDialogProps) {
  const t = common[lang];
  return (
    <Dialog
      open={open}
      title={title}
      onClose={() => {
        if (!busy) onCancel();
      }}
      footer={
        <>
          <Button onClick={onCancel} disabled={busy} autoFocus>
            {t.cancel}
          </Button>
          <Button variant={danger ? 'danger' : 'primary'} busy={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
