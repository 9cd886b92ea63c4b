import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readWav, writeWav } from '../../../packages/server/src/media/wav.js';
import { toneSamples } from '../../../packages/server/src/media/tones.js';
import { findFreePort } from './ports.js';

/**
 * A baresip 1.0 desk phone, headless: its own configuration folder, SIP on loopback, an 8 kHz WAV
 * tone as its microphone, and the `sndfile` filter writing what it hears to a WAV. It is driven
 * and observed through `ctrl_tcp` (netstring-framed JSON commands, responses and events).
 */
export interface BaresipOptions {
  /** The address of record's user and host: `sip:<user>@<domain>`. */
  user: string;
  domain: string;
  password: string;
  /** The registrar and proxy every request goes through (`host:port`). */
  outboundProxy: string;
  /** The frequency of the tone the phone speaks. */
  toneHz: number;
  /** Registration interval in seconds; 0 never registers. */
  registerSeconds?: number;
  /** The loopback address the phone uses (default 127.0.0.1): phones on one address share its flood budget. */
  address?: string;
}

/** One event baresip reported (`REGISTER_OK`, `CALL_INCOMING`, `CALL_ESTABLISHED`, `CALL_CLOSED`, …). */
export interface BaresipEvent {
  type: string;
  param?: string;
  [key: string]: unknown;
}

interface Waiter {
  match: (event: BaresipEvent) => boolean;
  resolve: (event: BaresipEvent) => void;
  reject: (error: Error) => void;
}

/** Splits netstrings (`<length>:<bytes>,`) off a buffer; returns the messages and what is left. */
function takeNetstrings(buffer: Buffer): { messages: string[]; rest: Buffer } {
  const messages: string[] = [];
  let rest = buffer;
  for (;;) {
    const colon = rest.indexOf(0x3a);
    if (colon < 0) break;
    const length = Number(rest.subarray(0, colon).toString('ascii'));
    if (!Number.isInteger(length) || rest.length < colon + 1 + length + 1) break;
    messages.push(rest.subarray(colon + 1, colon + 1 + length).toString('utf8'));
    rest = rest.subarray(colon + 1 + length + 1);
  }
  return { messages, rest };
}

export class Baresip {
  private readonly events: BaresipEvent[] = [];
  private waiters: Waiter[] = [];
  private output = '';
  private exited = false;
  private tokens = 0;

