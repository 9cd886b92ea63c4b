import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseTones, rms } from '../../packages/server/src/media/goertzel.js';
import { readWav } from '../../packages/server/src/media/wav.js';
import { SipTrunks } from '../../packages/server/src/sip/trunks.js';
import type { TestServer } from '../../packages/server/src/test-support/harness.js';
import type { CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { AGENT_HZ } from '../calls/support.js';
import { speakingCarrierScenario } from '../sip/support/carrier-scenarios.js';
import { SIPP_EXIT } from '../sip/support/sipp.js';
import { freeMediaPort, runSippScenario, stopAllSipp } from '../sip/support/sipp-run.js';
import { CarrierEar } from './sip-carrier-media.js';
import { launchChromiumSpeaking, workbenchFrame } from './support/browser.js';
import { agentWithToken, openSeedPage, startE2eServer, waitForEvent } from './support/fixtures.js';
import { startHostSite, type HostSite } from './support/host-site.js';
import { hears, LISTEN_TO_REMOTE_AUDIO } from './support/listen.js';

/**
 * A carrier's call end to end: sipp calls a hotline over an IP trunk with the bundled `uac_pcap`
 * speech (PCMA at 30 ms) and RFC 4733 digits; the agent's page (TCCC's snippet, the workbench in
 * its frame, Chromium's microphone a WAV of AGENT_HZ) is rung and answers; the agent hears the
 * carrier and the carrier hears the agent; the carrier hangs up; the record and its two-channel
 * recording come through the official SDK.
 */

const CALLER = '008613911113333';

let browser: Browser;
let context: BrowserContext;
let site: HostSite;
let server: TestServer;
let client: CccClient;
let folder: string;
let ear: CarrierEar | undefined;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'openccc-e2e-carrier-'));
  browser = await launchChromiumSpeaking(AGENT_HZ, folder);
  context = await browser.newContext();
  await context.addInitScript(LISTEN_TO_REMOTE_AUDIO);
  site = await startHostSite();
  ({ server, client } = await startE2eServer(site, { flags: { 'ring-timeout': '20', sip: 'on', 'sip-address': '127.0.0.1', 'sip-port': '0', 'sip-domain': 'sip.test' } }));
  await server.server.media.stats();
}, 60_000);

afterAll(async () => {
  ear?.close();
  await stopAllSipp();
  await browser?.close();
  await server?.close();
  await site?.close();
  rmSync(folder, { recursive: true, force: true });
});


/** A media port for sipp below `above`, so that `[media_port+offset]` can name a port of the test's. */
async function mediaPortBelow(above: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freeMediaPort();
    if (port + 3 < above) return port;
  }
  throw new Error(`no free media port below ${above}`);
}

describe('a carrier call over an IP trunk', () => {
  it('rings the embedded workbench, carries audio both ways, ends with the carrier hanging up, and has a record with a two-channel recording', async () => {
    const sip = server.server.sip;
    if (!sip) throw new Error('SIP did not start');
    const group = await client.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: 'Carrier line', SkillGroupType: 0, MaxConcurrency: 1 });
    const hotline = '008640099990002';
    await server.server.services.numbers.add(server.sdkAppId, hotline, { skillGroupId: group.SkillGroupId as number });
    await new SipTrunks({ store: server.folder.store, box: server.folder.box }).add(server.sdkAppId, { name: 'carrier', kind: 'ip', allow: ['127.0.0.1/32'] });
    sip.directory.invalidate();
    const mail = 'carla@example.com';
    await client.CreateStaff({ SdkAppId: server.sdkAppId, Staffs: [{ Name: 'Carla', Mail: mail, StaffNumber: '7', SkillGroupNameList: ['Carrier line'] }] });
    const { token, sdkUrl } = await agentWithToken(client, server.sdkAppId, mail);
    const page = await openSeedPage(context, site, { token, sdkAppId: server.sdkAppId, userId: mail, sdkUrl });
    await waitForEvent(page, 'ready');

    // The carrier's SDP names the ear's port; sipp plays its pcaps from that port too, as a carrier's media gateway would.
    ear = await CarrierEar.open('127.0.0.1', [AGENT_HZ]);
    const mediaPort = await mediaPortBelow(ear.port);
    const carrier = await runSippScenario({
      scenario: { xml: speakingCarrierScenario({ caller: CALLER, plays: 2, digits: '1', mediaPortOffset: ear.port - mediaPort }) },
      target: `127.0.0.1:${sip.transport.local('udp').port}`,
      mediaPort,
      calls: 1,
      timeoutSeconds: 60,
      args: ['-s', hotline],
    });

    const callIn = await waitForEvent(page, 'callIn');
    expect(callIn.payload).toMatchObject({ type: 'phone', callerPhoneNumber: CALLER, calleePhoneNumber: hotline });
    const sessionId = callIn.payload.sessionId as string;
    const carrierHearsAgent = ear.hears(AGENT_HZ);
    const accepted = await page.evaluate((id) => window.tccc.Call.accept({ sessionId: id }).catch((e: unknown) => e), sessionId);
    expect(accepted).toMatchObject({ status: 'success' });
    await waitForEvent(page, 'userAccessed');

    // The agent hears the carrier's speech; the carrier hears the agent's tone.
    await Promise.all([hears(workbenchFrame(page), 0), carrierHearsAgent]);
    expect(ear.audioPackets).toBeGreaterThan(0);

    // The carrier plays the rest of its speech and its digits, and hangs up.
    const result = await carrier.exited;
    expect(result.code, carrier.explain(result)).toBe(SIPP_EXIT.allCallsSucceeded);
    const ended = await waitForEvent(page, 'sessionEnded');
    expect(ended.payload).toMatchObject({ sessionId, closeBy: 'client', mainReason: 'ok' });

    let record;
    for (;;) {
      const now = Math.floor(Date.now() / 1000);
      const res = await client.DescribeTelCdr({ SdkAppId: server.sdkAppId, StartTimeStamp: now - 600, EndTimeStamp: now + 60, PageSize: 10, PageNumber: 0, SessionIds: [sessionId] });
      record = res.TelCdrList?.[0];
      if (record) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(record).toMatchObject({ CallType: 2, EndStatus: 1, EndStatusString: 'ok', HungUpSide: 'user', Caller: CALLER, Callee: hotline });
    expect(record.ServeParticipants?.map((p) => p.Mail)).toEqual([mail]);
    const download = await fetch(record.RecordURL!);
    expect(download.status).toBe(200);
    const wav = readWav(new Uint8Array(await download.arrayBuffer()));
    expect(wav.channels).toBe(2);
    const carrierSide = wav.samples.filter((_, i) => i % 2 === 0);
    const agentSide = wav.samples.filter((_, i) => i % 2 === 1);
    expect(rms(carrierSide)).toBeGreaterThan(0.01);
    expect(analyseTones(agentSide, [AGENT_HZ]).frequencies).toEqual([AGENT_HZ]);
  }, 120_000);
});
