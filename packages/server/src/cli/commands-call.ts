import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import { PHONE_PATH } from '@openccc/protocol';
import { localUrl, resolveServerConfig } from '../config/config.js';
import { WavFormatError } from '../media/wav.js';
import { CallRecorder, formatReport, type CallEndReason, type CallReport } from '../phone/call-report.js';
import { PhoneCall, PhoneClient, PhoneConnectError, type IncomingCall } from '../phone/phone-client.js';
import { readAudioFile } from '../phone/phone-client-audio.js';
import { CliError, printJson } from './output.js';

export const CALL_USAGE = `Usage: openccc call --to <number> [--from <number>] [options]
       openccc call --answer --from <number> [options]

Options:
  --to N              the number to dial (a hotline added with \`number add\`)
  --from N            this phone's number (default: a random 0086139… number; required with --answer)
  --answer            wait for a call to --from and answer it
  --server URL        the OpenCCC server (default: OPENCCC_PUBLIC_URL, else http://OPENCCC_HOST:OPENCCC_PORT, else http://127.0.0.1:8080)
  --dtmf DIGITS       send RFC 4733 digits once connected (0-9 * # A-D; a comma waits 1 s)
  --dtmf-after S      seconds after connecting before the digits (default 1)
  --play FILE         play a WAV file once connected (any rate, mono or stereo; then silence)
  --tone HZ           play a continuous tone once connected
  --hangup-after S    hang up S seconds after connecting (default: wait for the other side)
  --listen-for HZ,HZ  report these tone frequencies when heard
  --wait S            give up if not answered (--to: default 60) or no call came (--answer: default no limit)
  --answer-after S    with --answer: let the call ring S seconds first (default 0)
  --codec PCMU|PCMA   the G.711 codec offered (default PCMU)
  --json              print one JSON object (the call report) instead of text
  --help, -h          print this help`;

const OPTIONS = {
  to: { type: 'string' },
  from: { type: 'string' },
  answer: { type: 'boolean' },
  server: { type: 'string' },
  dtmf: { type: 'string' },
  'dtmf-after': { type: 'string' },
  play: { type: 'string' },
  tone: { type: 'string' },
  'hangup-after': { type: 'string' },
  'listen-for': { type: 'string' },
  wait: { type: 'string' },
  'answer-after': { type: 'string' },
  codec: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface CallOptions {
  mode: 'dial' | 'answer';
  /** The number dialled (dial mode). */
  to: string | null;
  /** This phone's number. */
  from: string;
  /** The phone endpoint's WebSocket URL. */
  url: string;
  /** Where the URL came from, for messages. */
  urlSource: 'flag' | 'environment' | 'default';
  dtmf: string | null;
  dtmfAfterMs: number;
  play: string | null;
  tone: number | null;
  hangupAfterMs: number | null;
  listenFor: number[];
  waitMs: number | null;
  answerAfterMs: number;
  codec: 'PCMU' | 'PCMA';
  json: boolean;
}

const NUMBER = /^\+?\d{3,31}$/;
const DIGITS = /^[0-9*#A-Da-d,]+$/;

/** A random virtual mobile number, `0086139` and eight digits. */
export function randomNumber(random: () => number = Math.random): string {
  let digits = '';
  for (let i = 0; i < 8; i++) digits += String(Math.floor(random() * 10) % 10);
  return `0086139${digits}`;
}

function phoneNumber(flag: string, value: string): string {
  const cleaned = value.replace(/[\s\-.()]/g, '');
  if (!NUMBER.test(cleaned)) throw new CliError(`${flag} takes a phone number (digits, optionally a leading +), not "${value}".`);
  return cleaned;
}

function secondsFlag(flag: string, value: string | undefined, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0 || seconds > 86_400) throw new CliError(`${flag} takes seconds (a number from 0 to 86400), not "${value}".`);
  return Math.round(seconds * 1000);
}

function frequency(flag: string, value: string): number {
  const hz = Number(value);
  if (value.trim() === '' || !Number.isFinite(hz) || hz < 50 || hz > 3900) throw new CliError(`${flag} takes frequencies in Hz from 50 to 3900 (telephone audio), not "${value}".`);
  return hz;
}

/**
 * The phone endpoint for a server URL: http(s) becomes ws(s), and a URL without a path gets
 * `/phone/v1`. A ws(s) URL with a path is used as it is.
 */
export function phoneUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server takes a URL such as http://127.0.0.1:8080, not "${server}".`);
  }
  const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new CliError(`--server must be an http(s) or ws(s) URL, not "${server}".`);
  const keepPath = (url.protocol === 'ws:' || url.protocol === 'wss:') && url.pathname !== '/';
  url.protocol = scheme;
  if (!keepPath) url.pathname = `${url.pathname.replace(/\/+$/, '')}${PHONE_PATH}`;
  url.search = '';
  url.hash = '';
  return url.href;
}

