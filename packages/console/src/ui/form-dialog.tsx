import type { ComponentChildren } from 'preact';
import type { Language } from '../i18n.js';
import { Button } from './button.js';
import { Dialog } from './dialog.js';
import { common } from './text.js';

export interface FormDialogProps {
  lang: Language;
  title: ComponentChildren;
  /** The id of the `<form>` among the children; the footer's submit button submits it. */
  formId: string;
  /** A request runs: the dialog stays open (Esc and Cancel do nothing) and the submit button shows it works. */
  busy: boolean;
  onClose: () => void;
  wide?: boolean;
  /** The submit button's text; without one it reads Save, or Saving… while busy. */
  submitLabel?: string;
  /** The form, with `id={formId}`. */
  children: ComponentChildren;
}

/**
 * A dialog around one form, with Cancel and a submit button at the bottom. The owner renders the
 * `<form id={formId}>` and handles its submission; while `busy`, the dialog cannot be closed.
 */
export function FormDialog({ lang, title, formId, busy, onClose, wide = false, submitLabel, children }: FormDialogProps) {
  const t = common[lang];
  return (
    <Dialog
      open
      wide={wide}
      title={title}
      onClose={() => {
        if (!busy) onClose();
      }}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            {t.cancel}
          </Button>
          <Button variant="primary" type="submit" busy={busy} form={formId}>
            {submitLabel ?? (busy ? t.saving : t.save)}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
