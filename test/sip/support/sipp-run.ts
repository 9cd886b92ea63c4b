import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * sipp as a carrier or a callee in tests: each run in a folder of its own (its scenario, the
 * `pcap` link the bundled scenarios expect, its message, error and statistics files), with an exit
 * code to check, and a registry so that `stopAllSipp()` in `afterAll` leaves no process behind.
 */

/** sipp's exit codes (sipp(1)). */
export const SIPP_EXIT = { allSucceeded: 0, someFailed: 1, noCallProcessed: 99 } as const;

export interface SippOptions {
  /** A scenario's XML (written to the run's folder), or the name of a built-in one (`uas`, `uac_pcap`…). */
  scenario: { xml: string } | { builtIn: string };
  /** `host:port` to call; absent for a UAS. */
  target?: string;
  /** The signalling address sipp binds (`-i`), 127.0.0.1 unless given. */
  address?: string;
  /** Its SIP port (`-p`); 0 lets sipp choose. */
  port?: number;
  /** Its media port (`-mp`). */
  mediaPort?: number;
  /** Calls to place or take before exiting (`-m`). */
  calls?: number;
  /** Longest run before sipp gives up with an error (`-timeout`), 30 s unless given. */
  timeoutSeconds?: number;
  /** More arguments, e.g. `['-rtp_echo', '-aa']` or `['-s', '4001']`. */
  args?: string[];
}

export interface SippResult {
  code: number;
  /** sipp's screen output (its final statistics). */
  output: string;
}

export interface SippRun {
  readonly folder: string;
  /** Resolves when sipp exits. */
  readonly exited: Promise<SippResult>;
  /** The SIP messages sipp sent and received so far (`-trace_msg`). */
  messages(): string;
  /** The unexpected messages and aborted calls sipp reported (`-trace_err`). */
  errors(): string;
  /** Ends sipp at once (idempotent) and waits for it to exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
const folders = new Set<string>();

/** Starts sipp (returns once it is spawned, not once its sockets are bound: UDP retransmissions cover the gap). */
export function startSipp(options: SippOptions): SippRun {
  const folder = mkdtempSync(join(tmpdir(), 'openccc-sipp-'));
  symlinkSync('/usr/share/sip-tester', join(folder, 'pcap'));
  const scenario = 'xml' in options.scenario ? ['-sf', writeScenario(folder, options.scenario.xml)] : ['-sn', options.scenario.builtIn];
  const address = options.address ?? '127.0.0.1';
  const args = [
    ...scenario,
    ...(options.target ? [options.target] : []),
    '-i', address,
    '-p', String(options.port ?? 0),
    '-mi', address,
    ...(options.mediaPort !== undefined ? ['-mp', String(options.mediaPort)] : []),
    ...(options.calls !== undefined ? ['-m', String(options.calls)] : []),
    '-timeout', `${options.timeoutSeconds ?? 30}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_msg', '-message_file', join(folder, 'messages.log'),
    '-trace_err', '-error_file', join(folder, 'errors.log'),
    '-trace_stat', '-stf', join(folder, 'stat.csv'),
    ...(options.args ?? []),
  ];
  const child = spawn('sipp', args, { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  folders.add(folder);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const exited = new Promise<SippResult>((resolve) => {
    child.on('error', (err) => resolve({ code: -1, output: `${output}\n${err.message}` }));
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? (signal ? -1 : 0), output });
    });
  });
  const read = (name: string) => (existsSync(join(folder, name)) ? readFileSync(join(folder, name), 'utf8') : '');
  return {
    folder,
    exited,
    messages: () => read('messages.log'),
    errors: () => read('errors.log'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Kills every sipp still running and removes every run's folder. */
export async function stopAllSipp(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)))));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  folders.clear();
}

function writeScenario(folder: string, xml: string): string {
  const path = join(folder, 'scenario.xml');
  writeFileSync(path, xml);
  return path;
}

/** The SIP messages of a `-trace_msg` file that sipp received (`in`) or sent (`out`), each as its text. */
export function tracedMessages(trace: string, direction: 'in' | 'out'): string[] {
  const marker = direction === 'in' ? /^\w+ message received \[\d+\] bytes :$/ : /^\w+ message sent \(\d+ bytes\):$/;
  return trace
    .split(/^-{20,} .*$/m)
    .map((block) => block.trim().split('\n'))
    .filter((lines) => marker.test(lines[0] ?? ''))
    .map((lines) => lines.slice(1).join('\n').trim());
}

/**
 * A UDP port free on `address` now, with the next two free as well when `span` is 3 (sipp's media
 * port: it binds the port and the one two above for video).
 */
export async function freeUdpPort(address = '127.0.0.1', span = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await bindUdp(address, 0);
    const port = first.address().port;
    const others: dgram.Socket[] = [];
    let free = true;
    for (let offset = 1; offset < span && free; offset++) {
      const next = await bindUdp(address, port + offset).catch(() => null);
      if (next) others.push(next);
      else free = false;
    }
    await Promise.all([first, ...others].map((socket) => new Promise((resolve) => socket.close(() => resolve(null)))));
    if (free && port + span < 65536) return port;
  }
  throw new Error(`no ${span} free UDP ports in a row on ${address}`);
}

function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(port, address, () => resolve(socket));
  });
}
