/**
 * The main thread's handle on the media plane: it owns the worker threads, places legs on them,
 * sends commands and hands out typed events. No socket, timer or packet of a leg lives here.
 *
 * Placement: every leg is created with a session key. The first leg of a session picks the worker
 * with the fewest legs; every later leg of that session goes to the same worker, so legs that will
 * be bridged or recorded together (a call's customer and agents) always share a worker. The
 * session's pin is dropped when its last leg closes.
 */
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { MediaError } from './media-error.js';
import { mediaPlaneDefaults, type MediaPlaneOptions } from './media-options.js';
import { splitPortRange } from './port-allocator.js';
import {
  RTP_PTIMES,
  type CommandEnvelope,
  type CommandResults,
  type LegId,
  type LegParams,
  type LegReady,
  type MediaCommand,
  type MediaEvent,
  type MediaEventOf,
  type MediaEventType,
  type PlaySource,
  type RecordingId,
  type WorkerMessage,
  type WorkerStats,
} from './protocol.js';
import { spawnDefaultWorker, type WorkerInit } from './worker-spawn.js';

type Listener<T extends MediaEventType> = (event: MediaEventOf<T>) => void;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: MediaError) => void;
}

interface WorkerSlot {
  index: number;
  worker: Worker;
  init: WorkerInit;
  pending: Map<number, Pending>;
  legs: number;
  alive: boolean;
  /** When the slot's worker was restarted lately (unix ms), to stop a crash loop. */
  restarts: number[];
}

