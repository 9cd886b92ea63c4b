import { EventEmitter } from 'node:events';
import { assertTransition } from './agent-status.js';

/** Agent status as the Cloud API reports it. */
export type StaffStatus = 'free' | 'busy' | 'rest' | 'notReady' | 'afterCallWork' | 'offline';

export interface PresenceEntry {
  status: StaffStatus;
  reason: string;
  /** When the status ends by itself (after-call work), unix ms; null otherwise. */
  until: number | null;
  /** unix ms of the last status change */
  since: number;
  /** unix ms when the agent last came online; 0 if never */
  onlineSince: number;
  durations: Record<Exclude<StaffStatus, 'offline'>, number>;
  clients: Array<{ clientType: string; isConnected: boolean }>;
}

export interface PresenceEvents {
  changed: [sdkAppId: number, mail: string, entry: PresenceEntry];
  forcedOffline: [sdkAppId: number, mail: string];
  loginsEnded: [sdkAppId: number, mail: string];
}

function key(sdkAppId: number, mail: string): string {
  return `${sdkAppId}/${mail.toLowerCase()}`;
}

/**
 * Live agent presence, kept in memory by the process that holds the agents'
 * connections. An agent nobody has seen is `offline`. Realtime connections
 * (the agent SDK) drive `connect`/`setStatus`/`disconnect`.
 */
export class Presence extends EventEmitter<PresenceEvents> {
  private readonly entries = new Map<string, PresenceEntry>();

  get(sdkAppId: number, mail: string): PresenceEntry | undefined {
    return this.entries.get(key(sdkAppId, mail));
  }

  statusOf(sdkAppId: number, mail: string): StaffStatus {
    return this.get(sdkAppId, mail)?.status ?? 'offline';
  }

  isOnline(sdkAppId: number, mail: string): boolean {
    return this.statusOf(sdkAppId, mail) !== 'offline';
  }

  /** Online, or with a workbench connected (an agent who chose offline is still signed in). */
  isPresent(sdkAppId: number, mail: string): boolean {
    const entry = this.get(sdkAppId, mail);
    return this.isOnline(sdkAppId, mail) || (entry?.clients.some((c) => c.isConnected) ?? false);
  }

  /** The one place status changes: checks the transition, accumulates the time spent in the previous status, emits. */
  setStatus(sdkAppId: number, mail: string, status: StaffStatus, reason: string, now: number, until: number | null = null): PresenceEntry {
    assertTransition(this.statusOf(sdkAppId, mail), status);
    const k = key(sdkAppId, mail);
    const entry = this.entries.get(k) ?? {
      status: 'offline' as StaffStatus,
      reason: '',
      until: null,
      since: now,
      onlineSince: 0,
      durations: { free: 0, busy: 0, rest: 0, notReady: 0, afterCallWork: 0 },
      clients: [],
    };
    if (entry.status !== 'offline') entry.durations[entry.status] += now - entry.since;
    if (entry.status === 'offline' && status !== 'offline') entry.onlineSince = now;
    entry.status = status;
    entry.reason = status === 'rest' ? reason : '';
    entry.until = until;
    entry.since = now;
    this.entries.set(k, entry);
    this.emit('changed', sdkAppId, mail, entry);
    return entry;
  }

  /** Records whether the staff's workbench is connected (ClientInfo in the metrics). */
  setConnected(sdkAppId: number, mail: string, connected: boolean): void {
    const entry = this.get(sdkAppId, mail);
    if (entry) entry.clients = [{ clientType: 'Web', isConnected: connected }];
  }

  /** Asks every connection of the staff to sign out (ForceMemberOffline). */
  forceOffline(sdkAppId: number, mail: string, now: number): void {
    if (this.isOnline(sdkAppId, mail)) this.setStatus(sdkAppId, mail, 'offline', '', now);
    this.emit('forcedOffline', sdkAppId, mail);
  }

  /** The staff's logins were revoked (the password changed): offline, and every connection signs out. */
  endLogins(sdkAppId: number, mail: string, now: number): void {
    if (this.isOnline(sdkAppId, mail)) this.setStatus(sdkAppId, mail, 'offline', '', now);
    this.emit('loginsEnded', sdkAppId, mail);
  }
}
