import { CloudApiError } from './errors.js';
import type { Schema } from './schema.js';

/**
 * Field descriptors of a schema, for forms generated from it (the console's API Explorer).
 *
 * A schema of the validation language keeps its limits inside its `parse` closure, so the
 * descriptor is read from how `parse` behaves: a value of the wrong type names the expected
 * type, an out-of-range value names the range, and an object reads its fields in order from
 * the value it checks. The messages read are the language's own (schema.ts); the tests of this
 * file pin the descriptors of known actions, so a change there cannot go unnoticed.
 */
export type FieldType = 'integer' | 'string' | 'boolean' | 'array' | 'object';

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
  /** string: a format checked by the server, described in both languages (the check itself is not exported). */
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

/** Runs a value through the schema at one path; returns the error that concerns that path, if any. */
interface Probe {
  path: string;
  check(value: unknown): CloudApiError | undefined;
}

const TYPES: Record<string, FieldType> = { Integer: 'integer', String: 'string', Boolean: 'boolean', Array: 'array', Object: 'object' };
const SAFE = Number.MAX_SAFE_INTEGER;
/** Longer than any string the language accepts by default (4,096), then longer than any declared limit. */
const LONG_LENGTHS = [4097, 2 ** 23 + 1];
/** More items than the language accepts by default (10,000). */
const MANY_ITEMS = 10_001;

/** The descriptor of an object schema's fields (an action's request), in declaration order. */
export function describeFields(schema: Schema<object>): FieldDescriptor[] {
  const described = describeType(rootProbe(schema));
  if (described.type !== 'object' || !described.fields) throw new Error(`describeFields takes an object schema, not ${schema.typeName}`);
  return described.fields;
}

/** The descriptor of any schema. */
export function describeSchema(schema: Schema<unknown>): TypeDescriptor {
  return describeType(rootProbe(schema));
}

function rootProbe(schema: Schema<unknown>): Probe {
  return { path: '', check: (value) => attempt(() => schema.parse(value, '', 'json')) };
}

function attempt(run: () => unknown): CloudApiError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof CloudApiError) return error;
    throw error;
  }
}

/** The parameter path an error names (`Staffs.0.Mail`); the root object's is `request body`. */
function pathOf(error: CloudApiError): string {
  const named = /`([^`]*)`/.exec(error.text.en)?.[1];
  return named === undefined || named === 'request body' ? '' : named;
}

function concerns(error: CloudApiError | undefined, path: string): boolean {
  if (!error) return false;
  const at = pathOf(error);
  return path === '' || at === path || at.startsWith(`${path}.`);
}

/** An object's field path (an array's item is always `<path>.<index>`, as the language names it). */
function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

/** A probe of one child of `parent`, reached through `wrap`. */
function childProbe(parent: Probe, path: string, wrap: (value: unknown) => unknown): Probe {
  return {
    path,
    check(value) {
      const error = parent.check(wrap(value));
      return concerns(error, path) ? error : undefined;
    },
  };
}

function describeType(probe: Probe): TypeDescriptor {
  const wrongType = probe.check(Symbol('probe'));
  const typeName = wrongType && /must be of type (\w+)/.exec(wrongType.text.en)?.[1];
  if (wrongType === undefined || pathOf(wrongType) !== probe.path) {
    // Only an object reads into the value it is given; a symbol is no object, so this is not reached.
    throw new Error(`the schema at \`${probe.path}\` accepts any value`);
  }
  const type = typeName ? TYPES[typeName] : undefined;
  if (!type) throw new Error(`the schema at \`${probe.path}\` expects an unknown type: ${wrongType.text.en}`);
  switch (type) {
    case 'integer':
      return describeInteger(probe);
    case 'string':
      return describeString(probe);
    case 'boolean':
      return { type };
    case 'array':
      return describeArray(probe);
    case 'object':
      return describeObject(probe);
  }
}

