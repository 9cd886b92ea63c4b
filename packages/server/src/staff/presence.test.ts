import { describe, expect, it } from 'vitest';
import { Presence, type PresenceEntry } from './presence.js';

const APP = 1400000001;
const T0 = 1_700_000_000_000;

/** Records every event as a plain snapshot. */
function watch(presence: Presence) {
  const changed: Array<{ sdkAppId: number; mail: string; status: string; reason: string; since: number }> = [];
  const forced: Array<[number, string]> = [];
  presence.on('changed', (sdkAppId, mail, entry) => changed.push({ sdkAppId, mail, status: entry.status, reason: entry.reason, since: entry.since }));
  const ended: Array<[number, string]> = [];
  presence.on('forcedOffline', (sdkAppId, mail) => forced.push([sdkAppId, mail]));
  presence.on('loginsEnded', (sdkAppId, mail) => ended.push([sdkAppId, mail]));
  return { changed, forced, ended };
}

describe('Presence', () => {
  it('reports an unseen agent as offline', () => {
    const presence = new Presence();
    expect(presence.get(APP, 'a@x.com')).toBeUndefined();
    expect(presence.statusOf(APP, 'a@x.com')).toBe('offline');
    expect(presence.isOnline(APP, 'a@x.com')).toBe(false);
  });

  it('accumulates the time spent in each status', () => {
    const presence = new Presence();
    presence.setStatus(APP, 'a@x.com', 'free', '', T0);
    presence.setStatus(APP, 'a@x.com', 'rest', 'lunch', T0 + 1_000);
    presence.setStatus(APP, 'a@x.com', 'free', '', T0 + 3_000);
    presence.setStatus(APP, 'a@x.com', 'notReady', '', T0 + 3_500);
    presence.setStatus(APP, 'a@x.com', 'afterCallWork', '', T0 + 4_000);
    presence.setStatus(APP, 'a@x.com', 'busy', '', T0 + 4_250);
    const entry = presence.setStatus(APP, 'a@x.com', 'free', '', T0 + 5_000);
    expect(entry.durations).toEqual({ free: 1_500, rest: 2_000, notReady: 500, afterCallWork: 250, busy: 750 });
    expect(entry.since).toBe(T0 + 5_000);
  });

  it('counts no time while offline', () => {
    const presence = new Presence();
    presence.setStatus(APP, 'a@x.com', 'free', '', T0);
    presence.setStatus(APP, 'a@x.com', 'offline', '', T0 + 1_000);
    const entry = presence.setStatus(APP, 'a@x.com', 'free', '', T0 + 60_000);
    expect(entry.durations.free).toBe(1_000);
    presence.setStatus(APP, 'a@x.com', 'offline', '', T0 + 61_000);
    expect(presence.get(APP, 'a@x.com')?.durations.free).toBe(2_000);
  });

  it('sets onlineSince when the agent comes online, not on later changes', () => {
    const presence = new Presence();
    presence.setStatus(APP, 'a@x.com', 'offline', '', T0);
    expect(presence.get(APP, 'a@x.com')?.onlineSince).toBe(0);
    presence.setStatus(APP, 'a@x.com', 'rest', 'x', T0 + 1_000);
    presence.setStatus(APP, 'a@x.com', 'free', '', T0 + 2_000);
    expect(presence.get(APP, 'a@x.com')?.onlineSince).toBe(T0 + 1_000);
    presence.setStatus(APP, 'a@x.com', 'offline', '', T0 + 3_000);
    expect(presence.get(APP, 'a@x.com')?.onlineSince).toBe(T0 + 1_000);
    presence.setStatus(APP, 'a@x.com', 'free', '', T0 + 9_000);
    expect(presence.get(APP, 'a@x.com')?.onlineSince).toBe(T0 + 9_000);
  });

  it('keeps a reason only for rest', () => {
    const presence = new Presence();
    expect(presence.setStatus(APP, 'a@x.com', 'rest', 'lunch', T0).reason).toBe('lunch');
    expect(presence.setStatus(APP, 'a@x.com', 'notReady', 'ignored', T0).reason).toBe('');
    expect(presence.setStatus(APP, 'a@x.com', 'free', 'ignored', T0).reason).toBe('');
  });

  it('keys agents by instance and case-insensitive mail', () => {
    const presence = new Presence();
    presence.setStatus(APP, 'Agent@Example.com', 'rest', 'r', T0);
    expect(presence.statusOf(APP, 'agent@example.COM')).toBe('rest');
    expect(presence.isOnline(APP, 'AGENT@example.com')).toBe(true);
    expect(presence.statusOf(APP + 1, 'agent@example.com')).toBe('offline');
  });

  it('emits changed with the entry on every status change', () => {
    const presence = new Presence();
    const events = watch(presence);
    let last: PresenceEntry | undefined;
    presence.on('changed', (_id, _mail, entry) => (last = entry));
    const entry = presence.setStatus(APP, 'a@x.com', 'free', '', T0);
    presence.setStatus(APP, 'a@x.com', 'rest', 'lunch', T0 + 10);
    expect(events.changed).toEqual([
      { sdkAppId: APP, mail: 'a@x.com', status: 'free', reason: '', since: T0 },
      { sdkAppId: APP, mail: 'a@x.com', status: 'rest', reason: 'lunch', since: T0 + 10 },
    ]);
    expect(last).toBe(entry);
    expect(last).toBe(presence.get(APP, 'a@x.com'));
    expect(events.forced).toEqual([]);
  });

  it('forceOffline takes an online agent offline and emits both events', () => {
    const presence = new Presence();
    presence.setStatus(APP, 'a@x.com', 'rest', 'r', T0);
    const events = watch(presence);
    presence.forceOffline(APP, 'a@x.com', T0 + 500);
    expect(presence.statusOf(APP, 'a@x.com')).toBe('offline');
    expect(presence.get(APP, 'a@x.com')?.durations.rest).toBe(500);
    expect(events.changed.map((e) => e.status)).toEqual(['offline']);
    expect(events.forced).toEqual([[APP, 'a@x.com']]);
  });

  it('forceOffline of an offline agent only emits forcedOffline', () => {
    const presence = new Presence();
    const events = watch(presence);
    presence.forceOffline(APP, 'a@x.com', T0);
    expect(events.changed).toEqual([]);
    expect(events.forced).toEqual([[APP, 'a@x.com']]);
    expect(presence.get(APP, 'a@x.com')).toBeUndefined();
  });

  it('endLogins takes an online agent offline, then asks its connections to sign out', () => {
    const presence = new Presence();
    presence.setStatus(APP, 'a@x.com', 'free', '', T0);
    const events = watch(presence);
    presence.endLogins(APP, 'a@x.com', T0 + 500);
    expect(presence.statusOf(APP, 'a@x.com')).toBe('offline');
    expect(events.changed.map((e) => e.status)).toEqual(['offline']);
    expect(events.ended).toEqual([[APP, 'a@x.com']]);
    expect(events.forced).toEqual([]);
    presence.endLogins(APP, 'a@x.com', T0 + 600);
    expect(events.changed).toHaveLength(1);
    expect(events.ended).toHaveLength(2);
  });
});