  private constructor(
    readonly dir: string,
    readonly sipPort: number,
    private readonly child: ChildProcess,
    private readonly control: net.Socket,
  ) {
    let buffer: Buffer = Buffer.alloc(0);
    control.on('data', (chunk: Buffer) => {
      const taken = takeNetstrings(Buffer.concat([buffer, chunk]));
      buffer = taken.rest;
      for (const text of taken.messages) this.received(text);
    });
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-20_000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-20_000)));
    child.once('exit', () => {
      this.exited = true;
      for (const waiter of this.waiters) waiter.reject(new Error(`baresip exited; its last output:\n${this.output.slice(-3000)}`));
      this.waiters = [];
    });
  }

  /** Starts baresip with a fresh configuration folder and connects to its control socket. */
  static async start(options: BaresipOptions): Promise<Baresip> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'openccc-baresip-'));
    const address = options.address ?? '127.0.0.1';
    const [sipPort, controlPort] = [await findFreePort({ host: address }), await findFreePort({ protocols: ['tcp'] })];
    // aufile ends the call at the end of its file: a minute of tone outlasts every test call.
    await writeFile(path.join(dir, 'tone.wav'), writeWav({ sampleRate: 8000, channels: 1, samples: toneSamples({ frequencies: [options.toneHz], onMs: 1000, offMs: 0, level: 0.4 }, 60_000) }));
    await writeFile(
      path.join(dir, 'config'),
      [
        'poll_method epoll',
        'call_local_timeout 120',
        'call_max_calls 4',
        `sip_listen ${address}:${sipPort}`,
        `net_interface ${address}`,
        `audio_source aufile,${path.join(dir, 'tone.wav')}`,
        // aufile has no player in 1.0: the bridge device is a sink nobody reads; sndfile records.
        'audio_player aubridge,openccc',
        'audio_alert aubridge,openccc',
        `snd_path ${dir}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module aubridge.so',
        'module sndfile.so',
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${controlPort}`,
        '',
      ].join('\n'),
    );
    const account =
      `<sip:${options.user}@${options.domain};transport=udp>;auth_pass=${options.password};outbound="sip:${options.outboundProxy};transport=udp"` +
      `;regint=${options.registerSeconds ?? 60};audio_codecs=PCMU;answermode=auto`;
    // No account at start: it is added once the control socket listens, so that no event is missed.
    await writeFile(path.join(dir, 'accounts'), '');
    const child = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const control = await Baresip.connect(controlPort, child);
      const phone = new Baresip(dir, sipPort, child, control);
      const added = await phone.command('uanew', account);
      if (!added.ok) throw new Error(`baresip refused the account: ${added.data}`);
      return phone;
    } catch (err) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Connects to ctrl_tcp, retrying while baresip starts (bounded). */
  private static async connect(port: number, child: ChildProcess): Promise<net.Socket> {
    for (let attempt = 0; attempt < 200; attempt++) {
      if (child.exitCode !== null) throw new Error(`baresip exited with ${child.exitCode}`);
      const socket = await new Promise<net.Socket | null>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => resolve(socket));
        socket.once('error', () => resolve(null));
      });
      if (socket) return socket;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('baresip did not open its control socket');
  }

  /** The next event (from now, or one already seen and not yet taken) of one of the types. */
  next(types: string | string[]): Promise<BaresipEvent> {
    const wanted = Array.isArray(types) ? types : [types];
    const match = (event: BaresipEvent) => wanted.includes(event.type);
    const seen = this.events.findIndex(match);
    if (seen >= 0) return Promise.resolve(this.events.splice(seen, 1)[0]!);
    if (this.exited) return Promise.reject(new Error('baresip has exited'));
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  /** Runs a command (`dial`, `hangup`, …) and resolves with baresip's response. */
  command(command: string, params = ''): Promise<{ ok: boolean; data: string }> {
    const token = `t${++this.tokens}`;
    const body = Buffer.from(JSON.stringify({ command, params, token }), 'utf8');
    this.control.write(Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]));
    return new Promise((resolve, reject) =>
      this.waiters.push({
        match: (event) => event.type === '$response' && event['token'] === token,
        resolve: (event) => resolve({ ok: event['ok'] === true, data: typeof event['data'] === 'string' ? event['data'] : '' }),
        reject,
      }),
    );
  }

  /** The audio the phone heard in its most recent call (sndfile's decode dump), as 8 kHz samples. */
  async heard(): Promise<Int16Array> {
    const dumps = (await readdir(this.dir)).filter((name) => name.endsWith('-dec.wav')).sort();
    const last = dumps.at(-1);
    if (!last) throw new Error('baresip recorded no call audio');
    const wav = readWav(await readFile(path.join(this.dir, last)));
    if (wav.sampleRate !== 8000 || wav.channels !== 1) throw new Error(`unexpected dump format ${wav.sampleRate} Hz × ${wav.channels}`);
    return wav.samples;
  }

  /** baresip's recent console output, for failure messages. */
  get log(): string {
    return this.output;
  }

  /** Stops baresip (SIGTERM, then SIGKILL) and removes its folder. */
  async stop(): Promise<void> {
    this.control.destroy();
    if (!this.exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  private received(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    const event: BaresipEvent =
      message['response'] === true ? { ...message, type: '$response' } : { ...message, type: typeof message['type'] === 'string' ? message['type'] : '' };
    const i = this.waiters.findIndex((waiter) => waiter.match(event));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(event);
    else if (event.type !== '$response') this.events.push(event);
  }
}
