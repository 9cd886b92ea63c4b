import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wavFile } from '../compat/wav.js';
import { cleanup, requireBuiltCli, runCli, runJson, tempDir, type InitOutput } from './helpers.js';

let dir: string;
let init: InitOutput;

beforeAll(requireBuiltCli);

beforeEach(async () => {
  dir = join(tempDir('openccc-prompts-'), 'data');
  init = await runJson<InitOutput>(['init', '--data', dir]);
});

afterEach(cleanup);

function file(name: string, bytes: Buffer): string {
  const path = join(dir, '..', name);
  writeFileSync(path, bytes);
  return path;
}

describe('openccc prompt', () => {
  it('adds a WAV that IVR flows then play as uploaded/<id>, and lists it', async () => {
    const added = await runJson<{ fileId: number; promptId: string }>(['prompt', 'add', file('greeting.wav', wavFile({ seconds: 1.5 })), '--name', 'Greeting', '--data', dir]);
    expect(added).toEqual({ sdkAppId: init.sdkAppId, fileId: added.fileId, promptId: `uploaded/${added.fileId}`, name: 'Greeting', fileName: 'greeting.wav', format: 'μ-law', durationMs: 1500, bytes: 12_044 });
    expect(readdirSync(join(dir, 'prompts', String(init.sdkAppId)))).toHaveLength(1);
    const { sdkAppId: _listedOnce, ...entry } = added as typeof added & { sdkAppId: number };
    expect(await runJson(['prompt', 'list', '--data', dir])).toEqual({ sdkAppId: init.sdkAppId, prompts: [entry] });
    expect((await runCli(['prompt', 'list', '--data', dir])).stdout).toMatch(/uploaded\/\d+\s+Greeting\s+greeting\.wav\s+μ-law\s+1\.5/);
    const flow = { version: 1, start: 'hello', nodes: { hello: { kind: 'hangup', prompts: [added.promptId, 'zh-CN/goodbye'] } } };
    writeFileSync(join(dir, '..', 'flow.json'), JSON.stringify(flow));
    expect(await runJson(['number', 'add', '95555', '--ivr', join(dir, '..', 'flow.json'), '--data', dir])).toMatchObject({ route: { kind: 'ivr' } });
  });

  it('refuses what the media plane cannot play, saying why, and stores nothing', async () => {
    const stereo = await runCli(['prompt', 'add', file('stereo.wav', wavFile({ channels: 2 })), '--data', dir]);
    expect(stereo.code).toBe(1);
    expect(stereo.stderr).toContain('stereo.wav is format tag 7, 8-bit, 2 channel(s), 8000 Hz');
    expect(stereo.stderr).toContain('sox');
    const mp3 = await runCli(['prompt', 'add', file('song.mp3', Buffer.from('ID3 not a wav')), '--data', dir]);
    expect(mp3.stderr).toContain('song.mp3: Not a WAV file');
    const missing = await runCli(['prompt', 'add', join(dir, 'none.wav'), '--data', dir]);
    expect(missing.stderr).toContain('Cannot read');
    expect(await runJson(['prompt', 'list', '--data', dir])).toEqual({ sdkAppId: init.sdkAppId, prompts: [] });
  });
});
