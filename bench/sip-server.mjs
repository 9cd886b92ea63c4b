// The server side of `bench:sip`: `openccc start --sip on` in a child process (the compiled server,
// packages/server/dist) on a fresh data folder, with an IP trunk and the SIP caps raised; and its CPU
// (whole server, main thread, the rest) next to the whole machine's over a window.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { now } from './lib/async.mjs';
import { freePort } from './lib/net.mjs';
import { CpuWindow, machineBusyMs } from './lib/process-stats.mjs';
import { ServerProcess } from './lib/server.mjs';

/**
 * `openccc start` with the SIP gateway on, RTP agents allowed and the SIP caps raised out of the
 * way (the benchmark measures the gateway, not its admission limits); one IP trunk for the
 * carrier address; the data folder removed on stop (unless BENCH_KEEP_DATA).
 */
export class SipServer extends ServerProcess {
  /**
   * @param {{ carrierAddress: string, trustedProxies?: string, mediaWorkers?: string, dataParent?: string, maxCalls: number, nodeFlags?: string[] }} options
   */
  static async start(options) {
    const sipPort = await freePort();
    const server = await super.start({
      name: 'openccc-bench-sip',
      logLevel: 'warn',
      prepare: (s) => s.cli('sip', 'trunk', 'add', '--name', 'bench-carrier', '--kind', 'ip', '--allow', `${options.carrierAddress}/32`, '--max-calls', String(options.maxCalls * 2)),
      args: [
        '--sip', 'on', '--sip-address', '127.0.0.1', '--sip-port', String(sipPort), '--sip-domain', 'sip.bench.test',
        '--sip-max-calls', String(options.maxCalls * 2), '--sip-cps', '100000',
        ...(options.trustedProxies ? ['--sip-trusted-proxies', options.trustedProxies] : []),
      ],
      ...(options.dataParent ? { dataParent: options.dataParent } : {}),
      ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
      ...(options.mediaWorkers ? { mediaWorkers: options.mediaWorkers } : {}),
    });
    server.sipPort = sipPort;
    return server;
  }

  /** A hotline into an IVR menu that plays its welcome and waits a minute for a key: OpenCCC answers at once and keeps the call. */
  ivrHotline(number) {
    const flow = {
      version: 1,
      name: 'Bench menu',
      start: 'main',
      nodes: {
        main: { kind: 'menu', prompts: ['zh-CN/welcome'], timeoutMs: 60_000, keys: { 9: { action: 'hangup' } }, fallback: { action: 'hangup' } },
      },
    };
    const file = join(this.dataDir, 'bench-ivr.json');
    writeFileSync(file, JSON.stringify(flow));
    this.cli('number', 'add', number, '--ivr', file, '--instance', String(this.creds.sdkAppId));
    return { number };
  }

  /** Server CPU over a window: the whole process, its main thread, and the rest (media workers, GC); and the whole machine's. */
  cpuWindow() {
    const window = new CpuWindow([
      { name: 'server', pid: this.pid },
      { name: 'main', pid: this.pid, tid: this.pid },
    ]);
    const machineBefore = machineBusyMs();
    return {
      end: () => {
        const cores = window.end();
        const machineCores = (machineBusyMs() - machineBefore) / (now() - window.start);
        return { serverCores: cores.server, mainCores: cores.main, otherCores: cores.server - cores.main, machineCores };
      },
    };
  }
}
