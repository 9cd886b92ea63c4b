import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { CJK_RE, expectError, expectHealthy, expectOk } from './envelope.js';
import { signedFetch, type RawResponse, type SignedFetchOptions } from './signed-fetch.js';

/** Validly signed requests whose parameters are wrong: each must name the parameter at fault. */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

function call(action: string, options: SignedFetchOptions): Promise<RawResponse> {
  return signedFetch(server, { action, ...options });
}

const describeStaff = (params: Record<string, unknown>, options: SignedFetchOptions = {}): Promise<RawResponse> =>
  call('DescribeStaffInfoList', { params: { SdkAppId: server.sdkAppId, PageSize: 10, PageNumber: 0, ...params }, ...options });

const createStaff = (staffs: unknown, options: SignedFetchOptions = {}): Promise<RawResponse> =>
  call('CreateStaff', { params: { SdkAppId: server.sdkAppId, Staffs: staffs }, ...options });

const agent = (mail: string) => ({ Name: 'Agent', Mail: mail, StaffNumber: '7' });

describe('the body itself', () => {
  it.each([
    ['garbage', '{"SdkAppId": 1,'],
    ['not JSON at all', 'SdkAppId=1'],
    ['a JSON array', '[{"SdkAppId":1,"PageSize":10,"PageNumber":0}]'],
    ['a JSON string', '"DescribeStaffInfoList"'],
    ['a JSON number', '1400000001'],
    ['JSON null', 'null'],
  ])('answers InvalidParameter for a body that is %s', async (_label, body) => {
    expectError(await call('DescribeStaffInfoList', { body }), 'InvalidParameter');
  });

  it('answers MissingParameter for an empty body when the action has required parameters', async () => {
    expect(expectError(await call('DescribeStaffInfoList', { body: '' }), 'MissingParameter')).toContain('SdkAppId');
  });

  it('answers MissingParameter for {} when the action has required parameters', async () => {
    expect(expectError(await call('CreateSDKLoginToken', { body: '{}' }), 'MissingParameter')).toContain('SdkAppId');
  });
});

describe('types', () => {
  it('answers InvalidParameter naming SdkAppId for SdkAppId "abc"', async () => {
    expect(expectError(await describeStaff({ SdkAppId: 'abc' }), 'InvalidParameter')).toContain('SdkAppId');
  });

  it('answers InvalidParameter for a numeric string in JSON, which is typed', async () => {
    expect(expectError(await describeStaff({ SdkAppId: String(server.sdkAppId) }), 'InvalidParameter')).toContain('SdkAppId');
  });

  it('answers InvalidParameter naming PageSize for PageSize 1.5', async () => {
    expect(expectError(await describeStaff({ PageSize: 1.5 }), 'InvalidParameter')).toContain('PageSize');
  });

  it.each([
    ['an object', agent('obj@example.com')],
    ['a string', 'obj@example.com'],
    ['a number', 3],
  ])('answers InvalidParameter naming Staffs when Staffs is %s', async (_label, staffs) => {
    expect(expectError(await createStaff(staffs), 'InvalidParameter')).toContain('Staffs');
  });

  it('answers InvalidParameter naming Staffs.0.Mail when it is a number', async () => {
    expect(expectError(await createStaff([{ ...agent('x@example.com'), Mail: 42 }]), 'InvalidParameter')).toContain('Staffs.0.Mail');
  });

  it('answers InvalidParameter naming SendPassword for "false" in JSON', async () => {
    const res = await call('CreateStaff', { params: { SdkAppId: server.sdkAppId, Staffs: [agent('sp@example.com')], SendPassword: 'false' } });
    expect(expectError(res, 'InvalidParameter')).toContain('SendPassword');
  });
});

describe('missing and unknown parameters', () => {
  it('answers MissingParameter naming Staffs.0.Mail', async () => {
    const message = expectError(await createStaff([{ Name: 'No Mail', StaffNumber: '1' }]), 'MissingParameter');
    expect(message).toContain('Staffs.0.Mail');
  });

  it('answers MissingParameter naming Staffs.1.Name in the second item', async () => {
    const message = expectError(await createStaff([agent('one@example.com'), { Mail: 'two@example.com', StaffNumber: '2' }]), 'MissingParameter');
    expect(message).toContain('Staffs.1.Name');
  });

  it('answers MissingParameter for an explicit null in a required field', async () => {
    expect(expectError(await describeStaff({ PageSize: null }), 'MissingParameter')).toContain('PageSize');
  });

  it('answers UnknownParameter naming a field the action does not have', async () => {
    expect(expectError(await describeStaff({ Limit: 10 }), 'UnknownParameter')).toContain('Limit');
  });

  it.each(['__proto__', 'constructor', 'toString'])('answers UnknownParameter for a JSON key %s', async (key) => {
    const body = `{"SdkAppId":${server.sdkAppId},"PageSize":10,"PageNumber":0,"${key}":{"PageSize":1}}`;
    expect(expectError(await call('DescribeStaffInfoList', { body }), 'UnknownParameter')).toContain(key);
  });

  it('answers UnknownParameter naming a nested unknown field', async () => {
    expect(expectError(await createStaff([{ ...agent('n@example.com'), Email: 'n@example.com' }]), 'UnknownParameter')).toContain('Staffs.0.Email');
  });
});

