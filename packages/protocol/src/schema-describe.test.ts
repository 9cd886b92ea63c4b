import { describe, expect, it } from 'vitest';
import { ActionSchemas } from './cloudapi/actions.js';
import { describeFields, describeSchema, type FieldDescriptor, type TypeDescriptor } from './schema-describe.js';
import { arr, bool, int, obj, optional, str } from './schema.js';

function field(fields: FieldDescriptor[], name: string): FieldDescriptor {
  const found = fields.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name} in ${fields.map((f) => f.name).join(', ')}`);
  return found;
}

describe('describeSchema', () => {
  it('reads the limits of each kind of value', () => {
    expect(describeSchema(int({ min: -5, max: 7 }))).toEqual({ type: 'integer', min: -5, max: 7 });
    expect(describeSchema(int({ max: 7 }))).toEqual({ type: 'integer', max: 7 });
    expect(describeSchema(int())).toEqual({ type: 'integer' });
    expect(describeSchema(str({ minLength: 2, maxLength: 9 }))).toEqual({ type: 'string', minLength: 2, maxLength: 9 });
    expect(describeSchema(str({ maxLength: 100_000 }))).toEqual({ type: 'string', maxLength: 100_000 });
    expect(describeSchema(str({ oneOf: ['a', 'b c'] }))).toEqual({ type: 'string', maxLength: 4096, enum: ['a', 'b c'] });
    expect(describeSchema(str({ pattern: { regex: /^\d+$/, en: 'digits', zh: '数字' } }))).toEqual({
      type: 'string',
      maxLength: 4096,
      format: { en: 'digits', zh: '数字' },
    });
    expect(describeSchema(bool())).toEqual({ type: 'boolean' });
    expect(describeSchema(arr(int({ min: 1 }), { min: 2, max: 3 }))).toEqual({ type: 'array', minItems: 2, maxItems: 3, items: { type: 'integer', min: 1 } });
  });

  it('lists an object’s fields in order, required or not, nested', () => {
    const schema = obj({
      A: optional(bool()),
      B: str({ minLength: 1 }),
      C: optional(arr(obj({ D: int({ min: 3 }), E: optional(obj({ F: str({ oneOf: ['x'] }) })) }), { max: 4 })),
      G: int(),
    });
    const expected: TypeDescriptor = {
      type: 'object',
      fields: [
        { name: 'A', required: false, type: 'boolean' },
        { name: 'B', required: true, type: 'string', minLength: 1, maxLength: 4096 },
        {
          name: 'C',
          required: false,
          type: 'array',
          maxItems: 4,
          items: {
            type: 'object',
            fields: [
              { name: 'D', required: true, type: 'integer', min: 3 },
              { name: 'E', required: false, type: 'object', fields: [{ name: 'F', required: true, type: 'string', maxLength: 4096, enum: ['x'] }] },
            ],
          },
        },
        { name: 'G', required: true, type: 'integer' },
      ],
    };
    expect(describeSchema(schema)).toEqual(expected);
  });
});

describe('describeFields of the Cloud API actions', () => {
  const described = Object.fromEntries(Object.entries(ActionSchemas).map(([action, schema]) => [action, describeFields(schema)]));

  it('describes every action, each field with its type', () => {
    for (const [action, fields] of Object.entries(described)) {
      expect(fields.length, action).toBeGreaterThan(0);
      for (const f of fields) expect(f.type, `${action}.${f.name}`).toMatch(/^(integer|string|boolean|array|object)$/);
    }
    expect(described['CreateStaff']?.map((f) => f.name)).toEqual(['SdkAppId', 'Staffs', 'SendPassword']);
    expect(described['DescribeTelCdr']?.map((f) => [f.name, f.required])).toEqual([
      ['StartTimeStamp', true],
      ['EndTimeStamp', true],
      ['SdkAppId', true],
      ['PageSize', true],
      ['PageNumber', true],
      ['InstanceId', false],
      ['Limit', false],
      ['Offset', false],
      ['Phones', false],
      ['SessionIds', false],
    ]);
  });

  it('carries the limits the server checks', () => {
    const staffs = field(described['CreateStaff'] ?? [], 'Staffs');
    expect(staffs).toMatchObject({ required: true, type: 'array', minItems: 1, maxItems: 10 });
    const mail = field(staffs.items?.fields ?? [], 'Mail');
    expect(mail).toMatchObject({ required: true, type: 'string', minLength: 3, maxLength: 128 });
    expect(mail.format?.en).toContain('email');
    expect(field(staffs.items?.fields ?? [], 'Role')).toEqual({ name: 'Role', required: false, type: 'integer', min: 1, max: 3 });
    expect(field(described['CreateSDKLoginToken'] ?? [], 'SdkAppId')).toEqual({ name: 'SdkAppId', required: true, type: 'integer', min: 1 });
    expect(field(described['CreateSDKLoginToken'] ?? [], 'OnlyOnce')).toEqual({ name: 'OnlyOnce', required: false, type: 'boolean' });
    const status = field(described['SetStaffStatus'] ?? [], 'StaffStatusList').items?.fields ?? [];
    expect(field(status, 'Status').enum).toEqual(['free', 'notReady', 'rest']);
    const forwarding = field(described['ModifyStaff'] ?? [], 'ForwardingConfig');
    expect(field(forwarding.fields ?? [], 'Target').fields?.map((f) => f.name)).toEqual(['Type', 'StaffUserId', 'SkillGroupId', 'Extension']);
    expect(field(described['DescribePSTNActiveSessionList'] ?? [], 'Limit')).toEqual({ name: 'Limit', required: true, type: 'integer', min: 1, max: 25 });
  });
});
