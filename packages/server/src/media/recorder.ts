/**
 * A stereo call recording (customer left, agent right) written as it grows: frames are queued per
 * channel as they arrive, one frame per channel is taken every 20 ms tick (silence when none
 * arrived), and the file is appended to about once a second in order.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FRAME_SAMPLES, SAMPLE_RATE } from './tones.js';
import { pcmBytes, wavHeader } from './wav.js';

/** At most this many frames wait per channel; older ones are dropped so the channels stay in step. */
const MAX_QUEUED_FRAMES = 5;
const FLUSH_EVERY_TICKS = 50;

export class Recorder {
  private readonly queues: [Int16Array[], Int16Array[]] = [[], []];
  private pending: Int16Array[] = [];
  private frames = 0;
  private bytesWritten = 0;
  private writes: Promise<void> = Promise.resolve();
  private writeError: unknown;

  private constructor(
    readonly path: string,
    private readonly file: FileHandle,
  ) {}

  /** Creates the file (and its folder) with a header patched on stop. */
  static async create(path: string): Promise<Recorder> {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(path, 'w');
    await file.write(wavHeader(SAMPLE_RATE, 2, 0), 0, 44, 0);
    return new Recorder(path, file);
  }

  /** Queues one received frame for channel 0 (customer) or 1 (agent). */
  push(channel: 0 | 1, samples: Int16Array): void {
    const queue = this.queues[channel];
    queue.push(samples.slice());
    if (queue.length > MAX_QUEUED_FRAMES) queue.shift();
  }

  /** Adds 20 ms to the recording. */
  tick(): void {
    const left = this.queues[0].shift();
    const right = this.queues[1].shift();
    const stereo = new Int16Array(FRAME_SAMPLES * 2);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      stereo[2 * i] = left ? (left[i] ?? 0) : 0;
      stereo[2 * i + 1] = right ? (right[i] ?? 0) : 0;
    }
    this.pending.push(stereo);
    this.frames++;
    if (this.pending.length >= FLUSH_EVERY_TICKS) this.flush();
  }

  get durationMs(): number {
    return this.frames * 20;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const total = this.pending.reduce((sum, frame) => sum + frame.length, 0);
    const samples = new Int16Array(total);
    let at = 0;
    for (const frame of this.pending) {
      samples.set(frame, at);
      at += frame.length;
    }
    this.pending = [];
    const bytes = pcmBytes(samples);
    const position = 44 + this.bytesWritten;
    this.bytesWritten += bytes.length;
    this.writes = this.writes.then(async () => {
      await this.file.write(bytes, 0, bytes.length, position);
    });
    this.writes.catch((error: unknown) => {
      this.writeError ??= error;
    });
  }

  /** Writes what is left, patches the header and closes the file. */
  async finish(): Promise<{ path: string; durationMs: number }> {
    this.flush();
    try {
      await this.writes;
      if (this.writeError) throw this.writeError;
      await this.file.write(wavHeader(SAMPLE_RATE, 2, this.bytesWritten), 0, 44, 0);
    } finally {
      await this.file.close();
    }
    return { path: this.path, durationMs: this.durationMs };
  }
}
