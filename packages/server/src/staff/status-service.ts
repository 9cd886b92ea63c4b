import { cloudError } from '@openccc/protocol';
import type { Staff, Store } from '../store/ports.js';
import { requireInstance } from './instances.js';
import { assertTransition } from './agent-status.js';
import type { Presence, PresenceEntry, StaffStatus } from './presence.js';
import type { StaffService } from './staff-service.js';

export interface SetStatusResult {
  StaffUserId: string;
  ErrorCode?: string;
  ErrorMessage?: string;
  Status: string;
  Reason: string;
  PreviousStatus: string;
  PreviousReason: string;
}

const DAY_MS = 86_400_000;

/** A status to move to, as `StatusService.change` is told it. */
export interface StatusChange {
  status: StaffStatus;
  reason: string;
  sessionId?: string;
  /** For after-call work: when it ends (unix ms); the workbench counts down to it. */
  until?: number;
}

/** Agent status from the Cloud API's side: reading metrics and history, setting status, forcing offline. */
export class StatusService {
  /** Per agent, the end of the queue of status changes. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly staff: StaffService,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Changes status where the agent is online; offline or busy agents are reported per item. */
  async setStatus(sdkAppId: number, items: Array<{ StaffUserId: string; Status: 'free' | 'notReady' | 'rest'; Reason?: string }>, language: 'en' | 'zh') {
    await requireInstance(this.store.instances, sdkAppId);
    const results: SetStatusResult[] = [];
    for (const item of items) {
      const staff = await this.store.staff.get(sdkAppId, item.StaffUserId);
      // Decided in the agent's turn, so that a change queued before this one is seen.
      const result = await this.inTurn(sdkAppId, item.StaffUserId, async (): Promise<SetStatusResult> => {
        const before = this.presence.get(sdkAppId, item.StaffUserId);
        const previous = { PreviousStatus: before?.status ?? 'offline', PreviousReason: before?.reason ?? '' };
        const unchanged = { StaffUserId: item.StaffUserId, Status: previous.PreviousStatus, Reason: previous.PreviousReason, ...previous };
        if (!staff) {
          return { ...unchanged, ErrorCode: 'InvalidParameterValue.AccountNotExist', ErrorMessage: language === 'zh' ? '座席账号不存在。' : 'The staff account does not exist.' };
        }
        if (!before || before.status === 'offline') {
          return {
            ...unchanged,
            ErrorCode: 'FailedOperation.CurStateNotAllowModify',
            ErrorMessage: language === 'zh' ? '座席不在线，无法设置状态。' : 'The agent is offline; status can only be set while the agent is online.',
          };
        }
        if (before.status === 'busy') {
          return { ...unchanged, ErrorCode: 'FailedOperation.SeatStatusBusy', ErrorMessage: language === 'zh' ? '座席正在通话中。' : 'The agent is in a session.' };
        }
        const reason = item.Status === 'rest' ? (item.Reason ?? '') : '';
        await this.writeThenPublish(sdkAppId, staff.mail, item.Status, reason, '');
        return { StaffUserId: item.StaffUserId, Status: item.Status, Reason: reason, ...previous };
      });
      results.push(result);
    }
    return results;
  }

  /** Changes an agent's status (see `change`); a change to the same status and reason is no change. */
  async record(sdkAppId: number, mail: string, status: StaffStatus, reason: string, sessionId = ''): Promise<void> {
    await this.change(sdkAppId, mail, () => ({ status, reason, sessionId }));
  }

  /**
   * Changes an agent's status in order: the history entry is written first, and only once
   * it is durable does presence change and announce it, so presence never shows a status the
   * history lacks; a failed write changes nothing. Changes of one agent run one at a time, in
   * the order they were asked for, and `decide` sees the status the previous one left (null:
   * no change). Resolves with whether the status changed.
   */
  change(sdkAppId: number, mail: string, decide: (current: PresenceEntry | undefined) => StatusChange | null): Promise<boolean> {
    return this.inTurn(sdkAppId, mail, async () => {
      const next = decide(this.presence.get(sdkAppId, mail));
      if (!next) return false;
      return this.writeThenPublish(sdkAppId, mail, next.status, next.reason, next.sessionId ?? '', next.until ?? null);
    });
  }

  async metrics(sdkAppId: number, filter: { staffList?: string[]; groupIds?: number[]; statuses?: string[] }) {
    await requireInstance(this.store.instances, sdkAppId);
    let staff: Staff[];
    if (filter.staffList?.length) {
      // Only the named staff: one lookup each instead of reading the whole instance.
      const found = await Promise.all([...new Set(filter.staffList.map((m) => m.toLowerCase()))].map((mail) => this.store.staff.get(sdkAppId, mail)));
      staff = found.filter((s): s is Staff => s !== undefined);
    } else {
      staff = (await this.store.staff.list(sdkAppId, { limit: 100_000, offset: 0 })).items;
    }
    if (filter.groupIds?.length) {
      const inGroups = new Set((await this.store.staff.mailsInGroups(sdkAppId, filter.groupIds)).map((m) => m.toLowerCase()));
      staff = staff.filter((s) => inGroups.has(s.mail.toLowerCase()));
    }
    const now = this.clock();
    const metrics = staff.map((s) => {
      const entry = this.presence.get(sdkAppId, s.mail);
      const status = entry?.status ?? 'offline';
      const durations = { ...(entry?.durations ?? { free: 0, busy: 0, rest: 0, notReady: 0, afterCallWork: 0 }) };
      if (entry && status !== 'offline') durations[status] += now - entry.since;
      const seconds = (ms: number) => Math.floor(ms / 1000);
      return {
        Email: s.mail,
        Status: status,
        StatusExtra: { Type: '', Direct: '' },
        OnlineDuration: seconds(durations.free + durations.busy + durations.rest + durations.notReady + durations.afterCallWork),
        FreeDuration: seconds(durations.free),
        BusyDuration: seconds(durations.busy),
        NotReadyDuration: seconds(durations.notReady),
        RestDuration: seconds(durations.rest),
        AfterCallWorkDuration: seconds(durations.afterCallWork),
        Reason: entry?.reason ?? '',
        ReserveRest: false,
        ReserveNotReady: false,
        UseMobileAccept: s.useMobileAccept,
        UseMobileCallOut: s.useMobileCallOut,
        LastOnlineTimestamp: entry?.onlineSince ? seconds(entry.onlineSince) : 0,
        LastStatusTimestamp: entry ? seconds(entry.since) : 0,
        ClientInfo: (entry?.clients ?? []).map((c) => ({ ClientType: c.clientType, IsConnected: c.isConnected })),
      };
    });
    return filter.statuses?.length ? metrics.filter((m) => filter.statuses?.includes(m.Status)) : metrics;
  }

