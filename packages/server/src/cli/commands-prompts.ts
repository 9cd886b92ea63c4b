import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { CloudApiError } from '@openccc/protocol';
import { PromptService, promptFolder, uploadedPromptId } from '../prompts/prompt-service.js';
import type { IvrPrompt } from '../store/ports.js';
import { openFromFlags, pickInstance, type CommonFlags } from './context.js';
import { CliError, printJson, printTable } from './output.js';

const USAGE = 'Usage: openccc prompt add <file.wav> [--name N] [--instance ID] | list [--json]';
const FORMAT_NAMES: Record<number, string> = { 1: 'PCM 16-bit', 6: 'A-law', 7: 'μ-law' };

function asJson(p: IvrPrompt) {
  return { fileId: p.id, promptId: uploadedPromptId(p.id), name: p.customName, fileName: p.fileName, format: FORMAT_NAMES[p.formatTag] ?? String(p.formatTag), durationMs: p.durationMs, bytes: p.bytes };
}

/** `openccc prompt add|list`: the instance's uploaded IVR prompts. */
export async function promptCommand(sub: string | undefined, args: string[], flags: CommonFlags & { name?: string }, env: NodeJS.ProcessEnv): Promise<void> {
  const folder = openFromFlags(flags, env);
  try {
    const instance = await pickInstance(folder, flags.instance);
    const prompts = new PromptService(folder.store, promptFolder(folder.dataDir));
    if (sub === 'list') {
      const { items } = await prompts.list(instance.sdkAppId, { limit: 1_000_000, offset: 0 });
      if (flags.json) printJson({ sdkAppId: instance.sdkAppId, prompts: items.map(asJson) });
      else printTable(items.map((p) => ({ ...asJson(p), seconds: (p.durationMs / 1000).toFixed(1) })).map(({ durationMs: _ms, bytes: _bytes, ...row }) => row));
      return;
    }
    const file = args[0];
    if (sub !== 'add' || !file) throw new CliError(USAGE);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new CliError(`Cannot read ${file}: ${(error as Error).message}`);
    }
    const fileName = basename(file);
    const added = await prompts.add(instance.sdkAppId, flags.name ?? basename(fileName, extname(fileName)), fileName, bytes);
    if (flags.json) printJson({ sdkAppId: instance.sdkAppId, ...asJson(added) });
    else process.stdout.write(`Prompt ${added.id} (${added.customName}, ${(added.durationMs / 1000).toFixed(1)} s) added to instance ${instance.sdkAppId}; IVR flows play it as "${uploadedPromptId(added.id)}".\n`);
  } catch (error) {
    if (error instanceof CloudApiError) throw new CliError(error.text.en);
    throw error;
  } finally {
    await folder.store.close();
  }
}
