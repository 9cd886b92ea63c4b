/**
 * A virtual phone in Node: it speaks the phone protocol (`/phone/v1`) over a WebSocket and carries
 * each call's audio on a plain RTP leg (an RtpPeer). It dials, answers, sends RFC 4733 digits,
 * plays tones and files, hangs up, and records what happened in a CallReport. `openccc call` and
 * tests use it.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { PHONE_VERSION, type PhoneClientMessage, type PhoneEndReason, type PhoneErrorCode, type PhoneMediaAnswer, type PhoneServerMessage } from '@openccc/protocol';
import { G711_PAYLOAD_TYPE } from '../media/g711.js';
import type { G711Codec } from '../media/protocol.js';
import { RtpPeer } from '../media/rtp-peer.js';
import { parseRtp } from '../media/rtp-packet.js';
import { CallRecorder, type CallDirection, type CallEndReason, type CallReport } from './call-report.js';
import { AudioPump, toneLoop } from './phone-client-audio.js';

export interface PhoneClientOptions {
  /** The phone endpoint, e.g. `ws://127.0.0.1:8080/phone/v1`. */
  url: string;
  /** This phone's virtual number; calls to it reach this client. */
  number: string;
  /** Where the RTP sockets bind. Default: the local address the WebSocket connection uses. */
  rtpBindAddress?: string;
  /** The address written into media offers. Default: none, so the server uses the address it sees the WebSocket come from. */
  rtpAdvertiseAddress?: string;
  /** Default PCMU. */
  codec?: G711Codec;
  /** Frequencies (Hz) each call's tone detector listens for. */
  listenFor?: readonly number[];
  /** How long to wait for the connection and the welcome; default 10 s. */
  connectTimeoutMs?: number;
  /** How often to send a ping; default 20 s. */
  pingIntervalMs?: number;
  /** How long hangup() waits for the server's `ended`; default 5 s. */
  hangupTimeoutMs?: number;
  now?: () => number;
}

export type PhoneConnectFailure = 'refused' | 'notFound' | 'timeout' | 'refusedHello' | 'closed' | 'network';

/** The phone could not connect, or its hello was refused. */
export class PhoneConnectError extends Error {
  override name = 'PhoneConnectError';
  constructor(
    readonly reason: PhoneConnectFailure,
    message: string,
    readonly code?: PhoneErrorCode,
  ) {
    super(message);
  }
}

export interface IncomingCall {
  callId: string;
  from: string;
  to: string;
}

interface PhoneClientEvents {
  incoming: [call: IncomingCall];
  /** An incoming call that was not answered ended (the caller hung up, or it rang out). */
  incomingEnded: [callId: string, reason: PhoneEndReason, message: string];
  /** An error the server sent that concerns no call of this client. */
  error: [error: { code: PhoneErrorCode; message: string; callId?: string }];
  /** The connection closed (after the welcome). */
  close: [];
}

