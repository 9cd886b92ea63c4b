import type { DescribeNumbersResponse, NumberInfo } from 'tencentcloud-sdk-nodejs/tencentcloud/services/ccc/v20200210/ccc_models.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstance } from '../../packages/server/src/bootstrap.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { CHINESE_RE, METHODS, clientFor, createSkillGroup, expectCloudError, expectExactFields, fieldsOf, uniq, unknownSdkAppId } from './helpers.js';

const LIST_FIELDS = fieldsOf<DescribeNumbersResponse>({ TotalCount: true, Numbers: true, RequestId: true });
const INFO_FIELDS = fieldsOf<NumberInfo>({ Number: true, CallOutSkillGroupIds: true, State: true, CostType: true });

let server: TestServer;
let otherSdkAppId: number;
let serial = 0;

/** A hotline number no other test uses, in 0086 form. */
function newNumber(): string {
  serial += 1;
  return `0086400${String(1_000_000 + serial)}`;
}

async function addNumber(sdkAppId = server.sdkAppId): Promise<string> {
  const number = newNumber();
  await server.server.services.numbers.add(sdkAppId, number, {});
  return number;
}

async function infoOf(number: string): Promise<NumberInfo | undefined> {
  const res = await clientFor(server, 'POST').DescribeNumbers({ SdkAppId: server.sdkAppId, PageSize: 100 });
  return res.Numbers?.find((n) => n.Number === number);
}

beforeAll(async () => {
  server = await startTestServer();
  otherSdkAppId = (await createInstance(server.folder.store, 'other', Date.now())).sdkAppId;
});

afterAll(async () => {
  await server?.close();
});

describe.each(METHODS)('numbers over %s', (method) => {
  it('DescribeNumbers lists the instance\'s numbers with the official fields, paged', async () => {
    const c = clientFor(server, method);
    const mine = [await addNumber(), await addNumber(), await addNumber()];
    await addNumber(otherSdkAppId);
    const all = await c.DescribeNumbers({ SdkAppId: server.sdkAppId, PageSize: 100 });
    expectExactFields(all, LIST_FIELDS);
    expect(all.TotalCount).toBe(all.Numbers?.length);
    for (const number of mine) expect(all.Numbers?.map((n) => n.Number)).toContain(number);
    const first = all.Numbers?.find((n) => n.Number === mine[0]);
    expectExactFields(first, INFO_FIELDS);
    expect(first).toEqual({ Number: mine[0], CallOutSkillGroupIds: [], State: 1, CostType: 1 });
    const second = await c.DescribeNumbers({ SdkAppId: server.sdkAppId, PageNumber: 1, PageSize: 1 });
    expect(second.TotalCount).toBe(all.TotalCount);
    expect(second.Numbers).toEqual([all.Numbers?.[1]]);
    const defaults = await c.DescribeNumbers({ SdkAppId: server.sdkAppId });
    expect(defaults.Numbers).toEqual(all.Numbers?.slice(0, 20));
  });

  it('binds and unbinds outbound skill groups, the number given in any accepted form', async () => {
    const c = clientFor(server, method);
    const number = await addNumber();
    const a = await createSkillGroup(c, server.sdkAppId, uniq('out-a'));
    const b = await createSkillGroup(c, server.sdkAppId, uniq('out-b'));
    expect(await c.BindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: `+86 ${number.slice(4)}`, SkillGroupIds: [b, a] })).toEqual({ RequestId: expect.any(String) });
    expect((await infoOf(number))?.CallOutSkillGroupIds).toEqual([a, b]);
    await c.BindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: number, SkillGroupIds: [a] });
    expect((await infoOf(number))?.CallOutSkillGroupIds).toEqual([a, b]);
    expect(await c.UnbindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: number, SkillGroupIds: [a] })).toEqual({ RequestId: expect.any(String) });
    expect((await infoOf(number))?.CallOutSkillGroupIds).toEqual([b]);
  });

  it('DisableCCCPhoneNumber disables (State 4) and enables (State 1) numbers', async () => {
    const c = clientFor(server, method);
    const one = await addNumber();
    const two = await addNumber();
    expect(await c.DisableCCCPhoneNumber({ SdkAppId: server.sdkAppId, PhoneNumbers: [one, two], Disabled: 1 })).toEqual({ RequestId: expect.any(String) });
    expect((await infoOf(one))?.State).toBe(4);
    expect((await infoOf(two))?.State).toBe(4);
    await c.DisableCCCPhoneNumber({ SdkAppId: server.sdkAppId, PhoneNumbers: [two], Disabled: 0 });
    expect((await infoOf(one))?.State).toBe(4);
    expect((await infoOf(two))?.State).toBe(1);
  });
});

