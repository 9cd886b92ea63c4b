/**
 * The media plane inside one worker: its legs, bridges, players and recordings, driven by commands
 * and by a 20 ms tick. It owns no thread or timer itself, so it can also run in-process.
 */
import { readFile, stat } from 'node:fs/promises';
import { decodeG711, encodeG711, transcodeG711 } from './g711.js';
import { MediaError } from './media-error.js';
import type { LegListener, MediaLeg } from './media-leg.js';
import { Player } from './player.js';
import { PortAllocator, type PortRange } from './port-allocator.js';
import { DTMF_DIGITS, type CloseReason, type CommandResults, type LegId, type LegParams, type LegReady, type MediaCommand, type MediaEvent, type PlaySource, type RecordingId, type WorkerStats } from './protocol.js';
import { Recorder } from './recorder.js';
import { threadCpuMs } from './thread-cpu.js';
import { RtpLeg } from './rtp-leg.js';
import type { TelephoneEvent } from './rtp-packet.js';
import { SAMPLE_RATE, dtmfSamples, toneSamples } from './tones.js';
import { readWav } from './wav.js';
import type { WebRtcConfig } from './webrtc-config.js';

export interface MediaEngineConfig {
  /** Address RTP sockets bind to. */
  bindAddress: string;
  /** Address given to peers in legReady (the public address behind NAT). */
  advertisedAddress: string;
  /** This worker's slice of the RTP port range. */
  portRange: PortRange;
  webrtc: WebRtcConfig;
}

interface LegEntry {
  leg: MediaLeg;
  session: string;
  port: number | undefined;
  mediaTimeoutMs: number;
  timedOut: boolean;
  bridgedTo: LegId | undefined;
  player: Player | undefined;
  recordings: { recording: RecordingId; channel: 0 | 1 }[];
}

interface RecordingEntry {
  recorder: Recorder;
  legs: LegId[];
}

type CommandResult = CommandResults[MediaCommand['type']];

export class MediaEngine {
  private readonly legs = new Map<LegId, LegEntry>();
  private readonly recordings = new Map<RecordingId, RecordingEntry>();
  private readonly tones = new Map<string, Int16Array>();
  private readonly ports: PortAllocator;
  private readonly prompts = new Map<string, { key: string; samples: Int16Array }>();
  /** Packets of legs already closed; live legs keep their own counts. */
  private readonly counters = { packetsIn: 0, packetsOut: 0, packetsDropped: 0 };
  private readonly listener: LegListener;

  constructor(
    private readonly config: MediaEngineConfig,
    private readonly emit: (event: MediaEvent) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.ports = new PortAllocator(config.portRange, config.bindAddress);
    this.listener = {
      audio: (leg, payload) => this.onAudio(leg, payload),
      telephoneEvent: (leg, event, start) => this.onTelephoneEvent(leg, event, start),
      connected: (leg) => this.emit({ type: 'legConnected', leg }),
      closed: (leg, reason) => this.removeLeg(leg, reason),
      dropped: () => void this.counters.packetsDropped++,
    };
  }

  /** Runs one command; resolves with its result or rejects with a MediaError. */
  async handle(command: MediaCommand): Promise<CommandResult> {
    switch (command.type) {
      case 'createLeg':
        return this.createLeg(command.leg, command.session, command.params, command.mediaTimeoutMs);
      case 'bridge': {
        const a = this.entry(command.legA);
        const b = this.entry(command.legB);
        this.unbridge(command.legA);
        this.unbridge(command.legB);
        a.bridgedTo = command.legB;
        b.bridgedTo = command.legA;
        return null;
      }
      case 'unbridge':
        this.entry(command.leg);
        this.unbridge(command.leg);
        return null;
      case 'play': {
        const entry = this.entry(command.leg);
        const samples = await this.load(command.source);
        if (entry.player) this.emit({ type: 'playDone', leg: command.leg, reason: 'replaced' });
        entry.player = new Player(samples, command.loop);
        return null;
      }
      case 'stopPlay': {
        const entry = this.entry(command.leg);
        if (entry.player) {
          entry.player = undefined;
          this.emit({ type: 'playDone', leg: command.leg, reason: 'stopped' });
        }
        return null;
      }
      case 'record':
        return this.record(command.recording, command.legs.customer, command.legs.agent, command.path);
      case 'stopRecord':
        return this.stopRecord(command.recording);
      case 'recordLeg': {
        const recording = this.recordings.get(command.recording);
        if (!recording) throw new MediaError('recordingNotFound', `no recording ${command.recording} runs in this worker`);
        const entry = this.entry(command.leg);
        if (!recording.legs.includes(command.leg)) recording.legs.push(command.leg);
        if (!entry.recordings.some((r) => r.recording === command.recording)) entry.recordings.push({ recording: command.recording, channel: command.channel });
        return null;
      }
      case 'sendDtmf': {
        const entry = this.entry(command.leg);
        if (entry.leg instanceof RtpLeg) entry.leg.sendDtmf(command.digits);
        // WebRTC legs get in-band tones: werift rewrites what goes out on the audio track.
        else entry.player = new Player(dtmfSamples(command.digits), false);
        return null;
      }
      case 'destroyLeg':
        this.entry(command.leg);
        this.removeLeg(command.leg, 'destroyed');
        return null;
      case 'stats':
        return this.stats();
      case 'shutdown':
        await this.shutdown();
        return null;
    }
  }

