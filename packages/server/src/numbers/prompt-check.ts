import { loadPromptLibrary, type PromptLibrary } from '../ivr/index.js';
import type { PromptService } from '../prompts/prompt-service.js';
import type { PromptExists } from './number-service.js';

/**
 * Prompt ids an instance's IVR flows may name: those of the default library (read once, on first
 * use) and the instance's uploads (`uploaded/<FileId>`).
 */
export function promptCheck(uploads: Pick<PromptService, 'ids'>): (sdkAppId: number) => Promise<PromptExists> {
  let library: Promise<PromptLibrary> | null = null;
  return async (sdkAppId) => {
    library ??= loadPromptLibrary().catch((error: unknown) => {
      library = null;
      throw error;
    });
    const [defaults, uploaded] = await Promise.all([library, uploads.ids(sdkAppId)]);
    return (id) => defaults.has(id) || uploaded.has(id);
  };
}
