import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkIvrPrompts } from '@openccc/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPromptLibrary, type PromptLibrary } from './prompt-library.js';
import { hotlineFlow } from './test-support/flows.js';
import { WAVE_FORMAT, WavError, readWavFormat } from './wav.js';

const DEFAULT_IDS = ['welcome', 'invalid-key', 'no-input', 'transferring', 'all-busy', 'outside-hours', 'goodbye', 'survey', 'thanks'];

describe('the default prompts', () => {
  let library: PromptLibrary;
  beforeAll(async () => {
    library = await loadPromptLibrary();
  });

  it('hold every default prompt in zh-CN and en-US', () => {
    for (const language of ['zh-CN', 'en-US']) {
      for (const id of DEFAULT_IDS) expect(library.get(`${language}/${id}`)?.language, `${language}/${id}`).toBe(language);
    }
    expect(library.get('zh-CN/welcome')?.text).toContain('请按1');
  });

  it('are 8 kHz mono G.711 μ-law WAVs (format tag 7) of a few seconds, small in total', async () => {
    let total = 0;
    for (const id of library.ids()) {
      const bytes = await readFile(library.get(id)?.path as string);
      total += bytes.length;
      const format = readWavFormat(bytes);
      expect(format, id).toMatchObject({ formatTag: WAVE_FORMAT.mulaw, channels: 1, sampleRate: 8000, bitsPerSample: 8 });
      expect(format.dataOffset + format.dataBytes, id).toBeLessThanOrEqual(bytes.length);
      expect(format.durationMs, id).toBeGreaterThan(500);
      expect(format.durationMs, id).toBeLessThan(10_000);
    }
    expect(total).toBeLessThan(500 * 1024);
  });

  it('are all in the manifest, and the manifest names no other file', async () => {
    const folder = library.folder;
    const files: string[] = [];
    for (const language of await readdir(folder, { withFileTypes: true })) {
      if (!language.isDirectory()) continue;
      for (const file of await readdir(join(folder, language.name))) files.push(`${language.name}/${file}`);
    }
    expect(files.sort()).toEqual(library.ids().map((id) => library.get(id)?.file).sort());
  });

  it('cover the prompts of a flow built on them', () => {
    const flow = hotlineFlow();
    const missing = checkIvrPrompts(flow, (id) => library.has(id)).map((issue) => issue.path);
    // The test flow's own recordings (support/menu, news/today) are not default prompts.
    expect(missing).toEqual(['nodes.support.prompts.0', 'nodes.news.prompts.0']);
  });
});

describe('readWavFormat', () => {
  function wav(formatTag: number, options: { chunks?: Uint8Array[]; data?: number; truncate?: number } = {}): Uint8Array {
    const fmt = new Uint8Array(24);
    const fmtView = new DataView(fmt.buffer);
    fmt.set([0x66, 0x6d, 0x74, 0x20]);
    fmtView.setUint32(4, 16, true);
    fmtView.setUint16(8, formatTag, true);
    fmtView.setUint16(10, 1, true);
    fmtView.setUint32(12, 8000, true);
    fmtView.setUint32(16, formatTag === WAVE_FORMAT.pcm ? 16000 : 8000, true);
    fmtView.setUint16(20, formatTag === WAVE_FORMAT.pcm ? 2 : 1, true);
    fmtView.setUint16(22, formatTag === WAVE_FORMAT.pcm ? 16 : 8, true);
    const dataBytes = options.data ?? 8000;
    const data = new Uint8Array(8 + dataBytes);
    data.set([0x64, 0x61, 0x74, 0x61]);
    new DataView(data.buffer).setUint32(4, dataBytes, true);
    const parts = [fmt, ...(options.chunks ?? []), data];
    const size = 12 + parts.reduce((sum, part) => sum + part.length, 0);
    const out = new Uint8Array(size);
    out.set([0x52, 0x49, 0x46, 0x46]);
    new DataView(out.buffer).setUint32(4, size - 8, true);
    out.set([0x57, 0x41, 0x56, 0x45], 8);
    let offset = 12;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return options.truncate ? out.subarray(0, size - options.truncate) : out;
  }

  it('reads the format and duration, skipping other chunks (odd sizes padded)', () => {
    const list = new Uint8Array(8 + 4);
    list.set([0x4c, 0x49, 0x53, 0x54]);
    new DataView(list.buffer).setUint32(4, 3, true);
    expect(readWavFormat(wav(WAVE_FORMAT.mulaw, { chunks: [list] }))).toMatchObject({ formatTag: 7, channels: 1, sampleRate: 8000, bitsPerSample: 8, dataBytes: 8000, durationMs: 1000 });
    expect(readWavFormat(wav(WAVE_FORMAT.pcm, { data: 16000 }))).toMatchObject({ formatTag: 1, bitsPerSample: 16, durationMs: 1000 });
  });

  it('says what is wrong with a file that is not a usable WAV', () => {
    expect(() => readWavFormat(new TextEncoder().encode('ID3 not a wav at all'))).toThrow(/does not start with RIFF/);
    expect(() => readWavFormat(wav(WAVE_FORMAT.mulaw, { truncate: 10 }))).toThrow(/truncated/);
    expect(() => readWavFormat(wav(WAVE_FORMAT.mulaw).subarray(0, 12))).toThrow(WavError);
  });
});
