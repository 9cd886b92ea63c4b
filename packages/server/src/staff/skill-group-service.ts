import { cloudError } from '@openccc/protocol';
import type { SkillGroup, SkillGroupPatch, Store } from '../store/ports.js';
import { requireInstance } from './instances.js';

/** Skill groups: the queues calls are distributed from. */
export class SkillGroupService {
  /** Told after a group's routing fields changed or it was deleted (the call engine re-reads it at once). */
  private readonly listeners = new Set<(sdkAppId: number, groupId: number) => void>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => number = Date.now,
  ) {}

  onGroupChanged(listener: (sdkAppId: number, groupId: number) => void): void {
    this.listeners.add(listener);
  }

  private changed(sdkAppId: number, groupId: number): void {
    for (const listener of this.listeners) {
      try {
        listener(sdkAppId, groupId);
      } catch {
        // A listener's failure is its own; the change is stored.
      }
    }
  }

  async create(sdkAppId: number, name: string, type: number, maxConcurrency: number | undefined): Promise<number> {
    await requireInstance(this.store.instances, sdkAppId);
    if (type === 2) {
      throw cloudError('InvalidParameterValue', 'SkillGroupType must be 0 (phone), 1 (online), 3 (audio) or 4 (video).', 'SkillGroupType 应为 0（电话）、1（在线）、3（音频）或 4（视频）。');
    }
    // Voice skill groups (phone, audio, video) serve one session per agent at a time.
    const concurrency = type === 1 ? (maxConcurrency ?? 1) : 1;
    if (type !== 1 && maxConcurrency !== undefined && maxConcurrency !== 1) {
      throw voiceConcurrency();
    }
    const id = await this.store.skillGroups.create({ sdkAppId, name, type, maxConcurrency: concurrency }, this.clock());
    if (id === undefined) throw nameTaken(name);
    return id;
  }

  async require(sdkAppId: number, id: number): Promise<SkillGroup> {
    const group = await this.store.skillGroups.get(sdkAppId, id);
    if (!group) {
      throw cloudError('InvalidParameterValue.SkillGroupError', `Skill group ${id} does not exist in instance ${sdkAppId}.`, `实例 ${sdkAppId} 中不存在技能组 ${id}。`);
    }
    return group;
  }

  async list(sdkAppId: number, q: { pageSize: number; pageNumber: number; id?: number; name?: string; modifiedSince?: number }) {
    await requireInstance(this.store.instances, sdkAppId);
    return this.store.skillGroups.list(sdkAppId, { id: q.id, name: q.name, modifiedSince: q.modifiedSince, limit: q.pageSize, offset: q.pageNumber * q.pageSize });
  }

  async update(sdkAppId: number, id: number, patch: SkillGroupPatch): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    const group = await this.require(sdkAppId, id);
    if (group.type !== 1 && patch.maxConcurrency !== undefined && patch.maxConcurrency !== 1) {
      throw voiceConcurrency();
    }
    const result = await this.store.skillGroups.update(sdkAppId, id, patch, this.clock());
    if (result === 'name-taken') throw nameTaken(patch.name ?? '');
    if (result === 'not-found') await this.require(sdkAppId, id);
    this.changed(sdkAppId, id);
  }

  async delete(sdkAppId: number, id: number): Promise<void> {
    await requireInstance(this.store.instances, sdkAppId);
    if (!(await this.store.skillGroups.delete(sdkAppId, id))) await this.require(sdkAppId, id);
    this.changed(sdkAppId, id);
  }
}

function voiceConcurrency() {
  return cloudError('InvalidParameterValue', 'MaxConcurrency must be 1 for phone, audio and video skill groups.', '电话、音频、视频类型技能组的 MaxConcurrency 只能为 1。');
}

function nameTaken(name: string) {
  return cloudError('InvalidParameterValue.SkillGroupExist', `A skill group named "${name}" already exists.`, `名为 "${name}" 的技能组已存在。`);
}