/** The server named by --server, else the one `openccc start` would run with this environment. */
export function defaultServer(env: NodeJS.ProcessEnv): { url: string; source: 'environment' | 'default' } {
  const config = resolveServerConfig({}, env);
  if (config.publicUrl) return { url: config.publicUrl, source: 'environment' };
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host;
  const fromEnv = env['OPENCCC_HOST'] !== undefined || env['OPENCCC_PORT'] !== undefined;
  return { url: localUrl(host, config.port, config.tls !== null), source: fromEnv ? 'environment' : 'default' };
}

/** Parses `openccc call`'s arguments (those after `call`). */
export function parseCallArgs(argv: string[], env: NodeJS.ProcessEnv, random: () => number = Math.random): CallOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${CALL_USAGE}`);
  }
  if (values.help) return 'help';
  const mode = values.answer ? 'answer' : 'dial';
  if (mode === 'dial' && values.to === undefined) throw new CliError(`Give --to <number> to dial, or --answer --from <number> to wait for a call.\n\n${CALL_USAGE}`);
  if (mode === 'answer' && values.to !== undefined) throw new CliError('--answer waits for a call to --from; it takes no --to.');
  if (mode === 'answer' && values.from === undefined) throw new CliError('--answer needs --from <number>: the virtual number to answer calls to.');
  if (values.play !== undefined && values.tone !== undefined) throw new CliError('Give --play or --tone, not both.');
  if (values.dtmf !== undefined && !DIGITS.test(values.dtmf)) throw new CliError(`--dtmf takes DTMF digits (0-9 * # A-D, a comma to pause), not "${values.dtmf}".`);
  if (values['answer-after'] !== undefined && mode !== 'answer') throw new CliError('--answer-after goes with --answer.');
  const codec = values.codec?.toUpperCase() ?? 'PCMU';
  if (codec !== 'PCMU' && codec !== 'PCMA') throw new CliError(`--codec is PCMU or PCMA, not "${values.codec}".`);
  const server = values.server !== undefined ? { url: values.server, source: 'flag' as const } : defaultServer(env);
  return {
    mode,
    to: values.to === undefined ? null : phoneNumber('--to', values.to),
    from: values.from === undefined ? randomNumber(random) : phoneNumber('--from', values.from),
    url: phoneUrl(server.url),
    urlSource: server.source,
    dtmf: values.dtmf?.toUpperCase() ?? null,
    dtmfAfterMs: secondsFlag('--dtmf-after', values['dtmf-after'], 1000) as number,
    play: values.play ?? null,
    tone: values.tone === undefined ? null : frequency('--tone', values.tone),
    hangupAfterMs: secondsFlag('--hangup-after', values['hangup-after'], null),
    listenFor: values['listen-for'] === undefined ? [] : [...new Set(values['listen-for'].split(',').map((part) => frequency('--listen-for', part.trim())))],
    waitMs: secondsFlag('--wait', values.wait, mode === 'dial' ? 60_000 : null),
    answerAfterMs: secondsFlag('--answer-after', values['answer-after'], 0) as number,
    codec,
    json: values.json ?? false,
  };
}

/** Says why the phone could not connect, in the user's terms. */
function connectFailure(error: PhoneConnectError, options: CallOptions): CliError {
  const where = options.urlSource === 'flag' ? '' : ` (${options.urlSource === 'default' ? 'the default' : 'from OPENCCC_PUBLIC_URL / OPENCCC_HOST / OPENCCC_PORT'}; name another with --server URL)`;
  switch (error.reason) {
    case 'refused':
      return new CliError(`No OpenCCC server is running at ${options.url}${where}: the connection was refused. Start one with \`openccc start\`, or give --server URL.`);
    case 'notFound':
      return new CliError(`The server at ${options.url} has no virtual phone network: ${PHONE_PATH} answered 404. Is it an OpenCCC server with the call engine?`);
    case 'refusedHello':
      if (error.code === 'numberInUse') return new CliError(`Another phone is already connected as ${options.from}; choose another --from number.`);
      return new CliError(error.message);
    default:
      return new CliError(`Cannot reach the OpenCCC phone network at ${options.url}${where}: ${error.message}`);
  }
}

