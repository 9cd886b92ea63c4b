import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { toneSamples } from '../../../packages/server/src/media/tones.js';
import { writeWav } from '../../../packages/server/src/media/wav.js';

/** Debian's Chromium, as CI installs it; never a downloaded browser. */
export const CHROMIUM_PATH = process.env.OPENCCC_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Microphone tests: a fake device and no permission prompt.
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

/** `extraArgs`: e.g. `--use-file-for-fake-audio-capture=<wav>` for a known tone as the microphone. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
}

/**
 * Chromium whose fake microphone plays a steady tone of `hz` (10 s of 8 kHz WAV written into
 * `folder`, looped), and which plays received audio without a user gesture.
 */
export function launchChromiumSpeaking(hz: number, folder: string): Promise<Browser> {
  const tone = toneSamples({ frequencies: [hz], onMs: 1000, offMs: 0, level: 0.5 });
  const samples = new Int16Array(8000 * 10);
  for (let i = 0; i < samples.length; i++) samples[i] = tone[i % tone.length] as number;
  const wav = join(folder, `tone-${hz}.wav`);
  writeFileSync(wav, writeWav({ sampleRate: 8000, channels: 1, samples }));
  return launchChromium([`--use-file-for-fake-audio-capture=${wav}`, '--autoplay-policy=no-user-gesture-required']);
}

/** The agent workbench's frame inside a page that loaded the SDK. */
export function workbenchFrame(page: Page): Frame {
  const frame = page.frames().find((f) => f.url().includes('/workbench'));
  if (!frame) throw new Error('no workbench frame');
  return frame;
}
