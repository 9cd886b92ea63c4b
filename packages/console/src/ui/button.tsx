import type { ComponentChildren, JSX } from 'preact';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'text';

export interface ButtonProps extends Omit<JSX.ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'disabled'> {
  variant?: ButtonVariant;
  /** Shows the button as working and disables it, e.g. while a request runs. */
  busy?: boolean;
  type?: 'button' | 'submit';
  disabled?: boolean;
  children?: ComponentChildren;
}

/** A button; `type` defaults to `button`, so it never submits a form by accident. */
export function Button({ variant = 'secondary', busy = false, type = 'button', disabled, class: className, children, ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      type={type}
      class={`btn btn-${variant}${className ? ` ${String(className)}` : ''}`}
      disabled={disabled || busy}
      aria-busy={busy ? 'true' : undefined}
    >
      {busy ? <span class="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}