/** A worker that died is started again, at most this many times in RESTART_WINDOW_MS. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

export class MediaPlane {
  private readonly options: MediaPlaneOptions;
  private slotList: WorkerSlot[] | null = null;
  private readonly legs = new Map<LegId, { slot: WorkerSlot; session: string }>();
  private readonly sessions = new Map<string, { slot: WorkerSlot; legs: number }>();
  private readonly recordings = new Map<RecordingId, WorkerSlot>();
  private readonly listeners = new Map<MediaEventType, Set<(event: MediaEvent) => void>>();
  private nextId = 1;
  private closed = false;

  constructor(options: Partial<MediaPlaneOptions> = {}) {
    this.options = { ...mediaPlaneDefaults(), ...options };
    if (!Number.isInteger(this.options.workers) || this.options.workers < 1) throw new RangeError(`media workers must be a positive integer, got ${this.options.workers}`);
  }

  /** The workers, started on first use: a server that never carries a call starts no thread. */
  private get slots(): WorkerSlot[] {
    this.slotList ??= this.spawnWorkers();
    return this.slotList;
  }

  private spawnWorkers(): WorkerSlot[] {
    const { workers, portRange, bindAddress } = this.options;
    const advertisedAddress = this.options.advertisedAddress ?? (bindAddress === '0.0.0.0' || bindAddress === '::' ? '127.0.0.1' : bindAddress);
    const spawn = this.options.spawnWorker ?? spawnDefaultWorker;
    const webrtcRanges = this.options.webrtc.portRange ? splitPortRange({ min: this.options.webrtc.portRange[0], max: this.options.webrtc.portRange[1] }, workers) : undefined;
    return splitPortRange(portRange, workers).map((range, index) => {
      // werift probes its ICE range from the lowest port up, then binds: workers sharing one range would race.
      const webrtcRange = webrtcRanges?.[index];
      const webrtc = webrtcRange ? { ...this.options.webrtc, portRange: [webrtcRange.min, webrtcRange.max] as [number, number] } : this.options.webrtc;
      const init: WorkerInit = { openCccMediaWorker: true, config: { bindAddress, advertisedAddress, portRange: range, webrtc } };
      const slot: WorkerSlot = { index, worker: spawn(init), init, pending: new Map(), legs: 0, alive: true, restarts: [] };
      this.watch(slot);
      return slot;
    });
  }

  private watch(slot: WorkerSlot): void {
    const worker = slot.worker;
    worker.on('message', (message: WorkerMessage) => {
      if (slot.worker === worker) this.onMessage(slot, message);
    });
    // A late event of a worker already replaced concerns nobody.
    worker.on('error', (error) => slot.worker === worker && this.onWorkerGone(slot, error));
    worker.on('exit', (code) => slot.worker === worker && this.onWorkerGone(slot, new Error(`exited with code ${code}`)));
  }

  /** Starts a dead slot's worker again (its calls are lost; new calls can use it), unless it keeps dying. */
  private restart(slot: WorkerSlot): void {
    const now = Date.now();
    slot.restarts = slot.restarts.filter((at) => now - at < RESTART_WINDOW_MS);
    if (slot.restarts.length >= MAX_RESTARTS) {
      this.options.logger?.error({ worker: slot.index }, `media worker died ${MAX_RESTARTS} times within a minute; it is not started again`);
      return;
    }
    slot.restarts.push(now);
    slot.worker = (this.options.spawnWorker ?? spawnDefaultWorker)(slot.init);
    slot.legs = 0;
    slot.alive = true;
    this.watch(slot);
    this.options.logger?.warn({ worker: slot.index }, 'media worker started again');
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends MediaEventType>(type: T, listener: Listener<T>): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const untyped = listener as (event: MediaEvent) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Resolves with the first event of a type that matches, e.g. a leg's legConnected. */
  once<T extends MediaEventType>(type: T, match: (event: MediaEventOf<T>) => boolean = () => true): Promise<MediaEventOf<T>> {
    return new Promise((resolve) => {
      const off = this.on(type, (event) => {
        if (!match(event)) return;
        off();
        resolve(event);
      });
    });
  }

  private emit(event: MediaEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) {
      try {
        listener(event);
      } catch (error) {
        // A throwing listener must not stop the others or the worker's message handling.
        this.options.logger?.error({ err: error, event: event.type }, 'media event listener threw');
      }
    }
  }

  /** Creates a leg on the worker its session is pinned to; resolves when it can carry media. */
  async createLeg(session: string, params: LegParams, options: { mediaTimeoutMs?: number } = {}): Promise<{ leg: LegId } & LegReady> {
    assertLegParams(params);
    const slot = this.placeSession(session);
    const leg = randomUUID();
    this.legs.set(leg, { slot, session });
    slot.legs++;
    try {
      const ready = await this.send(slot, { type: 'createLeg', leg, session, params, mediaTimeoutMs: options.mediaTimeoutMs ?? this.options.mediaTimeoutMs });
      return { leg, ...ready };
    } catch (error) {
      this.forgetLeg(leg);
      throw error;
    }
  }

  /** Relays audio both ways between two legs of one worker. */
  async bridge(legA: LegId, legB: LegId): Promise<null> {
    const a = this.slotOf(legA);
    if (a !== this.slotOf(legB)) {
      throw new MediaError('crossWorkerBridge', `legs ${legA} and ${legB} live on different media workers: create legs that will be bridged with the same session key`);
    }
    return this.send(a, { type: 'bridge', legA, legB });
  }

  async unbridge(leg: LegId): Promise<null> {
    return this.send(this.slotOf(leg), { type: 'unbridge', leg });
  }

  /** Plays a prompt or tone to a leg, replacing whatever it heard (bridge or earlier prompt). */
  async play(leg: LegId, source: PlaySource, options: { loop?: boolean } = {}): Promise<null> {
    return this.send(this.slotOf(leg), { type: 'play', leg, source, loop: options.loop ?? false });
  }

  async stopPlay(leg: LegId): Promise<null> {
    return this.send(this.slotOf(leg), { type: 'stopPlay', leg });
  }

  /** Records what the customer and agent legs receive into a stereo WAV (customer left, agent right). */
  async record(legs: { customer: LegId; agent: LegId }, path: string): Promise<RecordingId> {
    const slot = this.slotOf(legs.customer);
    if (slot !== this.slotOf(legs.agent)) throw new MediaError('crossWorkerBridge', 'a recording needs both legs on one media worker: create them with the same session key');
    const recording = randomUUID();
    const session = this.legs.get(legs.customer)?.session ?? '';
    this.recordings.set(recording, slot);
    try {
      await this.send(slot, { type: 'record', recording, session, legs, path });
    } catch (error) {
      this.recordings.delete(recording);
      throw error;
    }
    return recording;
  }

  /** Ends a recording; recordDone follows with its path and duration. */
  async stopRecord(recording: RecordingId): Promise<null> {
    const slot = this.recordings.get(recording);
    if (!slot) return Promise.reject(new MediaError('recordingNotFound', `no recording ${recording} runs`));
    this.recordings.delete(recording);
    return this.send(slot, { type: 'stopRecord', recording });
  }

  /** Adds a leg of the same worker to a running recording's channel (0 customer, 1 agent). */
  async addToRecording(recording: RecordingId, leg: LegId, channel: 0 | 1): Promise<null> {
    const slot = this.recordings.get(recording);
    if (!slot) return Promise.reject(new MediaError('recordingNotFound', `no recording ${recording} runs`));
    if (slot !== this.slotOf(leg)) return Promise.reject(new MediaError('crossWorkerBridge', 'a recording needs its legs on one media worker'));
    return this.send(slot, { type: 'recordLeg', recording, leg, channel });
  }

  /** Sends DTMF: RFC 4733 events on RTP legs, in-band tones on WebRTC legs. */
  async sendDtmf(leg: LegId, digits: string): Promise<null> {
    return this.send(this.slotOf(leg), { type: 'sendDtmf', leg, digits });
  }

  /** Ends a leg; legClosed(destroyed) follows. */
  async destroyLeg(leg: LegId): Promise<null> {
    return this.send(this.slotOf(leg), { type: 'destroyLeg', leg });
  }

  /** Per-worker counters. */
  async stats(): Promise<WorkerStats[]> {
    return Promise.all(this.slots.map((slot) => this.send(slot, { type: 'stats' })));
  }

  /** Ends every leg and recording and stops the workers; idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.slotList) return;
    await Promise.allSettled(this.slots.filter((slot) => slot.alive).map((slot) => this.send(slot, { type: 'shutdown' }, true)));
    await Promise.allSettled(this.slots.map(async (slot) => {
      slot.alive = false;
      await slot.worker.terminate();
    }));
  }

  private placeSession(session: string): WorkerSlot {
    const pinned = this.sessions.get(session);
    if (pinned) {
      pinned.legs++;
      return pinned.slot;
    }
    const alive = this.slots.filter((slot) => slot.alive);
    if (alive.length === 0) throw new MediaError('workerFailed', 'no media worker is running');
    const slot = alive.reduce((best, candidate) => (candidate.legs < best.legs ? candidate : best));
    this.sessions.set(session, { slot, legs: 1 });
    return slot;
  }

  private forgetLeg(leg: LegId): void {
    const known = this.legs.get(leg);
    if (!known) return;
    this.legs.delete(leg);
    known.slot.legs--;
    const session = this.sessions.get(known.session);
    if (session && --session.legs <= 0) this.sessions.delete(known.session);
  }

  private slotOf(leg: LegId): WorkerSlot {
    const known = this.legs.get(leg);
    if (!known) throw new MediaError('legNotFound', `no media leg ${leg}: it was destroyed or never created`);
    return known.slot;
  }

  private send<T extends MediaCommand['type']>(slot: WorkerSlot, command: Extract<MediaCommand, { type: T }>, closing = false): Promise<CommandResults[T]> {
    if ((this.closed && !closing) || !slot.alive) {
      return Promise.reject(new MediaError(this.closed ? 'closed' : 'workerFailed', this.closed ? 'the media plane is closed' : `media worker ${slot.index} is not running`));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const envelope: CommandEnvelope = { id, command };
      slot.worker.postMessage(envelope);
    });
  }

  private onMessage(slot: WorkerSlot, message: WorkerMessage): void {
    if (message.kind === 'event') {
      if (message.event.type === 'legClosed') this.forgetLeg(message.event.leg);
      if (message.event.type === 'recordDone') this.recordings.delete(message.event.recording);
      this.emit(message.event);
      return;
    }
    const pending = slot.pending.get(message.id);
    if (!pending) return;
    slot.pending.delete(message.id);
    if (message.ok) pending.resolve(message.value);
    else pending.reject(MediaError.fromData(message.error));
  }

  /** A worker that died takes its legs with it: their owners hear legClosed(workerFailed). */
  private onWorkerGone(slot: WorkerSlot, error: Error): void {
    if (!slot.alive) return;
    slot.alive = false;
    if (!this.closed) this.options.logger?.error({ err: error, worker: slot.index }, 'media worker stopped');
    for (const pending of slot.pending.values()) pending.reject(new MediaError('workerFailed', `media worker ${slot.index} stopped: ${error.message}`));
    slot.pending.clear();
    for (const [leg, known] of [...this.legs]) {
      if (known.slot !== slot) continue;
      this.forgetLeg(leg);
      this.emit({ type: 'legClosed', leg, reason: 'workerFailed' });
    }
    for (const [recording, owner] of [...this.recordings]) if (owner === slot) this.recordings.delete(recording);
    if (!this.closed) this.restart(slot);
  }
}