export interface CallIo {
  /** Human progress lines; not called with --json. */
  write: (text: string) => void;
  /** Aborted on Ctrl-C: a connected call is hung up, one still ringing is cancelled. */
  signal?: AbortSignal;
  /** Reads --play files; default: WAV files from disk. */
  readAudio?: (path: string) => Promise<Int16Array>;
}

/** Runs one call as the options say and returns its report. Throws CliError when the phone cannot connect. */
export async function runCall(options: CallOptions, io: CallIo): Promise<CallReport> {
  const say = (text: string) => {
    if (!options.json) io.write(`${text}\n`);
  };
  const audio = options.play === null ? null : await loadAudio(options.play, io.readAudio ?? readAudioFile);
  let client: PhoneClient;
  try {
    client = await PhoneClient.connect({ url: options.url, number: options.from, listenFor: options.listenFor, codec: options.codec });
  } catch (error) {
    if (error instanceof PhoneConnectError) throw connectFailure(error, options);
    throw error;
  }
  try {
    say(`Connected to ${options.url} as ${client.number}.`);
    const call = options.mode === 'dial' ? await dial(client, options, say, io.signal) : await answer(client, options, say, io.signal);
    if (!(call instanceof PhoneCall)) return call;
    return await converse(call, options, audio, say, io.signal);
  } finally {
    await client.close();
  }
}

