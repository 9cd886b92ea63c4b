import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, requireBuiltCli, runCli } from './helpers.js';

beforeAll(requireBuiltCli);
afterEach(cleanup);

/** Each command and flags its help must list (every one of them is also accepted by the command). */
const EXPECTED: Record<string, string[]> = {
  init: ['--data', '--json', '--public-url', '--host', '--port'],
  start: ['--data', '--host', '--port', '--public-url', '--tls-cert', '--tls-key', '--rate-limit', '--token-ttl', '--ticket-ttl', '--presence-grace', '--log-level', '--trust-proxy', '--legacy-signatures', '--body-budget', '--ring-timeout', '--max-wait', '--after-call-work', '--media-ports', '--media-workers', '--media-address', '--virtual-phones', '--rtp-agents'],
  keys: ['--sub', '--actions', '--instances', '--description', '--require-signed-action', '--single-use-signatures', '--data', '--json'],
  instances: ['--name', '--data', '--json'],
  staff: ['--password', '--instance', '--data', '--json'],
  origins: ['--instance', '--data', '--json'],
  number: ['--skill-group', '--ivr', '--instance', '--data', '--json'],
  group: ['--ring-timeout', '--max-wait', '--overflow', '--when-none-online', '--after-call-work', '--instance', '--data', '--json'],
  prompt: ['--name', '--instance', '--data', '--json'],
  call: ['--to', '--from', '--answer', '--server', '--dtmf', '--play', '--tone', '--hangup-after', '--wait', '--codec', '--json'],
};

/** The flags an option list in a help text shows, in order. */
function listedFlags(help: string): string[] {
  return [...help.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1] ?? '');
}

describe('openccc <command> --help', () => {
  for (const [command, flags] of Object.entries(EXPECTED)) {
    it(`${command} --help lists its own options and exits 0`, async () => {
      const result = await runCli([command, '--help']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(new RegExp(`^Usage: openccc ${command}\\b`));
      expect(listedFlags(result.stdout)).toEqual(expect.arrayContaining(flags));
    });
  }

  it('-h and `openccc help <command>` print the same help as --help', async () => {
    const long = await runCli(['number', '--help']);
    const short = await runCli(['number', '-h']);
    const word = await runCli(['help', 'number']);
    expect(short.stdout).toBe(long.stdout);
    expect(word.stdout).toBe(long.stdout);
  });

  it('a command help does not list the options of other commands', async () => {
    const staff = listedFlags((await runCli(['staff', '--help'])).stdout);
    expect(staff).not.toContain('--port');
    expect(staff).not.toContain('--skill-group');
    const start = listedFlags((await runCli(['start', '--help'])).stdout);
    expect(start).not.toContain('--password');
  });

  it('an option the command does not take is refused, pointing at its help', async () => {
    const result = await runCli(['staff', 'list', '--port', '8081']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('openccc: The staff command does not take --port; `openccc staff --help` lists its options.\n');
    expect(result.stdout).toBe('');
  });

  it('the overview names every command and how to get its options', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of Object.keys(EXPECTED)) expect(result.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
    expect(result.stdout).toContain('openccc <command> --help');
  });

  it('an unknown command is refused with the overview', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^openccc: Unknown command "frobnicate"\./);
    expect(result.stderr).toContain('Commands:');
  });
});
