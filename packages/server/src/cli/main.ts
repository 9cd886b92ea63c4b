#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/config.js';
import { callCommand } from './commands-call.js';
import { keysCommand } from './commands-keys.js';
import { instancesCommand, originsCommand, staffCommand } from './commands-admin.js';
import { groupCommand } from './commands-groups.js';
import { numberCommand } from './commands-numbers.js';
import { promptCommand } from './commands-prompts.js';
import { sipCommand } from './commands-sip.js';
import { initCommand, startCommand } from './commands-run.js';
import { acceptedOptions, CLI_OPTIONS, commandHelp, isCommandName, overview, type CommandName, type OptionName } from './command-help.js';
import { CliError } from './output.js';

/** Options given to a command whose help does not list them: refused, naming the command's help. */
function checkOptions(command: CommandName, given: Record<string, unknown>): void {
  const accepted = acceptedOptions(command);
  const unknown = Object.keys(given).filter((name) => !accepted.has(name as OptionName));
  if (unknown.length > 0) {
    const list = unknown.map((name) => `--${name}`).join(', ');
    throw new CliError(`The ${command} command does not take ${list}; \`openccc ${command} --help\` lists its options.`);
  }
}

async function main(argv: string[]): Promise<void> {
  // `openccc help [command]` is `openccc [command] --help`.
  if (argv[0] === 'help') argv = [...argv.slice(1, 2), '--help'];
  // `call` has options of its own.
  if (argv[0] === 'call') return callCommand(argv.slice(1), process.env);
  // So does `sip`: trunk settings are options of no other command.
  if (argv[0] === 'sip') return sipCommand(argv.slice(1), process.env);
  const { values, positionals } = parseArgs({ args: argv, options: CLI_OPTIONS, allowPositionals: true, strict: true });
  const [command, sub, ...rest] = positionals;
  const env = process.env;
  if (!command) {
    process.stdout.write(`${overview()}\n`);
    return;
  }
  if (!isCommandName(command)) throw new CliError(`Unknown command "${command}".\n\n${overview()}`);
  if (values.help) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return;
  }
  checkOptions(command, values);
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
