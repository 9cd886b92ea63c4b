import type { FieldDescriptor, TypeDescriptor } from '@openccc/protocol';
import { format, type Language } from '../../i18n.js';
import { Button, Field } from '../../ui/index.js';
import { emptyDraft, type Draft } from './form-model.js';
import { text } from './text.js';

interface EditorProps {
  lang: Language;
  errors: Record<string, string>;
  disabled: boolean;
}

/** What a field takes, in a few words: `Integer · 1–3`, `String · ≤128 characters`. */
export function limitsOf(described: TypeDescriptor, lang: Language): string {
  const zh = lang === 'zh-CN';
  const parts: string[] = [];
  switch (described.type) {
    case 'integer':
      parts.push(zh ? '整数' : 'Integer');
      if (described.min !== undefined && described.max !== undefined) parts.push(`${described.min}–${described.max}`);
      else if (described.min !== undefined) parts.push(`≥ ${described.min}`);
      else if (described.max !== undefined) parts.push(`≤ ${described.max}`);
      break;
    case 'string':
      parts.push(zh ? '字符串' : 'String');
      if (described.enum) parts.push(described.enum.join(' | '));
      else if (described.minLength) parts.push(zh ? `${described.minLength}–${described.maxLength ?? 4096} 个字符` : `${described.minLength}–${described.maxLength ?? 4096} characters`);
      else if (described.maxLength !== undefined) parts.push(zh ? `最多 ${described.maxLength} 个字符` : `up to ${described.maxLength} characters`);
      if (described.format) parts.push(zh ? described.format.zh : described.format.en);
      break;
    case 'boolean':
      parts.push(zh ? '布尔值' : 'Boolean');
      break;
    case 'array':
      parts.push(zh ? '数组' : 'Array');
      if (described.minItems || described.maxItems !== undefined) parts.push(zh ? `${described.minItems ?? 0}–${described.maxItems ?? 10_000} 项` : `${described.minItems ?? 0}–${described.maxItems ?? 10_000} items`);
      break;
    case 'object':
      parts.push(zh ? '对象' : 'Object');
      break;
  }
  return parts.join(' · ');
}

/** The fields of an object, one editor each. */
export function FieldsEditor({ fields, path, draft, onChange, ...props }: EditorProps & { fields: readonly FieldDescriptor[]; path: string; draft: Record<string, Draft>; onChange: (next: Record<string, Draft>) => void }) {
  return (
    <>
      {fields.map((field) => (
        <ValueEditor
          key={field.name}
          {...props}
          described={field}
          label={field.name}
          required={field.required}
          path={path ? `${path}.${field.name}` : field.name}
          draft={draft[field.name] ?? emptyDraft(field)}
          onChange={(value) => onChange({ ...draft, [field.name]: value })}
        />
      ))}
    </>
  );
}

interface ValueProps extends EditorProps {
  described: TypeDescriptor;
  label: string;
  required: boolean;
  path: string;
  draft: Draft;
  onChange: (next: Draft) => void;
  onRemove?: () => void;
}

function ValueEditor(props: ValueProps) {
  const { described, label, required, path, draft, onChange, onRemove, lang, errors, disabled } = props;
  const t = text[lang];
  if (described.type === 'object') {
    const value = typeof draft === 'object' && !Array.isArray(draft) ? draft : {};
    return (
      <fieldset class="explorer-group">
        <legend>
          {label}
          {required ? <span class="field-required" aria-hidden="true"> *</span> : null}
          <span class="explorer-type">{limitsOf(described, lang)}</span>
          {onRemove ? <RemoveButton label={`${t.remove} ${label}`} onRemove={onRemove} disabled={disabled} lang={lang} /> : null}
        </legend>
        <FieldsEditor fields={described.fields ?? []} path={path} draft={value} onChange={onChange} lang={lang} errors={errors} disabled={disabled} />
      </fieldset>
    );
  }
  if (described.type === 'array') {
    const items = Array.isArray(draft) ? draft : [];
    const item = described.items ?? { type: 'string' };
    const full = items.length >= (described.maxItems ?? 10_000);
    const error = errors[path];
    return (
      <fieldset class={`explorer-group${error ? ' field-invalid' : ''}`}>
        <legend>
          {label}
          {required ? <span class="field-required" aria-hidden="true"> *</span> : null}
          <span class="explorer-type">{limitsOf(described, lang)}</span>
          {onRemove ? <RemoveButton label={`${t.remove} ${label}`} onRemove={onRemove} disabled={disabled} lang={lang} /> : null}
        </legend>
        {items.map((entry, index) => (
          <ValueEditor
            key={index}
            {...props}
            described={item}
            label={format(t.item, { n: index + 1 })}
            required
            path={`${path}.${index}`}
            draft={entry}
            onChange={(next) => onChange(items.map((old, i) => (i === index ? next : old)))}
            onRemove={() => onChange(items.filter((_, i) => i !== index))}
          />
        ))}
        {error ? (
          <p class="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <Button variant="text" disabled={disabled || full} onClick={() => onChange([...items, emptyDraft(item)])} aria-label={`${t.add}: ${label}`}>
          + {t.add}
        </Button>
      </fieldset>
    );
  }
  const value = typeof draft === 'string' ? draft : '';
  const choices = described.type === 'boolean' ? ['true', 'false'] : described.enum;
  return (
    <div class="explorer-leaf">
      <Field label={label} required={required} error={errors[path]} hint={limitsOf(described, lang)}>
        {(control) =>
          choices ? (
            <select {...control} class="input" name={path} value={value} disabled={disabled} onChange={(event) => onChange(event.currentTarget.value)}>
              <option value="">{t.notSet}</option>
              {choices.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          ) : (
            <input
              {...control}
              class="input"
              name={path}
              value={value}
              disabled={disabled}
              inputMode={described.type === 'integer' ? 'numeric' : undefined}
              autoComplete="off"
              spellcheck={false}
              onInput={(event) => onChange(event.currentTarget.value)}
            />
          )
        }
      </Field>
      {onRemove ? <RemoveButton label={`${t.remove} ${label}`} onRemove={onRemove} disabled={disabled} lang={lang} /> : null}
    </div>
  );
}

function RemoveButton({ label, onRemove, disabled, lang }: { label: string; onRemove: () => void; disabled: boolean; lang: Language }) {
  return (
    <Button variant="text" class="explorer-remove" onClick={onRemove} disabled={disabled} aria-label={label}>
      {text[lang].remove}
    </Button>
  );
}
