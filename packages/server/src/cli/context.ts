import { resolve } from 'node:path';
import { openDataFolder, type DataFolder } from '../data-folder.js';
import type { Instance } from '../store/ports.js';
import { CliError } from './output.js';

export interface CommonFlags {
  data?: string;
  instance?: string;
  json?: boolean;
}

/** Opens the data folder named by --data, OPENCCC_DATA_DIR or ./data. */
export function openFromFlags(flags: CommonFlags, env: NodeJS.ProcessEnv): DataFolder & { dataDir: string } {
  const dataDir = resolve(flags.data ?? env['OPENCCC_DATA_DIR'] ?? './data');
  return { ...openDataFolder(dataDir, env['OPENCCC_MASTER_KEY'] ?? null), dataDir };
}

/** The instance named by --instance, else the only/first one. */
export async function pickInstance(folder: DataFolder, flag: string | undefined): Promise<Instance> {
  const instances = await folder.store.instances.list();
  if (flag !== undefined) {
    const found = instances.find((i) => String(i.sdkAppId) === flag);
    if (!found) throw new CliError(`No instance ${flag} in this data folder (instances: ${instances.map((i) => i.sdkAppId).join(', ') || 'none'}).`);
    return found;
  }
  const first = instances[0];
  if (!first) throw new CliError('This data folder has no instance yet; run `openccc init` first.');
  return first;
}
