// sipp and Kamailio for `bench:sip`: one sipp load step with its statistics read from the CSV
// sipp writes (-trace_stat), and the Kamailio edge (deploy/kamailio/run-local.sh) started in front
// of an OpenCCC node, with the CPU of all its processes.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { now, sleep, withTimeout } from './lib/async.mjs';
import { cpuMs } from './lib/process-stats.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The sipp version, or null when sipp is not installed. */
export function sippVersion() {
  try {
    return /SIPp v[^\s]+/.exec(execFileSync('sipp', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))?.[0] ?? 'sipp';
  } catch (error) {
    const text = `${error.stdout ?? ''}`;
    return /SIPp v[^\s]+/.exec(text)?.[0] ?? null;
  }
}

/** The last line of a sipp -trace_stat CSV as {column: value}. */
function lastStats(file) {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const names = lines[0].split(';');
  const values = lines.at(-1).split(';');
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

const seconds = (hms) => {
  const parts = String(hms ?? '').split(':').map(Number);
  return parts.length >= 3 ? parts[0] * 3600 + parts[1] * 60 + parts[2] + (parts[3] ?? 0) / 1e6 : NaN;
};

/**
 * One sipp UAC step: `rate` calls per second for `calls` calls held `holdMs` each, from
 * `localAddress` to `target`. Resolves with sipp's counters and the process CPU of sipp.
 *
 * @param {{ target: string, service: string, rate: number, calls: number, holdMs: number, localAddress: string, scenario?: string, watch?: () => void }} step
 */
export async function sippStep(step) {
  const dir = mkdtempSync(join(tmpdir(), 'openccc-bench-sipp-'));
  const statFile = join(dir, 'stats.csv');
  const args = [
    ...(step.scenario ? ['-sf', step.scenario] : ['-sn', 'uac']),
    step.target, '-s', step.service, '-i', step.localAddress, '-p', '0',
    '-r', String(step.rate), '-m', String(step.calls), '-d', String(step.holdMs),
    // Enough concurrent calls for the rate and hold time, with room for set-up delay.
    '-l', String(Math.max(100, Math.ceil(step.rate * (step.holdMs / 1000 + 2) * 2))),
    '-nostdin', '-trace_stat', '-stf', statFile, '-fd', '1',
    '-trace_err', '-error_file', join(dir, 'errors.log'), '-timeout', `${Math.ceil(step.calls / step.rate + step.holdMs / 1000 + 40)}s`,
    '-max_socket', '4096',
  ];
  const started = now();
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data) => (stderr += data));
  const cpu = { before: 0, last: 0 };
  // sipp's CPU: sampled from /proc while it runs (its entry is gone once it has exited and been reaped).
  const sampler = setInterval(() => {
    const ms = cpuMs(child.pid);
    if (Number.isFinite(ms)) cpu.last = ms;
    step.watch?.();
  }, 250);
  const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(sampler);
  const elapsedS = (now() - started) / 1000;
  try {
    if (!existsSync(statFile)) throw new Error(`sipp exited with ${code} and wrote no statistics: ${stderr.trim().slice(0, 400)}`);
    const s = lastStats(statFile);
    const errors = existsSync(join(dir, 'errors.log')) ? readFileSync(join(dir, 'errors.log'), 'utf8') : '';
    const firstError = /^.*(?:Aborting call|unexpected|Unexpected)[^\n]*/m.exec(errors)?.[0]?.slice(0, 200) ?? null;
    const created = Number(s['OutgoingCall(C)']);
    const successful = Number(s['SuccessfulCall(C)']);
    const sendingS = seconds(s['ElapsedTime(C)']) - step.holdMs / 1000;
    return {
      offeredCps: step.rate,
      calls: step.calls,
      created,
      successful,
      failed: Number(s['FailedCall(C)']),
      retransmissions: Number(s['Retransmissions(C)']),
      unexpected: Number(s['FailedUnexpectedMessage(C)'] ?? 0),
      timeouts: Number(s['FailedMaxUDPRetrans(C)'] ?? 0) + Number(s['FailedCallTimeout(C)'] ?? 0),
      // Calls completed per second over the time sipp was placing them (its elapsed time less one hold).
      achievedCps: sendingS > 0 ? successful / sendingS : NaN,
      responseTime: s['ResponseTime1(C)'] ?? null,
      sippCores: cpu.last / 1000 / elapsedS,
      exitCode: code,
      firstError,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every process under `pid` (itself included). */
function descendants(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const all = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    all.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return all;
}

/** The Kamailio edge in front of one OpenCCC node, trusting `carrier` as a carrier. */
export class Edge {
  /** @param {{ node: string, carrier: string, port: number, shmMb?: number }} options  shmMb: Kamailio's shared memory, when not run-local.sh's */
  static async start(options) {
    const edge = new Edge();
    edge.port = options.port;
    edge.workdir = mkdtempSync(join(tmpdir(), 'occ-edge-'));
    const script = join(root, 'deploy/kamailio/run-local.sh');
    edge.child = spawn(script, ['-n', options.node, '-t', options.carrier, '-p', String(options.port), '-l', '127.0.0.1', '-i', '1', '-w', edge.workdir, ...(options.shmMb ? ['--', '-m', String(options.shmMb)] : [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    edge.exited = new Promise((resolve) => edge.child.once('exit', (code) => resolve(code)));
    let log = '';
    const up = new Promise((resolve) => {
      const onData = (data) => {
        log += data;
        if (log.includes('OpenCCC node up')) resolve();
      };
      edge.child.stdout.on('data', onData);
      edge.child.stderr.on('data', onData);
    });
    try {
      await withTimeout(Promise.race([up, edge.exited.then((code) => Promise.reject(new Error(`run-local.sh exited with ${code}`)))]), 20_000, 'the edge to see the node up');
    } catch (error) {
      edge.child.kill('SIGTERM');
      throw new Error(`${error.message}\n${log.split('\n').slice(-15).join('\n')}`);
    }
    // Keep draining its log so Kamailio never blocks on a full pipe, keeping its errors.
    edge.errors = [];
    edge.child.stdout.on('data', (data) => edge.keepErrors(data));
    edge.child.stderr.on('data', (data) => edge.keepErrors(data));
    return edge;
  }

  keepErrors(data) {
    for (const line of String(data).split('\n')) if (/ERROR|CRITICAL|ALERT/.test(line) && this.errors.length < 1000) this.errors.push(line.trim());
  }

  /** Error lines Kamailio logged since the last call. */
  takeErrors() {
    return this.errors.splice(0);
  }

  get address() {
    return `127.0.0.1:${this.port}`;
  }

  /** CPU of every process of the edge over a window, in cores. */
  cpuWindow() {
    const pids = descendants(this.child.pid);
    const before = pids.map((pid) => cpuMs(pid)).map((ms) => (Number.isFinite(ms) ? ms : 0));
    const start = now();
    return {
      end: () => {
        const after = pids.map((pid) => cpuMs(pid));
        const total = after.reduce((sum, ms, i) => sum + (Number.isFinite(ms) ? ms - before[i] : 0), 0);
        return { edgeCores: total / (now() - start), processes: pids.length };
      },
    };
  }

  async stop() {
    this.child.kill('SIGTERM');
    await withTimeout(this.exited, 15_000, 'the edge to stop').catch(() => this.child.kill('SIGKILL'));
    await sleep(100);
    rmSync(this.workdir, { recursive: true, force: true });
  }
}
