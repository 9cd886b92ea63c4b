import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { initialize, type FirstRun } from '../bootstrap.js';
import { resolveServerConfig } from '../config/config.js';
import { openDataFolder, type DataFolder } from '../data-folder.js';
import { createLogger } from '../log.js';
import { startServer, type RunningServer } from '../server.js';

export interface TestServer extends FirstRun {
  url: string;
  port: number;
  dataDir: string;
  folder: DataFolder;
  server: RunningServer;
  /** Stops the server and removes the data folder. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Extra `start` flags, e.g. { 'token-ttl': '2', 'rate-limit': '5' }. */
  flags?: Record<string, string>;
  clock?: () => number;
  /** Reuse a data folder (e.g. to restart on the same data); it is then not removed on close. */
  dataDir?: string;
  /** The server's logger; default silent. */
  log?: Logger;
  /** How long virtual phones and scripted no-answer numbers ring before giving up. */
  virtualNoAnswerMs?: number;
}

/**
 * Media ports for a test server: a window of 400 in 27000–31999 (below the kernel's ephemeral range,
 * away from the media tests' 21000–26099), picked at random so concurrent test files rarely share
 * one; ports in use are skipped anyway.
 */
function mediaWindow(): string {
  const start = 27_000 + Math.floor(Math.random() * 12) * 400;
  return `${start}-${start + 399}`;
}

/** Starts a real OpenCCC server on a random port with a fresh data folder. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'openccc-test-'));
  const config = resolveServerConfig({ data: dataDir, host: '127.0.0.1', port: '0', 'rate-limit': '0', 'media-ports': mediaWindow(), 'media-workers': '1', ...options.flags }, {});
  const folder = openDataFolder(dataDir, null);
  const run = await initialize(folder.store, folder.box, Date.now());
  if (!run) throw new Error('startTestServer expects a fresh data folder');
  const server = await startServer({ config, store: folder.store, box: folder.box, log: options.log ?? createLogger('silent'), clock: options.clock, ...(options.virtualNoAnswerMs === undefined ? {} : { virtualNoAnswerMs: options.virtualNoAnswerMs }) });
  return {
    ...run,
    url: server.url,
    port: server.port,
    dataDir,
    folder,
    server,
    async close() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the server again on the same data folder and port, after `previous.server.close()`. */
export async function restartTestServer(previous: TestServer, options: Pick<TestServerOptions, 'flags' | 'clock'> = {}): Promise<TestServer> {
  const config = resolveServerConfig({ data: previous.dataDir, host: '127.0.0.1', port: String(previous.port), 'rate-limit': '0', 'media-ports': mediaWindow(), 'media-workers': '1', ...options.flags }, {});
  const folder = openDataFolder(previous.dataDir, null);
  const server = await startServer({ config, store: folder.store, box: folder.box, log: createLogger('silent'), clock: options.clock });
  return {
    ...previous,
    folder,
    server,
    async close() {
      await server.close();
      rmSync(previous.dataDir, { recursive: true, force: true });
    },
  };
}