  private entry(leg: LegId): LegEntry {
    const entry = this.legs.get(leg);
    if (!entry) throw new MediaError('legNotFound', `no media leg ${leg} in this worker (destroyed, or never created)`);
    return entry;
  }

  private async createLeg(id: LegId, session: string, params: LegParams, mediaTimeoutMs: number): Promise<LegReady> {
    if (this.legs.has(id)) throw new MediaError('legExists', `media leg ${id} already exists`);
    let leg: MediaLeg;
    let port: number | undefined;
    let ready: LegReady;
    if (params.kind === 'rtp') {
      const bound = await this.ports.bind();
      port = bound.port;
      leg = new RtpLeg({
        id,
        socket: bound.socket,
        remote: params.remote,
        codec: params.codec ?? 'PCMU',
        telephoneEventPayloadType: params.telephoneEventPayloadType ?? 101,
        ...(params.ptime === undefined ? {} : { ptime: params.ptime }),
        listener: this.listener,
        now: this.now,
      });
      ready = { kind: 'rtp', localAddress: this.config.advertisedAddress, localPort: port };
    } else {
      const { createWebRtcLeg } = await import('./webrtc-leg.js');
      const created = await createWebRtcLeg({ id, offerSdp: params.offerSdp, config: this.config.webrtc, listener: this.listener, now: this.now });
      leg = created.leg;
      ready = { kind: 'webrtc', answerSdp: created.answerSdp };
    }
    if (this.legs.has(id)) {
      leg.close();
      if (port !== undefined) this.ports.release(port);
      throw new MediaError('legExists', `media leg ${id} already exists`);
    }
    this.legs.set(id, { leg, session, port, mediaTimeoutMs, timedOut: false, bridgedTo: undefined, player: undefined, recordings: [] });
    this.emit({ type: 'legReady', leg: id, ready });
    return ready;
  }

  private onAudio(id: LegId, payload: Uint8Array): void {
    const entry = this.legs.get(id);
    if (!entry) return;
    entry.timedOut = false;
    const other = this.listeningPartner(entry);
    // Same codec: the payload goes through as it came (transcodeG711 returns it untouched).
    if (other) other.leg.sendAudio(transcodeG711(entry.leg.codec, other.leg.codec, payload), this.now());
    if (entry.recordings.length > 0) {
      const samples = decodeG711(entry.leg.codec, payload);
      for (const { recording, channel } of entry.recordings) this.recordings.get(recording)?.recorder.push(channel, samples);
    }
  }

  /** The bridged leg that hears this one: none while a prompt plays to it (it hears the prompt). */
  private listeningPartner(entry: LegEntry): LegEntry | undefined {
    if (entry.bridgedTo === undefined) return undefined;
    const other = this.legs.get(entry.bridgedTo);
    return other && !other.player ? other : undefined;
  }

  /**
   * A key press reaches the engine once, as a `dtmf` event. Between two RTP legs the events also
   * go through to the other side as RFC 4733 packets (its payload type, its timeline), so a
   * carrier's IVR hears the agent's desk phone and the other way round.
   */
  private onTelephoneEvent(id: LegId, event: TelephoneEvent, start: boolean): void {
    const entry = this.legs.get(id);
    if (!entry) return;
    entry.timedOut = false;
    if (start) this.emit({ type: 'dtmf', leg: id, digit: DTMF_DIGITS[event.event] as string });
    // A browser's keys are for the IVR or the workbench (which sends them on with sendDtmf), not relayed.
    const other = entry.leg instanceof RtpLeg ? this.listeningPartner(entry) : undefined;
    if (other && other.leg instanceof RtpLeg) other.leg.relayTelephoneEvent(event, start, this.now());
  }

  private unbridge(id: LegId): void {
    const entry = this.legs.get(id);
    if (entry?.bridgedTo === undefined) return;
    const other = this.legs.get(entry.bridgedTo);
    if (other) other.bridgedTo = undefined;
    entry.bridgedTo = undefined;
  }

  private async load(source: PlaySource): Promise<Int16Array> {
    if (source.kind === 'tone') {
      // The named tones (ringback, hold music, beep) never change: made once per worker. Players only read them.
      if (typeof source.tone !== 'string') return toneSamples(source.tone, source.durationMs);
      const key = `${source.tone}:${source.durationMs ?? ''}`;
      let samples = this.tones.get(key);
      if (!samples) this.tones.set(key, (samples = toneSamples(source.tone, source.durationMs)));
      return samples;
    }
    try {
      const info = await stat(source.path);
      const key = `${info.mtimeMs}:${info.size}`;
      const cached = this.prompts.get(source.path);
      if (cached?.key === key) return cached.samples;
      const audio = readWav(await readFile(source.path));
      if (audio.sampleRate !== SAMPLE_RATE || audio.channels !== 1) {
        throw new MediaError('fileError', `prompt ${source.path} is ${audio.sampleRate} Hz with ${audio.channels} channels; prompts must be 8 kHz mono`);
      }
      if (this.prompts.size >= 256) this.prompts.clear();
      this.prompts.set(source.path, { key, samples: audio.samples });
      return audio.samples;
    } catch (error) {
      throw MediaError.from(error, 'fileError');
    }
  }

