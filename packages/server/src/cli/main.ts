#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.js';
import { callCommand } from './commands-call.js';
import { keysCommand } from './commands-keys.js';
import { instancesCommand, originsCommand, staffCommand } from './commands-admin.js';
import { groupCommand } from './commands-groups.js';
import { numberCommand } from './commands-numbers.js';
import { promptCommand } from './commands-prompts.js';
import { initCommand, startCommand } from './commands-run.js';
import { CliError } from './output.js';

const USAGE = `Usage: openccc <command> [options]

Commands:
  init                      create the first instance, administrator and API key (prints them once)
  start                     run the server (initialises the data folder on first run)
  keys create|list|update|disable|enable|delete   manage Cloud API keys
  instances create|list     manage instances (SdkAppIds)
  staff list|reset-password manage staff accounts
  origins add|list|remove   host-page origins allowed to embed the workbench
  number add|route|enable|disable|remove|list   phone numbers and where their calls go
  group list|routing <id>   skill groups and their routing (ring timeout, queue wait, overflow, after-call work)
  prompt add|list           IVR prompts (8 kHz mono WAV files)
  call --to N | --answer    place or take a scripted call on the virtual phone network (call --help)

Common options:
  --data DIR        data folder (default ./data, or OPENCCC_DATA_DIR)
  --instance ID     SdkAppId to act on (default: the first instance)
  --json            print JSON for scripts

start options: --host H --port P --public-url URL --tls-cert FILE --tls-key FILE --rate-limit N
               --token-ttl S --ticket-ttl S --presence-grace S --log-level L --trust-proxy ADDRS
               --legacy-signatures on|off --body-budget MB
               --media-ports MIN-MAX --media-workers N --media-address IP
               --virtual-phones on|off --rtp-agents on|off
               --ring-timeout S --max-wait S --after-call-work S
See docs/cli.md for everything.`;

const OPTIONS = {
  data: { type: 'string' },
  instance: { type: 'string' },
  json: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'rate-limit': { type: 'string' },
  'token-ttl': { type: 'string' },
  'ticket-ttl': { type: 'string' },
  'presence-grace': { type: 'string' },
  'log-level': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'legacy-signatures': { type: 'string' },
  'body-budget': { type: 'string' },
  'media-ports': { type: 'string' },
  'media-workers': { type: 'string' },
  'media-address': { type: 'string' },
  'virtual-phones': { type: 'string' },
  'rtp-agents': { type: 'string' },
  'ring-timeout': { type: 'string' },
  'max-wait': { type: 'string' },
  'after-call-work': { type: 'string' },
  overflow: { type: 'string' },
  'when-none-online': { type: 'string' },
  'require-signed-action': { type: 'string' },
  'single-use-signatures': { type: 'string' },
  sub: { type: 'boolean' },
  actions: { type: 'string' },
  instances: { type: 'string' },
  description: { type: 'string' },
  name: { type: 'string' },
  password: { type: 'string' },
  'skill-group': { type: 'string' },
  ivr: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<void> {
  // `call` has options of its own.
  if (argv[0] === 'call') return callCommand(argv.slice(1), process.env);
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, sub, ...rest] = positionals;
  const env = process.env;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const flags = values as Record<string, string | boolean | undefined>;
  switch (command) {
    case 'init':
      return initCommand(values, env);
    case 'start':
      return startCommand(flags as Record<string, string | undefined>, env);
    case 'keys':
      return keysCommand(sub, rest, values, env);
    case 'instances':
      return instancesCommand(sub, values, env);
    case 'staff':
      return staffCommand(sub, rest, values, env);
    case 'origins':
      return originsCommand(sub, rest, values, env);
    case 'number':
      return numberCommand(sub, rest, values, env);
    case 'group':
      return groupCommand(sub, rest, values, env);
    case 'prompt':
      return promptCommand(sub, rest, values, env);
    default:
      throw new CliError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException | null)?.code ?? '';
  // Operating-system refusals (port taken, file missing, permission) are the user's to fix: say what, not where in the code.
  const known =
    error instanceof CliError ||
    error instanceof ConfigError ||
    String(code).startsWith('ERR_PARSE_ARGS') ||
    ['EADDRINUSE', 'EACCES', 'ENOENT', 'EADDRNOTAVAIL', 'EPERM'].includes(String(code));
  process.stderr.write(`openccc: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
});
