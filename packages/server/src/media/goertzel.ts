/**
 * Tone and DTMF detection by the Goertzel algorithm, used by tests, the benchmark and the scripted
 * caller to check what audio actually arrived.
 */
import { DTMF_COLUMN_FREQUENCIES, DTMF_ROW_FREQUENCIES, SAMPLE_RATE, dtmfDigit } from './tones.js';

/** The power of one frequency in a block of samples, normalised to 0..1 of a full-scale sine. */
export function goertzelPower(samples: ArrayLike<number>, frequency: number, sampleRate = SAMPLE_RATE): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (let i = 0; i < n; i++) {
    const current = (samples[i] as number) / 32768 + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (4 * power) / (n * n);
}

/** Root mean square of the samples, 0..1 of full scale. */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += ((samples[i] as number) / 32768) ** 2;
  return Math.sqrt(sum / samples.length);
}

export interface ToneAnalysis {
  rms: number;
  /** Candidate frequencies holding at least `share` of the block's energy, strongest first. */
  frequencies: number[];
}

/**
 * Which of the candidate frequencies are present: a frequency counts when its power is at least
 * `share` of the block's total power (a pure sine holds all of it, so 0.2 tolerates a mix of a few).
 */
export function analyseTones(samples: ArrayLike<number>, candidates: readonly number[], share = 0.2): ToneAnalysis {
  const level = rms(samples);
  const total = 2 * level * level; // a sine of amplitude A has rms² = A²/2 and Goertzel power A²
  if (total < 1e-7) return { rms: level, frequencies: [] };
  const found = candidates
    .map((frequency) => ({ frequency, power: goertzelPower(samples, frequency) }))
    .filter((entry) => entry.power >= share * total)
    .sort((a, b) => b.power - a.power)
    .map((entry) => entry.frequency);
  return { rms: level, frequencies: found };
}

/** The DTMF digit in a block (≥ 20 ms), if one row and one column tone dominate it. */
export function detectDtmf(samples: ArrayLike<number>): string | undefined {
  const rows = analyseTones(samples, DTMF_ROW_FREQUENCIES, 0.25).frequencies;
  const columns = analyseTones(samples, DTMF_COLUMN_FREQUENCIES, 0.25).frequencies;
  if (rows.length !== 1 || columns.length !== 1) return undefined;
  return dtmfDigit(rows[0] as number, columns[0] as number);
}

export interface ToneDetectorOptions {
  /** Frequencies to look for. */
  frequencies: readonly number[];
  /** Block length analysed at a time; default 160 (20 ms). */
  blockSamples?: number;
  /** Consecutive blocks a frequency must hold before it counts; default 3. */
  minBlocks?: number;
  onTone: (frequency: number, rms: number) => void;
}

/**
 * A streaming detector: feed it decoded audio as it arrives; it calls onTone once per tone burst
 * (again only after the tone was absent for a block), so bursty signals are counted per burst.
 */
export class ToneDetector {
  private readonly block: Int16Array;
  private fill = 0;
  private readonly runs = new Map<number, number>();

  constructor(private readonly options: ToneDetectorOptions) {
    this.block = new Int16Array(options.blockSamples ?? 160);
  }

  /** Adds samples; may call onTone. */
  push(samples: ArrayLike<number>): void {
    for (let i = 0; i < samples.length; i++) {
      this.block[this.fill++] = samples[i] as number;
      if (this.fill === this.block.length) {
        this.fill = 0;
        this.analyse();
      }
    }
  }

  private analyse(): void {
    const { rms: level, frequencies } = analyseTones(this.block, this.options.frequencies);
    const minBlocks = this.options.minBlocks ?? 3;
    for (const frequency of this.options.frequencies) {
      const run = frequencies.includes(frequency) ? (this.runs.get(frequency) ?? 0) + 1 : 0;
      this.runs.set(frequency, run);
      if (run === minBlocks) this.options.onTone(frequency, level);
    }
  }
}
