import type { FieldDescriptor, TypeDescriptor } from '@openccc/protocol';
import { format, type Language } from '../../i18n.js';
import { text } from './text.js';

/**
 * The explorer's form state, shaped like the request: a leaf is the text typed (`''` = not given;
 * booleans are `'true'`, `'false'` or `''`), arrays and objects hold drafts. `toBody` turns it into
 * the JSON body with the limits the server checks, naming fields the way the Cloud API does
 * (`Staffs.0.Mail`).
 */
export type Draft = string | Draft[] | { [field: string]: Draft };

export interface BuiltBody {
  body: Record<string, unknown>;
  /** Messages by field path; empty when the body is valid. */
  errors: Record<string, string>;
}

export function emptyDraft(described: TypeDescriptor): Draft {
  switch (described.type) {
    case 'array':
      return described.items ? Array.from({ length: described.minItems ?? 0 }, () => emptyDraft(described.items as TypeDescriptor)) : [];
    case 'object':
      return Object.fromEntries((described.fields ?? []).map((field) => [field.name, emptyDraft(field)]));
    default:
      return '';
  }
}

/** The draft of a new request: `SdkAppId` (and `SdkAppIdList`) hold the user's instance. */
export function initialDraft(fields: readonly FieldDescriptor[], sdkAppId: number): Record<string, Draft> {
  const draft = emptyDraft({ type: 'object', fields: [...fields] }) as Record<string, Draft>;
  if (fields.some((f) => f.name === 'SdkAppId')) draft['SdkAppId'] = String(sdkAppId);
  if (fields.some((f) => f.name === 'SdkAppIdList')) draft['SdkAppIdList'] = [String(sdkAppId)];
  return draft;
}

function isDraftObject(draft: Draft | undefined): draft is Record<string, Draft> {
  return typeof draft === 'object' && !Array.isArray(draft);
}

type Converted = { present: false } | { present: true; value: unknown };

export function toBody(fields: readonly FieldDescriptor[], draft: Record<string, Draft>, lang: Language): BuiltBody {
  const errors: Record<string, string> = {};
  const converted = convert({ type: 'object', fields: [...fields] }, draft, '', true, errors, lang);
  return { body: converted.present ? (converted.value as Record<string, unknown>) : {}, errors };
}

function join(path: string, name: string | number): string {
  return path ? `${path}.${name}` : String(name);
}

function convert(described: TypeDescriptor, draft: Draft | undefined, path: string, required: boolean, errors: Record<string, string>, lang: Language): Converted {
  const t = text[lang];
  const fail = (message: string): Converted => {
    errors[path] = message;
    return { present: false };
  };
  switch (described.type) {
    case 'object': {
      const own: Record<string, string> = {};
      const value: Record<string, unknown> = {};
      const source = isDraftObject(draft) ? draft : {};
      for (const field of described.fields ?? []) {
        const child = convert(field, source[field.name], join(path, field.name), field.required, own, lang);
        if (child.present) value[field.name] = child.value;
      }
      // An optional object left empty is simply not sent.
      if (!required && Object.keys(value).length === 0) return { present: false };
      Object.assign(errors, own);
      return { present: true, value };
    }
    case 'array': {
      const items = Array.isArray(draft) ? draft : [];
      if (items.length === 0) return required ? fail(t.required) : { present: false };
      const value = items.map((item, index) => {
        const child = convert(described.items ?? { type: 'string' }, item, join(path, index), true, errors, lang);
        return child.present ? child.value : null;
      });
      const { minItems = 0, maxItems = 10_000 } = described;
      if (items.length < minItems || items.length > maxItems) return fail(format(t.itemCount, { min: minItems, max: maxItems }));
      return { present: true, value };
    }
    default: {
      const raw = typeof draft === 'string' ? draft : '';
      if (raw === '') return required ? fail(t.required) : { present: false };
      return leaf(described, raw, fail, t);
    }
  }
}

function leaf(described: TypeDescriptor, raw: string, fail: (message: string) => Converted, t: (typeof text)[Language]): Converted {
  switch (described.type) {
    case 'boolean':
      return raw === 'true' || raw === 'false' ? { present: true, value: raw === 'true' } : fail(t.boolean);
    case 'integer': {
      const trimmed = raw.trim();
      const n = Number(trimmed);
      if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(n)) return fail(t.integer);
      const { min, max } = described;
      if (min !== undefined && max !== undefined && (n < min || n > max)) return fail(format(t.between, { min, max }));
      if (min !== undefined && n < min) return fail(format(t.atLeast, { min }));
      if (max !== undefined && n > max) return fail(format(t.atMost, { max }));
      return { present: true, value: n };
    }
    default: {
      const { minLength = 0, maxLength = 4096 } = described;
      if (raw.length < minLength || raw.length > maxLength) return fail(format(t.length, { min: minLength, max: maxLength, n: raw.length }));
      if (described.enum && !described.enum.includes(raw)) return fail(format(t.oneOf, { list: described.enum.join(', ') }));
      return { present: true, value: raw };
    }
  }
}

/** The draft of a JSON body (the JSON tab → the form); null when the body names a field the action has not. */
export function fromBody(fields: readonly FieldDescriptor[], body: unknown): Record<string, Draft> | null {
  const draft = toDraft({ type: 'object', fields: [...fields] }, body);
  return draft !== null && isDraftObject(draft) ? draft : null;
}

function toDraft(described: TypeDescriptor, value: unknown): Draft | null {
  if (value === undefined || value === null) return emptyDraft(described);
  switch (described.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return null;
      const record = value as Record<string, unknown>;
      const known = new Set((described.fields ?? []).map((f) => f.name));
      if (Object.keys(record).some((key) => !known.has(key))) return null;
      const out: Record<string, Draft> = {};
      for (const field of described.fields ?? []) {
        const child = toDraft(field, record[field.name]);
        if (child === null) return null;
        out[field.name] = child;
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) return null;
      const items: Draft[] = [];
      for (const item of value) {
        const child = toDraft(described.items ?? { type: 'string' }, item);
        if (child === null) return null;
        items.push(child);
      }
      return items;
    }
    default:
      return typeof value === 'object' ? null : String(value);
  }
}
