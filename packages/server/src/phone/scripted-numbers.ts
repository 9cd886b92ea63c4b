import type { CalleeFailure } from '../calls/types.js';
import type { ToneSpec } from '../media/protocol.js';

/**
 * Scripted virtual numbers: callees that behave the same way every time, so
 * that outbound calls and their EndStatus can be tried and tested without a
 * phone at the far end. A number matches the first rule whose prefix it
 * starts with (numbers in `0086…` form).
 */
export interface ScriptedNumber {
  prefix: string;
  /** What the callee does once it has rung for `ringMs`. */
  behaviour: 'answer' | CalleeFailure;
  ringMs: number;
  /** An answering callee hangs up after this long; 0 = it waits for the agent. */
  talkMs: number;
  /** What the agent hears from an answering callee. */
  voice: ToneSpec;
}

/** The callee's voice: a steady 1,000 Hz tone, easy to tell from the browser's own. */
export const SCRIPTED_VOICE: ToneSpec = { frequencies: [1000], onMs: 1000, offMs: 0, level: 0.3 };

/**
 * The built-in rules: `0086 555 <d>…`, where the digit after 555 picks the
 * behaviour (see docs/engine.md, "Scripted numbers").
 */
export function defaultScriptedNumbers(noAnswerMs: number): ScriptedNumber[] {
  const rule = (digit: string, behaviour: ScriptedNumber['behaviour'], ringMs: number, talkMs = 0): ScriptedNumber => ({ prefix: `0086555${digit}`, behaviour, ringMs, talkMs, voice: SCRIPTED_VOICE });
  return [
    rule('0', 'answer', 2_000),
    rule('1', 'busy', 500),
    rule('2', 'notAnswer', noAnswerMs),
    rule('3', 'userReject', 3_000),
    rule('4', 'notInService', 500),
    rule('5', 'powerOff', 500),
    rule('6', 'numberNotExist', 300),
    rule('7', 'answer', 2_000, 10_000),
  ];
}

export function findScripted(rules: readonly ScriptedNumber[], number: string): ScriptedNumber | undefined {
  return rules.find((rule) => number.startsWith(rule.prefix));
}
