import { describe, expect, it } from 'vitest';
import { CallStateError } from './errors.js';
import { assertSessionMove, canMove, SESSION_MOVES, SessionState } from './session-state.js';

const STATES = Object.values(SessionState);

describe('session state table', () => {
  it('lets every state but ended end, and nothing leave ended', () => {
    for (const state of STATES) expect(canMove(state, 'ended')).toBe(state !== 'ended');
    expect(SESSION_MOVES.ended.size).toBe(0);
  });

  it.each<[SessionState, SessionState]>([
    ['created', 'ivr'],
    ['created', 'queued'],
    ['created', 'offering'],
    ['created', 'dialing'],
    ['ivr', 'queued'],
    ['queued', 'queued'],
    ['queued', 'offering'],
    ['offering', 'queued'],
    ['offering', 'talking'],
    ['offering', 'dialing'],
    ['dialing', 'calleeRinging'],
    ['dialing', 'talking'],
    ['calleeRinging', 'talking'],
    ['talking', 'held'],
    ['held', 'talking'],
    ['talking', 'queued'],
    ['talking', 'offering'],
    ['held', 'queued'],
    ['held', 'offering'],
    ['talking', 'survey'],
    ['survey', 'ended'],
  ])('%s → %s is allowed', (from, to) => {
    expect(() => assertSessionMove('s1', from, to)).not.toThrow();
  });

  it.each<[SessionState, SessionState]>([
    ['created', 'talking'],
    ['ivr', 'offering'],
    ['ivr', 'ivr'],
    ['queued', 'talking'],
    ['queued', 'held'],
    ['offering', 'held'],
    ['dialing', 'held'],
    ['calleeRinging', 'dialing'],
    ['held', 'held'],
    ['held', 'survey'],
    ['survey', 'talking'],
    ['ended', 'created'],
    ['ended', 'ended'],
  ])('%s → %s throws', (from, to) => {
    expect(() => assertSessionMove('s1', from, to)).toThrow(new CallStateError(`Session s1 cannot go from ${from} to ${to}.`));
  });
});
