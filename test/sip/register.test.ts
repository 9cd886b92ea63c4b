import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aorKey } from '../../packages/server/src/sip/gateway/sip-gateway.js';
import { findFreePort } from './support/ports.js';
import { runSipp, SIPP_EXIT } from './support/sipp.js';
import { sipCenter, type SipCenter } from './support/sip-center.js';

/**
 * Desk phones' REGISTER with digest, driven by sipp from an injection file (sip-notes §3): the
 * extensions and their passwords come from the Cloud API, as an administrator would hand them out.
 */

const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'sipp-scenarios');

interface Account {
  extensionId: string;
  password: string;
  domain: string;
}

let center: SipCenter;
let work: string;
const accounts: Account[] = [];
let runs = 0;
/** Where the phones of the first run register from, and unregister from again. */
let office: { address: string; port: number };

beforeAll(async () => {
  center = await sipCenter();
  office = { address: '127.0.0.10', port: await findFreePort({ host: '127.0.0.10', protocols: ['udp'] }) };
  work = await mkdtemp(path.join(os.tmpdir(), 'openccc-register-'));
  for (const extensionId of ['2001', '2002', '2003']) {
    await center.client.CreateExtension({ SdkAppId: center.sdkAppId, ExtensionId: extensionId, ExtensionName: `Desk ${extensionId}` });
    const account = await center.client.DescribeExtension({ SdkAppId: center.sdkAppId, ExtensionId: extensionId });
    if (typeof account.Password !== 'string' || typeof account.ExtensionDomain !== 'string') throw new Error(`no credentials in ${JSON.stringify(account)}`);
    accounts.push({ extensionId, password: account.Password, domain: account.ExtensionDomain });
  }
}, 60_000);

afterAll(async () => {
  await center?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/**
 * Runs a scenario once per line of an injection file written from `lines` (SEQUENTIAL:
 * extension; credentials; domain; expires), from `from` or else from a loopback address of its
 * own: the flood guard counts every datagram per source, and these runs follow each other quickly.
 */
async function register(scenario: string, lines: Array<{ account: Account; password?: string; expires: number }>, from?: { address: string; port: number }) {
  const run = ++runs;
  const users = path.join(work, `users-${run}.csv`);
  const body = lines.map(({ account, password, expires }) => `${account.extensionId};[authentication username=${account.extensionId} password=${password ?? account.password}];${account.domain};${expires}`);
  await writeFile(users, ['SEQUENTIAL', ...body, ''].join('\n'));
  const log = path.join(work, `log-${run}.txt`);
  const errors = path.join(work, `errors-${run}.txt`);
  const result = await runSipp(
    ['-sf', path.join(SCENARIOS, scenario), '-inf', users, center.sipTarget, '-i', from?.address ?? `127.0.0.${20 + run}`, '-p', String(from?.port ?? 0), '-m', String(lines.length), '-r', '10', '-trace_logs', '-log_file', log, '-trace_err', '-error_file', errors],
    { timeoutMs: 30_000 },
  );
  return { ...result, log: await readFile(log, 'utf8').catch(() => ''), errors: await readFile(errors, 'utf8').catch(() => '') };
}

/** The contacts the registrar holds for an extension. */
function bindings(account: Account): string[] {
  return center.sip.registrar.lookup(aorKey(center.sdkAppId, account.extensionId)).map((binding) => binding.contact);
}

/** Whether DescribeExtensions (with the live state) shows each extension registered. */
async function registeredPerApi(): Promise<Record<string, boolean>> {
  const res = await center.client.DescribeExtensions({ SdkAppId: center.sdkAppId, PageNumber: 0, PageSize: 10, IsNeedStatus: true });
  return Object.fromEntries((res.ExtensionList ?? []).map((extension) => [extension.ExtensionId, extension.Register === true]));
}

describe('REGISTER with digest', () => {
  it('registers two extensions (401, then 200), and DescribeExtensions shows them registered', async () => {
    const [first, second] = [accounts[0]!, accounts[1]!];
    const result = await register(
      'reg.xml',
      [
        { account: first, expires: 600 },
        { account: second, expires: 600 },
      ],
      office,
    );
    expect(result.code, result.stdout.slice(-2000)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(result.stats).toMatchObject({ created: 2, successful: 2, failed: 0 });
    expect(bindings(first)).toEqual([`sip:2001@${office.address}:${office.port}`]);
    expect(bindings(second)).toEqual([`sip:2002@${office.address}:${office.port}`]);
    expect(await registeredPerApi()).toEqual({ '2001': true, '2002': true, '2003': false });
  }, 60_000);

  it('answers a wrong password with 401 again, which sipp counts as a failed call, and binds nothing', async () => {
    const third = accounts[2]!;
    const result = await register('reg.xml', [{ account: third, password: `${third.password}x`, expires: 600 }]);
    expect(result.code).toBe(SIPP_EXIT.someCallsFailed);
    expect(result.stats).toMatchObject({ successful: 0, failed: 1, unexpectedMessages: 1 });
    // The message sipp did not expect where the 200 should be: the same challenge again.
    expect(result.errors).toMatch(/unexpected message[\s\S]*SIP\/2\.0 401 Unauthorized[\s\S]*WWW-Authenticate: Digest/i);
    expect(bindings(third)).toEqual([]);
    expect((await registeredPerApi())['2003']).toBe(false);
  }, 60_000);

  it('refuses an expiry shorter than the minimum with 423 and a Min-Expires header', async () => {
    const third = accounts[2]!;
    const result = await register('reg-too-brief.xml', [{ account: third, expires: 10 }]);
    expect(result.code, result.stdout.slice(-2000)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(result.stats).toMatchObject({ successful: 1, regexpFailures: 0 });
    expect(result.log).toMatch(/Min-Expires 60\b/);
    expect(bindings(third)).toEqual([]);
  }, 60_000);

  it('removes a binding with Expires: 0, and only that one', async () => {
    const first = accounts[0]!;
    expect(bindings(first)).toHaveLength(1);
    const result = await register('reg.xml', [{ account: first, expires: 0 }], office);
    expect(result.code, result.stdout.slice(-2000)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(bindings(first)).toEqual([]);
    expect(await registeredPerApi()).toEqual({ '2001': false, '2002': true, '2003': false });
  }, 60_000);
});
