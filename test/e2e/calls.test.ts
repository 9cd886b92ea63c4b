import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseTones } from '../../packages/server/src/media/goertzel.js';
import { readWav } from '../../packages/server/src/media/wav.js';
import type { TestServer } from '../../packages/server/src/test-support/harness.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { AGENT_HZ, CUSTOMER_HZ, TestPhone } from '../calls/support.js';
import { launchChromiumSpeaking, workbenchFrame } from './support/browser.js';
import { hears, LISTEN_TO_REMOTE_AUDIO } from './support/listen.js';
import { agentWithToken, openSeedPage, startE2eServer, waitForEvent, type PageEvent } from './support/fixtures.js';
import { startHostSite, type HostSite } from './support/host-site.js';

/**
 * The whole call path in a real browser: the customer's page embeds the SDK with TCCC's snippet,
 * a virtual phone dials the hotline and presses 1 in the IVR, the agent answers with
 * `tccc.Call.accept`, each side hears the other's tone (the browser's microphone is a WAV of a
 * known tone), hold and unhold, a blind transfer to a second agent's page, hang-up, and the
 * record and its recording through the official SDK.
 */

const FLOW = {
  version: 1,
  start: 'menu',
  nodes: {
    menu: { kind: 'menu', label: 'Main menu', prompts: ['zh-CN/welcome'], keys: { '1': { action: 'queue', skillGroupId: 0, label: 'Sales' } } },
  },
};

let browser: Browser;
let context: BrowserContext;
let site: HostSite;
let server: TestServer;
let client: CccClient;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'openccc-e2e-audio-'));
  browser = await launchChromiumSpeaking(AGENT_HZ, folder);
  context = await browser.newContext();
  await context.addInitScript(LISTEN_TO_REMOTE_AUDIO);
  site = await startHostSite();
  ({ server, client } = await startE2eServer(site, { flags: { 'ring-timeout': '20' } }));
  // Media workers start on the first call; start them now.
  await server.server.media.stats();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await site?.close();
  rmSync(folder, { recursive: true, force: true });
});



async function signIn(mail: string): Promise<Page> {
  const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
  const page = await openSeedPage(context, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
  await waitForEvent(page, 'ready');
  return page;
}

async function tccc(page: Page, method: string, params: Record<string, unknown>): Promise<unknown> {
  return page.evaluate(
    ([m, p]) => {
      const [group, name] = m.split('.') as [string, string];
      const api = (window.tccc as unknown as Record<string, Record<string, (x: unknown) => Promise<unknown>>>)[group]!;
      return api[name]!(p).catch((e: unknown) => e);
    },
    [method, params] as const,
  );
}

describe('a phone call in the browser', () => {
  it('rings the embedded workbench, carries audio both ways, holds, transfers and ends with a record and recording', async () => {
    const group = await client.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: 'Sales', SkillGroupType: 0, MaxConcurrency: 1 });
    const groupId = group.SkillGroupId as number;
    const hotline = '008640099990001';
    const flow = structuredClone(FLOW);
    flow.nodes.menu.keys['1'].skillGroupId = groupId;
    await server.server.services.numbers.add(server.sdkAppId, hotline, { ivrFlow: flow });
    const alice = 'alice@example.com';
    const bob = 'bob@example.com';
    // The backend syncs its agents with their groups before they sign in. Bob is in no group: he only gets the call by transfer.
    await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Name: 'Alice', Mail: alice, StaffNumber: '1', SkillGroupNameList: ['Sales'] }] });
    const pageA = await signIn(alice);
    const pageB = await signIn(bob);

    const phone = await TestPhone.open(server.url, '008613911112222');
    try {
      const { callId, media } = await phone.dial(hotline);
      expect(media.type).toBe('media');
      // The IVR plays its welcome; once the caller hears it, they choose 1.
      await phone.next('answered', callId);
      await phone.rtp.waitForPackets(10);
      phone.rtp.sendDigit('1');

      const callIn = await waitForEvent(pageA, 'callIn');
      expect(callIn.payload).toMatchObject({ type: 'phone', callerPhoneNumber: '008613911112222', calleePhoneNumber: hotline, ivrPath: [{ key: '1', label: 'Sales' }] });
      const sessionId = callIn.payload.sessionId as string;
      expect(await tccc(pageA, 'Call.accept', { sessionId })).toMatchObject({ status: 'success' });
      await waitForEvent(pageA, 'userAccessed');

      // Each side hears the other.
      await Promise.all([phone.rtp.waitForTone(AGENT_HZ), hears(workbenchFrame(pageA), CUSTOMER_HZ)]);

      // Hold: the caller hears hold music instead of the agent; unhold brings the agent back.
      expect(await tccc(pageA, 'Call.hold', { sessionId })).toMatchObject({ status: 'success' });
      await phone.rtp.waitForPackets(25);
      expect(await tccc(pageA, 'Call.unHold', { sessionId })).toMatchObject({ status: 'success' });
      await phone.rtp.waitForTone(AGENT_HZ);

      // Keys from the agent reach the caller as RFC 4733 events.
      const digit = phone.rtp.nextDigit();
      expect(await tccc(pageA, 'Call.sendDigits', { sessionId, dtmfText: '5' })).toMatchObject({ status: 'success' });
      expect(await digit).toBe('5');

      // Blind transfer to Bob.
      expect(await tccc(pageA, 'Call.transfer', { sessionId, userId: bob })).toMatchObject({ status: 'success' });
      const transferred = await waitForEvent(pageA, 'transfer');
      expect(transferred.payload).toMatchObject({ sessionId, userId: bob });
      await waitForEvent(pageA, 'sessionEnded');
      const callInB = await waitForEvent(pageB, 'callIn');
      expect(callInB.payload.sessionId).toBe(sessionId);
      expect(await tccc(pageB, 'Call.accept', { sessionId })).toMatchObject({ status: 'success' });
      await Promise.all([phone.rtp.waitForTone(AGENT_HZ), hears(workbenchFrame(pageB), CUSTOMER_HZ)]);
      await phone.rtp.waitForPackets(25);

      phone.send({ type: 'hangup', callId });
      const ended = (await waitForEvent(pageB, 'sessionEnded')) as PageEvent;
      expect(ended.payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });

      // The record, through the official SDK, with its recording.
      let record;
      for (;;) {
        const res = await client.DescribeTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: Math.floor(Date.now() / 1000) - 600, EndTimeStamp: Math.floor(Date.now() / 1000) + 60, PageSize: 10, PageNumber: 0, SessionIds: [sessionId] });
        record = res.TelCdrList?.[0];
        if (record) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(record).toMatchObject({ EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'user', Caller: '008613911112222', Callee: hotline, IVRKeyPressed: ['1'] });
      expect(record.ServeParticipants?.map((p) => p.Mail)).toEqual([alice, bob]);
      const download = await fetch(record.RecordURL!);
      expect(download.status).toBe(200);
      const wav = readWav(new Uint8Array(await download.arrayBuffer()));
      expect(wav.channels).toBe(2);
      const right = wav.samples.filter((_, i) => i % 2 === 1);
      expect(analyseTones(right, [CUSTOMER_HZ, AGENT_HZ]).frequencies[0]).toBe(AGENT_HZ);
    } finally {
      phone.close();
    }
  }, 120_000);
});
