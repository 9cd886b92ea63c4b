// Process, thread and machine figures read from /proc (Linux); NaN where they cannot be read.
import { readFileSync } from 'node:fs';
import { now } from './async.mjs';

/** CPU time (user + system) of a process, or of one of its threads, in ms, from /proc. */
export function cpuMs(pid, tid) {
  try {
    const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** Resident memory of a process, in MB. */
export function rssMb(pid) {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** CPU time the whole machine spent busy (every core, every process), in ms, from /proc/stat. */
export function machineBusyMs() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
    const busy = fields.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
    return (busy * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The machine's UDP counters (/proc/net/snmp): datagrams to no socket, and dropped on a full receive buffer. */
export function udpCounters() {
  try {
    const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((line) => line.startsWith('Udp:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/).map(Number);
    const get = (name) => values[names.indexOf(name)] ?? NaN;
    return { noPorts: get('NoPorts'), rcvbufErrors: get('RcvbufErrors') };
  } catch {
    return { noPorts: NaN, rcvbufErrors: NaN };
  }
}

/** Datagrams the kernel dropped on a full receive buffer for the UDP socket bound to 127.0.0.1:`port` (/proc/net/udp), or NaN. */
export function udpSocketDrops(port) {
  try {
    const local = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
    const line = readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1] === local);
    return line ? Number(line.trim().split(/\s+/).at(-1)) : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU of some processes (or threads) over a window, in cores (1.00 = one core busy): one figure per
 * `{ name, pid, tid? }` given (those without a pid are left out), and `bench`, this process's own.
 */
export class CpuWindow {
  constructor(processes) {
    this.processes = processes.filter((p) => p.pid);
    this.start = now();
    this.before = this.processes.map((p) => cpuMs(p.pid, p.tid));
    this.self = process.cpuUsage();
  }

  /** The cores each process used since the window opened, by name. */
  end() {
    const elapsed = now() - this.start;
    const cores = {};
    this.processes.forEach((p, i) => (cores[p.name] = (cpuMs(p.pid, p.tid) - this.before[i]) / elapsed));
    const self = process.cpuUsage(this.self);
    cores.bench = (self.user + self.system) / 1000 / elapsed;
    return cores;
  }
}
