import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toneSamples } from '../../packages/server/src/media/tones.js';
import { writeWav } from '../../packages/server/src/media/wav.js';
import { AGENT_HZ, CUSTOMER_HZ, callCenter, signedInAgent, type CallCenter, type TestAgent } from '../calls/support.js';
import { launchChromium } from './support/browser.js';

/**
 * The customer's web phone at /phone in Chromium (its microphone a WAV of CUSTOMER_HZ): it dials a
 * hotline with an IVR, presses 1 on its keypad (DTMF from the browser), waits in the queue, and talks
 * with an agent; each side hears the other.
 */

const LISTEN = `
  (() => {
    const Original = window.RTCPeerConnection;
    if (!Original) return;
    window.__remoteTracks = [];
    window.RTCPeerConnection = class extends Original {
      constructor(...args) {
        super(...args);
        this.addEventListener('track', (event) => window.__remoteTracks.push(event.track));
      }
    };
  })();
`;

let browser: Browser;
let center: CallCenter;
let folder: string;
let agent: TestAgent;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'openccc-e2e-phone-'));
  const tone = toneSamples({ frequencies: [CUSTOMER_HZ], onMs: 1000, offMs: 0, level: 0.5 });
  const samples = new Int16Array(8000 * 10);
  for (let i = 0; i < samples.length; i++) samples[i] = tone[i % tone.length] as number;
  const wav = join(folder, 'customer-tone.wav');
  writeFileSync(wav, writeWav({ sampleRate: 8000, channels: 1, samples }));
  browser = await launchChromium([`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required']);
  center = await callCenter({
    ivrFlow: (groupId) => ({
      version: 1,
      start: 'menu',
      nodes: { menu: { kind: 'menu', label: '主菜单', prompts: ['zh-CN/welcome'], keys: { '1': { action: 'queue', skillGroupId: groupId, label: '业务咨询' } } } },
    }),
  });
  agent = await signedInAgent(center);
}, 90_000);

afterAll(async () => {
  agent?.hangupMedia();
  await browser?.close();
  await center?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** Resolves when the frequency dominates what the page receives; with `hz` 0, when it receives any sound. */
async function pageHears(page: Page, hz: number): Promise<void> {
  await page.waitForFunction(
    (frequency) => {
      const w = window as unknown as { __remoteTracks: MediaStreamTrack[]; __analyser?: AnalyserNode; __ctx?: AudioContext };
      const track = w.__remoteTracks.findLast((t) => t.readyState === 'live');
      if (!track) return false;
      if (!w.__analyser) {
        w.__ctx = new AudioContext();
        const source = w.__ctx.createMediaStreamSource(new MediaStream([track]));
        w.__analyser = w.__ctx.createAnalyser();
        w.__analyser.fftSize = 4096;
        source.connect(w.__analyser);
      }
      if (frequency === 0) {
        const wave = new Float32Array(w.__analyser.fftSize);
        w.__analyser.getFloatTimeDomainData(wave);
        return Math.sqrt(wave.reduce((sum, x) => sum + x * x, 0) / wave.length) > 0.01;
      }
      const bins = new Float32Array(w.__analyser.frequencyBinCount);
      w.__analyser.getFloatFrequencyData(bins);
      let peak = 0;
      for (let i = 1; i < bins.length; i++) if ((bins[i] as number) > (bins[peak] as number)) peak = i;
      const peakHz = (peak * w.__ctx!.sampleRate) / w.__analyser.fftSize;
      return Math.abs(peakHz - frequency) < 30 && (bins[peak] as number) > -60;
    },
    hz,
    { timeout: 15_000, polling: 100 },
  );
}

describe('the web phone', () => {
  it('calls a hotline, chooses 1 in the IVR from its keypad, and talks with the agent who answers', async () => {
    const context = await browser.newContext();
    await context.addInitScript(LISTEN);
    const page = await context.newPage();
    page.on('pageerror', (error) => console.error('[page error]', error));
    await page.goto(`${center.server.url}/phone?lang=zh-CN`);
    await page.getByTestId('my-number').fill('13900008888');
    await page.getByTestId('connect').click();
    await expect.poll(async () => (await page.getByTestId('registered-number').textContent())?.replace(/\s/g, ''), { timeout: 15_000 }).toBe('008613900008888');

    await page.getByTestId('dial-input').fill(center.hotline);
    await page.getByTestId('dial-call').click();
    // Once the welcome prompt is heard, the caller presses 1.
    await pageHears(page, 0);
    await page.getByTestId('dtmf-keypad').locator('[data-key="1"]').click();

    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ type: 'phone', callerPhoneNumber: '008613900008888', calleePhoneNumber: center.hotline, ivrPath: [{ key: '1', label: '业务咨询' }] });
    expect((await agent.accept(callIn.payload.sessionId)).ok).toBe(true);
    await Promise.all([agent.hears(CUSTOMER_HZ), pageHears(page, AGENT_HZ)]);
    await expect.poll(() => page.getByTestId('answered-by').textContent()).toContain(agent.mail);

    await page.getByTestId('hangup').click();
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId: callIn.payload.sessionId, closeBy: 'client', mainReason: 'ok' });
    await context.close();
  }, 90_000);
});
