import { chromium, type Browser } from 'playwright-core';

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
