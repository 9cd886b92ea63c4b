/**
 * The incoming-call ring, made with WebAudio (no audio file to load). Browsers keep an
 * AudioContext silent until the page has been clicked or typed in; `unlock()` is called on every
 * such gesture, so a ring that began before one becomes audible with it, and `audible` tells the
 * page whether to ask for that click.
 */
import type { RingerLike } from './phone.js';

/** One ring cycle: two 0.4 s bursts 0.2 s apart, then 2 s of quiet (a UK-style double ring). */
const BURSTS: ReadonlyArray<[startS: number, lengthS: number]> = [
  [0, 0.4],
  [0.6, 0.4],
];
const CYCLE_S = 3;
/** A two-tone ring, gentle in level. */
const FREQUENCIES = [440, 480];
const LEVEL = 0.12;

export class Ringer implements RingerLike {
  onChange: (() => void) | null = null;
  private context: AudioContext | null = null;
  private ringing = false;
  private timer: number | undefined;
  private nodes: AudioScheduledSourceNode[] = [];

  get audible(): boolean {
    return this.context?.state === 'running';
  }

  /** Called on user gestures: creates or resumes the audio context. */
  unlock(): void {
    try {
      this.context ??= this.createContext();
    } catch {
      return; // no WebAudio: the ring stays visual
    }
    if (this.context.state === 'suspended') this.context.resume().catch(() => undefined);
  }

  start(): void {
    if (this.ringing) return;
    this.ringing = true;
    try {
      this.context ??= this.createContext();
      if (this.context.state === 'suspended') this.context.resume().catch(() => undefined);
    } catch {
      return;
    }
    this.cycle();
    this.timer = window.setInterval(() => this.cycle(), CYCLE_S * 1000);
  }

  stop(): void {
    this.ringing = false;
    window.clearInterval(this.timer);
    this.timer = undefined;
    for (const node of this.nodes) {
      try {
        node.stop();
      } catch {
        // already stopped
      }
    }
    this.nodes = [];
  }

  private createContext(): AudioContext {
    const context = new AudioContext();
    context.addEventListener('statechange', () => {
      // Unlocked while ringing: ring now rather than at the next cycle.
      if (this.ringing && context.state === 'running' && this.nodes.length === 0) this.cycle();
      this.onChange?.();
    });
    return context;
  }

  /** Schedules one cycle; while the context is suspended it is silent, and the next cycle may sound. */
  private cycle(): void {
    const context = this.context;
    if (!context || context.state !== 'running') return;
    const t0 = context.currentTime + 0.05;
    for (const [start, length] of BURSTS) {
      const gain = context.createGain();
      gain.connect(context.destination);
      const at = t0 + start;
      gain.gain.setValueAtTime(0, at);
      gain.gain.linearRampToValueAtTime(LEVEL, at + 0.02);
      gain.gain.setValueAtTime(LEVEL, at + length - 0.03);
      gain.gain.linearRampToValueAtTime(0, at + length);
      for (const frequency of FREQUENCIES) {
        const oscillator = context.createOscillator();
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        oscillator.start(at);
        oscillator.stop(at + length + 0.01);
        oscillator.onended = () => {
          this.nodes = this.nodes.filter((node) => node !== oscillator);
          oscillator.disconnect();
        };
        this.nodes.push(oscillator);
      }
    }
  }
}
