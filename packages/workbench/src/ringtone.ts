/** The part of AudioContext the ringtone uses, so tests can hand in a fake. */
export type RingContext = Pick<AudioContext, 'state' | 'currentTime' | 'destination' | 'resume' | 'suspend' | 'createOscillator' | 'createGain' | 'addEventListener'> & {
  setSinkId?: (sinkId: string) => Promise<void>;
};

export interface RingtoneDeps {
  createContext(): RingContext | null;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A double ring (0.4 s, 0.2 s pause, 0.4 s) every 3 s, from two mixed tones: no audio file to load. */
const CYCLE_S = 3;
const BURSTS: ReadonlyArray<readonly [start: number, length: number]> = [
  [0, 0.4],
  [0.6, 0.4],
];
const TONES_HZ = [440, 480];
const LEVEL = 0.12;
const RAMP_S = 0.02;
/** How far ahead the pattern is scheduled, and how often the schedule is topped up. */
const AHEAD_S = 4;
const TOP_UP_MS = 1000;
/** A new context starts suspended and runs a moment later when audio is allowed: only then is it blocked. */
const BLOCKED_AFTER_MS = 500;

interface Voice {
  gain: GainNode;
  oscillators: OscillatorNode[];
  nextCycle: number;
}

/**
 * The incoming-call ringtone, made with WebAudio. Browsers keep audio off until
 * the page has had a user gesture: `unlock()` is called on every gesture in the
 * panel, and `onBlocked(true)` says the ring cannot be heard yet. Between rings
 * the context is suspended, so an idle workbench costs no audio processing.
 */
export class Ringtone {
  private context: RingContext | null = null;
  private ringing = false;
  private blocked = false;
  private voice: Voice | null = null;
  private timer: unknown = undefined;
  private grace: unknown = undefined;
  private sink = '';

  constructor(
    private readonly deps: RingtoneDeps,
    private readonly onBlocked: (blocked: boolean) => void,
  ) {}

  /** A user gesture: the browser now lets audio start. */
  unlock(): void {
    const context = this.ensureContext();
    if (context && this.ringing && context.state !== 'running') this.resume(context);
    this.refresh();
  }

  start(): void {
    if (this.ringing) return;
    this.ringing = true;
    const context = this.ensureContext();
    // Without a gesture yet this may stay suspended (the browser's autoplay rule); refresh() then reports blocked.
    if (context && context.state !== 'running') this.resume(context);
    this.refresh();
  }

  stop(): void {
    if (!this.ringing && !this.voice) return;
    this.ringing = false;
    this.endGrace();
    this.silence();
    this.setBlocked(false);
    this.context?.suspend().catch(() => undefined);
  }

  setSink(deviceId: string): void {
    this.sink = deviceId;
    if (this.context?.setSinkId) this.context.setSinkId(deviceId).catch(() => undefined);
  }

  private ensureContext(): RingContext | null {
    if (this.context) return this.context;
    this.context = this.deps.createContext();
    if (!this.context) return null;
    this.context.addEventListener('statechange', () => this.refresh());
    if (this.sink) this.setSink(this.sink);
    // Made in a gesture, the page may play audio from now on; until a ring, the context need not run.
    if (!this.ringing) this.context.suspend().catch(() => undefined);
    return this.context;
  }

  private resume(context: RingContext): void {
    context.resume().then(
      () => this.refresh(),
      () => this.refresh(),
    );
  }

  private refresh(): void {
    const running = this.context?.state === 'running';
    // Not ringing, ringing aloud, or no WebAudio at all (then no click would help).
    if (!this.ringing || running || !this.context) {
      this.endGrace();
      this.setBlocked(false);
      if (this.ringing && running && !this.voice) this.sound();
      return;
    }
    if (this.blocked || this.grace !== undefined) return;
    this.grace = this.deps.setTimeout(() => {
      this.grace = undefined;
      if (this.ringing && this.context?.state !== 'running') this.setBlocked(true);
    }, BLOCKED_AFTER_MS);
  }

  private endGrace(): void {
    if (this.grace === undefined) return;
    this.deps.clearTimeout(this.grace);
    this.grace = undefined;
  }

  private sound(): void {
    const context = this.context;
    if (!context) return;
    const gain = context.createGain();
    gain.gain.setValueAtTime(0, context.currentTime);
    gain.connect(context.destination);
    const oscillators = TONES_HZ.map((hz) => {
      const oscillator = context.createOscillator();
      oscillator.type = 'sine';
      oscillator.frequency.value = hz;
      oscillator.connect(gain);
      oscillator.start();
      return oscillator;
    });
    this.voice = { gain, oscillators, nextCycle: context.currentTime + 0.05 };
    this.schedule();
    this.timer = this.deps.setInterval(() => this.schedule(), TOP_UP_MS);
  }

  private schedule(): void {
    const context = this.context;
    const voice = this.voice;
    if (!context || !voice) return;
    // Fell behind (the tab slept): start again from now rather than replaying the past.
    if (voice.nextCycle < context.currentTime) voice.nextCycle = context.currentTime + 0.05;
    while (voice.nextCycle < context.currentTime + AHEAD_S) {
      for (const [offset, length] of BURSTS) {
        const at = voice.nextCycle + offset;
        voice.gain.gain.setValueAtTime(0, at);
        voice.gain.gain.linearRampToValueAtTime(LEVEL, at + RAMP_S);
        voice.gain.gain.setValueAtTime(LEVEL, at + length - RAMP_S);
        voice.gain.gain.linearRampToValueAtTime(0, at + length);
      }
      voice.nextCycle += CYCLE_S;
    }
  }

  private silence(): void {
    this.deps.clearInterval(this.timer);
    this.timer = undefined;
    const voice = this.voice;
    this.voice = null;
    if (!voice) return;
    for (const oscillator of voice.oscillators) {
      oscillator.stop();
      oscillator.disconnect();
    }
    voice.gain.disconnect();
  }

  private setBlocked(blocked: boolean): void {
    if (blocked === this.blocked) return;
    this.blocked = blocked;
    this.onBlocked(blocked);
  }
}

export function browserRingtoneDeps(): RingtoneDeps {
  return {
    createContext: () => {
      const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      return Context ? new Context() : null;
    },
    setInterval: (callback, ms) => window.setInterval(callback, ms),
    clearInterval: (handle) => window.clearInterval(handle as number),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  };
}
