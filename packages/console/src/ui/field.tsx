import type { ComponentChildren, JSX, VNode } from 'preact';
import { useId } from 'preact/hooks';

/** What a field gives its control: wire these onto the input, select or textarea. */
export interface FieldControlProps {
  id: string;
  'aria-invalid': 'true' | undefined;
  'aria-describedby': string | undefined;
  'aria-required': 'true' | undefined;
}

export interface FieldProps {
  label: ComponentChildren;
  /** The error shown under the control; the control is then `aria-invalid`. */
  error?: string | null | undefined;
  hint?: ComponentChildren;
  required?: boolean;
  children: (control: FieldControlProps) => VNode;
}

/** A labelled form control with its hint and error, linked by `aria-describedby`. */
export function Field({ label, error, hint, required, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label class="field-label" for={id}>
        {label}
        {required ? <span class="field-required" aria-hidden="true"> *</span> : null}
      </label>
      {children({ id, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy, 'aria-required': required ? 'true' : undefined })}
      {hint ? (
        <p class="field-hint" id={hintId ?? undefined}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={errorId ?? undefined}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export interface TextFieldProps extends Omit<FieldProps, 'children'> {
  value: string;
  onValue: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'number' | 'tel' | 'search';
  name?: string;
  placeholder?: string;
  autoComplete?: string;
  disabled?: boolean;
  inputMode?: JSX.HTMLAttributes<HTMLInputElement>['inputMode'];
  maxLength?: number;
}

/** A text input in a `Field`. */
export function TextField({ value, onValue, type = 'text', name, placeholder, autoComplete, disabled, inputMode, maxLength, ...field }: TextFieldProps) {
  return (
    <Field {...field}>
      {(control) => (
        <input
          {...control}
          class="input"
          type={type}
          name={name}
          value={value}
          placeholder={placeholder}
          autoComplete={autoComplete}
          disabled={disabled}
          inputMode={inputMode}
          maxLength={maxLength}
          onInput={(event) => onValue(event.currentTarget.value)}
        />
      )}
    </Field>
  );
}

export interface SelectFieldProps<V extends string> extends Omit<FieldProps, 'children'> {
  value: V;
  onValue: (value: V) => void;
  options: ReadonlyArray<{ value: V; label: string }>;
  name?: string;
  disabled?: boolean;
}

/** A select in a `Field`. */
export function SelectField<V extends string>({ value, onValue, options, name, disabled, ...field }: SelectFieldProps<V>) {
  return (
    <Field {...field}>
      {(control) => (
        <select
          {...control}
          class="input"
          name={name}
          value={value}
          disabled={disabled}
          onChange={(event) => {
            const chosen = options.find((o) => o.value === event.currentTarget.value);
            if (chosen) onValue(chosen.value);
          }}
        >
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
