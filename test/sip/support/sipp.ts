import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The sipp binary (Debian `sip-tester`), overridable with SIPP. */
export const SIPP_BINARY = process.env.SIPP ?? 'sipp';

/** Where Debian installs sipp's sample pcaps (`g711a.pcap`, `dtmf_2833_*.pcap`). */
export const SIPP_PCAP_DIR = '/usr/share/sip-tester';

/** sipp's exit codes (sipp(1), "Exit codes"). */
export const SIPP_EXIT = {
  /** Every call succeeded. */
  allCallsSucceeded: 0,
  /** At least one call failed. */
  someCallsFailed: 1,
  /** Stopped by an internal command. */
  internalCommand: 97,
  /** Normal exit without any call processed (also `-sd`). */
  noCallProcessed: 99,
  /** Fatal error (-1). */
  fatal: 255,
  /** Fatal error binding a socket (-2). */
  bindFailed: 254,
} as const;

/** Counters from the last row of sipp's `-trace_stat` file (cumulative columns). */
export interface SippStats {
  created: number;
  successful: number;
  failed: number;
  /** Calls that failed on a message the scenario did not expect. */
  unexpectedMessages: number;
  /** Calls that failed on a `recv` timeout (`-recv_timeout` or a scenario timeout). */
  recvTimeouts: number;
  /** Calls that failed after the maximum UDP retransmissions. */
  maxRetransmissions: number;
  /** Calls that failed a scenario `regexp` check. */
  regexpFailures: number;
  retransmissions: number;
  outOfCallMessages: number;
  deadCallMessages: number;
  autoAnswered: number;
  /** Every column of the last row, by its header name, e.g. `FailedCallRejected(C)`. */
  columns: Readonly<Record<string, string>>;
}

export interface SippResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Absent when the run wrote no statistics row (e.g. it failed before starting calls). */
  stats?: SippStats;
}

export interface RunSippOptions {
  /** Working directory: scenario paths and `pcap/…` references resolve against it. */
  cwd?: string;
  /** The run is killed and the promise rejected after this long. */
  timeoutMs: number;
}

/**
 * Runs sipp to completion and returns its exit code, output and final statistics.
 *
 * `-nostdin` is added, and `-trace_stat` into a private temporary file unless the arguments
 * already ask for statistics. The exit code alone says whether every call succeeded
 * (`SIPP_EXIT`); `stats` says how many did not and why.
 */
