import { checkActionPatterns } from '../auth/policy.js';
import { createApiKey } from '../bootstrap.js';
import type { ApiKeyPolicy } from '../store/ports.js';
import { openFromFlags, type CommonFlags } from './context.js';
import { CliError, printJson, printTable } from './output.js';

export interface KeyFlags extends CommonFlags {
  sub?: boolean;
  actions?: string;
  instances?: string;
  description?: string;
}

function parsePolicy(flags: KeyFlags): ApiKeyPolicy | null {
  if (!flags.sub) {
    if (flags.actions !== undefined || flags.instances !== undefined) throw new CliError('--actions and --instances describe a sub-account key; add --sub.');
    return null;
  }
  const actions = (flags.actions ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (actions.length === 0) throw new CliError('A sub-account key needs --actions, e.g. --actions "CreateSDKLoginToken,Describe*".');
  const bad = checkActionPatterns(actions);
  if (bad) throw new CliError(bad);
  let sdkAppIds: number[] | null = null;
  if (flags.instances !== undefined) {
    // An empty list must not silently mean "every instance".
    if (flags.instances.trim() === '') throw new CliError('--instances needs at least one SdkAppId; leave it out to allow every instance.');
    sdkAppIds = flags.instances.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
      if (!/^\d+$/.test(s)) throw new CliError(`--instances takes SdkAppIds separated by commas; "${s}" is not one.`);
      return Number(s);
    });
  }
  return { actions, sdkAppIds };
}

/** `openccc keys create|list|disable|enable|delete`. */
export async function keysCommand(sub: string | undefined, args: string[], flags: KeyFlags, env: NodeJS.ProcessEnv): Promise<void> {
  const folder = openFromFlags(flags, env);
  try {
    switch (sub) {
      case 'create': {
        const policy = parsePolicy(flags);
        if (policy?.sdkAppIds) {
          const known = new Set((await folder.store.instances.list()).map((i) => i.sdkAppId));
          const unknown = policy.sdkAppIds.filter((id) => !known.has(id));
          if (unknown.length) throw new CliError(`No instance ${unknown.join(', ')} in this data folder.`);
        }
        const key = await createApiKey(folder.store, folder.box, policy, flags.description ?? '', Date.now());
        if (flags.json) printJson({ ...key, kind: policy ? 'sub' : 'main', policy });
        else {
          process.stdout.write(`SecretId:  ${key.secretId}\nSecretKey: ${key.secretKey}\n`);
          process.stdout.write('The SecretKey is shown only now; store it in your backend\'s secret store.\n');
        }
        return;
      }
      case 'list': {
        const keys = await folder.store.apiKeys.list();
        const rows = keys.map((k) => ({
          secretId: k.secretId,
          kind: k.policy ? 'sub' : 'main',
          status: k.status,
          actions: k.policy ? k.policy.actions.join(',') : '*',
          instances: k.policy?.sdkAppIds ? k.policy.sdkAppIds.join(',') : '*',
          created: new Date(k.createdAt).toISOString(),
          description: k.description,
        }));
        if (flags.json) printJson(rows);
        else printTable(rows);
        return;
      }
      case 'disable':
      case 'enable':
      case 'delete': {
        const secretId = args[0];
        if (!secretId) throw new CliError(`Usage: openccc keys ${sub} <SecretId>`);
        const ok = sub === 'delete' ? await folder.store.apiKeys.delete(secretId) : await folder.store.apiKeys.setStatus(secretId, sub === 'disable' ? 'disabled' : 'enabled');
        if (!ok) throw new CliError(`No key ${secretId}.`);
        if (flags.json) printJson({ secretId, result: sub === 'delete' ? 'deleted' : `${sub}d` });
        else process.stdout.write(`${secretId} ${sub === 'delete' ? 'deleted' : `${sub}d`}; a running server applies this to the next request.\n`);
        return;
      }
      default:
        throw new CliError('Usage: openccc keys create [--sub --actions A,B* --instances ID,…] [--description D] | list | disable <SecretId> | enable <SecretId> | delete <SecretId>');
    }
  } finally {
    await folder.store.close();
  }
}
