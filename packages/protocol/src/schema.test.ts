import { describe, it, expect } from 'vitest';
import { CloudApiError } from './errors.js';
import type { CloudApiErrorCode } from './errors.js';
import { arr, bool, int, obj, optional, str, unflattenQuery } from './schema.js';
import type { ParseMode, Schema } from './schema.js';
import { ActionSchemas } from './cloudapi/actions.js';

const CJK = /[\u4e00-\u9fff]/;

/** Runs `fn`, asserts it throws a CloudApiError with `code`, and returns the error. */
function expectCloudError(fn: () => unknown, code: CloudApiErrorCode): CloudApiError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a CloudApiError to be thrown').toBeInstanceOf(CloudApiError);
  const err = caught as CloudApiError;
  expect(err.code).toBe(code);
  return err;
}

/** Asserts both messages name `path` in backquotes and the Chinese one is Chinese. */
function expectNamesPath(err: CloudApiError, path: string): void {
  expect(err.message).toContain(`\`${path}\``);
  expect(err.messageIn('en-US')).toBe(err.message);
  expect(err.messageIn('en-US')).not.toMatch(CJK);
  const zh = err.messageIn('zh-CN');
  expect(zh).toMatch(CJK);
  expect(zh).toContain(`\`${path}\``);
}

function query(qs: string): Record<string, unknown> {
  return unflattenQuery(new URLSearchParams(qs).entries());
}

const MODES: ParseMode[] = ['json', 'form'];