  async history(sdkAppId: number, mail: string, startSeconds: number, endSeconds: number, cursor: string | undefined, pageSize: number) {
    await requireInstance(this.store.instances, sdkAppId);
    const staff = await this.staff.require(sdkAppId, mail);
    const from = startSeconds * 1000;
    // EndTimestamp names a whole second: include changes made during it.
    const to = endSeconds * 1000 + 999;
    if (to < from || to - from >= 7 * DAY_MS) {
      throw cloudError('InvalidParameterValue', 'EndTimestamp must not be before StartTimestamp, and the range must be shorter than 7 days.', '结束时间不能早于开始时间，且时间范围应小于 7 天。');
    }
    if (from < this.clock() - 180 * DAY_MS) {
      throw cloudError('InvalidParameterValue', 'StartTimestamp may be at most 180 days ago.', 'StartTimestamp 最多支持近 180 天。');
    }
    const after = cursor === undefined || cursor === '' ? 0 : Number(cursor);
    if (!Number.isSafeInteger(after) || after < 0) {
      throw cloudError('InvalidParameterValue', 'Cursor must be a value returned by an earlier page.', 'Cursor 应为上一页返回的游标。');
    }
    const rows = await this.store.statusHistory.list(sdkAppId, staff.mail, from, to, after, pageSize);
    return rows.map((r) => ({
      Cursor: String(r.cursor),
      Timestamp: Math.floor(r.at / 1000),
      Status: r.status,
      SessionId: r.sessionId,
      Reason: r.reason,
      StaffEmail: staff.mail,
      StaffNo: staff.staffNumber,
    }));
  }

  async forceOffline(sdkAppId: number, mail: string): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    const staff = await this.staff.require(sdkAppId, mail);
    const now = this.clock();
    await this.store.staff.update(sdkAppId, staff.mail, { forcedOffline: true }, now);
    // RestoreMemberOnline must not bring old logins back: the agent signs in afresh. (Unexpired SDK
    // tokens stay, so that a page trying one meanwhile is told accountForcedOffline.)
    await this.store.credentials.revokeOthers('login-ticket', sdkAppId, staff.mail, '');
    await this.inTurn(sdkAppId, staff.mail, async () => {
      const at = this.clock();
      if (this.presence.isOnline(sdkAppId, staff.mail)) await this.store.statusHistory.append({ sdkAppId, mail: staff.mail, status: 'offline', reason: '', sessionId: '', at });
      this.presence.forceOffline(sdkAppId, staff.mail, at);
    });
  }

  /**
   * The staff's logins were revoked (a password change): in the agent's turn, the offline entry is
   * written first, then presence goes offline and every connection signs out.
   */
  async endLogins(sdkAppId: number, mail: string): Promise<void> {
    await this.inTurn(sdkAppId, mail, async () => {
      const at = this.clock();
      if (this.presence.isOnline(sdkAppId, mail)) await this.store.statusHistory.append({ sdkAppId, mail, status: 'offline', reason: '', sessionId: '', at });
      this.presence.endLogins(sdkAppId, mail, at);
    });
  }

  async restoreOnline(sdkAppId: number, mail: string): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    const staff = await this.staff.require(sdkAppId, mail);
    await this.store.staff.update(sdkAppId, staff.mail, { forcedOffline: false }, this.clock());
  }

  /** Appends the change to the history, then changes presence; the caller holds the agent's turn. */
  private async writeThenPublish(sdkAppId: number, mail: string, status: StaffStatus, reason: string, sessionId: string, until: number | null = null): Promise<boolean> {
    const current = this.presence.get(sdkAppId, mail);
    if ((current?.status ?? 'offline') === status && (current?.reason ?? '') === reason) return false;
    // An illegal move is refused before anything is written.
    assertTransition(current?.status ?? 'offline', status);
    const at = this.clock();
    await this.store.statusHistory.append({ sdkAppId, mail, status, reason, sessionId, at });
    this.presence.setStatus(sdkAppId, mail, status, reason, at, until);
    return true;
  }

  /** Runs `task` after every earlier task of the same agent has settled. */
  private inTurn<T>(sdkAppId: number, mail: string, task: () => Promise<T>): Promise<T> {
    const key = `${sdkAppId}/${mail.toLowerCase()}`;
    const run = (this.turns.get(key) ?? Promise.resolve()).then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(key, settled);
    void settled.then(() => {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    });
    return run;
  }
}
