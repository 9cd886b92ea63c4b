/** Test doubles for the phone's browser dependencies (imported by tests only). */
import type { PhoneClientMessage, PhoneServerMessage } from '@openccc/protocol';
import type { AudioState } from './call-audio.js';
import type { CallMedia, PhoneDeps, RingerLike, SocketLike } from './phone.js';
import type { Memory } from './phone-number.js';

export class FakeSocket implements SocketLike {
  readyState = 0;
  readonly sent: PhoneClientMessage[] = [];
  closedWith: number | null = null;
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as PhoneClientMessage);
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The server accepts the connection. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }

  receive(message: PhoneServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  /** The connection drops. */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' } as CloseEvent);
  }

  last(): PhoneClientMessage | undefined {
    return this.sent.at(-1);
  }
}

export class FakeMedia implements CallMedia {
  state: AudioState = 'connecting';
  muted = false;
  closed = false;
  answer: string | null = null;
  readonly digits: string[] = [];
  canSendDigits = true;
  refuseAnswer = false;

  constructor(
    readonly offerSdp = 'v=0 offer',
    readonly withoutMicrophone = false,
    private readonly onChange: () => void = () => undefined,
  ) {}

  applyAnswer(sdp: string): Promise<void> {
    this.answer = sdp;
    return this.refuseAnswer ? Promise.reject(new Error('bad sdp')) : Promise.resolve();
  }

  sendDigit(digit: string): boolean {
    if (!this.canSendDigits) return false;
    this.digits.push(digit);
    return true;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.onChange();
  }

  setState(state: AudioState): void {
    this.state = state;
    this.onChange();
  }

  close(): void {
    this.closed = true;
  }
}

export class FakeRinger implements RingerLike {
  ringing = false;
  audible = false;
  onChange: (() => void) | null = null;

  start(): void {
    this.ringing = true;
  }

  stop(): void {
    this.ringing = false;
  }

  unlock(): void {
    this.audible = true;
    this.onChange?.();
  }
}

export class MapMemory implements Memory {
  readonly values = new Map<string, string>();
  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
}

/** Timers run by hand: `run()` fires those due by the clock. */
export class ManualTimers {
  now = 1_000_000;
  private next = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.set(id, { at: this.now + ms, callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  get pending(): number[] {
    return [...this.timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= until).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = until;
  }
}

/** A Phone's dependencies as fakes, with the sockets and media it opened. */
export function fakeDeps(overrides: Partial<PhoneDeps> = {}) {
  const timers = new ManualTimers();
  const sockets: FakeSocket[] = [];
  const media: FakeMedia[] = [];
  const ringer = new FakeRinger();
  const memory = new MapMemory();
  let ids = 0;
  let audioFailure: Error | null = null;
  let audioGate: Promise<void> = Promise.resolve();
  const deps: PhoneDeps = {
    url: 'ws://phone.test/phone/v1',
    openSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    openAudio: async (onChange) => {
      await audioGate;
      if (audioFailure) throw audioFailure;
      const m = new FakeMedia(`offer-${media.length + 1}`, false, onChange);
      media.push(m);
      return m;
    },
    ringer,
    memory,
    now: () => timers.now,
    newId: () => `call-${++ids}`,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    random: () => 0.5,
    ...overrides,
  };
  return {
    deps,
    timers,
    sockets,
    media,
    ringer,
    memory,
    socket: () => sockets.at(-1) as FakeSocket,
    failAudio: (error: Error | null) => (audioFailure = error),
    /** Holds openAudio until the returned function is called. */
    holdAudio: () => {
      let release!: () => void;
      audioGate = new Promise((resolve) => (release = resolve));
      return () => {
        audioGate = Promise.resolve();
        release();
      };
    },
  };
}
