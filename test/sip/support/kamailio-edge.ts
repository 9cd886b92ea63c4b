/** Kamailio as the SIP edge (`deploy/kamailio/run-local.sh`) for tests: started in its own process group, stopped with it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `deploy/kamailio` of this repository. */
export const EDGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../deploy/kamailio');
const edgeDir = EDGE_DIR;

/** The edge started by run-local.sh, in its own process group. */
export interface Edge {
  readonly port: number;
  readonly ctlSocket: string;
  stderr(): string;
  stop(): Promise<void>;
}

export interface EdgeOptions {
  /** The address the edge listens on (default 127.0.0.1). */
  host?: string;
  port: number;
  nodes: string[];
  /** Nodes that must have answered a probe before the edge counts as started. */
  awaitUp: string[];
  trusted: string[];
  workdir: string;
}

/** Starts run-local.sh and resolves once the edge reports the awaited nodes up after a probe. */
export async function startEdge(options: EdgeOptions): Promise<Edge> {
  await mkdir(options.workdir, { recursive: true });
  const args = ['-l', options.host ?? '127.0.0.1', '-p', String(options.port), '-i', '1', '-w', options.workdir];
  for (const nodeAddress of options.nodes) args.push('-n', nodeAddress);
  for (const source of options.trusted) args.push('-t', source);
  const child = spawn(path.join(edgeDir, 'run-local.sh'), args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number>((resolve) => {
    child.once('error', () => resolve(-1));
    child.once('close', (code) => resolve(code ?? -1));
  });
  const edge: Edge = {
    port: options.port,
    ctlSocket: `unix:${path.join(options.workdir, 'kamailio_ctl')}`,
    stderr: () => stderr,
    stop: () => stopGroup(child, exited),
  };

  const pending = new Set(options.awaitUp.map((address) => `OpenCCC node up: sip:${address}`));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: string): void => {
      stderr = (stderr + chunk).slice(-512 * 1024);
      for (const line of pending) if (stderr.includes(line)) pending.delete(line);
      if (pending.size === 0) resolve();
    };
    child.stdout?.setEncoding('latin1').on('data', onData);
    child.stderr?.setEncoding('latin1').on('data', onData);
    void exited.then((code) => reject(new Error(`the edge exited with ${code} before its nodes were up\n${stderr.slice(-4_000)}`)));
  });
  const timeout = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => reject(new Error(`the edge did not report its nodes up in 20 s\n${stderr.slice(-4_000)}`)), 20_000);
    void exited.finally(() => clearTimeout(timer));
    void ready.finally(() => clearTimeout(timer)).catch(() => undefined);
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await edge.stop();
    throw error;
  }
  return edge;
}

/** SIGTERM to the process group (run-local.sh stops Kamailio and cleans up), SIGKILL if it lingers. */
async function stopGroup(child: ChildProcess, exited: Promise<number>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  signalGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  // Kamailio's children leave with their parent; make sure nothing of the group survives.
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone.
  }
}
