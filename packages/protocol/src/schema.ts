import { cloudError, type CloudApiError } from './errors.js';

/**
 * A small validation language for Cloud API parameters. One schema parses both
 * wire forms: JSON bodies (`json`, types must match) and GET queries (`form`,
 * every value is a string and is coerced by the schema). Errors name the
 * parameter path the way Tencent does (`Staffs.0.Mail`).
 */
export type ParseMode = 'json' | 'form';

export interface Schema<T> {
  readonly typeName: string;
  parse(value: unknown, path: string, mode: ParseMode): T;
  /** What the schema accepts, for forms generated from it (`describeFields`); the builders below set it. */
  readonly descriptor?: TypeDescriptor;
}

export type FieldType = 'integer' | 'string' | 'boolean' | 'array' | 'object';

/** A schema's type and limits; a limit equal to the language's default is left out. */
export interface TypeDescriptor {
  type: FieldType;
  /** integer: the inclusive range (absent when unbounded, i.e. the safe-integer range). */
  min?: number;
  max?: number;
  /** string: length limits in characters. */
  minLength?: number;
  maxLength?: number;
  /** string: the values allowed. */
  enum?: string[];
  /** string: a format checked by the server, described in both languages. */
  format?: { en: string; zh: string };
  /** array: item count limits and the item's descriptor. */
  minItems?: number;
  maxItems?: number;
  items?: TypeDescriptor;
  /** object: its fields, in declaration order. */
  fields?: FieldDescriptor[];
}

export interface FieldDescriptor extends TypeDescriptor {
  name: string;
  required: boolean;
}

const TYPE_NAMES: Record<string, FieldType> = { Integer: 'integer', String: 'string', Boolean: 'boolean', Object: 'object' };

/** A schema's descriptor; one built by hand without it is described by its type name alone. */
export function descriptorOf(schema: Schema<unknown>): TypeDescriptor {
  if (schema.descriptor) return schema.descriptor;
  if (schema.typeName.startsWith('Array')) return { type: 'array' };
  return { type: TYPE_NAMES[schema.typeName.split(' ')[0] ?? ''] ?? 'string' };
}

export interface OptionalField<T> {
  readonly optional: true;
  readonly schema: Schema<T>;
}

type Field = Schema<unknown> | OptionalField<unknown>;
export type Shape = Record<string, Field>;

export type Infer<S> = S extends Schema<infer T> ? T : never;
type InferField<F> = F extends OptionalField<infer T> ? T : F extends Schema<infer T> ? T : never;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalField<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type InferShape<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: InferField<S[K]> } & { [K in OptionalKeys<S>]?: InferField<S[K]> }
>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'Integer' : 'Float';
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'object':
      return 'Object';
    default:
      return typeof value;
  }
}

function typeError(path: string, expected: string, value: unknown): CloudApiError {
  const got = describe(value);
  return cloudError(
    'InvalidParameter',
    `The parameter \`${path}\` must be of type ${expected}, but ${got} was given.`,
    `参数 \`${path}\` 的类型应为 ${expected}，实际为 ${got}。`,
  );
}

export function valueError(path: string, en: string, zh: string): CloudApiError {
  return cloudError('InvalidParameterValue', `The value of \`${path}\` ${en}`, `参数 \`${path}\` 的取值${zh}`);
}

export function missingError(path: string): CloudApiError {
  return cloudError(
    'MissingParameter',
    `The required parameter \`${path}\` is missing.`,
    `缺少必填参数 \`${path}\`。`,
  );
}

/** An integer (or an infinity, as `1e400` parses) that a double no longer holds exactly. */
function isBeyondSafeIntegers(value: unknown): boolean {
  return typeof value === 'number' && (Number.isInteger(value) || value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) && !Number.isSafeInteger(value);
}

export interface IntOptions {
  min?: number;
  max?: number;
}

export function int(options: IntOptions = {}): Schema<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  return {
    typeName: 'Integer',
    descriptor: { type: 'integer', ...(min !== Number.MIN_SAFE_INTEGER ? { min } : {}), ...(max !== Number.MAX_SAFE_INTEGER ? { max } : {}) },
    parse(value, path, mode) {
      let n = value;
      if (mode === 'form' && typeof value === 'string' && /^-?\d+$/.test(value)) n = Number(value);
      // 2^53 or 1e21 are integers to JSON, but no longer exact as numbers: say so rather than "Integer was given".
      if (isBeyondSafeIntegers(n)) {
        throw valueError(
          path,
          `must be between ${min} and ${max}, but the value given is outside the safe integer range (-${Number.MAX_SAFE_INTEGER} to ${Number.MAX_SAFE_INTEGER}).`,
          `应在 ${min} 到 ${max} 之间，实际取值超出安全整数范围（-${Number.MAX_SAFE_INTEGER} 到 ${Number.MAX_SAFE_INTEGER}）。`,
        );
      }
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw typeError(path, 'Integer', value);
      if (n < min || n > max) {
        throw valueError(path, `must be between ${min} and ${max}, but ${n} was given.`, `应在 ${min} 到 ${max} 之间，实际为 ${n}。`);
      }
      return n;
    },
  };
}

export interface StrOptions {
  minLength?: number;
  maxLength?: number;
  oneOf?: readonly string[];
  /** A check with a description of what it wants, for the error message. */
  pattern?: { regex: RegExp; en: string; zh: string };
}