describe('values', () => {
  it.each([0, -1, 10_000])('answers InvalidParameterValue naming PageSize for PageSize %i', async (pageSize) => {
    expect(expectError(await describeStaff({ PageSize: pageSize }), 'InvalidParameterValue')).toContain('PageSize');
  });

  it('answers InvalidParameterValue naming Staffs for an empty list', async () => {
    expect(expectError(await createStaff([]), 'InvalidParameterValue')).toContain('Staffs');
  });

  it('answers InvalidParameterValue naming Staffs.0.Mail for something that is not an email', async () => {
    expect(expectError(await createStaff([agent('not-an-email')]), 'InvalidParameterValue')).toContain('Staffs.0.Mail');
  });

  it('refuses a mail with non-ASCII characters (a Kelvin sign looks like K)', async () => {
    expect(expectError(await createStaff([agent('\u212a@example.com')]), 'InvalidParameterValue')).toContain('Staffs.0.Mail');
  });

  it('refuses a page number whose offset would overflow', async () => {
    expect(expectError(await describeStaff({ PageNumber: 9_007_199_254_740_991 }), 'InvalidParameterValue')).toContain('PageNumber');
  });
});

describe('GET form values, coerced by the schema', () => {
  it('answers InvalidParameter naming PageSize for PageSize=abc', async () => {
    const query = `SdkAppId=${server.sdkAppId}&PageSize=abc&PageNumber=0`;
    expect(expectError(await call('DescribeStaffInfoList', { method: 'GET', query }), 'InvalidParameter')).toContain('PageSize');
  });

  it('answers InvalidParameter naming Staffs for an array with a gap (Staffs.1 without Staffs.0)', async () => {
    const query = new URLSearchParams({ SdkAppId: String(server.sdkAppId), 'Staffs.1.Name': 'n', 'Staffs.1.Mail': 'g@example.com', 'Staffs.1.StaffNumber': '1' });
    expect(expectError(await call('CreateStaff', { method: 'GET', query: query.toString() }), 'InvalidParameter')).toContain('Staffs');
  });

  it('answers MissingParameter naming Staffs.0.Mail in a GET', async () => {
    const query = new URLSearchParams({ SdkAppId: String(server.sdkAppId), 'Staffs.0.Name': 'n', 'Staffs.0.StaffNumber': '1' });
    expect(expectError(await call('CreateStaff', { method: 'GET', query: query.toString() }), 'MissingParameter')).toContain('Staffs.0.Mail');
  });

  it('answers InvalidParameter for a __proto__ parameter name', async () => {
    const query = `SdkAppId=${server.sdkAppId}&PageSize=10&PageNumber=0&__proto__.PageSize=1`;
    expectError(await call('DescribeStaffInfoList', { method: 'GET', query }), 'InvalidParameter');
  });

  it('answers InvalidParameter for a parameter given twice', async () => {
    const query = `SdkAppId=${server.sdkAppId}&PageSize=10&PageSize=20&PageNumber=0`;
    expect(expectError(await call('DescribeStaffInfoList', { method: 'GET', query }), 'InvalidParameter')).toContain('PageSize');
  });
});

describe('language', () => {
  it('a zh-CN validation message is Chinese and still names the parameter path', async () => {
    const message = expectError(await createStaff([{ Name: 'No Mail', StaffNumber: '1' }], { language: 'zh-CN' }), 'MissingParameter');
    expect(message).toMatch(CJK_RE);
    expect(message).toContain('Staffs.0.Mail');
  });

  it('the same message is English without X-TC-Language', async () => {
    expect(expectError(await createStaff([{ Name: 'No Mail', StaffNumber: '1' }]), 'MissingParameter')).not.toMatch(CJK_RE);
  });
});

describe('afterwards', () => {
  it('a valid CreateStaff still works', async () => {
    expect(expectOk(await createStaff([agent('valid@example.com')]))['ErrorStaffList']).toEqual([]);
  });

  it('the server is still healthy', async () => {
    await expectHealthy(server.port);
  });
});
