import { cloudError } from '../errors.js';
import { valueError, type Infer, type Schema } from '../schema.js';

/**
 * Combinators the IVR format needs beyond the Cloud API's: a literal tag, a map
 * keyed by ids (so that paths name nodes, `nodes.sales.keys.1`), and a union
 * chosen by a tag field. Errors keep the schema language's paths.
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Exactly one string, typed as itself (a union's tag). */
export function literal<const T extends string>(expected: T): Schema<T> {
  return {
    typeName: 'String',
    parse(value, path) {
      if (value !== expected) throw valueError(path, `must be "${expected}".`, `应为 "${expected}"。`);
      return expected;
    },
  };
}

export interface RecordOptions {
  /** What a key must look like, with a description for the error message. */
  key: { regex: RegExp; en: string; zh: string };
  min?: number;
  max?: number;
}

/** An object used as a map: keys checked by a pattern, every value by one schema; the path of a value is `path.key`. */
export function record<T>(item: Schema<T>, options: RecordOptions): Schema<Record<string, T>> {
  const { key: keyRule, min = 0, max = 10_000 } = options;
  return {
    typeName: `Object of ${item.typeName}`,
    parse(value, path, mode) {
      if (!isPlainObject(value)) {
        throw cloudError('InvalidParameter', `The parameter \`${path}\` must be of type Object.`, `参数 \`${path}\` 的类型应为 Object。`);
      }
      const keys = Object.keys(value);
      if (keys.length < min || keys.length > max) {
        throw valueError(path, `must hold ${min} to ${max} entries, but has ${keys.length}.`, `应包含 ${min} 到 ${max} 项，实际为 ${keys.length} 项。`);
      }
      // A null prototype: a key named `__proto__` or `constructor` stays a plain entry.
      const out = Object.create(null) as Record<string, T>;
      for (const key of keys) {
        if (!keyRule.regex.test(key)) {
          throw cloudError(
            'InvalidParameterValue',
            `The key "${key}" in \`${path}\` must be ${keyRule.en}.`,
            `\`${path}\` 中的键 "${key}" 应为${keyRule.zh}。`,
          );
        }
        out[key] = item.parse(value[key], `${path}.${key}`, mode);
      }
      return out;
    },
  };
}

type Variants = Record<string, Schema<unknown>>;

/** One of several object schemas, chosen by the string in `field`; unknown tags are named with the list of known ones. */
export function tagged<V extends Variants>(field: string, variants: V): Schema<{ [K in keyof V]: Infer<V[K]> }[keyof V]> {
  const tags = Object.keys(variants);
  return {
    typeName: 'Object',
    parse(value, path, mode) {
      if (!isPlainObject(value)) {
        throw cloudError('InvalidParameter', `The parameter \`${path}\` must be of type Object.`, `参数 \`${path}\` 的类型应为 Object。`);
      }
      const tag = value[field];
      const fieldPath = `${path}.${field}`;
      if (tag === undefined || tag === null) {
        throw cloudError('MissingParameter', `The required parameter \`${fieldPath}\` is missing (one of ${tags.join(', ')}).`, `缺少必填参数 \`${fieldPath}\`（${tags.join('、')} 之一）。`);
      }
      const variant = typeof tag === 'string' && Object.hasOwn(variants, tag) ? variants[tag] : undefined;
      if (!variant) {
        throw valueError(fieldPath, `must be one of ${tags.join(', ')}, but ${JSON.stringify(tag)} was given.`, `应为 ${tags.join('、')} 之一，实际为 ${JSON.stringify(tag)}。`);
      }
      return variant.parse(value, path, mode) as { [K in keyof V]: Infer<V[K]> }[keyof V];
    },
  };
}
