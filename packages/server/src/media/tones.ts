/**
 * Generated 8 kHz telephony signals: ringback, hold music, beep, DTMF and custom tones. Each is
 * returned as one cycle of 16-bit samples that a player loops or plays once.
 */
import type { ToneName, ToneSpec } from './protocol.js';

export const SAMPLE_RATE = 8000;
/** Samples in one 20 ms frame at 8 kHz. */
export const FRAME_SAMPLES = 160;

/** China's ringback (GB 3380): 450 Hz, 1 s on, 4 s off. */
export const RINGBACK_CHINA: ToneSpec = { frequencies: [450], onMs: 1000, offMs: 4000, level: 0.25 };
export const BEEP: ToneSpec = { frequencies: [1000], onMs: 400, offMs: 0, level: 0.3 };

const DTMF_ROWS = [697, 770, 852, 941] as const;
const DTMF_COLUMNS = [1209, 1336, 1477, 1633] as const;
const DTMF_LAYOUT = ['123A', '456B', '789C', '*0#D'] as const;

/** The (row, column) frequencies of a DTMF digit, or undefined for anything else. */
export function dtmfFrequencies(digit: string): [number, number] | undefined {
  for (let row = 0; row < 4; row++) {
    const column = (DTMF_LAYOUT[row] as string).indexOf(digit.toUpperCase());
    if (column >= 0) return [DTMF_ROWS[row] as number, DTMF_COLUMNS[column] as number];
  }
  return undefined;
}

/** The digit a (row, column) frequency pair stands for. */
export function dtmfDigit(row: number, column: number): string | undefined {
  const r = DTMF_ROWS.indexOf(row as (typeof DTMF_ROWS)[number]);
  const c = DTMF_COLUMNS.indexOf(column as (typeof DTMF_COLUMNS)[number]);
  return r < 0 || c < 0 ? undefined : (DTMF_LAYOUT[r] as string)[c];
}

export const DTMF_ROW_FREQUENCIES: readonly number[] = DTMF_ROWS;
export const DTMF_COLUMN_FREQUENCIES: readonly number[] = DTMF_COLUMNS;

function msToSamples(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}

/** One cycle of a tone: the frequencies mixed for onMs, then offMs of silence. */
export function toneCycle(spec: ToneSpec): Int16Array {
  const on = msToSamples(spec.onMs);
  const out = new Int16Array(on + msToSamples(spec.offMs));
  const amplitude = (32767 * (spec.level ?? 0.25)) / Math.max(1, spec.frequencies.length);
  const ramp = Math.min(40, on >> 2); // 5 ms fade in and out so the cadence does not click
  for (let i = 0; i < on; i++) {
    let value = 0;
    for (const frequency of spec.frequencies) value += Math.sin((2 * Math.PI * frequency * i) / SAMPLE_RATE);
    const envelope = Math.min(1, i / ramp, (on - 1 - i) / ramp);
    out[i] = Math.round(value * amplitude * Math.max(0, envelope));
  }
  return out;
}

/** A gentle eight-second loop: a pentatonic phrase over a soft fifth, for callers on hold. */
export function holdMusic(): Int16Array {
  const melody = [523.25, 587.33, 659.25, 783.99, 880, 783.99, 659.25, 587.33, 523.25, 659.25, 783.99, 659.25, 587.33, 523.25, 440, 392];
  const noteSamples = SAMPLE_RATE / 2;
  const out = new Int16Array(melody.length * noteSamples);
  for (let n = 0; n < melody.length; n++) {
    const frequency = melody[n] as number;
    const bass = n < 8 ? 130.81 : 98;
    for (let i = 0; i < noteSamples; i++) {
      const t = i / SAMPLE_RATE;
      const pluck = Math.exp(-3 * t) * Math.min(1, i / 80);
      const note = Math.sin(2 * Math.PI * frequency * t) + 0.3 * Math.sin(4 * Math.PI * frequency * t);
      const pad = 0.35 * (Math.sin(2 * Math.PI * bass * t) + Math.sin(2 * Math.PI * bass * 1.5 * t));
      out[n * noteSamples + i] = Math.round(6000 * (pluck * note + pad * 0.5));
    }
  }
  return out;
}

/** The samples of a named or custom tone, lasting durationMs when given (cycles repeated or cut). */
export function toneSamples(tone: ToneName | ToneSpec, durationMs?: number): Int16Array {
  const cycle = tone === 'ringback' ? toneCycle(RINGBACK_CHINA) : tone === 'beep' ? toneCycle(BEEP) : tone === 'hold' ? holdMusic() : toneCycle(tone);
  if (durationMs === undefined || cycle.length === 0) return cycle;
  const out = new Int16Array(msToSamples(durationMs));
  for (let i = 0; i < out.length; i++) out[i] = cycle[i % cycle.length] as number;
  return out;
}

/** In-band DTMF for the digits: 100 ms of each digit's two tones, 60 ms apart. */
export function dtmfSamples(digits: string): Int16Array {
  const parts = [...digits].map((digit) => {
    const frequencies = dtmfFrequencies(digit);
    return frequencies ? toneCycle({ frequencies, onMs: 100, offMs: 60, level: 0.5 }) : new Int16Array(0);
  });
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
