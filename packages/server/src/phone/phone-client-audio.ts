/**
 * The scripted phone's outgoing audio: WAV files brought to 8 kHz mono, and a pump that sends one
 * G.711 frame every 20 ms (silence, a looping tone, or a file played once and then silence).
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { encodeG711 } from '../media/g711.js';
import type { RtpPeer } from '../media/rtp-peer.js';
import { FRAME_SAMPLES, SAMPLE_RATE, toneSamples } from '../media/tones.js';
import { readWav, type WavAudio } from '../media/wav.js';

/** Mixes the channels down and resamples to 8 kHz (averaging when shrinking, interpolating when growing). */
export function toTelephoneAudio(audio: WavAudio): Int16Array {
  const channels = Math.max(1, audio.channels);
  const frames = Math.floor(audio.samples.length / channels);
  const mono = new Float64Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += audio.samples[i * channels + c] as number;
    mono[i] = sum / channels;
  }
  if (audio.sampleRate === SAMPLE_RATE) return Int16Array.from(mono, (v) => Math.round(v));
  const ratio = audio.sampleRate / SAMPLE_RATE;
  const out = new Int16Array(Math.floor(frames / ratio));
  for (let i = 0; i < out.length; i++) {
    if (ratio > 1) {
      // A box filter over the source window: a crude low-pass that keeps speech intelligible.
      const start = Math.floor(i * ratio);
      const end = Math.min(frames, Math.max(start + 1, Math.floor((i + 1) * ratio)));
      let sum = 0;
      for (let j = start; j < end; j++) sum += mono[j] as number;
      out[i] = Math.round(sum / (end - start));
    } else {
      const position = i * ratio;
      const index = Math.floor(position);
      const next = Math.min(frames - 1, index + 1);
      const fraction = position - index;
      out[i] = Math.round((mono[index] as number) * (1 - fraction) + (mono[next] as number) * fraction);
    }
  }
  return out;
}

/** Reads a WAV file (16-bit PCM, μ-law or A-law, any rate and channel count) as 8 kHz mono samples. */
export async function readAudioFile(path: string): Promise<Int16Array> {
  return toTelephoneAudio(readWav(await readFile(path)));
}

/** A continuous sine at the frequency: one second, to be looped. */
export function toneLoop(frequency: number, level = 0.25): Int16Array {
  return toneSamples({ frequencies: [frequency], onMs: 1000, offMs: 0, level });
}

/**
 * Sends a frame every 20 ms to the peer's remote. It keeps time against the clock rather than
 * counting timer callbacks, so a late timer sends the frames it owes instead of drifting slow.
 */
export class AudioPump {
  private samples: Int16Array = new Int16Array(0);
  private loop = false;
  private position = 0;
  private timer: NodeJS.Timeout | undefined;
  private started = 0;
  private sent = 0;
  private onFinished: (() => void) | undefined;
  private readonly frame = new Int16Array(FRAME_SAMPLES);

  constructor(private readonly peer: RtpPeer) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts sending (silence until play()). */
  start(): void {
    if (this.timer) return;
    this.started = performance.now();
    this.sent = 0;
    this.timer = setInterval(() => this.tick(), 20);
    this.sendFrame();
  }

  /** Plays the samples, once (then silence) or looping; resolves when a once-played sound is done. */
  play(samples: Int16Array, loop: boolean): Promise<void> {
    this.finish();
    this.samples = samples;
    this.loop = loop;
    this.position = 0;
    if (loop || samples.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.onFinished = resolve;
    });
  }

  /** Back to silence. */
  silence(): void {
    this.finish();
    this.samples = new Int16Array(0);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.finish();
  }

  private finish(): void {
    const done = this.onFinished;
    this.onFinished = undefined;
    done?.();
  }

  private tick(): void {
    const due = Math.floor((performance.now() - this.started) / 20) + 1;
    // After a long stall (a paused process), skip ahead rather than burst seconds of audio.
    if (due - this.sent > 5) this.sent = due - 1;
    while (this.sent < due && this.timer) this.sendFrame();
  }

  private sendFrame(): void {
    const { samples, frame } = this;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      if (this.position >= samples.length) {
        if (this.loop && samples.length > 0) this.position = 0;
        else {
          frame.fill(0, i);
          break;
        }
      }
      frame[i] = samples[this.position++] as number;
    }
    if (!this.loop && samples.length > 0 && this.position >= samples.length) {
      this.samples = new Int16Array(0);
      this.position = 0;
      this.finish();
    }
    this.sent++;
    this.peer.sendFrame(encodeG711(this.peer.codec, frame));
  }
}
