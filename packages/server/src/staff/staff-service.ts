import { cloudError, type SeatUserInfo } from '@openccc/protocol';
import { NO_PASSWORD_HASH, hashPassword } from '../crypto/passwords.js';
import type { Membership, Staff, StaffPatch, Store } from '../store/ports.js';
import { requireInstance } from './instances.js';
import { storePasswordChange } from './password-change.js';
import type { Presence } from './presence.js';

export interface CreateStaffFailure {
  mail: string;
  code: 'FailedOperation.DuplicatedAccount' | 'InvalidParameterValue.SkillGroupError';
  en: string;
  zh: string;
}

export const DEFAULT_PRIORITY = 3;

/** Staff (agent) accounts of an instance: the identity is the mail address. */
export class StaffService {
  /** Told after staff's skill groups changed (the call engine re-reads them at once); a throwing listener cannot break a change. */
  private readonly membershipListeners = new Set<(sdkAppId: number, mails: string[]) => void>();

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly clock: () => number = Date.now,
  ) {}

  onMembershipChanged(listener: (sdkAppId: number, mails: string[]) => void): void {
    this.membershipListeners.add(listener);
  }

  private membershipChanged(sdkAppId: number, mails: string[]): void {
    for (const listener of this.membershipListeners) {
      try {
        listener(sdkAppId, mails);
      } catch {
        // A listener's failure is its own; the change is stored.
      }
    }
  }

  /** Throws InvalidParameterValue.AccountNotExist for an unknown staff. */
  async require(sdkAppId: number, mail: string): Promise<Staff> {
    const staff = await this.store.staff.get(sdkAppId, mail);
    if (!staff) {
      throw cloudError(
        'InvalidParameterValue.AccountNotExist',
        `No staff with the account ${mail} exists in instance ${sdkAppId}.`,
        `实例 ${sdkAppId} 中不存在座席账号 ${mail}。`,
      );
    }
    return staff;
  }

  /**
   * Creates a batch; rows that cannot be created are reported, the rest are
   * created. New staff have no password (and so no hashing cost) until one is
   * set with ModifyStaffPassword or the CLI; they sign in with SDK tokens.
   */
  async createBatch(sdkAppId: number, staffs: SeatUserInfo[]): Promise<CreateStaffFailure[]> {
    await requireInstance(this.store.instances, sdkAppId);
    const failures: CreateStaffFailure[] = [];
    const names = [...new Set(staffs.flatMap((s) => s.SkillGroupNameList ?? []))];
    const groups = new Map((await this.store.skillGroups.byNames(sdkAppId, names)).map((g) => [g.name, g.id]));
    const seen = new Set<string>();
    const accepted: SeatUserInfo[] = [];
    for (const s of staffs) {
      const mail = s.Mail.toLowerCase();
      const missing = (s.SkillGroupNameList ?? []).filter((n) => !groups.has(n));
      if (seen.has(mail)) {
        failures.push(duplicate(s.Mail));
      } else if (missing.length > 0) {
        failures.push({
          mail: s.Mail,
          code: 'InvalidParameterValue.SkillGroupError',
          en: `Skill group ${missing.map((n) => `"${n}"`).join(', ')} does not exist.`,
          zh: `技能组 ${missing.map((n) => `"${n}"`).join('、')} 不存在。`,
        });
      } else {
        accepted.push(s);
      }
      seen.add(mail);
    }
    const created = await this.store.staff.createMany(
      accepted.map((s) => ({
        sdkAppId,
        mail: s.Mail,
        name: s.Name,
        staffNumber: s.StaffNumber,
        phone: s.Phone ?? '',
        nick: s.Nick ?? '',
        userId: s.UserId ?? '',
        role: s.Role ?? 3,
        extensionNumber: s.ExtensionNumber ?? '',
        passwordHash: NO_PASSWORD_HASH,
        useMobileCallOut: false,
        useMobileAccept: 0,
        forwardingConfig: null,
      })),
      accepted.map((s) => (s.SkillGroupNameList ?? []).map((n) => ({ skillGroupId: groups.get(n) as number, priority: DEFAULT_PRIORITY }))),
      this.clock(),
    );
    created.forEach((ok, i) => {
      if (!ok) failures.push(duplicate((accepted[i] as SeatUserInfo).Mail));
    });
    return failures;
  }

  async list(sdkAppId: number, query: { pageSize: number; pageNumber: number; mail?: string; modifiedSince?: number; skillGroupId?: number }) {
    await requireInstance(this.store.instances, sdkAppId);
    const page = await this.store.staff.list(sdkAppId, {
      mail: query.mail,
      modifiedSince: query.modifiedSince,
      skillGroupId: query.skillGroupId,
      limit: query.pageSize,
      offset: query.pageNumber * query.pageSize,
    });
    const memberships = await this.store.staff.memberships(sdkAppId, page.items.map((s) => s.mail));
    return { total: page.total, items: page.items.map((staff) => ({ staff, groups: memberships.get(staff.mail.toLowerCase()) ?? ([] as Membership[]) })) };
  }

  async modify(sdkAppId: number, mail: string, patch: StaffPatch, skillGroupIds?: number[]): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    await this.require(sdkAppId, mail);
    const now = this.clock();
    if (skillGroupIds !== undefined) {
      await this.requireGroups(sdkAppId, skillGroupIds);
      const current = new Map(((await this.store.staff.memberships(sdkAppId, [mail])).get(mail.toLowerCase()) ?? []).map((m) => [m.skillGroupId, m.priority]));
      await this.store.staff.setGroups(sdkAppId, mail, [...new Set(skillGroupIds)].map((id) => ({ skillGroupId: id, priority: current.get(id) ?? DEFAULT_PRIORITY })), now);
    }
    await this.store.staff.update(sdkAppId, mail, patch, now);
    if (skillGroupIds !== undefined) this.membershipChanged(sdkAppId, [mail]);
  }

  /** Sets a new password and ends the staff's logins, like ForceMemberOffline but without the mark. */
  /**
   * Stores a new password and revokes the staff's login tickets, in one write; returns the staff's
   * mail as stored. Ending the open sessions is `StatusService.endLogins`.
   */
  async setPassword(sdkAppId: number, mail: string, password: string): Promise<string> {
    await requireInstance(this.store.instances, sdkAppId);
    const staff = await this.require(sdkAppId, mail);
    const passwordHash = await hashPassword(password);
    await storePasswordChange(this.store, sdkAppId, staff.mail, passwordHash, this.clock());
    return staff.mail;
  }

  /** Deletes offline staff; online staff are kept and returned. Unknown mails are skipped. */
  async delete(sdkAppId: number, mails: string[]): Promise<{ deleted: string[]; online: string[]; notFound: string[] }> {
    await requireInstance(this.store.instances, sdkAppId);
    const online = mails.filter((m) => this.presence.isPresent(sdkAppId, m));
    const candidates = mails.filter((m) => !online.includes(m));
    const deleted = await this.store.staff.delete(sdkAppId, candidates);
    const deletedSet = new Set(deleted.map((m) => m.toLowerCase()));
    return { deleted, online, notFound: candidates.filter((m) => !deletedSet.has(m.toLowerCase())) };
  }

  async bind(sdkAppId: number, mail: string, groups: Array<{ skillGroupId: number; priority: number }>): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    await this.require(sdkAppId, mail);
    await this.requireGroups(sdkAppId, groups.map((g) => g.skillGroupId));
    await this.store.staff.bind(sdkAppId, mail, groups, this.clock());
    this.membershipChanged(sdkAppId, [mail]);
  }

  async unbind(sdkAppId: number, mail: string, skillGroupIds: number[]): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    await this.require(sdkAppId, mail);
    await this.requireGroups(sdkAppId, skillGroupIds);
    await this.store.staff.unbind(sdkAppId, mail, skillGroupIds, this.clock());
    this.membershipChanged(sdkAppId, [mail]);
  }

  private async requireGroups(sdkAppId: number, ids: number[]): Promise<void> {
    for (const id of new Set(ids)) {
      if (!(await this.store.skillGroups.get(sdkAppId, id))) {
        throw cloudError('InvalidParameterValue.SkillGroupError', `Skill group ${id} does not exist in instance ${sdkAppId}.`, `实例 ${sdkAppId} 中不存在技能组 ${id}。`);
      }
    }
  }
}

function duplicate(mail: string): CreateStaffFailure {
  return {
    mail,
    code: 'FailedOperation.DuplicatedAccount',
    en: `The account ${mail} already exists.`,
    zh: `账号 ${mail} 已存在。`,
  };
}
