import { obj, str, valueError, type InferShape, type Schema, type Shape } from './schema.js';

/*
 * Schemas for JSON messages (the realtime and phone protocols), in the Cloud API's
 * validation language. Fields a newer client adds are dropped, not refused.
 */

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** One of a few strings, typed as their union. */
export function oneOf<T extends string>(values: readonly T[]): Schema<T> {
  const base = str({ oneOf: values });
  return {
    typeName: 'String',
    ...(base.descriptor ? { descriptor: base.descriptor } : {}),
    parse(value, path, mode) {
      const text = base.parse(value, path, mode);
      if (isOneOf(values, text)) return text;
      throw valueError(path, `must be one of ${values.join(', ')}.`, `应为 ${values.join('、')} 之一。`);
    },
  };
}

/** Any JSON object (method parameters: each handler checks the fields it reads). */
export function anyObject(): Schema<Record<string, unknown>> {
  const strict = obj({});
  return {
    typeName: 'Object',
    parse(value, path, mode) {
      if (isRecord(value)) return value;
      // Answers with the language's own type error.
      strict.parse(value, path, mode);
      throw valueError(path, 'must be an object.', '应为对象。');
    },
  };
}

/** An object of known fields; other fields are dropped before parsing. */
export function knownFields<S extends Shape>(shape: S): Schema<InferShape<S>> {
  const strict = obj(shape);
  const keys = Object.keys(shape);
  return {
    typeName: 'Object',
    parse(value, path, mode) {
      if (!isRecord(value)) return strict.parse(value, path, mode);
      const known: Record<string, unknown> = {};
      for (const key of keys) if (Object.hasOwn(value, key)) known[key] = value[key];
      return strict.parse(known, path, mode);
    },
  };
}
