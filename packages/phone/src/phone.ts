/**
 * The web phone's logic, without the UI: the connection to the virtual phone network
 * (`/phone/v1`), one call at a time (dialled or incoming), its audio and its ring. The page
 * renders `PhoneState`; everything the browser provides comes in through `PhoneDeps`.
 */
import type { PhoneClientMessage, PhoneEndReason, PhoneErrorCode, PhoneServerMessage } from '@openccc/protocol';
import { CallAudioError, type AudioFailure, type AudioState } from './call-audio.js';
import { cleanNumber, isDialable, randomNumber, rememberNumber, rememberOnline, type Memory } from './phone-number.js';
import { PHONE_VERSION } from './wire.js';

/** The browser WebSocket's surface used here. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

/** A call's audio, as CallAudio provides it. */
export interface CallMedia {
  readonly offerSdp: string;
  readonly withoutMicrophone: boolean;
  readonly state: AudioState;
  readonly muted: boolean;
  applyAnswer(sdp: string): Promise<void>;
  sendDigit(digit: string): boolean;
  setMuted(muted: boolean): void;
  close(): void;
}

export interface RingerLike {
  start(): void;
  stop(): void;
  /** Whether a ring would be heard now (browsers keep audio silent until the page is clicked). */
  readonly audible: boolean;
  /** Called when `audible` changes. */
  onChange: (() => void) | null;
}

export interface PhoneDeps {
  /** The phone endpoint, e.g. `wss://ccc.example.com/phone/v1`. */
  url: string;
  openSocket(url: string): SocketLike;
  openAudio(onChange: () => void): Promise<CallMedia>;
  ringer: RingerLike;
  memory: Memory;
  now(): number;
  newId(): string;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random?: () => number;
}

export type Connection = 'offline' | 'connecting' | 'online' | 'reconnecting';

/** `preparing`: the microphone and the offer are being made, nothing sent yet. */
export type CallPhase = 'preparing' | 'dialing' | 'ringing' | 'connected' | 'incoming' | 'answering';

export interface CallView {
  id: string;
  direction: 'outbound' | 'inbound';
  /** The number dialled, or the caller's. */
  peer: string;
  phase: CallPhase;
  /** `system` (IVR or queue), an agent's mail, or `self` for an answered incoming call. */
  answeredBy: string | null;
  /** An agent's phone rings for this (already connected) call. */
  agentRinging: boolean;
  startedAt: number;
  connectedAt: number | null;
  /** DTMF sent during the call. */
  digits: string;
  muted: boolean;
  audio: AudioState | 'none';
  withoutMicrophone: boolean;
}

/** Why the last call ended: the network's reason, or `missed`, `cancelled`, `disconnected`, `failed` from this page. */
export type EndReason = PhoneEndReason | 'missed' | 'cancelled' | 'disconnected' | 'failed';

export interface LastCall {
  direction: 'outbound' | 'inbound';
  peer: string;
  reason: EndReason;
  message: string;
  talkMs: number | null;
}

export type ProblemCode = 'badNumber' | 'connectFailed' | 'connectionLost' | 'serverError' | 'dtmfUnavailable' | AudioFailure | PhoneErrorCode;

/** Something to tell the user; `detail` is the technical message, for the curious. */
export interface Problem {
  code: ProblemCode;
  detail: string;
}

export interface PhoneState {
  /** The number chosen (what the number field shows). */
  number: string;
  /** The number as the network wrote it in its welcome, while connected. */
  registered: string | null;
  connection: Connection;
  call: CallView | null;
  lastCall: LastCall | null;
  problem: Problem | null;
  ringAudible: boolean;
}

const OPEN = 1;
/** Waits before reconnecting after a lost connection; the last one repeats. */
export const RECONNECT_DELAYS_MS = [1000, 2000, 5000, 10_000];
export const PING_INTERVAL_MS = 25_000;

export class Phone {
  private state: PhoneState;
  private readonly listeners = new Set<(state: PhoneState) => void>();
  private socket: SocketLike | null = null;
  private media: CallMedia | null = null;
  /** The user wants to be connected (so a lost connection is retried). */
  private wanted = false;
  private attempts = 0;
  private retryTimer: unknown = null;
  private pingTimer: unknown = null;