function range(error: CloudApiError | undefined, pattern: RegExp): [number, number] | undefined {
  const match = error ? pattern.exec(error.text.en) : null;
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

type LimitName = 'min' | 'max' | 'minLength' | 'maxLength' | 'minItems' | 'maxItems';

/** The base with the limits that differ from the language's defaults (a default is no limit worth showing). */
function withLimits(base: TypeDescriptor, names: [LimitName, LimitName], limits: [number, number] | undefined, defaults: [number, number]): TypeDescriptor {
  const out: TypeDescriptor = { ...base };
  if (limits && limits[0] !== defaults[0]) out[names[0]] = limits[0];
  if (limits && limits[1] !== defaults[1]) out[names[1]] = limits[1];
  return out;
}

function describeInteger(probe: Probe): TypeDescriptor {
  const between = /must be between (-?\d+) and (-?\d+)/;
  const limits = range(probe.check(-SAFE), between) ?? range(probe.check(SAFE), between);
  return withLimits({ type: 'integer' }, ['min', 'max'], limits, [-SAFE, SAFE]);
}

function describeString(probe: Probe): TypeDescriptor {
  const length = /must be (\d+) to (\d+) characters long/;
  let limits = range(probe.check(''), length);
  for (const size of LONG_LENGTHS) {
    if (limits) break;
    limits = range(probe.check('x'.repeat(size)), length);
  }
  const described = withLimits({ type: 'string' }, ['minLength', 'maxLength'], limits, [0, Number.POSITIVE_INFINITY]);
  // A value of an allowed length that is no allowed word and matches no format.
  const sample = ' '.repeat(Math.max(limits?.[0] ?? 0, 1));
  const refused = probe.check(sample);
  const words = refused && /must be one of (.*), but "/.exec(refused.text.en)?.[1];
  if (words) return { ...described, enum: words.split(', ') };
  const format = refused && /must be (.*)\.$/.exec(refused.text.en)?.[1];
  const formatZh = refused && /应为(.*)。$/.exec(refused.text.zh)?.[1];
  if (format && formatZh) return { ...described, format: { en: format, zh: formatZh } };
  return described;
}

function describeArray(probe: Probe): TypeDescriptor {
  const count = /must hold (\d+) to (\d+) items/;
  const limits = range(probe.check([]), count) ?? range(probe.check(new Array<undefined>(MANY_ITEMS).fill(undefined)), count);
  const described = withLimits({ type: 'array' }, ['minItems', 'maxItems'], limits, [0, 10_000]);
  const minItems = Math.max(described.minItems ?? 0, 1);
  const items = describeType(childProbe(probe, `${probe.path}.0`, (value) => new Array<unknown>(minItems).fill(value)));
  return { ...described, items };
}

/**
 * An object reads its fields in declaration order from the value it parses, stopping at the first
 * one that is missing or wrong. A proxy records the names read; each required field found is given
 * a valid value so that the next ones are read too.
 */
function describeObject(probe: Probe): TypeDescriptor {
  const prefix = join(probe.path, '');
  const valid = new Map<string, unknown>();
  const order: string[] = [];
  const required = new Set<string>();
  const fields = new Map<string, TypeDescriptor>();
  const withFields = (extra: Record<string, unknown>) => {
    const value: Record<string, unknown> = {};
    for (const [name, filler] of valid) value[name] = filler;
    return { ...value, ...extra };
  };
  for (;;) {
    const read: string[] = [];
    const recorder = new Proxy(withFields({}), {
      get(target, key) {
        if (typeof key === 'string' && !read.includes(key)) read.push(key);
        return Reflect.get(target, key) as unknown;
      },
    });
    const error = probe.check(recorder);
    for (const name of read) if (!order.includes(name)) order.push(name);
    const missing = error && error.code === 'MissingParameter' ? pathOf(error).slice(prefix.length) : undefined;
    if (!missing || missing.includes('.') || valid.has(missing)) break;
    required.add(missing);
    const child = childProbe(probe, prefix + missing, (value) => withFields({ [missing]: value }));
    const described = describeType(child);
    fields.set(missing, described);
    const filler = validValue(described, child);
    if (filler === undefined) break;
    valid.set(missing, filler);
  }
  const out: FieldDescriptor[] = [];
  for (const name of order) {
    const described = fields.get(name) ?? describeType(childProbe(probe, prefix + name, (value) => withFields({ [name]: value })));
    out.push({ name, required: required.has(name), ...described });
  }
  return { type: 'object', fields: out };
}

/** A value the probe accepts, built from its descriptor; undefined when none can be found. */
function validValue(described: TypeDescriptor, probe: Probe): unknown {
  const candidates: unknown[] = [];
  switch (described.type) {
    case 'integer':
      candidates.push(Math.min(Math.max(described.min ?? 0, 1), described.max ?? SAFE), described.min ?? 0);
      break;
    case 'string': {
      if (described.enum) candidates.push(...described.enum);
      const example = described.format && /such as (\S+)$/.exec(described.format.en)?.[1];
      if (example) candidates.push(example);
      candidates.push('x'.repeat(Math.max(described.minLength ?? 0, 1)), 'agent@example.com');
      break;
    }
    case 'boolean':
      candidates.push(false);
      break;
    case 'array': {
      const count = described.minItems ?? 0;
      if (count === 0) candidates.push([]);
      else if (described.items) {
        const item = validValue(described.items, childProbe(probe, `${probe.path}.0`, (value) => [value]));
        if (item !== undefined) candidates.push(new Array<unknown>(count).fill(item));
      }
      break;
    }
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const field of described.fields ?? []) {
        if (!field.required) continue;
        const filler = validValue(field, childProbe(probe, join(probe.path, field.name), (inner) => ({ ...value, [field.name]: inner })));
        if (filler === undefined) return undefined;
        value[field.name] = filler;
      }
      candidates.push(value);
      break;
    }
  }
  return candidates.find((candidate) => probe.check(candidate) === undefined);
}
