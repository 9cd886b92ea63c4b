import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, IllegalTransitionError } from './agent-status.js';
import { Presence, type StaffStatus } from './presence.js';

const ALL: StaffStatus[] = ['free', 'busy', 'rest', 'notReady', 'afterCallWork', 'offline'];

describe('agent status transitions', () => {
  it('lets every status go offline', () => {
    for (const from of ALL) expect(canTransition(from, 'offline')).toBe(true);
  });

  it('never lets an offline agent become busy; after a call the engine may put the agent back in rest or not-ready', () => {
    expect(canTransition('afterCallWork', 'busy')).toBe(true);
    expect(canTransition('offline', 'busy')).toBe(false);
    expect(canTransition('busy', 'rest')).toBe(true);
    expect(canTransition('busy', 'notReady')).toBe(true);
  });

  it('throws a typed error naming both statuses on an illegal move', () => {
    expect(() => assertTransition('offline', 'busy')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('offline', 'busy')).toThrow(/offline to busy/);
  });

  it('is enforced by Presence, which stays unchanged after a refused move', () => {
    const presence = new Presence();
    const seen: StaffStatus[] = [];
    presence.on('changed', (_app, _mail, entry) => seen.push(entry.status));
    presence.setStatus(1, 'a@example.com', 'free', '', 1000);
    expect(() => presence.setStatus(2, 'b@example.com', 'busy', '', 1000)).toThrow(IllegalTransitionError);
    expect(presence.statusOf(2, 'b@example.com')).toBe('offline');
    expect(seen).toEqual(['free']);
  });
});
