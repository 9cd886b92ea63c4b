import { randomUUID } from 'node:crypto';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { IvrPrompt, IvrPromptQuery, Store } from '../store/ports.js';
import { requireInstance } from '../staff/instances.js';
import { checkPromptWav } from './prompt-audio.js';

/** Where uploaded IVR prompts live in a data folder. */
export function promptFolder(dataDir: string): string {
  return join(dataDir, 'prompts');
}

/** The id an IVR flow plays an uploaded prompt by. */
export function uploadedPromptId(id: number): string {
  return `uploaded/${id}`;
}

/** Uploaded IVR prompts: WAV files under `<data>/prompts/<SdkAppId>/`, listed in the store. */
export class PromptService {
  constructor(
    private readonly store: Store,
    /** `<data>/prompts`. */
    readonly folder: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Checks the WAV, writes it to disk (synced), then records it; returns the stored prompt. */
  async add(sdkAppId: number, customName: string, fileName: string | null, bytes: Uint8Array): Promise<IvrPrompt> {
    await requireInstance(this.store.instances, sdkAppId);
    const format = checkPromptWav(bytes, fileName ?? customName);
    const storedName = `${randomUUID()}.wav`;
    const storedFile = `${sdkAppId}/${storedName}`;
    const path = join(this.folder, storedFile);
    await mkdir(join(this.folder, String(sdkAppId)), { recursive: true, mode: 0o700 });
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const row = {
      sdkAppId,
      customName,
      fileName: fileName ?? storedName,
      storedFile,
      formatTag: format.formatTag,
      sampleRate: format.sampleRate,
      durationMs: format.durationMs,
      bytes: bytes.length,
      createdAt: this.clock(),
    };
    try {
      return { id: await this.store.prompts.add(row), ...row };
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
  }

  async list(sdkAppId: number, query: IvrPromptQuery): Promise<{ total: number; items: IvrPrompt[] }> {
    await requireInstance(this.store.instances, sdkAppId);
    return this.store.prompts.list(sdkAppId, query);
  }

  /** The prompt ids of the instance's uploads (`uploaded/<id>`), for checking flows. */
  async ids(sdkAppId: number): Promise<Set<string>> {
    const { items } = await this.store.prompts.list(sdkAppId, { limit: 1_000_000, offset: 0 });
    return new Set(items.map((p) => uploadedPromptId(p.id)));
  }
}
