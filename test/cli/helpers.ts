/**
 * Helpers for tests that drive the built `openccc` CLI as a child process.
 * Build first: `npx tsc -b tsconfig.json` (the CLI runs from packages/server/dist).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_PATH = join(REPO_ROOT, 'packages/server/dist/cli/main.js');

export function requireBuiltCli(): void {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing; run \`npx tsc -b tsconfig.json\` first.`);
}

/** The parent's environment without any OPENCCC_* variable, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('OPENCCC_')) env[name] = value;
  return { ...env, ...extra };
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function tempDir(prefix = 'openccc-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Kills every child still running (SIGKILL) and waits for it to exit. */
export async function killChildren(): Promise<void> {
  await Promise.all(
    [...children].map(async (child) => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }
      children.delete(child);
    }),
  );
}

/** Kills every child still running and removes every temp dir. For afterEach/afterAll. */
export async function cleanup(): Promise<void> {
  await killChildren();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliResult extends Exit {
  stdout: string;
  stderr: string;
}

/** A running CLI process whose output can be awaited. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly waiters = new Set<{ check: () => boolean; resolve: () => void; reject: (error: Error) => void }>();
  private exit: Exit | null = null;

  constructor(readonly child: ChildProcess) {
    children.add(child);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      this.poll();
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
      this.poll();
    });
    this.exited = new Promise((resolve) => {
      // 'close' waits for the output streams to end, so stdout is complete.
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        children.delete(child);
        for (const waiter of this.waiters) if (!waiter.check()) waiter.reject(new Error(`openccc exited (${code ?? signal}) before the awaited output.\n${this.describe()}`));
        this.waiters.clear();
        resolve(this.exit);
      });
    });
  }

  /** Resolves when `check` holds for the output so far; rejects if the process exits first. */
  waitFor(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    if (this.exit) return Promise.reject(new Error(`openccc already exited.\n${this.describe()}`));
    return new Promise((resolve, reject) => this.waiters.add({ check, resolve, reject }));
  }

  waitForStdout(text: string): Promise<void> {
    return this.waitFor(() => this.stdout.includes(text));
  }

  /** The JSON log lines printed so far. */
  logs(): Array<Record<string, unknown>> {
    return this.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  waitForLog(msg: string): Promise<Record<string, unknown>> {
    const find = () => this.logs().find((line) => line['msg'] === msg);
    return this.waitFor(() => find() !== undefined).then(() => find() as Record<string, unknown>);
  }

  describe(): string {
    return `--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`;
  }

  private poll(): void {
    for (const waiter of this.waiters) {
      if (waiter.check()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/** Starts `openccc ...args`. */
export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  requireBuiltCli();
  return new CliProcess(spawn(process.execPath, [CLI_PATH, ...args], { cwd: REPO_ROOT, env: cliEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Runs `openccc ...args` to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const proc = spawnCli(args, env);
  const exit = await proc.exited;
  return { ...exit, stdout: proc.stdout, stderr: proc.stderr };
}

/** Runs a command expected to succeed with --json output and parses it. */
export async function runJson<T>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const result = await runCli([...args, '--json'], env);
  if (result.code !== 0) throw new Error(`openccc ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** A TCP port that was free a moment ago (listen on 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface InitOutput {
  sdkAppId: number;
  secretId: string;
  secretKey: string;
  adminUser: string;
  adminPassword: string;
  url: string;
  dataDir: string;
}

/** Number of non-overlapping occurrences of `needle` in `haystack`. */
export function occurrences(haystack: string, needle: string): number {
  return needle === '' ? 0 : haystack.split(needle).length - 1;
}