describe('numbers: bad input', () => {
  const c = () => clientFor(server, 'POST');

  it('names an unknown instance', async () => {
    await expectCloudError(c().DescribeNumbers({ SdkAppId: unknownSdkAppId(server) }), 'InvalidParameterValue.InstanceNotExist');
    await expectCloudError(c().DisableCCCPhoneNumber({ SdkAppId: unknownSdkAppId(server), PhoneNumbers: ['00864001234567'], Disabled: 1 }), 'InvalidParameterValue.InstanceNotExist');
  });

  it('refuses a malformed number and says which forms are accepted', async () => {
    const err = await expectCloudError(c().BindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: '400-CALL-NOW', SkillGroupIds: [1] }), 'InvalidParameterValue');
    expect(err.message).toContain('0086');
    await expectCloudError(c().DisableCCCPhoneNumber({ SdkAppId: server.sdkAppId, PhoneNumbers: ['+1 415 555 0100'], Disabled: 1 }), 'InvalidParameterValue');
  });

  it('answers ResourceNotFound for a number the instance does not hold, even when another instance does', async () => {
    const foreign = await addNumber(otherSdkAppId);
    const group = await createSkillGroup(c(), server.sdkAppId, uniq('g'));
    const err = await expectCloudError(c().BindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: foreign, SkillGroupIds: [group] }), 'ResourceNotFound');
    expect(err.message).toContain(foreign);
    await expectCloudError(c().UnbindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: '00864009999999', SkillGroupIds: [group] }), 'ResourceNotFound');
  });

  it('names skill groups that do not exist and binds nothing', async () => {
    const number = await addNumber();
    const group = await createSkillGroup(c(), server.sdkAppId, uniq('g'));
    const err = await expectCloudError(c().BindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: number, SkillGroupIds: [group, 987654] }), 'InvalidParameterValue.SkillGroupError');
    expect(err.message).toContain('987654');
    expect((await infoOf(number))?.CallOutSkillGroupIds).toEqual([]);
    await expectCloudError(c().BindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: number, SkillGroupIds: [] }), 'InvalidParameterValue');
  });

  it('DisableCCCPhoneNumber: changes nothing when one number is unknown; requires SdkAppId; Disabled is 0 or 1', async () => {
    const number = await addNumber();
    const err = await expectCloudError(c().DisableCCCPhoneNumber({ SdkAppId: server.sdkAppId, PhoneNumbers: [number, '00864009999998'], Disabled: 1 }), 'ResourceNotFound');
    expect(err.message).toContain('00864009999998');
    expect((await infoOf(number))?.State).toBe(1);
    await expectCloudError(c().DisableCCCPhoneNumber({ PhoneNumbers: [number], Disabled: 1 }), 'MissingParameter');
    await expectCloudError(c().DisableCCCPhoneNumber({ SdkAppId: server.sdkAppId, PhoneNumbers: [number], Disabled: 2 }), 'InvalidParameterValue');
    await expectCloudError(c().DescribeNumbers({ SdkAppId: server.sdkAppId, PageSize: 101 }), 'InvalidParameterValue');
  });

  it('answers in Chinese with zh-CN', async () => {
    const err = await expectCloudError(clientFor(server, 'POST', 'zh-CN').UnbindNumberCallOutSkillGroup({ SdkAppId: server.sdkAppId, Number: '00864009999997', SkillGroupIds: [1] }), 'ResourceNotFound');
    expect(err.message).toMatch(CHINESE_RE);
  });
});