describe('int', () => {
  it.each(MODES)('accepts integers in %s mode', (mode) => {
    expect(int().parse(123, 'N', mode)).toBe(123);
    expect(int().parse(-7, 'N', mode)).toBe(-7);
    expect(int().parse(0, 'N', mode)).toBe(0);
  });

  it('coerces integer strings in form mode', () => {
    expect(int().parse('123', 'N', 'form')).toBe(123);
    expect(int().parse('-5', 'N', 'form')).toBe(-5);
    expect(int().parse('0', 'N', 'form')).toBe(0);
    expect(int().parse('9007199254740991', 'N', 'form')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('rejects strings in json mode with InvalidParameter', () => {
    const err = expectCloudError(() => int().parse('123', 'SdkAppId', 'json'), 'InvalidParameter');
    expectNamesPath(err, 'SdkAppId');
    expect(err.message).toContain('Integer');
    expect(err.message).toContain('String');
  });

  it.each(['1.5', '', ' 1', '1 ', '1e3', '0x10', '+1', 'abc', 'NaN', 'Infinity'])(
    'rejects %j in form mode with InvalidParameter',
    (raw) => {
      const err = expectCloudError(() => int().parse(raw, 'PageSize', 'form'), 'InvalidParameter');
      expectNamesPath(err, 'PageSize');
    },
  );

  it.each(MODES)('rejects non-integers in %s mode', (mode) => {
    for (const v of [1.5, Number.NaN, true, {}, [], [1]]) {
      expectCloudError(() => int().parse(v, 'N', mode), 'InvalidParameter');
    }
  });

  it.each([2 ** 53, -(2 ** 53), 1e21, JSON.parse('1e400') as number, JSON.parse('9007199254740993') as number])(
    'says %d is outside the safe integer range (json mode), not that an Integer was given',
    (value) => {
      const err = expectCloudError(() => int({ min: 1, max: 10 }).parse(value, 'SdkAppId', 'json'), 'InvalidParameterValue');
      expectNamesPath(err, 'SdkAppId');
      expect(err.message).toBe(
        'The value of `SdkAppId` must be between 1 and 10, but the value given is outside the safe integer range (-9007199254740991 to 9007199254740991).',
      );
      expect(err.messageIn('zh-CN')).toContain('安全整数范围');
    },
  );

  it.each(['9007199254740992', '-9007199254740992', '9007199254740993', '12345678901234567', '1000000000000000000000', '9'.repeat(400)])(
    'says %s is outside the safe integer range (form mode)',
    (raw) => {
      const err = expectCloudError(() => int().parse(raw, 'PageSize', 'form'), 'InvalidParameterValue');
      expectNamesPath(err, 'PageSize');
      expect(err.message).toContain('outside the safe integer range');
      expect(err.message).not.toContain('Integer was given');
    },
  );

  it.each(MODES)('enforces min and max with InvalidParameterValue in %s mode', (mode) => {
    const s = int({ min: 1, max: 10 });
    expect(s.parse(mode === 'form' ? '1' : 1, 'N', mode)).toBe(1);
    expect(s.parse(mode === 'form' ? '10' : 10, 'N', mode)).toBe(10);
    const low = expectCloudError(() => s.parse(mode === 'form' ? '0' : 0, 'Page.N', mode), 'InvalidParameterValue');
    expectNamesPath(low, 'Page.N');
    expect(low.message).toContain('between 1 and 10');
    expectCloudError(() => s.parse(mode === 'form' ? '11' : 11, 'N', mode), 'InvalidParameterValue');
  });
});

describe('str', () => {
  it.each(MODES)('accepts strings in %s mode', (mode) => {
    expect(str().parse('hello', 'S', mode)).toBe('hello');
    expect(str().parse('', 'S', mode)).toBe('');
  });

  it('keeps numeric-looking form values as strings', () => {
    expect(str().parse('123', 'StaffNumber', 'form')).toBe('123');
    expect(str().parse('true', 'S', 'form')).toBe('true');
  });

  it.each(MODES)('rejects non-strings with InvalidParameter in %s mode', (mode) => {
    for (const v of [1, true, {}, []]) {
      const err = expectCloudError(() => str().parse(v, 'Name', mode), 'InvalidParameter');
      expectNamesPath(err, 'Name');
    }
  });

  it('enforces length with InvalidParameterValue', () => {
    const s = str({ minLength: 2, maxLength: 3 });
    expect(s.parse('ab', 'S', 'json')).toBe('ab');
    expect(s.parse('abc', 'S', 'json')).toBe('abc');
    const short = expectCloudError(() => s.parse('a', 'S', 'json'), 'InvalidParameterValue');
    expectNamesPath(short, 'S');
    expectCloudError(() => s.parse('abcd', 'S', 'form'), 'InvalidParameterValue');
  });

  it('defaults to at most 4096 characters', () => {
    expect(str().parse('x'.repeat(4096), 'S', 'json')).toHaveLength(4096);
    expectCloudError(() => str().parse('x'.repeat(4097), 'S', 'json'), 'InvalidParameterValue');
  });

  it('enforces oneOf with InvalidParameterValue', () => {
    const s = str({ oneOf: ['free', 'rest'] });
    expect(s.parse('rest', 'Status', 'form')).toBe('rest');
    const err = expectCloudError(() => s.parse('busy', 'Status', 'json'), 'InvalidParameterValue');
    expectNamesPath(err, 'Status');
    expect(err.message).toContain('free, rest');
    expect(err.message).toContain('"busy"');
  });

  it('enforces a pattern with InvalidParameterValue and its description', () => {
    const s = str({ pattern: { regex: /^\d+$/, en: 'digits only', zh: '纯数字' } });
    expect(s.parse('42', 'P', 'json')).toBe('42');
    const err = expectCloudError(() => s.parse('4x', 'P', 'json'), 'InvalidParameterValue');
    expectNamesPath(err, 'P');
    expect(err.message).toContain('digits only');
    expect(err.messageIn('zh-CN')).toContain('纯数字');
  });
});

describe('bool', () => {
  it('accepts booleans in json mode and rejects strings', () => {
    expect(bool().parse(true, 'B', 'json')).toBe(true);
    expect(bool().parse(false, 'B', 'json')).toBe(false);
    const err = expectCloudError(() => bool().parse('true', 'OnlyOnce', 'json'), 'InvalidParameter');
    expectNamesPath(err, 'OnlyOnce');
    expect(err.message).toContain('Boolean');
  });

  it('coerces "true"/"false" in form mode', () => {
    expect(bool().parse('true', 'B', 'form')).toBe(true);
    expect(bool().parse('false', 'B', 'form')).toBe(false);
  });

  it.each(['yes', 'no', '1', '0', 'TRUE', 'True', '', ' true'])('rejects %j in form mode with InvalidParameter', (raw) => {
    const err = expectCloudError(() => bool().parse(raw, 'SendPassword', 'form'), 'InvalidParameter');
    expectNamesPath(err, 'SendPassword');
  });

  it.each(MODES)('rejects numbers and null in %s mode', (mode) => {
    for (const v of [1, 0, null, {}]) expectCloudError(() => bool().parse(v, 'B', mode), 'InvalidParameter');
  });
});

describe('arr', () => {
  it('parses JSON arrays item by item', () => {
    expect(arr(int()).parse([1, 2, 3], 'L', 'json')).toEqual([1, 2, 3]);
    expect(arr(str()).parse([], 'L', 'json')).toEqual([]);
  });

  it('rejects a non-array with InvalidParameter in json mode, including index-keyed objects', () => {
    for (const v of [{ 0: 1 }, '1', 1, true]) {
      const err = expectCloudError(() => arr(int()).parse(v, 'SkillGroupList', 'json'), 'InvalidParameter');
      expectNamesPath(err, 'SkillGroupList');
    }
  });

  it('reads index-keyed objects in form mode, in index order', () => {
    expect(arr(int()).parse({ 1: '20', 0: '10', 2: '30' }, 'L', 'form')).toEqual([10, 20, 30]);
  });

  it('rejects gaps, a start other than 0 and non-index keys in form mode', () => {
    for (const v of [{ 0: '1', 2: '3' }, { 1: '1' }, { 0: '1', x: '2' }, { 0: '1', '01': '2' }]) {
      const err = expectCloudError(() => arr(int()).parse(v, 'SkillGroupList', 'form'), 'InvalidParameter');
      expectNamesPath(err, 'SkillGroupList');
    }
  });

  it('names the item path in item errors', () => {
    const err = expectCloudError(() => arr(int({ min: 1 })).parse([1, 0], 'SkillGroupList', 'json'), 'InvalidParameterValue');
    expectNamesPath(err, 'SkillGroupList.1');
    const typeErr = expectCloudError(() => arr(int()).parse({ 0: '1', 1: 'x' }, 'L', 'form'), 'InvalidParameter');
    expectNamesPath(typeErr, 'L.1');
  });

  it('treats a null item as a missing parameter', () => {
    const err = expectCloudError(() => arr(str()).parse(['a', null], 'StaffList', 'json'), 'MissingParameter');
    expectNamesPath(err, 'StaffList.1');
  });

  it.each(MODES)('enforces min and max item counts with InvalidParameterValue in %s mode', (mode) => {
    const s = arr(int(), { min: 1, max: 2 });
    const make = (n: number) => {
      const items = Array.from({ length: n }, (_, i) => i);
      return mode === 'json' ? items : Object.fromEntries(items.map((i) => [String(i), String(i)]));
    };
    expect(s.parse(make(2), 'L', mode)).toEqual([0, 1]);
    expectNamesPath(expectCloudError(() => s.parse(make(0), 'L', mode), 'InvalidParameterValue'), 'L');
    expectNamesPath(expectCloudError(() => s.parse(make(3), 'L', mode), 'InvalidParameterValue'), 'L');
  });

  it('describes itself', () => {
    expect(arr(int()).typeName).toBe('Array of Integer');
  });
});

describe('obj and optional', () => {
  const schema = obj({
    Id: int({ min: 1 }),
    Name: str({ minLength: 1 }),
    Flag: optional(bool()),
    Tags: optional(arr(str())),
    Inner: optional(obj({ Deep: int() })),
  });

  it('parses required and optional fields in json mode', () => {
    expect(schema.parse({ Id: 1, Name: 'n', Flag: true, Tags: ['a'], Inner: { Deep: 3 } }, '', 'json')).toEqual({
      Id: 1,
      Name: 'n',
      Flag: true,
      Tags: ['a'],
      Inner: { Deep: 3 },
    });
  });

  it('parses the same shape from form strings', () => {
    expect(schema.parse(query('Id=1&Name=n&Flag=false&Tags.0=a&Tags.1=b&Inner.Deep=-3'), '', 'form')).toEqual({
      Id: 1,
      Name: 'n',
      Flag: false,
      Tags: ['a', 'b'],
      Inner: { Deep: -3 },
    });
  });

  it.each(MODES)('leaves absent optional fields out of the result in %s mode', (mode) => {
    const out = schema.parse(mode === 'json' ? { Id: 1, Name: 'n' } : { Id: '1', Name: 'n' }, '', mode);
    expect(out).toEqual({ Id: 1, Name: 'n' });
    expect(Object.keys(out)).toEqual(['Id', 'Name']);
  });

  it('treats null for an optional field as absent', () => {
    const out = schema.parse({ Id: 1, Name: 'n', Flag: null, Tags: null, Inner: null }, '', 'json');
    expect(out).toEqual({ Id: 1, Name: 'n' });
    expect('Flag' in out).toBe(false);
  });

  it('treats null or absence of a required field as MissingParameter', () => {
    const nullErr = expectCloudError(() => schema.parse({ Id: 1, Name: null }, '', 'json'), 'MissingParameter');
    expectNamesPath(nullErr, 'Name');
    const absentErr = expectCloudError(() => schema.parse({ Name: 'n' }, '', 'json'), 'MissingParameter');
    expectNamesPath(absentErr, 'Id');
    const nested = expectCloudError(() => schema.parse({ Id: 1, Name: 'n', Inner: {} }, '', 'json'), 'MissingParameter');
    expectNamesPath(nested, 'Inner.Deep');
  });

  it('rejects unknown parameters with UnknownParameter, naming the full path', () => {
    const top = expectCloudError(() => schema.parse({ Id: 1, Name: 'n', Extra: 1 }, '', 'json'), 'UnknownParameter');
    expectNamesPath(top, 'Extra');
    const nested = expectCloudError(() => schema.parse({ Id: 1, Name: 'n', Inner: { Deep: 1, Deeper: 2 } }, '', 'json'), 'UnknownParameter');
    expectNamesPath(nested, 'Inner.Deeper');
    const form = expectCloudError(() => schema.parse(query('Id=1&Name=n&Inner.Other=1'), '', 'form'), 'UnknownParameter');
    expectNamesPath(form, 'Inner.Other');
  });

  it('is case-sensitive about parameter names', () => {
    expectCloudError(() => schema.parse({ id: 1, Name: 'n' }, '', 'json'), 'UnknownParameter');
  });

  it('does not accept inherited names such as __proto__ or constructor', () => {
    const body: unknown = JSON.parse('{"Id":1,"Name":"n","__proto__":{"Flag":true}}');
    expectNamesPath(expectCloudError(() => schema.parse(body, '', 'json'), 'UnknownParameter'), '__proto__');
    expectCloudError(() => schema.parse({ Id: 1, Name: 'n', constructor: 1 }, '', 'json'), 'UnknownParameter');
    expectCloudError(() => schema.parse({ Id: 1, Name: 'n', toString: 'x' }, '', 'json'), 'UnknownParameter');
  });

  it.each([
    ['an array', []],
    ['an array of objects', [{ Id: 1, Name: 'n' }]],
    ['a string', 'Id=1'],
    ['a number', 1],
    ['null', null],
    ['a boolean', true],
  ])('rejects a JSON body that is %s with InvalidParameter', (_name, body) => {
    const err = expectCloudError(() => schema.parse(body, '', 'json'), 'InvalidParameter');
    expect(err.message).toContain('request body');
    expect(err.messageIn('zh-CN')).toMatch(CJK);
  });

  it('rejects a non-object nested value with InvalidParameter naming the path', () => {
    const err = expectCloudError(() => schema.parse({ Id: 1, Name: 'n', Inner: 5 }, '', 'json'), 'InvalidParameter');
    expectNamesPath(err, 'Inner');
    const form = expectCloudError(() => schema.parse(query('Id=1&Name=n&Inner=5'), '', 'form'), 'InvalidParameter');
    expectNamesPath(form, 'Inner');
  });

  it('checks the inner schema of an optional field', () => {
    expectNamesPath(expectCloudError(() => schema.parse({ Id: 1, Name: 'n', Flag: 'true' }, '', 'json'), 'InvalidParameter'), 'Flag');
    expectNamesPath(expectCloudError(() => schema.parse(query('Id=1&Name=n&Flag=yes'), '', 'form'), 'InvalidParameter'), 'Flag');
  });

  it('uses a given base path as prefix', () => {
    const inner: Schema<{ A: number }> = obj({ A: int() });
    expectNamesPath(expectCloudError(() => inner.parse({}, 'Outer.2', 'json'), 'MissingParameter'), 'Outer.2.A');
  });
});

describe('unflattenQuery', () => {
  it('builds nested objects whose leaves are strings', () => {
    const tree = query('Staffs.0.Name=a&Staffs.0.SkillGroupNameList.1=g2&Staffs.0.SkillGroupNameList.0=g1&SdkAppId=1');
    expect(JSON.parse(JSON.stringify(tree))).toEqual({
      Staffs: { 0: { Name: 'a', SkillGroupNameList: { 1: 'g2', 0: 'g1' } } },
      SdkAppId: '1',
    });
  });

  it('creates objects without a prototype', () => {
    const tree = query('A.B=1');
    expect(Object.getPrototypeOf(tree)).toBeNull();
    expect(Object.getPrototypeOf(tree['A'])).toBeNull();
  });

  it('accepts empty values and percent-decoded text as-is', () => {
    const tree = query('Name=&Nick=%E5%BC%A0%E4%B8%89&Mail=a%2Bb%40c.d');
    expect(tree['Name']).toBe('');
    expect(tree['Nick']).toBe('张三');
    expect(tree['Mail']).toBe('a+b@c.d');
  });

  it('rejects a duplicate key with InvalidParameter', () => {
    const err = expectCloudError(() => query('SdkAppId=1&SdkAppId=2'), 'InvalidParameter');
    expectNamesPath(err, 'SdkAppId');
    expectCloudError(() => query('Staffs.0.Name=a&Staffs.0.Name=b'), 'InvalidParameter');
  });

  it.each(['A=1&A.0=2', 'A.0=2&A=1', 'A.B.C=1&A.B=2', 'A.B=2&A.B.C=1'])('rejects conflicting keys %j with InvalidParameter', (qs) => {
    const err = expectCloudError(() => query(qs), 'InvalidParameter');
    expect(err.messageIn('zh-CN')).toMatch(CJK);
  });

  it.each(['__proto__=1', '__proto__.polluted=1', 'A.__proto__=1', 'A.__proto__.polluted=1', 'Staffs.0.__proto__.x=1'])(
    'rejects the __proto__ segment in %j with InvalidParameter',
    (qs) => {
      expectCloudError(() => query(qs), 'InvalidParameter');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    },
  );

  it.each(['A..B=1', '.A=1', 'A.=1', '=1'])('rejects the empty segment in %j with InvalidParameter', (qs) => {
    expectCloudError(() => query(qs), 'InvalidParameter');
  });

  it('does not pollute prototypes through constructor.prototype', () => {
    const tree = query('constructor.prototype.polluted=1');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expectCloudError(() => ActionSchemas.CreateAdminURL.parse(tree, '', 'form'), 'UnknownParameter');
  });

  it('accepts any iterable of entries', () => {
    const tree = unflattenQuery([
      ['SdkAppId', '7'],
      ['SeatUserId', 'a@b.c'],
    ]);
    expect(ActionSchemas.CreateAdminURL.parse(tree, '', 'form')).toEqual({ SdkAppId: 7, SeatUserId: 'a@b.c' });
  });
});

describe('ActionSchemas', () => {
  const staff = (i: number) => ({ Name: `n${i}`, Mail: `s${i}@example.com`, StaffNumber: String(i) });

  it('parses a flattened CreateStaff query into the typed request', () => {
    const tree = query(
      'Staffs.0.Name=a&Staffs.0.SkillGroupNameList.1=g2&Staffs.0.SkillGroupNameList.0=g1&SdkAppId=1' +
        '&Staffs.0.Mail=a%40b.c&Staffs.0.StaffNumber=007',
    );
    const req = ActionSchemas.CreateStaff.parse(tree, '', 'form');
    expect(req).toEqual({
      SdkAppId: 1,
      Staffs: [{ Name: 'a', Mail: 'a@b.c', StaffNumber: '007', SkillGroupNameList: ['g1', 'g2'] }],
    });
    const first = req.Staffs[0];
    expect(first?.SkillGroupNameList?.[1]).toBe('g2');
    expect(typeof req.SdkAppId).toBe('number');
    expect(Array.isArray(req.Staffs)).toBe(true);
  });

  it('reports the first missing field of the brief query (only Name, SkillGroupNameList and SdkAppId given)', () => {
    const tree = query('Staffs.0.Name=a&Staffs.0.SkillGroupNameList.1=g2&Staffs.0.SkillGroupNameList.0=g1&SdkAppId=1');
    const err = expectCloudError(() => ActionSchemas.CreateStaff.parse(tree, '', 'form'), 'MissingParameter');
    expectNamesPath(err, 'Staffs.0.Mail');
  });

  it('names Staffs.0.Mail for an invalid email, in English and Chinese', () => {
    const err = expectCloudError(
      () => ActionSchemas.CreateStaff.parse({ SdkAppId: 1, Staffs: [{ Name: 'a', Mail: 'not-an-email', StaffNumber: '1' }] }, '', 'json'),
      'InvalidParameterValue',
    );
    expectNamesPath(err, 'Staffs.0.Mail');
    expect(err.message).toContain('email address');
    expect(err.messageIn('zh-CN')).toContain('邮箱地址');
  });

  it('names the path of a bad nested item in form mode', () => {
    const tree = query('SdkAppId=1&Staffs.0.Name=a&Staffs.0.Mail=a%40b.c&Staffs.0.StaffNumber=1&Staffs.0.Role=x');
    expectNamesPath(expectCloudError(() => ActionSchemas.CreateStaff.parse(tree, '', 'form'), 'InvalidParameter'), 'Staffs.0.Role');
  });

  it('rejects gaps in array indexes with InvalidParameter', () => {
    const tree = query(
      'SdkAppId=1&Staffs.0.Name=a&Staffs.0.Mail=a%40b.c&Staffs.0.StaffNumber=1' +
        '&Staffs.2.Name=c&Staffs.2.Mail=c%40b.c&Staffs.2.StaffNumber=3',
    );
    expectNamesPath(expectCloudError(() => ActionSchemas.CreateStaff.parse(tree, '', 'form'), 'InvalidParameter'), 'Staffs');
    const nested = query('SdkAppId=1&Staffs.0.Name=a&Staffs.0.Mail=a%40b.c&Staffs.0.StaffNumber=1&Staffs.0.SkillGroupNameList.1=g');
    expectNamesPath(
      expectCloudError(() => ActionSchemas.CreateStaff.parse(nested, '', 'form'), 'InvalidParameter'),
      'Staffs.0.SkillGroupNameList',
    );
  });

  it('rejects 11 Staffs with InvalidParameterValue and accepts 10', () => {
    const ten = Array.from({ length: 10 }, (_, i) => staff(i));
    expect(ActionSchemas.CreateStaff.parse({ SdkAppId: 1, Staffs: ten }, '', 'json').Staffs).toHaveLength(10);
    const err = expectCloudError(
      () => ActionSchemas.CreateStaff.parse({ SdkAppId: 1, Staffs: [...ten, staff(10)] }, '', 'json'),
      'InvalidParameterValue',
    );
    expectNamesPath(err, 'Staffs');
    expect(err.message).toContain('11');
  });

  it('rejects 11 Staffs in form mode too', () => {
    const params = new URLSearchParams({ SdkAppId: '1' });
    for (let i = 0; i < 11; i++) {
      params.append(`Staffs.${i}.Name`, `n${i}`);
      params.append(`Staffs.${i}.Mail`, `s${i}@example.com`);
      params.append(`Staffs.${i}.StaffNumber`, String(i));
    }
    const tree = unflattenQuery(params.entries());
    expectNamesPath(expectCloudError(() => ActionSchemas.CreateStaff.parse(tree, '', 'form'), 'InvalidParameterValue'), 'Staffs');
  });

  it('rejects an empty Staffs array with InvalidParameterValue', () => {
    expectCloudError(() => ActionSchemas.CreateStaff.parse({ SdkAppId: 1, Staffs: [] }, '', 'json'), 'InvalidParameterValue');
  });

  it('rejects SdkAppId 0 with InvalidParameterValue and a string SdkAppId in json with InvalidParameter', () => {
    expectNamesPath(
      expectCloudError(() => ActionSchemas.CreateAdminURL.parse({ SdkAppId: 0, SeatUserId: 'x' }, '', 'json'), 'InvalidParameterValue'),
      'SdkAppId',
    );
    expectCloudError(() => ActionSchemas.CreateAdminURL.parse({ SdkAppId: '1', SeatUserId: 'x' }, '', 'json'), 'InvalidParameter');
  });

  it('parses nested optional objects from a form query (ModifyStaff.ForwardingConfig)', () => {
    const tree = query(
      'SdkAppId=5&Email=a%40b.c&UseMobileCallOut=true&SkillGroupIds.0=3&SkillGroupIds.1=4' +
        '&ForwardingConfig.Enabled=false&ForwardingConfig.Condition=2&ForwardingConfig.Target.Type=1&ForwardingConfig.Target.StaffUserId=x%40b.c',
    );
    expect(ActionSchemas.ModifyStaff.parse(tree, '', 'form')).toEqual({
      SdkAppId: 5,
      Email: 'a@b.c',
      UseMobileCallOut: true,
      SkillGroupIds: [3, 4],
      ForwardingConfig: { Enabled: false, Condition: 2, Target: { Type: 1, StaffUserId: 'x@b.c' } },
    });
    const bad = query('SdkAppId=5&Email=a%40b.c&ForwardingConfig.Target.Type=3');
    expectNamesPath(
      expectCloudError(() => ActionSchemas.ModifyStaff.parse(bad, '', 'form'), 'InvalidParameterValue'),
      'ForwardingConfig.Target.Type',
    );
  });

  it('parses arrays of objects in SetStaffStatus and checks oneOf', () => {
    const req = ActionSchemas.SetStaffStatus.parse(
      { SdkAppId: 1, StaffStatusList: [{ StaffUserId: 'a@b.c', Status: 'rest', Reason: 'lunch' }] },
      '',
      'json',
    );
    expect(req.StaffStatusList[0]?.Status).toBe('rest');
    const err = expectCloudError(
      () => ActionSchemas.SetStaffStatus.parse(query('SdkAppId=1&StaffStatusList.0.StaffUserId=a&StaffStatusList.0.Status=busy'), '', 'form'),
      'InvalidParameterValue',
    );
    expectNamesPath(err, 'StaffStatusList.0.Status');
  });
});
