import { describe, expect, it } from 'vitest';
import { Ringtone, type RingContext } from './ringtone.js';

/** An AudioContext that starts suspended, like one created before any user gesture. */
class FakeContext extends EventTarget {
  state: AudioContextState = 'suspended';
  currentTime = 10;
  readonly destination = {};
  allowed = false;
  readonly oscillators: Array<{ hz: number; started: boolean; stopped: boolean }> = [];
  readonly ramps: number[] = [];

  resume(): Promise<void> {
    if (!this.allowed) return new Promise(() => undefined);
    this.state = 'running';
    this.dispatchEvent(new Event('statechange'));
    return Promise.resolve();
  }

  suspend(): Promise<void> {
    this.state = 'suspended';
    this.dispatchEvent(new Event('statechange'));
    return Promise.resolve();
  }

  createGain() {
    const ramps = this.ramps;
    return {
      gain: { setValueAtTime: () => undefined, linearRampToValueAtTime: (value: number, at: number) => value > 0 && ramps.push(at) },
      connect: () => undefined,
      disconnect: () => undefined,
    };
  }

  createOscillator() {
    const record = { hz: 0, started: false, stopped: false };
    this.oscillators.push(record);
    return {
      type: 'sine',
      frequency: {
        set value(hz: number) {
          record.hz = hz;
        },
      },
      connect: () => undefined,
      disconnect: () => undefined,
      start: () => (record.started = true),
      stop: () => (record.stopped = true),
    };
  }
}

function setup() {
  const context = new FakeContext();
  const blocked: boolean[] = [];
  const intervals = new Map<number, () => void>();
  const timeouts = new Map<number, () => void>();
  let next = 1;
  const tone = new Ringtone(
    {
      createContext: () => context as unknown as RingContext,
      setInterval: (callback) => {
        intervals.set(next, callback);
        return next++;
      },
      clearInterval: (handle) => intervals.delete(handle as number),
      setTimeout: (callback) => {
        timeouts.set(next, callback);
        return next++;
      },
      clearTimeout: (handle) => timeouts.delete(handle as number),
    },
    (value) => blocked.push(value),
  );
  const fireTimeouts = () => {
    const due = [...timeouts.values()];
    timeouts.clear();
    for (const callback of due) callback();
  };
  return { context, blocked, intervals, timeouts, fireTimeouts, tone };
}

describe('the ringtone', () => {
  it('says it is blocked until a gesture lets audio start, then rings', () => {
    const { context, blocked, fireTimeouts, tone } = setup();
    tone.start();
    // A context that is merely starting is given a moment first.
    expect(blocked).toEqual([]);
    fireTimeouts();
    expect(blocked).toEqual([true]);
    expect(context.oscillators).toEqual([]);

    context.allowed = true;
    tone.unlock();
    expect(blocked).toEqual([true, false]);
    expect(context.oscillators.map((o) => [o.hz, o.started])).toEqual([
      [440, true],
      [480, true],
    ]);
    // Two bursts per 3 s cycle, scheduled 4 s ahead.
    expect(context.ramps.length).toBeGreaterThanOrEqual(2);
  });

  it('rings at once when audio is already allowed, and stops silent, the context suspended between rings', () => {
    const { context, blocked, intervals, tone } = setup();
    context.allowed = true;
    tone.unlock();
    expect(context.state).toBe('suspended');
    tone.start();
    expect(context.state).toBe('running');
    expect(blocked).toEqual([]);
    expect(intervals.size).toBe(1);
    tone.stop();
    expect(context.oscillators.every((o) => o.stopped)).toBe(true);
    expect(intervals.size).toBe(0);
    expect(context.state).toBe('suspended');
  });

  it('a context that starts running within the moment is never reported blocked', () => {
    const { context, blocked, timeouts, tone } = setup();
    tone.start();
    context.allowed = true;
    void context.resume();
    expect(timeouts.size).toBe(0);
    expect(blocked).toEqual([]);
    expect(context.oscillators).toHaveLength(2);
  });

  it('stopping a blocked ring clears the hint', () => {
    const { blocked, fireTimeouts, tone } = setup();
    tone.start();
    fireTimeouts();
    tone.stop();
    expect(blocked).toEqual([true, false]);
  });

  it('without WebAudio it stays silent and never asks for a click', () => {
    const blocked: boolean[] = [];
    const tone = new Ringtone({ createContext: () => null, setInterval: () => 0, clearInterval: () => undefined, setTimeout: () => 0, clearTimeout: () => undefined }, (b) => blocked.push(b));
    tone.start();
    tone.unlock();
    expect(blocked).toEqual([]);
  });
});
