import { checkActionPatterns } from '../auth/policy.js';
import { createApiKey } from '../bootstrap.js';
import { onOff } from '../config/config.js';
import type { ApiKey, ApiKeyOptions, ApiKeyPolicy } from '../store/ports.js';
import { openFromFlags, type CommonFlags } from './context.js';
import { CliError, printJson, printTable } from './output.js';

export interface KeyFlags extends CommonFlags {
  sub?: boolean;
  actions?: string;
  instances?: string;
  description?: string;
  'require-signed-action'?: string;
  'single-use-signatures'?: string;
}

const USAGE =
  'Usage: openccc keys create [--sub --actions A,B* --instances ID,…] [--description D] [--require-signed-action on|off] [--single-use-signatures on|off]' +
  ' | list | update <SecretId> [--require-signed-action on|off] [--single-use-signatures on|off] | disable <SecretId> | enable <SecretId> | delete <SecretId>';

/** The signature options given on the command line; those not given are left out. */
function parseOptions(flags: KeyFlags): Partial<ApiKeyOptions> {
  const options: Partial<ApiKeyOptions> = {};
  const requireSignedAction = flags['require-signed-action'];
  if (requireSignedAction !== undefined) options.requireSignedAction = onOff('--require-signed-action', requireSignedAction, false);
  const singleUse = flags['single-use-signatures'];
  if (singleUse !== undefined) options.singleUseSignatures = onOff('--single-use-signatures', singleUse, false);
  return options;
}

function onOffText(value: boolean): string {
  return value ? 'on' : 'off';
}

/** One row of `keys list`: booleans for scripts, on/off for people. */
function keyRow(key: ApiKey, json: boolean): Record<string, string | boolean> {
  return {
    secretId: key.secretId,
    kind: key.policy ? 'sub' : 'main',
    status: key.status,
    actions: key.policy ? key.policy.actions.join(',') : '*',
    instances: key.policy?.sdkAppIds ? key.policy.sdkAppIds.join(',') : '*',
    requireSignedAction: json ? key.requireSignedAction : onOffText(key.requireSignedAction),
    singleUseSignatures: json ? key.singleUseSignatures : onOffText(key.singleUseSignatures),
    created: new Date(key.createdAt).toISOString(),
    description: key.description,
  };
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

/** `openccc keys create|list|update|disable|enable|delete`. */
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
        const options = { requireSignedAction: false, singleUseSignatures: false, ...parseOptions(flags) };
        const key = await createApiKey(folder.store, folder.box, policy, flags.description ?? '', Date.now(), options);
        if (flags.json) printJson({ ...key, kind: policy ? 'sub' : 'main', policy, ...options });
        else {
          process.stdout.write(`SecretId:  ${key.secretId}\nSecretKey: ${key.secretKey}\n`);
          if (options.requireSignedAction) process.stdout.write('Requests must sign X-TC-Action (x-tc-action in SignedHeaders).\n');
          if (options.singleUseSignatures) process.stdout.write('Each signature is accepted once.\n');
          process.stdout.write('The SecretKey is shown only now; store it in your backend\'s secret store.\n');
        }
        return;
      }
      case 'list': {
        const rows = (await folder.store.apiKeys.list()).map((key) => keyRow(key, flags.json === true));
        if (flags.json) printJson(rows);
        else printTable(rows);
        return;
      }
      case 'update': {
        const secretId = args[0];
        const options = parseOptions(flags);
        if (!secretId || Object.keys(options).length === 0) {
          throw new CliError('Usage: openccc keys update <SecretId> [--require-signed-action on|off] [--single-use-signatures on|off] (at least one)');
        }
        if (!(await folder.store.apiKeys.setOptions(secretId, options))) throw new CliError(`No key ${secretId}.`);
        const key = await folder.store.apiKeys.get(secretId);
        if (!key) throw new CliError(`No key ${secretId}.`);
        if (flags.json) printJson({ secretId, requireSignedAction: key.requireSignedAction, singleUseSignatures: key.singleUseSignatures });
        else {
          process.stdout.write(
            `${secretId}: require-signed-action ${onOffText(key.requireSignedAction)}, single-use-signatures ${onOffText(key.singleUseSignatures)}; a running server applies this to the next request.\n`,
          );
        }
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
        throw new CliError(USAGE);
    }
  } finally {
    await folder.store.close();
  }
}
