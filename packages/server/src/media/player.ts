import { FRAME_SAMPLES } from './tones.js';

/** Plays 8 kHz samples out in 20 ms frames, once or looped. */
export class Player {
  private position = 0;
  private readonly frame = new Int16Array(FRAME_SAMPLES);

  constructor(
    private readonly samples: Int16Array,
    private readonly loop: boolean,
  ) {}

  /** The next frame, or undefined once a non-looping source has been played out. */
  next(): Int16Array | undefined {
    const { samples } = this;
    if (samples.length === 0 || (!this.loop && this.position >= samples.length)) return undefined;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      if (this.position >= samples.length) {
        if (this.loop) this.position = 0;
        else {
          this.frame.fill(0, i);
          break;
        }
      }
      this.frame[i] = samples[this.position++] as number;
    }
    return this.frame;
  }
}
