import { initialize, type FirstRun } from '../bootstrap.js';
import { localUrl, resolveServerConfig, type ServerConfig } from '../config/config.js';
import { openDataFolder } from '../data-folder.js';
import { createLogger } from '../log.js';
import { startServer } from '../server.js';
import { openFromFlags, type CommonFlags } from './context.js';
import { SipListenError } from '../sip/gateway/sip-service.js';
import { CliError, printJson } from './output.js';

function firstRunText(run: FirstRun, url: string, dataDir: string): string {
  return [
    '',
    '  OpenCCC first run: these credentials are shown only once. Keep them safe.',
    `  首次运行：以下凭据只显示这一次，请妥善保存。`,
    '',
    `  URL        ${url}`,
    `  SdkAppId   ${run.sdkAppId}`,
    `  SecretId   ${run.secretId}`,
    `  SecretKey  ${run.secretKey}`,
    `  Admin      ${run.adminUser}`,
    `  Password   ${run.adminPassword}`,
    `  Data       ${dataDir}`,
    '',
  ].join('\n');
}

/** `openccc init`: creates the first instance, its administrator and a main-account key, once. */
export async function initCommand(flags: CommonFlags & { 'public-url'?: string }, env: NodeJS.ProcessEnv): Promise<void> {
  const config = resolveServerConfig(flags as Record<string, string | undefined>, env);
  const folder = openFromFlags(flags, env);
  try {
    const run = await initialize(folder.store, folder.box, Date.now());
    if (!run) throw new CliError(`${folder.dataDir} is already initialised; use \`openccc keys create\` or \`openccc instances create\`.`);
    const url = config.publicUrl ?? localUrl(config.host, config.port, config.tls !== null);
    if (flags.json) printJson({ ...run, url, dataDir: folder.dataDir });
    else process.stdout.write(`${firstRunText(run, url, folder.dataDir)}\n`);
  } finally {
    await folder.store.close();
  }
}

/**
 * The server's own address is taken or forbidden: a message that says which flag or variable
 * moves it, with the command to run. Null for any other failure.
 */
function listenFailure(error: unknown, config: ServerConfig): CliError | null {
  const failure = error as NodeJS.ErrnoException & { port?: number };
  if (failure?.syscall !== 'listen' || failure.port !== config.port) return null;
  const where = `${config.host}:${config.port}`;
  const other = config.port === 65535 ? 8081 : config.port + 1;
  const howToMove = [
    `Start on another port with --port (or OPENCCC_PORT), for example:`,
    `  npm start -- --port ${other}`,
    `  OPENCCC_PORT=${other} npm start`,
    `  openccc start --port ${other}`,
    `--host (or OPENCCC_HOST) chooses the address to listen on (now ${config.host}).`,
  ].join('\n');
  if (failure.code === 'EADDRINUSE') {
    return new CliError(`Port ${config.port} is already in use on ${config.host} (EADDRINUSE): another OpenCCC or another program listens on ${where}. Stop it, or move this server.\n${howToMove}`);
  }
  if (failure.code === 'EACCES') {
    return new CliError(`Listening on ${where} is not permitted (EACCES): ports below 1024 need privileges. Use a port from 1024 up, behind a reverse proxy for 80 and 443.\n${howToMove}`);
  }
  if (failure.code === 'EADDRNOTAVAIL') {
    return new CliError(`${config.host} is not an address of this machine (EADDRNOTAVAIL). Choose one with --host (or OPENCCC_HOST), for example --host 127.0.0.1 or --host 0.0.0.0 for every interface.`);
  }
  return null;
}

/** `openccc start`: serves until SIGINT/SIGTERM, initialising the data folder on first run. */
export async function startCommand(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv): Promise<void> {
  const config: ServerConfig = resolveServerConfig(flags, env);
  const log = createLogger(config.logLevel);
  // A failed background write must be reported, not take every agent's connection down with the process.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  const { store, box } = openDataFolder(config.dataDir, config.masterKey);
  const firstRun = await initialize(store, box, Date.now());
  // Shown before listening, so the credentials are not lost if the port turns out to be taken.
  if (firstRun) {
    const expected = config.publicUrl ?? (config.port === 0 ? '(a free port, printed below)' : localUrl(config.host, config.port, config.tls !== null));
    process.stdout.write(`${firstRunText(firstRun, expected, config.dataDir)}\n`);
  }
  let server;
  try {
    server = await startServer({ config, store, box, log });
  } catch (error) {
    await store.close();
    if (error instanceof SipListenError) throw new CliError(error.message);
    throw listenFailure(error, config) ?? error;
  }
  process.stdout.write(`\n  OpenCCC is running at ${server.url}  (data: ${config.dataDir})\n`);
  if (server.sip) {
    const udp = server.sip.transport.local('udp');
    process.stdout.write(`  SIP (UDP and TCP) on ${udp.address}:${udp.port}, phones' domain <SdkAppId>.${config.sip.domain}\n`);
  }
  process.stdout.write('\n');
  let stopping = false;
  const stop = (signal: string) => {
    // A second Ctrl-C (or a wrapper passing the terminal's on) must not cut the orderly close short.
    if (stopping) return void log.info({ signal }, 'already shutting down');
    stopping = true;
    log.info({ signal }, 'shutting down');
    // Exit only once the last log lines are written out.
    const exit = (code: number) => log.flush(() => process.exit(code));
    server.close().then(
      () => exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

export { CliError };