/** A connected virtual phone. Create it with `PhoneClient.connect()`. */
export class PhoneClient extends EventEmitter<PhoneClientEvents> {
  private readonly calls = new Map<string, PhoneCall>();
  private readonly pending = new Map<string, IncomingCall>();
  /** Incoming calls that arrived while nobody listened, for nextIncoming(). */
  private readonly unclaimed: IncomingCall[] = [];
  private readonly pinger: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly socket: WebSocket,
    /** The number as the network writes it (`0086…`). */
    readonly number: string,
    readonly localAddress: string,
    readonly remoteAddress: string,
    readonly options: PhoneClientOptions,
  ) {
    super();
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(data.toString());
    });
    socket.on('close', () => this.onClose());
    socket.on('error', () => undefined); // 'close' follows and says it
    this.pinger = setInterval(() => this.send({ type: 'ping' }), options.pingIntervalMs ?? 20_000);
    this.pinger.unref();
  }

  /** Connects, says hello with the number and resolves once welcomed. */
  static connect(options: PhoneClientOptions): Promise<PhoneClient> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(options.url, { handshakeTimeout: timeoutMs, maxPayload: 1 << 20 });
      let local = '';
      let remote = '';
      let settled = false;
      const fail = (error: PhoneConnectError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(error);
      };
      const timer = setTimeout(() => fail(new PhoneConnectError('timeout', `No welcome from ${options.url} within ${timeoutMs / 1000} s.`)), timeoutMs);
      socket.on('upgrade', (response) => {
        local = unmapped(response.socket.localAddress ?? '');
        remote = unmapped(response.socket.remoteAddress ?? '');
      });
      socket.on('unexpected-response', (_request, response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        fail(new PhoneConnectError(status === 404 ? 'notFound' : 'network', `${options.url} answered HTTP ${status} instead of opening the phone connection.`));
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const refused = error.code === 'ECONNREFUSED';
        fail(new PhoneConnectError(refused ? 'refused' : 'network', refused ? `Nothing is listening at ${options.url} (connection refused).` : `Cannot connect to ${options.url}: ${error.message}`));
      });
      socket.on('close', () => fail(new PhoneConnectError('closed', `${options.url} closed the connection before welcoming the phone.`)));
      socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', v: PHONE_VERSION, number: options.number } satisfies PhoneClientMessage)));
      socket.on('message', (data, isBinary) => {
        if (isBinary) return;
        const message = parseServerMessage(data.toString());
        if (message?.type === 'error') {
          fail(new PhoneConnectError('refusedHello', `The server refused the phone: ${message.code}: ${message.message}`, message.code));
        } else if (message?.type === 'welcome') {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          socket.removeAllListeners();
          resolve(new PhoneClient(socket, message.number, local, remote, options));
        }
      });
    });
  }

  get open(): boolean {
    return !this.closed;
  }

  /** Dials a number. The call is live at once; await `call.connected` for the answer. */
  async dial(to: string, callId: string = randomUUID()): Promise<PhoneCall> {
    const call = await this.newCall(callId, 'outbound', this.number, to);
    this.send({ type: 'dial', callId, to, media: call.mediaOffer() });
    return call;
  }

  /** Resolves with the next incoming call (or rejects when the connection closes first). */
  nextIncoming(): Promise<IncomingCall> {
    return new Promise((resolve, reject) => {
      const waiting = this.unclaimed.shift();
      if (waiting) {
        resolve(waiting);
        return;
      }
      if (this.closed) {
        reject(new Error('the phone connection is closed'));
        return;
      }
      const onIncoming = (call: IncomingCall) => {
        this.off('close', onClose);
        resolve(call);
      };
      const onClose = () => {
        this.off('incoming', onIncoming);
        reject(new Error('the phone connection closed'));
      };
      this.once('incoming', onIncoming);
      this.once('close', onClose);
    });
  }

  /** Answers an incoming call with a fresh RTP leg. */
  async answer(incoming: IncomingCall): Promise<PhoneCall> {
    const call = await this.newCall(incoming.callId, 'inbound', incoming.from, incoming.to);
    this.pending.delete(incoming.callId);
    this.send({ type: 'answer', callId: incoming.callId, media: call.mediaOffer() });
    return call;
  }

  /** Refuses an incoming call. */
  reject(incoming: IncomingCall | string, reason: 'busy' | 'reject' = 'reject'): void {
    const callId = typeof incoming === 'string' ? incoming : incoming.callId;
    this.pending.delete(callId);
    this.send({ type: 'reject', callId, reason });
  }

  /** Hangs up every call and closes the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.calls.values()].map((call) => call.hangup()));
    clearInterval(this.pinger);
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
      this.socket.close(1000);
      await Promise.race([closed, delay(2000, undefined, { ref: false })]);
    }
    this.socket.terminate();
    this.onClose();
  }

  /** @internal */
  send(message: PhoneClientMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** @internal */
  forget(callId: string): void {
    this.calls.delete(callId);
  }

  private async newCall(callId: string, direction: CallDirection, from: string, to: string): Promise<PhoneCall> {
    if (this.closed) throw new Error('the phone connection is closed');
    if (this.calls.has(callId)) throw new Error(`a call ${callId} is already in progress`);
    const bind = this.options.rtpBindAddress ?? (this.localAddress || '127.0.0.1');
    const peer = await RtpPeer.open(bind, { codec: this.options.codec ?? 'PCMU', listenFor: this.options.listenFor ?? [] });
    const call = new PhoneCall(this, callId, direction, from, to, peer, this.options.now ?? Date.now);
    this.calls.set(callId, call);
    return call;
  }

  private receive(text: string): void {
    const message = parseServerMessage(text);
    if (!message) return;
    if (message.type === 'incoming') {
      const incoming = { callId: message.callId, from: message.from, to: message.to };
      this.pending.set(message.callId, incoming);
      if (this.listenerCount('incoming') > 0) this.emit('incoming', incoming);
      else this.unclaimed.push(incoming);
      return;
    }
    if (message.type === 'welcome' || message.type === 'pong') return;
    const callId = message.callId;
    const call = callId === undefined ? undefined : this.calls.get(callId);
    if (call) {
      call.receive(message);
      return;
    }
    if (message.type === 'ended' && callId !== undefined && this.pending.delete(callId)) {
      const index = this.unclaimed.findIndex((c) => c.callId === callId);
      if (index >= 0) this.unclaimed.splice(index, 1);
      this.emit('incomingEnded', callId, message.reason, message.message);
    } else if (message.type === 'error') {
      if (this.listenerCount('error') > 0) this.emit('error', { code: message.code, message: message.message, callId: message.callId });
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pinger);
    for (const call of [...this.calls.values()]) call.endLocally('disconnected', 'the connection to the server closed', 'remote');
    this.pending.clear();
    this.unclaimed.length = 0;
    this.emit('close');
  }
}

