import { loadPromptLibrary } from '../ivr/index.js';
import type { PromptExists } from './number-service.js';

/** Prompt ids an IVR flow may name: those of the default library, read once on first use. */
export function defaultPromptCheck(): () => Promise<PromptExists> {
  let loaded: Promise<PromptExists> | null = null;
  return () => {
    loaded ??= loadPromptLibrary().then(
      (library) => (id: string) => library.has(id),
      (error: unknown) => {
        loaded = null;
        throw error;
      },
    );
    return loaded;
  };
}