  constructor(
    private readonly deps: PhoneDeps,
    number: string,
  ) {
    this.state = { number, registered: null, connection: 'offline', call: null, lastCall: null, problem: null, ringAudible: deps.ringer.audible };
    deps.ringer.onChange = () => this.update({ ringAudible: deps.ringer.audible });
  }

  get(): PhoneState {
    return this.state;
  }

  subscribe(listener: (state: PhoneState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------- Number and connection ----------

  /** Edits the number (while not connected). */
  setNumber(value: string): void {
    if (this.state.connection !== 'offline') return;
    this.update({ number: cleanNumber(value), problem: this.state.problem?.code === 'badNumber' ? null : this.state.problem });
  }

  randomizeNumber(): void {
    if (this.state.connection !== 'offline') return;
    this.update({ number: randomNumber(this.deps.random), problem: null });
  }

  /** Connects as the chosen number. */
  connect(): void {
    if (this.state.connection !== 'offline') return;
    const number = cleanNumber(this.state.number);
    if (!isDialable(number)) {
      this.update({ problem: { code: 'badNumber', detail: number } });
      return;
    }
    rememberNumber(this.deps.memory, number);
    this.wanted = true;
    this.attempts = 0;
    this.update({ number, problem: null, lastCall: null });
    this.open();
  }

  /** Hangs up, disconnects, and stays offline. */
  disconnect(): void {
    this.wanted = false;
    rememberOnline(this.deps.memory, false);
    this.clearTimers();
    if (this.state.call) this.hangup();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onclose = null;
      socket.close(1000);
    }
    this.update({ connection: 'offline', registered: null, problem: null });
  }

  dismissProblem(): void {
    this.update({ problem: null });
  }

  dismissLastCall(): void {
    this.update({ lastCall: null });
  }

  private open(): void {
    const socket = this.deps.openSocket(this.deps.url);
    this.socket = socket;
    this.update({ connection: this.attempts === 0 ? 'connecting' : 'reconnecting' });
    socket.onopen = () => this.send({ type: 'hello', v: PHONE_VERSION, number: this.state.number });
    socket.onmessage = (event) => {
      if (this.socket === socket && typeof event.data === 'string') this.receive(event.data);
    };
    socket.onerror = () => undefined; // onclose follows
    socket.onclose = (event) => {
      if (this.socket === socket) this.closed(event.code, event.reason);
    };
  }

  private closed(code: number, reason: string): void {
    this.socket = null;
    this.clearTimers();
    const wasOnline = this.state.connection === 'online';
    if (this.state.call) this.finish('disconnected', '');
    const detail = `connection closed (${code}${reason ? `: ${reason}` : ''})`;
    if (!this.wanted) {
      this.update({ connection: 'offline', registered: null });
      return;
    }
    if (!wasOnline && this.attempts === 0) {
      // Never connected: say so and let the user try again.
      this.wanted = false;
      this.update({ connection: 'offline', registered: null, problem: { code: 'connectFailed', detail } });
      return;
    }
    const wait = RECONNECT_DELAYS_MS[Math.min(this.attempts, RECONNECT_DELAYS_MS.length - 1)] as number;
    this.attempts++;
    this.update({ connection: 'reconnecting', registered: null, problem: { code: 'connectionLost', detail } });
    this.retryTimer = this.deps.setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted) this.open();
    }, wait);
  }

  private clearTimers(): void {
    if (this.retryTimer !== null) this.deps.clearTimeout(this.retryTimer);
    if (this.pingTimer !== null) this.deps.clearTimeout(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private schedulePing(): void {
    this.pingTimer = this.deps.setTimeout(() => {
      this.send({ type: 'ping' });
      this.schedulePing();
    }, PING_INTERVAL_MS);
  }

  private send(message: PhoneClientMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  // ---------- Calls ----------

  /** Dials a number with this page's audio. */
  async dial(value: string): Promise<void> {
    if (this.state.connection !== 'online' || this.state.call) return;
    const to = cleanNumber(value);
    if (!isDialable(to)) {
      this.update({ problem: { code: 'badNumber', detail: to } });
      return;
    }
    const id = this.deps.newId();
    this.update({ call: this.newCall(id, 'outbound', to, 'preparing'), lastCall: null, problem: null });
    const media = await this.openAudio(id);
    if (!media) return;
    this.patchCall(id, { phase: 'dialing' });
    this.send({ type: 'dial', callId: id, to, media: { kind: 'webrtc', sdp: media.offerSdp } });
  }

  /** Answers the ringing incoming call. */
  async answer(): Promise<void> {
    const call = this.state.call;
    if (!call || call.phase !== 'incoming') return;
    this.deps.ringer.stop();
    this.patchCall(call.id, { phase: 'answering' });
    const media = await this.openAudio(call.id);
    if (!media) return;
    this.send({ type: 'answer', callId: call.id, media: { kind: 'webrtc', sdp: media.offerSdp } });
  }

  /** Refuses the ringing incoming call. */
  reject(): void {
    const call = this.state.call;
    if (!call || call.phase !== 'incoming') return;
    this.send({ type: 'reject', callId: call.id, reason: 'reject' });
    this.finish('rejected', '');
  }

  /** Ends the call, whatever its phase (an incoming call that rings is rejected). */
  hangup(): void {
    const call = this.state.call;
    if (!call) return;
    if (call.phase === 'incoming') return this.reject();
    // A dialled call still preparing has told the network nothing yet; an incoming one not yet answered is refused.
    if (call.phase === 'answering' && !this.media) this.send({ type: 'reject', callId: call.id, reason: 'reject' });
    else if (call.phase !== 'preparing') this.send({ type: 'hangup', callId: call.id });
    this.finish(call.phase === 'connected' ? 'hangup' : 'cancelled', '');
  }

  /** Sends a DTMF digit in the call's audio. */
  sendDigit(digit: string): void {
    const call = this.state.call;
    if (!call || call.phase !== 'connected' || !this.media) return;
    if (this.media.sendDigit(digit)) this.patchCall(call.id, { digits: call.digits + digit });
    else this.update({ problem: { code: 'dtmfUnavailable', detail: 'RTCDTMFSender cannot insert digits on this connection' } });
  }

  setMuted(muted: boolean): void {
    const call = this.state.call;
    if (!call || !this.media) return;
    this.media.setMuted(muted);
    this.patchCall(call.id, { muted: this.media.muted });
  }

  private newCall(id: string, direction: CallView['direction'], peer: string, phase: CallPhase): CallView {
    return { id, direction, peer, phase, answeredBy: null, agentRinging: false, startedAt: this.deps.now(), connectedAt: null, digits: '', muted: false, audio: 'none', withoutMicrophone: false };
  }

  /** Opens the call's audio; null (and the call is over) when it cannot, or when the call ended meanwhile. */
  private async openAudio(id: string): Promise<CallMedia | null> {
    let media: CallMedia;
    try {
      media = await this.deps.openAudio(() => this.mediaChanged());
    } catch (error) {
      if (this.state.call?.id !== id) return null;
      const call = this.state.call;
      // An incoming call the page could not take is refused; a dialled one was never sent.
      if (call.direction === 'inbound') this.send({ type: 'reject', callId: id, reason: 'reject' });
      const problem: Problem = error instanceof CallAudioError ? { code: error.reason, detail: error.message } : { code: 'offerFailed', detail: String(error) };
      this.finish('failed', problem.detail);
      this.update({ problem });
      return null;
    }
    if (this.state.call?.id !== id) {
      media.close();
      return null;
    }
    this.media = media;
    this.patchCall(id, { audio: media.state, withoutMicrophone: media.withoutMicrophone });
    return media;
  }

  private mediaChanged(): void {
    const call = this.state.call;
    if (call && this.media) this.patchCall(call.id, { audio: this.media.state, muted: this.media.muted });
  }

  private patchCall(id: string, patch: Partial<CallView>): void {
    const call = this.state.call;
    if (call?.id === id) this.update({ call: { ...call, ...patch } });
  }

  private connected(call: CallView, by: string): void {
    this.patchCall(call.id, { phase: 'connected', connectedAt: call.connectedAt ?? this.deps.now(), answeredBy: by, agentRinging: false });
  }

  /** The call is over on this page: audio closed, ring stopped, remembered as the last call. */
  private finish(reason: EndReason, message: string): void {
    const call = this.state.call;
    if (!call) return;
    this.media?.close();
    this.media = null;
    this.deps.ringer.stop();
    const talkMs = call.connectedAt === null ? null : this.deps.now() - call.connectedAt;
    this.update({ call: null, lastCall: { direction: call.direction, peer: call.peer, reason, message, talkMs } });
  }

  // ---------- The network's messages ----------

  private receive(text: string): void {
    let message: PhoneServerMessage;
    try {
      message = JSON.parse(text) as PhoneServerMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    if (this.state.connection !== 'online') return this.receiveBeforeWelcome(message);
    const call = this.state.call;
    switch (message.type) {
      case 'incoming':
        if (call) {
          this.send({ type: 'reject', callId: message.callId, reason: 'busy' });
          return;
        }
        this.update({ call: this.newCall(message.callId, 'inbound', message.from, 'incoming'), lastCall: null });
        this.deps.ringer.start();
        return;
      case 'media':
        if (call?.id !== message.callId || !this.media) return;
        if (message.media.kind !== 'webrtc') {
          this.send({ type: 'hangup', callId: call.id });
          this.finish('failed', 'the server answered with RTP media');
          this.update({ problem: { code: 'answerRefused', detail: `the server answered a WebRTC offer with ${message.media.kind} media` } });
          return;
        }
        this.media.applyAnswer(message.media.sdp).catch((error: unknown) => {
          if (this.state.call?.id !== call.id) return;
          this.send({ type: 'hangup', callId: call.id });
          this.finish('failed', String(error));
          this.update({ problem: { code: 'answerRefused', detail: String(error) } });
        });
        if (call.direction === 'inbound' && call.phase === 'answering') this.connected(call, 'self');
        return;
      case 'ringing':
        if (call?.id !== message.callId) return;
        if (call.phase === 'connected') this.patchCall(call.id, { agentRinging: true });
        else if (call.phase === 'dialing') this.patchCall(call.id, { phase: 'ringing' });
        return;
      case 'answered':
        if (call?.id === message.callId) this.connected(call, message.by);
        return;
      case 'ended':
        if (call?.id !== message.callId) return;
        this.finish(call.phase === 'incoming' ? 'missed' : message.reason, message.message);
        return;
      case 'error': {
        const problem: Problem = { code: message.code, detail: message.message };
        if (call && message.callId === call.id && (call.phase !== 'connected' || message.code === 'noSuchCall')) this.finish('failed', message.message);
        this.update({ problem });
        return;
      }
      default:
        return;
    }
  }

  private receiveBeforeWelcome(message: PhoneServerMessage): void {
    if (message.type === 'welcome') {
      this.attempts = 0;
      rememberOnline(this.deps.memory, true);
      const lost = this.state.problem?.code === 'connectionLost' || this.state.problem?.code === 'connectFailed';
      this.update({ connection: 'online', registered: message.number, problem: lost ? null : this.state.problem });
      this.schedulePing();
    } else if (message.type === 'error') {
      // Refused (number in use, version): retrying would not help.
      this.wanted = false;
      rememberOnline(this.deps.memory, false);
      const socket = this.socket;
      this.socket = null;
      if (socket) {
        socket.onclose = null;
        socket.close(1000);
      }
      this.clearTimers();
      this.update({ connection: 'offline', registered: null, problem: { code: message.code, detail: message.message } });
    }
  }

  private update(patch: Partial<PhoneState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }
}

/** The phone endpoint of the page's own server. */
export function phoneUrlFor(location: Pick<Location, 'protocol' | 'host'>, path: string): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}