export type PhoneCallState = 'dialing' | 'answering' | 'connected' | 'ended';

interface PhoneCallEvents {
  media: [remote: { address: string; port: number; codec: G711Codec }];
  ringing: [];
  answered: [by: string];
  tone: [frequency: number, rms: number];
  digit: [digit: string];
  ended: [report: CallReport];
}

/** Errors that end a call still being set up: the server will not go on with it. */
const FATAL_BEFORE_CONNECT: ReadonlySet<PhoneErrorCode> = new Set(['badMessage', 'callExists', 'noSuchCall', 'mediaFailed', 'tooManyCalls', 'notRegistered']);

/** One call of a PhoneClient, with its RTP leg and its report. */
export class PhoneCall extends EventEmitter<PhoneCallEvents> {
  state: PhoneCallState;
  readonly recorder: CallRecorder;
  /** When the call was placed or answered (the clock's time). */
  readonly startedAt: number;
  /** Resolves true once answered, false if the call ends first. */
  readonly connected: Promise<boolean>;
  /** Resolves with the report when the call has ended. */
  readonly ended: Promise<CallReport>;
  private readonly pump: AudioPump;
  private resolveConnected!: (connected: boolean) => void;
  private resolveEnded!: (report: CallReport) => void;
  private hangupSent = false;

  /** @internal use PhoneClient.dial() / answer(). */
  constructor(
    private readonly client: PhoneClient,
    readonly callId: string,
    readonly direction: CallDirection,
    readonly from: string,
    readonly to: string,
    readonly rtp: RtpPeer,
    now: () => number,
  ) {
    super();
    this.state = direction === 'outbound' ? 'dialing' : 'answering';
    this.startedAt = now();
    this.recorder = new CallRecorder(direction, from, to, now);
    this.recorder.setCallId(callId);
    this.recorder.setMedia({ address: rtp.address, port: rtp.port });
    this.connected = new Promise((resolve) => (this.resolveConnected = resolve));
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.pump = new AudioPump(rtp);
    const audioType = G711_PAYLOAD_TYPE[rtp.codec];
    rtp.socket.on('message', (message) => {
      // The peer's own listener ran first, so lastRms already describes this packet.
      const packet = parseRtp(message);
      if (packet) this.recorder.onPacket(packet.payloadType === audioType ? rtp.lastRms : undefined);
    });
    rtp.on('tone', (frequency, level) => {
      this.recorder.onTone(frequency);
      this.emit('tone', frequency, level);
    });
    rtp.on('dtmf', (digit) => {
      this.recorder.onDigitReceived(digit);
      this.emit('digit', digit);
    });
  }

  /** @internal the media this phone offers. */
  mediaOffer(): Extract<PhoneClientMessage, { type: 'dial' }>['media'] {
    const address = this.client.options.rtpAdvertiseAddress;
    return { kind: 'rtp', port: this.rtp.port, codec: this.rtp.codec, ...(address ? { address } : {}) };
  }

  report(): CallReport {
    return this.recorder.report();
  }

  /** Sends RFC 4733 digits, `gapMs` apart; a comma waits a second. */
  async sendDigits(digits: string, gapMs = 250): Promise<void> {
    // The network may say `answered` before its `media`: digits wait for somewhere to go.
    if (!this.rtp.remote && this.state !== 'ended') await this.mediaOrEnd();
    for (const [index, digit] of [...digits].entries()) {
      if (this.state !== 'connected') throw new Error(`cannot send digits: the call is ${this.state}`);
      if (index > 0) await delay(gapMs);
      if (digit === ',') {
        await delay(1000);
        continue;
      }
      this.rtp.sendDigit(digit);
      this.recorder.onDigitSent(digit.toUpperCase());
    }
  }