  private async record(id: RecordingId, customer: LegId, agent: LegId, path: string): Promise<null> {
    if (this.recordings.has(id)) throw new MediaError('recordingExists', `recording ${id} already runs`);
    this.entry(customer);
    this.entry(agent);
    let recorder: Recorder;
    try {
      recorder = await Recorder.create(path);
    } catch (error) {
      throw MediaError.from(error, 'fileError');
    }
    // A leg destroyed while the file was being opened (a very short call): the recording ends at once.
    if (!this.legs.has(customer) || !this.legs.has(agent)) {
      const done = await recorder.finish();
      this.emit({ type: 'recordDone', recording: id, path: done.path, durationMs: done.durationMs });
      return null;
    }
    this.recordings.set(id, { recorder, legs: [customer, agent] });
    this.legs.get(customer)?.recordings.push({ recording: id, channel: 0 });
    this.legs.get(agent)?.recordings.push({ recording: id, channel: 1 });
    return null;
  }

  private async stopRecord(id: RecordingId): Promise<null> {
    const entry = this.recordings.get(id);
    if (!entry) throw new MediaError('recordingNotFound', `no recording ${id} runs in this worker`);
    this.recordings.delete(id);
    for (const leg of entry.legs) {
      const legEntry = this.legs.get(leg);
      if (legEntry) legEntry.recordings = legEntry.recordings.filter((r) => r.recording !== id);
    }
    try {
      const done = await entry.recorder.finish();
      this.emit({ type: 'recordDone', recording: id, path: done.path, durationMs: done.durationMs });
    } catch (error) {
      throw MediaError.from(error, 'fileError');
    }
    return null;
  }

  private removeLeg(id: LegId, reason: CloseReason): void {
    const entry = this.legs.get(id);
    if (!entry) return;
    this.unbridge(id);
    this.legs.delete(id);
    entry.leg.close();
    this.counters.packetsIn += entry.leg.packetsIn;
    this.counters.packetsOut += entry.leg.packetsOut;
    if (entry.port !== undefined) this.ports.release(entry.port);
    if (entry.player) this.emit({ type: 'playDone', leg: id, reason: 'legClosed' });
    this.emit({ type: 'legClosed', leg: id, reason });
    // A recording ends by itself once neither of its legs is left.
    for (const { recording } of entry.recordings) {
      const rec = this.recordings.get(recording);
      if (rec && rec.legs.every((leg) => !this.legs.has(leg))) {
        this.stopRecord(recording).catch((error: unknown) => {
          this.emit({ type: 'error', error: MediaError.from(error, 'fileError').toData(), recording });
        });
      }
    }
  }

  /** Advances players, DTMF senders, recordings and media timeouts by one 20 ms frame. */
  tick(now: number): void {
    for (const [id, entry] of this.legs) {
      if (entry.player) {
        const frame = entry.player.next();
        if (frame) {
          entry.leg.sendAudio(encodeG711(entry.leg.codec, frame), now);
        } else {
          entry.player = undefined;
          this.emit({ type: 'playDone', leg: id, reason: 'finished' });
        }
      }
      entry.leg.tick(now);
      const silentMs = now - entry.leg.lastReceivedAt;
      if (entry.mediaTimeoutMs > 0 && !entry.timedOut && silentMs >= entry.mediaTimeoutMs) {
        entry.timedOut = true;
        this.emit({ type: 'mediaTimeout', leg: id, silentMs: Math.round(silentMs) });
      }
    }
    for (const { recorder } of this.recordings.values()) recorder.tick();
  }

  private stats(): WorkerStats {
    let bridged = 0;
    let { packetsIn, packetsOut } = this.counters;
    for (const entry of this.legs.values()) {
      if (entry.bridgedTo !== undefined) bridged++;
      packetsIn += entry.leg.packetsIn;
      packetsOut += entry.leg.packetsOut;
    }
    return {
      legs: this.legs.size,
      bridges: bridged / 2,
      recordings: this.recordings.size,
      packetsIn,
      packetsOut,
      packetsDropped: this.counters.packetsDropped,
      cpuMs: threadCpuMs(),
      eventLoopUtilization: performance.eventLoopUtilization().utilization,
    };
  }

  /** Ends every recording and leg. */
  async shutdown(): Promise<void> {
    for (const id of [...this.legs.keys()]) this.removeLeg(id, 'planeClosed');
    await Promise.allSettled([...this.recordings.keys()].map((id) => this.stopRecord(id)));
  }
}
