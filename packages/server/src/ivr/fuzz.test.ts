import { describe, expect, it } from 'vitest';
import type { IvrCommand } from './types.js';
import { IvrDriver } from './test-support/driver.js';
import { MONDAY_10_SHANGHAI, hotlineFlow } from './test-support/flows.js';
import { seededRandom } from '../test-support/seeded-random.js';


const DIGITS = '0123456789*#AB';

describe('random callers', () => {
  it('never make a session throw, and every session ends with nothing left playing or armed', () => {
    const flow = hotlineFlow();
    for (let seed = 1; seed <= 500; seed++) {
      const next = seededRandom(seed);
      // Any hour of one week: some calls come outside the schedule.
      const now = MONDAY_10_SHANGHAI + Math.floor(next() * 7 * 24) * 3_600_000;
      const ivr = new IvrDriver(flow, { now, mode: next() < 0.3 ? 'survey' : 'flow', sessionId: `s${seed}` });
      const commands: IvrCommand[] = [...ivr.started()];
      for (let step = 0; step < 300 && ivr.session.phase !== 'done'; step++) {
        const roll = next();
        if (roll < 0.02) commands.push(...ivr.hangUp());
        else if (roll < 0.45 && ivr.playing !== null) commands.push(...ivr.finishPrompt(Math.floor(next() * 5000)));
        else if (roll < 0.6 && ivr.timer !== null) commands.push(...ivr.silence());
        else commands.push(...ivr.press(DIGITS[Math.floor(next() * DIGITS.length)] as string, Math.floor(next() * 3000)));
      }
      const context = `seed ${seed}`;
      expect(ivr.session.phase, context).toBe('done');

      // The driver holds a playback until it finishes or is stopped, and a timer until it fires or is cancelled.
      expect(ivr.playing, context).toBeNull();
      expect(ivr.timer, context).toBeNull();

      const exits = commands.filter((c) => c.type === 'queue' || c.type === 'hangup');
      const result = ivr.session.result;
      expect(result, context).not.toBeNull();
      expect(exits.length, context).toBe(result?.outcome === 'callerHungUp' ? 0 : 1);
      const recorded = commands.flatMap((c) => (c.type === 'keyPressed' ? [c.record] : []));
      expect(result?.keysPressed, context).toEqual(recorded);
      expect(recorded.every((record, i) => i === 0 || record.Timestamp >= (recorded[i - 1]?.Timestamp ?? 0)), context).toBe(true);
    }
  });
});
