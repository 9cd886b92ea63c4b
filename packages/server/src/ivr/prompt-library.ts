import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arr, obj, str, type Infer } from '@openccc/protocol';

/**
 * The prompts an IVR can play: a folder with a `manifest.json` (id → file,
 * text, language) and the WAV files it names. OpenCCC ships a default
 * library (`assets/prompts`, made by `scripts/make-prompts.sh`).
 */

const ManifestSchema = obj({
  format: str(),
  generator: str(),
  prompts: arr(
    obj({
      id: str({ minLength: 1, maxLength: 128, pattern: { regex: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, en: 'a prompt id such as `zh-CN/welcome`', zh: '提示音 ID，例如 `zh-CN/welcome`' } }),
      language: str({ minLength: 2, maxLength: 16 }),
      file: str({ minLength: 1, maxLength: 256, pattern: { regex: /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*\.wav$/, en: 'a relative path to a .wav file inside the folder', zh: '文件夹内 .wav 文件的相对路径' } }),
      text: str({ maxLength: 1000 }),
    }),
    { min: 1, max: 10_000 },
  ),
});

export type PromptManifest = Infer<typeof ManifestSchema>;
export type PromptEntry = PromptManifest['prompts'][number];

/** The prompts of one folder; `path` is the absolute path of each file. */
export class PromptLibrary {
  private readonly entries: Map<string, PromptEntry & { path: string }>;

  constructor(readonly folder: string, manifest: PromptManifest) {
    this.entries = new Map();
    for (const entry of manifest.prompts) {
      if (this.entries.has(entry.id)) throw new Error(`${join(folder, 'manifest.json')} lists the prompt ${entry.id} twice.`);
      this.entries.set(entry.id, { ...entry, path: join(folder, entry.file) });
    }
  }

  /** Whether the library holds `promptId` (for `checkIvrPrompts`). */
  has(promptId: string): boolean {
    return this.entries.has(promptId);
  }

  get(promptId: string): (PromptEntry & { path: string }) | undefined {
    return this.entries.get(promptId);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }
}

/** The folder of the prompts OpenCCC ships (`packages/server/assets/prompts`, from `src/ivr` or `dist/ivr`). */
export function defaultPromptFolder(): string {
  return fileURLToPath(new URL('../../assets/prompts/', import.meta.url));
}

/** Reads and validates a folder's manifest. */
export async function loadPromptLibrary(folder: string = defaultPromptFolder()): Promise<PromptLibrary> {
  const file = join(folder, 'manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read the prompt manifest ${file}: ${(err as Error).message}`, { cause: err });
  }
  return new PromptLibrary(folder, ManifestSchema.parse(json, '', 'json'));
}