export function str(options: StrOptions = {}): Schema<string> {
  const { minLength = 0, maxLength = 4096, oneOf, pattern } = options;
  return {
    typeName: 'String',
    descriptor: {
      type: 'string',
      ...(minLength !== 0 ? { minLength } : {}),
      maxLength,
      ...(oneOf ? { enum: [...oneOf] } : pattern ? { format: { en: pattern.en, zh: pattern.zh } } : {}),
    },
    parse(value, path) {
      if (typeof value !== 'string') throw typeError(path, 'String', value);
      if (value.length < minLength || value.length > maxLength) {
        throw valueError(
          path,
          `must be ${minLength} to ${maxLength} characters long, but has ${value.length}.`,
          `长度应为 ${minLength} 到 ${maxLength} 个字符，实际为 ${value.length}。`,
        );
      }
      if (oneOf && !oneOf.includes(value)) {
        throw valueError(path, `must be one of ${oneOf.join(', ')}, but "${value}" was given.`, `应为 ${oneOf.join('、')} 之一，实际为 "${value}"。`);
      }
      if (pattern && !pattern.regex.test(value)) {
        throw valueError(path, `must be ${pattern.en}.`, `应为${pattern.zh}。`);
      }
      return value;
    },
  };
}

export function bool(): Schema<boolean> {
  return {
    typeName: 'Boolean',
    descriptor: { type: 'boolean' },
    parse(value, path, mode) {
      if (mode === 'form' && (value === 'true' || value === 'false')) return value === 'true';
      if (typeof value !== 'boolean') throw typeError(path, 'Boolean', value);
      return value;
    },
  };
}

export interface ArrOptions {
  min?: number;
  max?: number;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A flattened GET array arrives as an object keyed `0`, `1`, … (see unflattenQuery). */
function formArray(value: Record<string, unknown>, path: string): unknown[] {
  const keys = Object.keys(value);
  const items: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    if (!Object.hasOwn(value, String(i))) {
      throw cloudError(
        'InvalidParameter',
        `The array \`${path}\` must be numbered 0, 1, 2, … without gaps.`,
        `数组参数 \`${path}\` 的下标应从 0 开始连续编号。`,
      );
    }
    items.push(value[String(i)]);
  }
  return items;
}

export function arr<T>(item: Schema<T>, options: ArrOptions = {}): Schema<T[]> {
  const { min = 0, max = 10_000 } = options;
  return {
    typeName: `Array of ${item.typeName}`,
    descriptor: { type: 'array', ...(min !== 0 ? { minItems: min } : {}), ...(max !== 10_000 ? { maxItems: max } : {}), items: descriptorOf(item) },
    parse(value, path, mode) {
      let list: unknown[];
      if (Array.isArray(value)) list = value;
      else if (mode === 'form' && isPlainObject(value)) list = formArray(value, path);
      else throw typeError(path, 'Array', value);
      if (list.length < min || list.length > max) {
        throw valueError(path, `must hold ${min} to ${max} items, but has ${list.length}.`, `应包含 ${min} 到 ${max} 项，实际为 ${list.length} 项。`);
      }
      return list.map((v, i) => {
        if (v === null || v === undefined) throw missingError(`${path}.${i}`);
        return item.parse(v, `${path}.${i}`, mode);
      });
    },
  };
}

export function optional<T>(schema: Schema<T>): OptionalField<T> {
  return { optional: true, schema };
}

function isOptional(field: Field): field is OptionalField<unknown> {
  return 'optional' in field;
}

export function obj<S extends Shape>(shape: S): Schema<InferShape<S>> {
  const keys = Object.keys(shape);
  return {
    typeName: 'Object',
    descriptor: {
      type: 'object',
      fields: keys.map((name) => {
        const field = shape[name] as Field;
        return { name, required: !isOptional(field), ...descriptorOf(isOptional(field) ? field.schema : field) };
      }),
    },
    parse(value, path, mode) {
      if (!isPlainObject(value)) throw typeError(path || 'request body', 'Object', value);
      const prefix = path ? `${path}.` : '';
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(shape, key)) {
          throw cloudError('UnknownParameter', `The parameter \`${prefix}${key}\` is not recognized.`, `参数 \`${prefix}${key}\` 无法识别。`);
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const field = shape[key] as Field;
        const raw = value[key];
        if (raw === undefined || raw === null) {
          if (!isOptional(field)) throw missingError(prefix + key);
          continue;
        }
        const schema = isOptional(field) ? field.schema : field;
        out[key] = schema.parse(raw, prefix + key, mode);
      }
      return out as InferShape<S>;
    },
  };
}

/**
 * Turns GET parameters (`Staffs.0.Name=n&SdkAppId=1`) into nested objects whose
 * leaves are strings; arrays stay objects keyed by index until a schema reads them.
 */
export function unflattenQuery(entries: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of entries) {
    const parts = key.split('.');
    let node = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (part === '' || part === '__proto__') {
        throw cloudError('InvalidParameter', `The parameter name \`${key}\` is malformed.`, `参数名 \`${key}\` 格式错误。`);
      }
      const last = i === parts.length - 1;
      const existing = node[part];
      if (last) {
        if (existing !== undefined) {
          throw cloudError('InvalidParameter', `The parameter \`${key}\` is given more than once.`, `参数 \`${key}\` 重复出现。`);
        }
        node[part] = value;
      } else {
        if (existing === undefined) {
          const child = Object.create(null) as Record<string, unknown>;
          node[part] = child;
          node = child;
        } else if (isPlainObject(existing)) {
          node = existing;
        } else {
          throw cloudError('InvalidParameter', `The parameter \`${key}\` conflicts with \`${parts.slice(0, i + 1).join('.')}\`.`, `参数 \`${key}\` 与 \`${parts.slice(0, i + 1).join('.')}\` 冲突。`);
        }
      }
    }
  }
  return root;
}