async function loadAudio(path: string, read: (path: string) => Promise<Int16Array>): Promise<Int16Array> {
  try {
    return await read(path);
  } catch (error) {
    if (error instanceof WavFormatError) throw new CliError(`${path}: ${error.message}`);
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
}

type Say = (text: string) => void;

/** Resolves after ms (never when null), or when the signal aborts; `cancel` stops the timer. */
function waitFor(ms: number | null, signal: AbortSignal | undefined): { done: Promise<'timeout' | 'aborted'>; cancel: () => void } {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  const promises: Array<Promise<'timeout' | 'aborted'>> = [];
  if (ms !== null) promises.push(delay(ms, 'timeout' as const, { signal: controller.signal }).catch(() => new Promise<never>(() => undefined)));
  if (signal) {
    promises.push(
      new Promise((resolve) => {
        if (signal.aborted) return resolve('aborted');
        const onAbort = () => resolve('aborted');
        signal.addEventListener('abort', onAbort, { once: true });
        controller.signal.addEventListener('abort', () => signal.removeEventListener('abort', onAbort), { once: true });
      }),
    );
  }
  return { done: promises.length === 0 ? new Promise<never>(() => undefined) : Promise.race(promises), cancel };
}

function since(call: PhoneCall): string {
  const ms = Date.now() - call.startedAt;
  return `${(ms / 1000).toFixed(1).padStart(6)} s`;
}

function follow(call: PhoneCall, say: Say): void {
  call.on('media', (remote) => say(`${since(call)}  audio: RTP to ${remote.address}:${remote.port} (${remote.codec})`));
  call.on('ringing', () => say(`${since(call)}  ringing`));
  call.on('answered', (by) => say(`${since(call)}  answered${by === 'self' ? '' : ` by ${by}`}`));
  call.on('tone', (frequency) => say(`${since(call)}  heard ${frequency} Hz`));
  call.on('digit', (digit) => say(`${since(call)}  received DTMF ${digit}`));
  call.on('ended', (report) => say(`${since(call)}  ended: ${report.endReason}${report.endMessage ? ` (${report.endMessage})` : ''}`));
}

async function dial(client: PhoneClient, options: CallOptions, say: Say, signal: AbortSignal | undefined): Promise<PhoneCall | CallReport> {
  const call = await client.dial(options.to as string);
  say(`Dialling ${options.to} (call ${call.callId})…`);
  follow(call, say);
  const wait = waitFor(options.waitMs, signal);
  const outcome = await Promise.race([call.connected, wait.done]);
  wait.cancel();
  if (outcome === 'timeout') call.abandon('timeout', `not answered within ${(options.waitMs as number) / 1000} s`);
  if (outcome === 'aborted') call.abandon('cancelled', 'stopped before it was answered');
  return call;
}

async function answer(client: PhoneClient, options: CallOptions, say: Say, signal: AbortSignal | undefined): Promise<PhoneCall | CallReport> {
  const missed = (reason: CallEndReason, message: string, incoming?: IncomingCall) => {
    const recorder = new CallRecorder('inbound', incoming?.from ?? '', incoming?.to ?? client.number);
    if (incoming) recorder.setCallId(incoming.callId);
    recorder.onEnded(reason, message, reason === 'timeout' || reason === 'cancelled' ? 'local' : 'remote');
    say(`Ended: ${reason} (${message}).`);
    return recorder.report();
  };
  say(`Waiting for a call to ${client.number}${options.waitMs === null ? ' (Ctrl-C to stop)' : ` for up to ${options.waitMs / 1000} s`}…`);
  const wait = waitFor(options.waitMs, signal);
  const closed = new Promise<'closed'>((resolve) => client.once('close', () => resolve('closed')));
  const incoming = await Promise.race([client.nextIncoming().catch(() => 'closed' as const), wait.done, closed]);
  wait.cancel();
  if (incoming === 'timeout') return missed('timeout', `no call came within ${(options.waitMs as number) / 1000} s`);
  if (incoming === 'aborted') return missed('cancelled', 'stopped while waiting for a call');
  if (incoming === 'closed') return missed('disconnected', 'the connection to the server closed');
  say(`Incoming call from ${incoming.from} (call ${incoming.callId}).`);
  // One call at a time: later callers hear busy.
  client.on('incoming', (other) => client.reject(other, 'busy'));
  if (options.answerAfterMs > 0) {
    const ring = waitFor(options.answerAfterMs, signal);
    const gone = new Promise<{ reason: CallEndReason; message: string }>((resolve) =>
      client.on('incomingEnded', (callId, reason, message) => {
        if (callId === incoming.callId) resolve({ reason, message });
      }),
    );
    const outcome = await Promise.race([ring.done, gone]);
    ring.cancel();
    if (outcome === 'aborted') {
      client.reject(incoming);
      return missed('cancelled', 'rejected: stopped while it rang', incoming);
    }
    if (outcome !== 'timeout') return missed(outcome.reason, outcome.message, incoming);
  }
  const call = await client.answer(incoming);
  follow(call, say);
  const wait2 = waitFor(10_000, signal);
  const outcome = await Promise.race([call.connected, wait2.done]);
  wait2.cancel();
  if (outcome === 'timeout') call.abandon('error', 'the server did not answer with its media within 10 s');
  if (outcome === 'aborted') call.abandon('cancelled', 'stopped while answering');
  return call;
}

/** The connected part: audio, digits, hang-up; resolves with the report when the call has ended. */
async function converse(call: PhoneCall, options: CallOptions, audio: Int16Array | null, say: Say, signal: AbortSignal | undefined): Promise<CallReport> {
  if (call.state !== 'connected') return call.ended;
  const timers: Array<() => void> = [];
  const later = (ms: number, action: () => void) => {
    const wait = waitFor(ms, undefined);
    timers.push(wait.cancel);
    void wait.done.then(action);
  };
  if (options.tone !== null) call.playTone(options.tone);
  if (audio && options.play) {
    void call.play(audio, { name: options.play }).then(() => {
      if (call.state === 'connected') say(`${since(call)}  finished playing ${options.play}`);
    });
  }
  if (options.dtmf) {
    const digits = options.dtmf;
    later(options.dtmfAfterMs, () => {
      if (call.state !== 'connected') return;
      say(`${since(call)}  sending DTMF ${digits}`);
      call.sendDigits(digits).catch(() => undefined); // the call ended meanwhile: the report says so
    });
  }
  if (options.hangupAfterMs !== null) later(options.hangupAfterMs, () => void call.hangup());
  const onAbort = () => void call.hangup();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  try {
    return await call.ended;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const cancel of timers) cancel();
  }
}

/** `openccc call`: one scripted call over the virtual phone network. Exit code 0 when it connected. */
export async function callCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const options = parseCallArgs(argv, env);
  if (options === 'help') {
    process.stdout.write(`${CALL_USAGE}\n`);
    return;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onInterrupt = () => {
    // The first Ctrl-C hangs up cleanly; a second one leaves at once.
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  try {
    const report = await runCall(options, { write: (text) => process.stdout.write(text), signal: controller.signal });
    if (options.json) printJson({ server: options.url, ...report });
    else process.stdout.write(`\n${formatReport(report)}\n`);
    process.exitCode = report.connected ? 0 : 1;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
