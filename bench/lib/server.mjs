// An OpenCCC server under measurement: `openccc start` in a child process (the compiled server,
// packages/server/dist) on a fresh data folder, with RTP agents allowed, and a preload
// (bench/engine-preload.mjs) that reports its main thread's event-loop delay over IPC.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tencentcloud from 'tencentcloud-sdk-nodejs';
import { ask, now, sleep, withTimeout } from './async.mjs';
import { freePort } from './net.mjs';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The compiled `openccc` command line. */
export const cli = join(bench, '..', 'packages/server/dist/cli/main.js');

export class ServerProcess {
  /**
   * Initialises a data folder (`<dataParent>/<name>-…`), runs `prepare(server)` on it (CLI set-up
   * before the start), starts the server with `args` after the common ones, and waits for /healthz.
   * The data folder is removed on stop, unless BENCH_KEEP_DATA.
   * @param {{ name: string, logLevel: string, args?: string[], prepare?: (server: ServerProcess) => void, dataParent?: string, nodeFlags?: string[], mediaWorkers?: string }} options
   */
  static async start(options) {
    const server = new this();
    server.dataDir = mkdtempSync(join(options.dataParent ?? tmpdir(), `${options.name}-`));
    server.creds = JSON.parse(execFileSync(process.execPath, [cli, 'init', '--data', server.dataDir, '--json'], { encoding: 'utf8' }));
    options.prepare?.(server);
    server.port = await freePort();
    server.url = `http://127.0.0.1:${server.port}`;
    // Logs go to a file: a pipe this process drains late would block the server's synchronous writes.
    server.logFile = join(server.dataDir, 'server.log');
    const logFd = openSync(server.logFile, 'a');
    const args = [
      `--import=${pathToFileURL(join(bench, 'engine-preload.mjs')).href}`,
      ...(options.nodeFlags ?? []),
      cli, 'start', '--data', server.dataDir, '--port', String(server.port),
      '--rate-limit', '0', '--log-level', options.logLevel, '--rtp-agents', 'on',
      '--media-ports', '16000-31999', '--ring-timeout', '20', '--after-call-work', '0',
      ...(options.mediaWorkers ? ['--media-workers', options.mediaWorkers] : []),
      ...(options.args ?? []),
    ];
    server.child = spawn(process.execPath, args, { stdio: ['ignore', logFd, 'inherit', 'ipc'] });
    closeSync(logFd);
    server.exited = new Promise((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
    const deadline = now() + 30_000;
    for (;;) {
      if (server.child.exitCode !== null) throw new Error(`the server exited with ${server.child.exitCode}; see ${server.logFile}`);
      if (await fetch(`${server.url}/healthz`).then((r) => r.ok, () => false)) break;
      if (now() > deadline) throw new Error('the server did not start within 30 s');
      await sleep(100);
    }
    server.client = new tencentcloud.ccc.v20200210.Client({
      credential: { secretId: server.creds.secretId, secretKey: server.creds.secretKey },
      region: '',
      // A connection per request: a kept-alive one can be closed by the server just as it is reused.
      profile: { httpProfile: { endpoint: `127.0.0.1:${server.port}`, protocol: 'http://', reqMethod: 'POST', agent: new http.Agent({ keepAlive: false }) } },
    });
    server.loopId = 0;
    return server;
  }

  get pid() {
    return this.child.pid;
  }

  /** Runs `openccc <args> --data <this server's folder>` and returns its output. */
  cli(...args) {
    return execFileSync(process.execPath, [cli, ...args, '--data', this.dataDir], { encoding: 'utf8' });
  }

  /** A skill group and a hotline routed to it. */
  async hotline(number, groupName) {
    const group = await this.client.CreateCCCSkillGroup({ SdkAppId: this.creds.sdkAppId, SkillGroupName: groupName, SkillGroupType: 0, MaxConcurrency: 1 });
    this.cli('number', 'add', number, '--skill-group', String(group.SkillGroupId), '--instance', String(this.creds.sdkAppId));
    return { number, groupName, groupId: group.SkillGroupId };
  }

  /** The main thread's event-loop delay since the last reset (ms). */
  loop(reset = true) {
    const id = ++this.loopId;
    return ask(this.child, { type: 'bench:loop', id, reset }, 'bench:loop', { match: (m) => m.id === id, timeoutMs: 30_000 });
  }

  /** The bytes the log has now; with `logLinesSince`, the lines written after that. */
  logSize() {
    return statSync(this.logFile).size;
  }

  logLinesSince(offset) {
    const fd = openSync(this.logFile, 'r');
    try {
      const size = statSync(this.logFile).size;
      const buffer = Buffer.alloc(size - offset);
      readSync(fd, buffer, 0, buffer.length, offset);
      return buffer.toString('utf8').split('\n');
    } finally {
      closeSync(fd);
    }
  }

  /** SIGTERM, SIGKILL after 30 s; resolves with the exit code and signal. */
  async stop() {
    this.child.kill('SIGTERM');
    const exit = await withTimeout(this.exited, 30_000, 'server exit').catch(() => {
      this.child.kill('SIGKILL');
      return { code: null, signal: 'SIGKILL' };
    });
    if (!process.env.BENCH_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
    return exit;
  }
}
