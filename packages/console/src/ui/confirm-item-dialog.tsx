import type { ComponentChildren } from 'preact';
import type { Language } from '../i18n.js';
import { ConfirmDialog } from './dialog.js';

export interface ConfirmItemDialogProps<T> {
  /** The item the action would apply to; the dialog is open while there is one. */
  item: T | null;
  title: ComponentChildren;
  confirmLabel: string;
  lang: Language;
  busy?: boolean;
  danger?: boolean;
  /** What the dialog says about the item. */
  children: (item: T) => ComponentChildren;
  onConfirm: (item: T) => void;
  onCancel: () => void;
}

/**
 * Asks before an action on one item of a list (delete, reset…): a {@link ConfirmDialog} open while
 * `item` is set, whose text and confirmation receive that item.
 */
export function ConfirmItemDialog<T>({ item, title, confirmLabel, lang, busy = false, danger = true, children, onConfirm, onCancel }: ConfirmItemDialogProps<T>) {
  return (
    <ConfirmDialog
      open={item !== null}
      title={title}
      confirmLabel={confirmLabel}
      lang={lang}
      busy={busy}
      danger={danger}
      onCancel={onCancel}
      onConfirm={() => {
        if (item !== null) onConfirm(item);
      }}
    >
      {item !== null ? children(item) : null}
    </ConfirmDialog>
  );
}
