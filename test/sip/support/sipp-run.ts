import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from './ports.js';
import { makeSippWorkdir, startSipp, type BackgroundSipp, type SippWorkdir } from './sipp.js';

/**
 * sipp as a carrier or a callee in a test, over the shared sipp helpers: each run in a working
 * directory of its own (its scenario, the `pcap` link, its message, error and statistics files), its
 * exit code to check, the SIP messages it saw to read, and `stopAllSipp()` for `afterAll` so that no
 * process or directory is left behind.
 */

export interface SippRunOptions {
  /** A scenario's XML (written to the run's directory), or the name of a built-in one (`uas`, `uac_pcap`…). */
  scenario: { xml: string } | { builtIn: string };
  /** `host:port` to call; absent for a UAS. */
  target?: string;
  /** The address sipp binds for signalling and media (`-i`, `-mi`), 127.0.0.1 unless given. */
  address?: string;
  /** Its SIP port (`-p`); 0 lets sipp choose. */
  port?: number;
  /** Its media port (`-mp`): sipp binds it and the port two above. */
  mediaPort?: number;
  /** Calls to place or take before exiting (`-m`). */
  calls?: number;
  /** Longest run before sipp gives up with an error (`-timeout`), 30 s unless given. */
  timeoutSeconds?: number;
  /** More arguments, e.g. `['-aa', '-rtp_echo']` or `['-s', '4001']`. */
  args?: string[];
}

export interface SippRunResult {
  /** sipp's exit code (`SIPP_EXIT` in `./sipp.js`). */
  code: number;
  /** The end of sipp's screen output (its final statistics), for failure messages. */
  output: string;
}

export interface SippRun {
  readonly folder: string;
  /** Resolves when sipp exits. */
  readonly exited: Promise<SippRunResult>;
  /** The SIP messages sipp sent and received so far (`-trace_msg`). */
  messages(): string;
  /** The unexpected messages and aborted calls sipp reported (`-trace_err`). */
  errors(): string;
  /** A failure message for an exit code that was not the expected one. */
  explain(result: SippRunResult): string;
}

const runs = new Set<{ sipp: BackgroundSipp; workdir: SippWorkdir }>();

/** Starts sipp in the background (see `SippRunOptions`); resolves once the process is spawned. */
export async function runSippScenario(options: SippRunOptions): Promise<SippRun> {
  const workdir = await makeSippWorkdir('openccc-sipp-');
  const folder = workdir.path;
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
    '-trace_msg', '-message_file', join(folder, 'messages.log'),
    '-trace_err', '-error_file', join(folder, 'errors.log'),
    '-trace_stat', '-stf', join(folder, 'stat.csv'),
    ...(options.args ?? []),
  ];
  // No readiness ping: to a UAS taking one call (`-m 1`), the ping would be that call. Requests sent
  // before sipp binds are retransmitted (UDP), so a peer simply reaches it a moment later.
  const sipp = await startSipp(args, { cwd: folder });
  runs.add({ sipp, workdir });
  const read = (name: string) => (existsSync(join(folder, name)) ? readFileSync(join(folder, name), 'latin1') : '');
  const exited = sipp.exited.then((code) => ({ code, output: `${sipp.stdout().slice(-3_000)}${sipp.stderr().slice(-1_000)}` }));
  return {
    folder,
    exited,
    messages: () => read('messages.log'),
    errors: () => read('errors.log'),
    explain: (result) => `sipp exited ${result.code}\n${read('errors.log')}\n${result.output}`,
  };
}

/** Stops every sipp still running and removes every run's directory. */
export async function stopAllSipp(): Promise<void> {
  const all = [...runs];
  runs.clear();
  await Promise.all(all.map(({ sipp }) => sipp.stop(500)));
  await Promise.all(all.map(({ workdir }) => workdir.remove()));
}

/** A free media port for sipp's `-mp` (it binds the port and the one two above). */
export function freeMediaPort(host = '127.0.0.1'): Promise<number> {
  return findFreePort({ host, protocols: ['udp'], span: 4 });
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

function writeScenario(folder: string, xml: string): string {
  const path = join(folder, 'scenario.xml');
  writeFileSync(path, xml);
  return path;
}