  private mediaOrEnd(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.off('media', done);
        this.off('ended', done);
        resolve();
      };
      this.on('media', done);
      this.on('ended', done);
    });
  }

  /** Plays a continuous tone until stopAudio() or another play. */
  playTone(frequency: number, level?: number): void {
    this.recorder.setPlayed(`${frequency} Hz tone`);
    void this.pump.play(toneLoop(frequency, level), true);
  }

  /** Plays 8 kHz samples once (then silence), or looping; resolves when a single play is done. */
  play(samples: Int16Array, options: { loop?: boolean; name?: string } = {}): Promise<void> {
    this.recorder.setPlayed(`${options.name ?? 'audio'} (${(samples.length / 8000).toFixed(1)} s${options.loop ? ', looping' : ''})`);
    return this.pump.play(samples, options.loop ?? false);
  }

  stopAudio(): void {
    this.pump.silence();
  }

  /** Hangs up and resolves with the report once the server confirms (or after a few seconds without it). */
  async hangup(): Promise<CallReport> {
    if (this.state === 'ended') return this.ended;
    if (!this.hangupSent) {
      this.hangupSent = true;
      this.client.send({ type: 'hangup', callId: this.callId });
    }
    const timeoutMs = this.client.options.hangupTimeoutMs ?? 5000;
    const timer = setTimeout(() => this.endLocally(this.recorder.connected ? 'hangup' : 'cancelled', 'no confirmation from the server', 'local'), timeoutMs);
    try {
      return await this.ended;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Gives up on the call at once (hangup sent, no confirmation awaited), ending it with this reason. */
  abandon(reason: CallEndReason, message: string): void {
    if (this.state === 'ended') return;
    if (!this.hangupSent) {
      this.hangupSent = true;
      this.client.send({ type: 'hangup', callId: this.callId });
    }
    this.endLocally(reason, message, 'local');
  }

  /** @internal a server message about this call. */
  receive(message: PhoneServerMessage): void {
    if (this.state === 'ended') return;
    switch (message.type) {
      case 'media':
        this.onMedia(message.media);
        return;
      case 'ringing':
        this.recorder.onRinging();
        this.emit('ringing');
        return;
      case 'answered':
        this.recorder.onAnswered(message.by);
        this.becomeConnected();
        this.emit('answered', message.by);
        return;
      case 'ended':
        this.endLocally(message.reason, message.message, this.hangupSent ? 'local' : 'remote');
        return;
      case 'error':
        this.recorder.onError(message.code, message.message);
        if (message.code === 'noSuchCall' || (this.state !== 'connected' && FATAL_BEFORE_CONNECT.has(message.code))) {
          this.endLocally('error', `${message.code}: ${message.message}`, 'remote');
        }
        return;
      default:
        return;
    }
  }

  private onMedia(media: PhoneMediaAnswer): void {
    if (media.kind !== 'rtp') return this.failMedia(`the server answered with ${media.kind} media to an RTP offer`);
    if (media.codec !== this.rtp.codec) return this.failMedia(`the server answered with ${media.codec}; this phone offered ${this.rtp.codec}`);
    // An unspecified address means "where the WebSocket went".
    const address = !media.address || media.address === '0.0.0.0' || media.address === '::' ? this.client.remoteAddress : media.address;
    const remote = { address, port: media.port, codec: media.codec };
    this.rtp.remote = { address, port: media.port };
    this.recorder.setMedia({ address: this.rtp.address, port: this.rtp.port }, remote);
    // Send (silence) at once: an RTP leg that latches learns this phone's address from its first packet.
    this.pump.start();
    this.emit('media', remote);
    // An answered incoming call is connected once its media is agreed.
    if (this.direction === 'inbound' && this.state === 'answering') {
      this.recorder.onAnswered('self');
      this.becomeConnected();
      this.emit('answered', 'self');
    }
  }

  private failMedia(message: string): void {
    this.recorder.onError('local', message);
    this.client.send({ type: 'hangup', callId: this.callId });
    this.hangupSent = true;
    this.endLocally('error', message, 'local');
  }

  private becomeConnected(): void {
    if (this.state === 'connected') return;
    this.state = 'connected';
    this.resolveConnected(true);
  }

  /** @internal ends the call on this side: stops audio, closes the leg, settles the promises. */
  endLocally(reason: CallEndReason, message: string, by: 'local' | 'remote'): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.recorder.onEnded(reason, message, by);
    this.pump.stop();
    this.rtp.close();
    this.client.forget(this.callId);
    this.resolveConnected(false);
    const report = this.recorder.report();
    this.resolveEnded(report);
    this.emit('ended', report);
  }
}

function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** A server frame, if it is a JSON object with a string type; anything else is ignored. */
export function parseServerMessage(text: string): PhoneServerMessage | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') return undefined;
    return value as PhoneServerMessage;
  } catch {
    return undefined;
  }
}
