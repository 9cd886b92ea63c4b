import type { FieldDescriptor } from '@openccc/protocol';
import { describe, expect, it } from 'vitest';
import { fromBody, initialDraft, toBody } from './form-model.js';

const CREATE_STAFF: FieldDescriptor[] = [
  { name: 'SdkAppId', required: true, type: 'integer', min: 1 },
  {
    name: 'Staffs',
    required: true,
    type: 'array',
    minItems: 1,
    maxItems: 2,
    items: {
      type: 'object',
      fields: [
        { name: 'Name', required: true, type: 'string', minLength: 1, maxLength: 4 },
        { name: 'Role', required: false, type: 'integer', min: 1, max: 3 },
        { name: 'Status', required: false, type: 'string', enum: ['free', 'rest'] },
      ],
    },
  },
  { name: 'SendPassword', required: false, type: 'boolean' },
  { name: 'Forwarding', required: false, type: 'object', fields: [{ name: 'Target', required: true, type: 'string' }] },
];

describe('the explorer form model', () => {
  it('starts with the instance and one item of each required array', () => {
    expect(initialDraft(CREATE_STAFF, 1400000001)).toEqual({
      SdkAppId: '1400000001',
      Staffs: [{ Name: '', Role: '', Status: '' }],
      SendPassword: '',
      Forwarding: { Target: '' },
    });
  });

  it('builds the body with typed values, leaving out what was not given (an empty optional object too)', () => {
    const draft = { SdkAppId: '7', Staffs: [{ Name: 'Li', Role: '2', Status: 'rest' }], SendPassword: 'false', Forwarding: { Target: '' } };
    expect(toBody(CREATE_STAFF, draft, 'en-US')).toEqual({
      body: { SdkAppId: 7, Staffs: [{ Name: 'Li', Role: 2, Status: 'rest' }], SendPassword: false },
      errors: {},
    });
  });

  it('names each wrong field by its Cloud API path, with the limit it breaks', () => {
    const draft = { SdkAppId: '0', Staffs: [{ Name: 'Lilei', Role: 'x', Status: 'busy' }, { Name: '', Role: '', Status: '' }], SendPassword: '', Forwarding: { Target: '' } };
    expect(toBody(CREATE_STAFF, draft, 'en-US').errors).toEqual({
      SdkAppId: 'Must be at least 1',
      'Staffs.0.Name': 'Must be 1 to 4 characters long (now 5)',
      'Staffs.0.Role': 'Enter a whole number',
      'Staffs.0.Status': 'Must be one of free, rest',
      'Staffs.1.Name': 'Required',
    });
    expect(toBody(CREATE_STAFF, { ...draft, Staffs: [] }, 'zh-CN').errors['Staffs']).toBe('必填');
    const three = Array.from({ length: 3 }, () => ({ Name: 'a', Role: '', Status: '' }));
    expect(toBody(CREATE_STAFF, { SdkAppId: '7', Staffs: three }, 'en-US').errors).toEqual({ Staffs: 'Must hold 1 to 2 items' });
    expect(toBody(CREATE_STAFF, { SdkAppId: '7', Staffs: [{ Name: 'a' }], Forwarding: { Target: '' }, SendPassword: '' }, 'en-US').errors).toEqual({});
  });

  it('reads a JSON body back into the form, and refuses one with unknown parameters', () => {
    const draft = fromBody(CREATE_STAFF, { SdkAppId: 7, Staffs: [{ Name: 'Li', Role: 2 }], SendPassword: true });
    expect(draft).toEqual({ SdkAppId: '7', Staffs: [{ Name: 'Li', Role: '2', Status: '' }], SendPassword: 'true', Forwarding: { Target: '' } });
    expect(toBody(CREATE_STAFF, draft ?? {}, 'en-US').body).toEqual({ SdkAppId: 7, Staffs: [{ Name: 'Li', Role: 2 }], SendPassword: true });
    expect(fromBody(CREATE_STAFF, { SdkAppId: 7, Extra: 1 })).toBeNull();
    expect(fromBody(CREATE_STAFF, { SdkAppId: 7, Staffs: { Name: 'Li' } })).toBeNull();
  });
});