/** Checks what a worker cannot check well: a mistake here is the caller's, so say which. */
function assertLegParams(params: LegParams): void {
  if (params.kind === 'rtp') {
    const { remote } = params;
    if (remote !== 'latch' && (typeof remote.address !== 'string' || remote.address === '' || !Number.isInteger(remote.port) || remote.port < 1 || remote.port > 65535)) {
      throw new MediaError('badCommand', `RTP remote must be "latch" or { address, port } with a port of 1–65535, got ${JSON.stringify(remote)}`);
    }
    if (remote !== 'latch' && remote.latch !== undefined && typeof remote.latch !== 'boolean') {
      throw new MediaError('badCommand', `RTP remote's latch must be true or false, got ${JSON.stringify(remote.latch)}`);
    }
    if (params.ptime !== undefined && !(RTP_PTIMES as readonly number[]).includes(params.ptime)) {
      throw new MediaError('badCommand', `RTP ptime must be one of ${RTP_PTIMES.join(', ')} ms, got ${JSON.stringify(params.ptime)}`);
    }
    const pt = params.telephoneEventPayloadType;
    if (pt !== undefined && (!Number.isInteger(pt) || pt < 96 || pt > 127)) {
      throw new MediaError('badCommand', `telephone-event payload type must be dynamic (96–127), got ${pt}`);
    }
  } else if (params.kind === 'webrtc') {
    if (typeof params.offerSdp !== 'string' || !params.offerSdp.startsWith('v=0')) throw new MediaError('sdpError', 'the WebRTC offer must be an SDP text starting with v=0');
  } else {
    throw new MediaError('badCommand', `unknown leg kind ${JSON.stringify((params as { kind: unknown }).kind)}: use "rtp" or "webrtc"`);
  }
}
