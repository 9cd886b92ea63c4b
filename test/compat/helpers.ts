import { createHash, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';

/** Every compatibility test runs once per wire form the official SDK can use. */
export const METHODS = ['POST', 'GET'] as const;
export type Method = (typeof METHODS)[number];

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const HEX32_RE = /^[0-9a-f]{32}$/;
export const CHINESE_RE = /[\u4e00-\u9fff]/;

/** The fields of `TencentCloudSDKHttpException` a caller reads. */
export interface SdkError {
  code?: string;
  message: string;
  requestId: string;
  httpCode?: number;
}

/** Awaits a call that must fail with the Cloud API error `code`; returns the SDK's exception. */
export async function expectCloudError(call: Promise<unknown>, code: string): Promise<SdkError> {
  let result: unknown;
  try {
    result = await call;
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const err = error as Error & SdkError;
    // The official SDK throws this class for an error envelope (and with httpCode for a non-200 answer).
    expect(err.constructor.name).toBe('TencentCloudSDKHttpException');
    expect({ code: err.code, message: err.message, httpCode: err.httpCode }).toEqual({ code, message: err.message, httpCode: undefined });
    expect(err.requestId).toMatch(UUID_RE);
    expect(err.message).not.toBe('');
    return err;
  }
  return expect.fail(`expected the error ${code}, but the call succeeded with ${JSON.stringify(result)}`);
}

let sequence = 0;

/** A name no other test uses. */
export function uniq(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}-${randomUUID().slice(0, 8)}`;
}

/** A mail address no other test uses. */
export function uniqMail(prefix: string): string {
  return `${uniq(prefix)}@example.com`;
}

/**
 * The field names of an official model type, checked at compile time: the
 * object literal must name every field of T and nothing else.
 */
export function fieldsOf<T>(fields: { [K in keyof T]-?: true }): string[] {
  return Object.keys(fields).sort();
}

/** The object carries exactly the given fields (no more, none missing). */
export function expectExactFields(value: unknown, fields: string[]): void {
  expect(value).toBeTypeOf('object');
  expect(Object.keys(value as object).sort()).toEqual(fields);
}

/** Every field of the object is one of the given ones. */
export function expectKnownFields(value: unknown, fields: string[]): void {
  expect(value).toBeTypeOf('object');
  for (const key of Object.keys(value as object)) expect(fields).toContain(key);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The official client for a wire form (and optionally a language). */
export function clientFor(server: TestServer, method: Method, language?: 'zh-CN' | 'en-US'): CccClient {
  return officialClient(server, { reqMethod: method, ...(language ? { language } : {}) });
}

/** An SdkAppId that names no instance of the server. */
export function unknownSdkAppId(server: TestServer): number {
  return server.sdkAppId + 1;
}

/** Creates staff through the official client and asserts that all were created. */
export async function createStaff(
  client: CccClient,
  sdkAppId: number,
  staffs: Array<{ Mail: string; Name?: string; StaffNumber?: string; Role?: number; SkillGroupNameList?: string[] }>,
): Promise<void> {
  const res = await client.CreateStaff({
    SdkAppId: sdkAppId,
    Staffs: staffs.map((s, i) => ({ Name: s.Name ?? `Agent ${i}`, StaffNumber: s.StaffNumber ?? String(1000 + i), ...s })),
  });
  expect(res.ErrorStaffList).toEqual([]);
}

/** Creates a skill group through the official client and returns its id. */
export async function createSkillGroup(client: CccClient, sdkAppId: number, name: string, type = 0): Promise<number> {
  const res = await client.CreateCCCSkillGroup({ SdkAppId: sdkAppId, SkillGroupName: name, SkillGroupType: type });
  expect(res.SkillGroupId).toBeTypeOf('number');
  return res.SkillGroupId as number;
}
