// Declarations of provision.mjs for TypeScript callers (the end-to-end test).
import type tencentcloud from 'tencentcloud-sdk-nodejs';

export const OPENCCC_CLI: string;

/** Runs an `openccc` command on a data folder and returns what it printed. */
export function openccc(dataDir: string, args: string[]): Promise<string>;

/** Makes sure the instance has the CRM's origin, the skill group and the hotline routed to it. */
export function provisionOpenCcc(options: {
  dataDir: string;
  client: InstanceType<typeof tencentcloud.ccc.v20200210.Client>;
  sdkAppId: number;
  crmOrigin: string;
  skillGroupName: string;
  hotline: string;
}): Promise<{ skillGroupId: number; hotline: string }>;
