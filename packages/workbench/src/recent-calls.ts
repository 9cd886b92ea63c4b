import { END_REASONS, type EndReason, type EndedCall } from './call-state.js';

/** One finished call in the agent's recent list. `duration` is the conversation in whole seconds. */
export interface RecentCall {
  sessionId: string;
  type: string;
  direction: 'in' | 'out';
  peer: string;
  startedAt: number;
  duration: number;
  reason: EndReason;
}

export interface RecentOwner {
  sdkAppId: number;
  mail: string;
}

export const RECENT_LIMIT = 20;

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

/** Kept per instance and agent, so a shared browser never mixes two agents' calls. */
export function recentKey(owner: RecentOwner): string {
  return `openccc.recentCalls.${owner.sdkAppId}.${owner.mail.toLowerCase()}`;
}

export function toRecent({ call, reason, duration }: EndedCall): RecentCall {
  return { sessionId: call.sessionId, type: call.type, direction: call.direction, peer: call.peer, startedAt: call.startedAt, duration, reason };
}

/**
 * The agent's last calls in this browser, newest first, in localStorage. A
 * storage that refuses (private mode, quota) still leaves the list in memory.
 */
export class RecentCallStore {
  private owner: RecentOwner | null = null;
  private entries: RecentCall[] = [];

  constructor(
    private readonly storage: KeyValueStore | null,
    private readonly limit = RECENT_LIMIT,
  ) {}

  get list(): RecentCall[] {
    return this.entries;
  }

  /** Switches to an agent's list (after sign-in). */
  open(owner: RecentOwner): RecentCall[] {
    this.owner = owner;
    this.entries = this.read(owner);
    return this.entries;
  }

  /** Adds a finished call on top, or updates it in place if it is already listed. */
  record(entry: RecentCall): RecentCall[] {
    const index = this.entries.findIndex((e) => e.sessionId === entry.sessionId);
    this.entries = index >= 0 ? this.entries.map((e, i) => (i === index ? entry : e)) : [entry, ...this.entries].slice(0, this.limit);
    this.write();
    return this.entries;
  }

  /** The server's duration for a call already listed (its `sessionEnded` came after the call left the list). */
  settle(sessionId: string, duration: number): RecentCall[] {
    const known = this.entries.find((e) => e.sessionId === sessionId);
    if (!known || !Number.isFinite(duration) || duration < 0 || known.duration === duration) return this.entries;
    return this.record({ ...known, duration: Math.floor(duration) });
  }

  clear(): RecentCall[] {
    this.entries = [];
    this.write();
    return this.entries;
  }

  private read(owner: RecentOwner): RecentCall[] {
    let raw: unknown;
    try {
      raw = JSON.parse(this.storage?.getItem(recentKey(owner)) ?? '[]');
    } catch {
      return [];
    }
    if (!Array.isArray(raw)) return [];
    return raw.flatMap((item) => {
      const entry = parseEntry(item);
      return entry ? [entry] : [];
    }).slice(0, this.limit);
  }

  private write(): void {
    if (!this.owner) return;
    try {
      this.storage?.setItem(recentKey(this.owner), JSON.stringify(this.entries));
    } catch {
      // Full or refused: the list lives on in memory for this page.
    }
  }
}

function parseEntry(item: unknown): RecentCall | null {
  if (!item || typeof item !== 'object') return null;
  const o = item as Record<string, unknown>;
  const { sessionId, type, direction, peer, startedAt, duration, reason } = o;
  if (typeof sessionId !== 'string' || !sessionId) return null;
  if (direction !== 'in' && direction !== 'out') return null;
  if (typeof startedAt !== 'number' || !Number.isFinite(startedAt)) return null;
  return {
    sessionId,
    type: typeof type === 'string' ? type : '',
    direction,
    peer: typeof peer === 'string' ? peer : '',
    startedAt,
    duration: typeof duration === 'number' && Number.isFinite(duration) && duration >= 0 ? Math.floor(duration) : 0,
    reason: (END_REASONS as readonly unknown[]).includes(reason) ? (reason as EndReason) : 'unknown',
  };
}
