import { descriptorOf, type FieldDescriptor, type Schema, type TypeDescriptor } from './schema.js';

export type { FieldDescriptor, FieldType, TypeDescriptor } from './schema.js';

/**
 * The descriptor of an object schema's fields (an action's request), in declaration order, for
 * forms generated from it (the console's API Explorer). Each builder of the validation language
 * declares what it accepts next to the check itself, so the form and the server agree.
 */
export function describeFields(schema: Schema<object>): FieldDescriptor[] {
  const described = descriptorOf(schema);
  if (described.type !== 'object' || !described.fields) throw new Error(`describeFields takes an object schema, not ${schema.typeName}`);
  return described.fields;
}

/** The descriptor of any schema. */
export function describeSchema(schema: Schema<unknown>): TypeDescriptor {
  return descriptorOf(schema);
}
