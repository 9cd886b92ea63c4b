import { describe, expect, it } from 'vitest';
import { decodeG711, encodeG711, transcodeG711 } from './g711.js';
import { ToneDetector, analyseTones, detectDtmf, rms } from './goertzel.js';
import { dtmfSamples, toneCycle, toneSamples } from './tones.js';
import { readWav, writeWav, wavHeader, WavFormatError } from './wav.js';

describe('G.711', () => {
  it('matches the reference μ-law values', () => {
    expect([...encodeG711('PCMU', Int16Array.of(0, -1, 32767, -32768, 1000))]).toEqual([0xff, 0x7f, 0x80, 0x00, 0xce]);
    expect([...decodeG711('PCMU', Uint8Array.of(0xff, 0x7f, 0x80, 0x00, 0xce))]).toEqual([0, 0, 32124, -32124, 988]);
  });

  it('matches the reference A-law values', () => {
    expect([...encodeG711('PCMA', Int16Array.of(0, -1, 32767, -32768))]).toEqual([0xd5, 0x55, 0xaa, 0x2a]);
    expect([...decodeG711('PCMA', Uint8Array.of(0xd5, 0x55, 0xaa, 0x2a))]).toEqual([8, -8, 32256, -32256]);
  });

  it('round-trips every code of both laws exactly', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const codec of ['PCMU', 'PCMA'] as const) {
      const again = encodeG711(codec, decodeG711(codec, codes));
      // μ-law has two zeros (0x7f and 0xff); every other code maps back to itself.
      for (let c = 0; c < 256; c++) if (!(codec === 'PCMU' && c === 0x7f)) expect(again[c]).toBe(c);
    }
  });

  it('keeps linear audio within the quantisation error', () => {
    const tone = toneCycle({ frequencies: [1000], onMs: 100, offMs: 0, level: 0.5 });
    for (const codec of ['PCMU', 'PCMA'] as const) {
      const back = decodeG711(codec, encodeG711(codec, tone));
      for (let i = 0; i < tone.length; i++) expect(Math.abs((back[i] as number) - (tone[i] as number))).toBeLessThanOrEqual(Math.abs(tone[i] as number) / 16 + 16);
    }
    const pcma = transcodeG711('PCMU', 'PCMA', encodeG711('PCMU', tone));
    expect(analyseTones(decodeG711('PCMA', pcma), [1000]).frequencies).toEqual([1000]);
  });
});

describe('WAV', () => {
  it('writes and reads stereo 16-bit PCM', () => {
    const samples = Int16Array.of(1, -1, 32767, -32768, 0, 5);
    const bytes = writeWav({ sampleRate: 8000, channels: 2, samples });
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('RIFF');
    expect(readWav(bytes)).toEqual({ sampleRate: 8000, channels: 2, samples });
  });

  it('reads μ-law and A-law prompts', () => {
    for (const [format, codec] of [[7, 'PCMU'], [6, 'PCMA']] as const) {
      const payload = encodeG711(codec, Int16Array.of(1000, -1000, 0));
      const header = wavHeader(8000, 1, payload.length);
      const view = new DataView(header.buffer);
      view.setUint16(20, format, true);
      view.setUint16(32, 1, true);
      view.setUint16(34, 8, true);
      const file = new Uint8Array(44 + payload.length);
      file.set(header);
      file.set(payload, 44);
      const audio = readWav(file);
      expect(audio.channels).toBe(1);
      expect([...audio.samples]).toEqual([...decodeG711(codec, payload)]);
    }
  });

  it('says what is wrong with a file it cannot read', () => {
    expect(() => readWav(new TextEncoder().encode('not a wav file at all'))).toThrow(WavFormatError);
    const float = wavHeader(8000, 1, 0);
    new DataView(float.buffer).setUint16(20, 3, true);
    expect(() => readWav(float)).toThrow(/unsupported WAV encoding \(format 3/);
  });
});

describe('tones and Goertzel', () => {
  it('finds a tone and its level, and nothing in silence', () => {
    const tone = toneSamples({ frequencies: [450], onMs: 200, offMs: 0, level: 0.5 });
    const result = analyseTones(tone, [350, 450, 1000]);
    expect(result.frequencies).toEqual([450]);
    expect(result.rms).toBeGreaterThan(0.3);
    expect(analyseTones(new Int16Array(160), [450]).frequencies).toEqual([]);
  });

  it('generates China ringback: 450 Hz, 1 s on, 4 s off', () => {
    const ringback = toneSamples('ringback');
    expect(ringback.length).toBe(40_000);
    expect(analyseTones(ringback.subarray(800, 2400), [400, 450, 500]).frequencies).toEqual([450]);
    expect(rms(ringback.subarray(9000, 40_000))).toBe(0);
    expect(rms(toneSamples('hold'))).toBeGreaterThan(0.05);
  });

  it('detects every DTMF digit', () => {
    for (const digit of '0123456789*#ABCD') expect(detectDtmf(dtmfSamples(digit).subarray(0, 640))).toBe(digit);
    expect(detectDtmf(toneSamples({ frequencies: [697], onMs: 80, offMs: 0 }))).toBeUndefined();
  });

  it('streams: reports each burst once', () => {
    const heard: number[] = [];
    const detector = new ToneDetector({ frequencies: [400, 1000], onTone: (frequency) => heard.push(frequency) });
    const burst = toneSamples({ frequencies: [400], onMs: 200, offMs: 300 });
    for (let i = 0; i < 3; i++) detector.push(burst);
    expect(heard).toEqual([400, 400, 400]);
  });
});