export async function runSipp(args: readonly string[], options: RunSippOptions): Promise<SippResult> {
  const statsDir = args.includes('-trace_stat') ? undefined : await mkdtemp(path.join(os.tmpdir(), 'sipp-stat-'));
  const statsFile = statsDir === undefined ? statFileFrom(args) : path.join(statsDir, 'stat.csv');
  const fullArgs = [...args];
  if (!fullArgs.includes('-nostdin')) fullArgs.push('-nostdin');
  if (statsDir !== undefined) fullArgs.push('-trace_stat', '-stf', statsFile!, '-fd', '1');

  try {
    const child = spawnSipp(fullArgs, options.cwd);
    const output = collectOutput(child);
    const exit = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        killGroup(child, 'SIGKILL');
        reject(
          new Error(`sipp ${args.join(' ')} did not finish in ${options.timeoutMs} ms\n${tail(output.stdout())}${tail(output.stderr())}`),
        );
      }, options.timeoutMs);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${SIPP_BINARY} (is sip-tester installed?): ${error.message}`));
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0));
      });
    });
    const stats = statsFile === undefined ? undefined : await readStats(statsFile);
    return { code: exit, stdout: output.stdout(), stderr: output.stderr(), ...(stats ? { stats } : {}) };
  } finally {
    if (statsDir !== undefined) await rm(statsDir, { recursive: true, force: true });
  }
}

export interface StartSippOptions {
  cwd?: string;
  /**
   * How to know sipp is listening: an OPTIONS ping to this address must be answered (a UAS
   * needs `-aa` for that). Without it, `startSipp` resolves as soon as the process started.
   */
  readyWhenAnswering?: { host: string; port: number };
  /** Limit for the readiness ping (default 10 s). */
  readyTimeoutMs?: number;
}

/** A sipp running in the background (e.g. a UAS), owned by the test that started it. */
export interface BackgroundSipp {
  readonly pid: number;
  /** Resolves with the exit code (or 128 + signal) when sipp ends, for whatever reason. */
  readonly exited: Promise<number>;
  stdout(): string;
  stderr(): string;
  /** Stops sipp (SIGTERM, then SIGKILL after `graceMs`, default 2 s); idempotent. */
  stop(graceMs?: number): Promise<number>;
}

/**
 * Starts sipp in the background in its own process group, e.g. a UAS that a test calls.
 * Do not pass `-bg`: the process must stay a child so `stop()` can end it.
 */
export async function startSipp(args: readonly string[], options: StartSippOptions = {}): Promise<BackgroundSipp> {
  if (args.includes('-bg')) throw new Error('startSipp: drop -bg; the helper keeps sipp in the background itself');
  const fullArgs = args.includes('-nostdin') ? [...args] : [...args, '-nostdin'];
  const child = spawnSipp(fullArgs, options.cwd);
  const output = collectOutput(child);
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => resolve(SIPP_EXIT.fatal));
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0)));
  });
  const pid = child.pid;
  if (pid === undefined) {
    await exited;
    throw new Error(`cannot run ${SIPP_BINARY} (is sip-tester installed?)`);
  }

  let stopping: Promise<number> | undefined;
  const handle: BackgroundSipp = {
    pid,
    exited,
    stdout: output.stdout,
    stderr: output.stderr,
    stop(graceMs = 2_000) {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return exited;
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };

  if (options.readyWhenAnswering) {
    const { host, port } = options.readyWhenAnswering;
    const ready = pingSip(host, port, { timeoutMs: options.readyTimeoutMs ?? 10_000 });
    const died = exited.then((code) => {
      throw new Error(`sipp exited with ${code} before answering on ${host}:${port}\n${tail(output.stderr())}${tail(output.stdout())}`);
    });
    try {
      await Promise.race([ready, died]);
    } catch (error) {
      await handle.stop();
      throw error;
    }
  }
  return handle;
}

export interface PingSipOptions {
  timeoutMs: number;
  /** Interval between retransmissions of the OPTIONS (default 100 ms, doubling to 500 ms). */
  retransmitMs?: number;
  /** Local address to send from (default: the one matching the target's family). */
  localAddress?: string;
}

/**
 * Sends OPTIONS over UDP until any final response arrives, retransmitting as a SIP client
 * would; resolves with the status code. Rejects after `timeoutMs` without an answer.
 */
export async function pingSip(host: string, port: number, options: PingSipOptions): Promise<number> {
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, options.localAddress ?? (net.isIPv6(host) ? '::1' : '127.0.0.1'), () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const local = socket.address();
    const branch = `z9hG4bK-${randomBytes(8).toString('hex')}`;
    const hostPort = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
    const localHostPort = net.isIPv6(local.address) ? `[${local.address}]:${local.port}` : `${local.address}:${local.port}`;
    const request = Buffer.from(
      [
        `OPTIONS sip:${hostPort} SIP/2.0`,
        `Via: SIP/2.0/UDP ${localHostPort};branch=${branch};rport`,
        `From: <sip:ping@${localHostPort}>;tag=${randomBytes(4).toString('hex')}`,
        `To: <sip:${hostPort}>`,
        `Call-ID: ${randomBytes(8).toString('hex')}@openccc.test`,
        'CSeq: 1 OPTIONS',
        'Max-Forwards: 70',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    return await new Promise<number>((resolve, reject) => {
      let interval = options.retransmitMs ?? 100;
      let retransmit: NodeJS.Timeout | undefined;
      const send = (): void => {
        socket.send(request, port, host);
        retransmit = setTimeout(send, interval);
        interval = Math.min(interval * 2, 500);
      };
      const deadline = setTimeout(() => {
        clearTimeout(retransmit);
        reject(new Error(`no answer to OPTIONS from ${hostPort} in ${options.timeoutMs} ms`));
      }, options.timeoutMs);
      socket.on('message', (message) => {
        const status = /^SIP\/2\.0 (\d{3}) /.exec(message.toString('latin1'));
        const code = status?.[1] === undefined ? undefined : Number(status[1]);
        if (code === undefined || code < 200 || !message.includes(branch)) return;
        clearTimeout(retransmit);
        clearTimeout(deadline);
        resolve(code);
      });
      send();
    });
  } finally {
    socket.close();
  }
}

/** A temporary working directory for sipp, with `pcap/` linked to the bundled pcaps (`uac_pcap` needs it). */
export interface SippWorkdir {
  readonly path: string;
  remove(): Promise<void>;
}

/** Creates a `SippWorkdir` under the system temp directory. */
export async function makeSippWorkdir(prefix = 'sipp-'): Promise<SippWorkdir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await symlink(SIPP_PCAP_DIR, path.join(dir, 'pcap'));
  return { path: dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Parses a sipp `-trace_stat` CSV (semicolon-separated, header row first) into its last row's counters. */
export function parseSippStats(csv: string): SippStats | undefined {
  const lines = csv.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0]?.split(';');
  const last = lines.length > 1 ? lines[lines.length - 1]?.split(';') : undefined;
  if (header === undefined || last === undefined) return undefined;
  const columns: Record<string, string> = {};
  header.forEach((name, index) => {
    if (name !== '') columns[name] = last[index] ?? '';
  });
  const count = (name: string): number => {
    const value = columns[`${name}(C)`];
    if (value === undefined) throw new Error(`sipp statistics lack the column ${name}(C)`);
    return Number(value);
  };
  return {
    created: Number(columns.TotalCallCreated ?? 0),
    successful: count('SuccessfulCall'),
    failed: count('FailedCall'),
    unexpectedMessages: count('FailedUnexpectedMessage'),
    recvTimeouts: count('FailedTimeoutOnRecv'),
    maxRetransmissions: count('FailedMaxUDPRetrans'),
    regexpFailures: count('FailedRegexpDoesntMatch') + count('FailedRegexpShouldntMatch') + count('FailedRegexpHdrNotFound'),
    retransmissions: count('Retransmissions'),
    outOfCallMessages: count('OutOfCallMsgs'),
    deadCallMessages: count('DeadCallMsgs'),
    autoAnswered: count('AutoAnswered'),
    columns,
  };
}

async function readStats(file: string): Promise<SippStats | undefined> {
  const csv = await readFile(file, 'latin1').catch(() => undefined);
  return csv === undefined ? undefined : parseSippStats(csv);
}

function statFileFrom(args: readonly string[]): string | undefined {
  const at = args.indexOf('-stf');
  return at >= 0 ? args[at + 1] : undefined;
}

function spawnSipp(args: readonly string[], cwd: string | undefined): ChildProcess {
  // Its own process group, so a kill reaches everything it started and nothing else.
  return spawn(SIPP_BINARY, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Keeps the last 256 KiB of each stream: a UAS that runs for a whole suite must not grow without bound. */
function collectOutput(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  const limit = 256 * 1024;
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('latin1').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-limit);
  });
  child.stderr?.setEncoding('latin1').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-limit);
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

function tail(text: string): string {
  return text.length === 0 ? '' : `${text.slice(-2_000)}\n`;
}
