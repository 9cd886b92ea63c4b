import { AGENT_SDP_FIELD } from '@openccc/protocol';
import { SessionError } from './session-error.js';

/** How a call's audio is doing in this page: `none` when this page has no audio for it (e.g. it was reloaded mid-call). */
export type AudioState = 'none' | 'connecting' | 'connected' | 'failed';

/** The part of RTCPeerConnection used here, so tests can hand in a fake. */
export type PeerConnection = Pick<
  RTCPeerConnection,
  'addTransceiver' | 'createOffer' | 'setLocalDescription' | 'setRemoteDescription' | 'localDescription' | 'iceGatheringState' | 'connectionState' | 'addEventListener' | 'removeEventListener' | 'close'
>;

/** Where the other side is heard: an audio element. */
export type AudioOutput = Pick<HTMLAudioElement, 'srcObject' | 'autoplay' | 'play' | 'pause'> & { setSinkId?: (sinkId: string) => Promise<void> };

export interface MediaDeps {
  createPeerConnection(config: RTCConfiguration): PeerConnection;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** The audio codecs the browser can receive. */
  audioCodecs(): RTCRtpCodec[];
  createAudio(): AudioOutput;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A microphone that could not be opened; `denied` when the agent (or a policy) refused it. */
export class MicrophoneError extends SessionError {
  constructor(
    message: string,
    readonly denied: boolean,
  ) {
    super('deviceError', message);
  }
}

/** Non-trickle: the offer goes out once gathering completes, or with what was gathered after this long. */
export const GATHER_TIMEOUT_MS = 3000;

/** G.711 only (PCMU first), and the 8 kHz telephone-event for DTMF if the browser has it. */
const WANTED = ['audio/pcmu', 'audio/pcma', 'audio/telephone-event'];

export function g711Codecs(codecs: readonly RTCRtpCodec[]): RTCRtpCodec[] {
  const rank = (c: RTCRtpCodec) => WANTED.indexOf(c.mimeType.toLowerCase());
  return codecs.filter((c) => rank(c) >= 0 && (rank(c) < 2 || c.clockRate === 8000)).sort((a, b) => rank(a) - rank(b));
}

/** A connection briefly `disconnected` may recover, so it shows as connecting again. */
const CONNECTION_STATES: Partial<Record<RTCPeerConnectionState, AudioState>> = { connecting: 'connecting', connected: 'connected', disconnected: 'connecting', failed: 'failed' };

interface Leg {
  pc: PeerConnection;
  stream: MediaStream;
  audio: AudioOutput;
  state: AudioState;
  muted: boolean;
  /** The browser refused to play the other side's audio until the agent interacts with the page. */
  silent: boolean;
  closed: boolean;
}

/**
 * The agent's audio: one RTCPeerConnection per session. `negotiate` opens the
 * microphone, sends the complete G.711 offer with the request that starts or
 * answers the call, applies the server's answer from the reply and hands back
 * the reply without it. Muting is local (the track is disabled).
 */
export class CallMedia {
  private readonly legs = new Map<string, Leg>();
  /** Legs still being negotiated (no session id yet), so sign-out can close them too. */
  private readonly pending = new Set<Leg>();
  private speaker = '';

  constructor(
    private readonly deps: MediaDeps,
    private readonly onChange: () => void,
  ) {}

  has(sessionId: string): boolean {
    return this.legs.has(sessionId);
  }

  audio(sessionId: string): AudioState {
    return this.legs.get(sessionId)?.state ?? 'none';
  }

  isMuted(sessionId: string): boolean {
    return this.legs.get(sessionId)?.muted ?? false;
  }

  isSilent(sessionId: string): boolean {
    return this.legs.get(sessionId)?.silent ?? false;
  }

  /** A user gesture: audio the browser refused to autoplay may start now. */
  resumePlayback(): void {
    for (const leg of this.legs.values()) if (leg.silent) this.play(leg);
  }

  /** False when this page has no audio for the session. */
  setMuted(sessionId: string, muted: boolean): boolean {
    const leg = this.legs.get(sessionId);
    if (!leg) return false;
    for (const track of leg.stream.getAudioTracks()) track.enabled = !muted;
    if (leg.muted !== muted) {
      leg.muted = muted;
      this.onChange();
    }
    return true;
  }

  /**
   * Runs a request that starts or answers a call with this page's audio offer.
   * `sessionId` is known for an accept; otherwise it is read from the reply.
   * Resolves with the reply's data without the answer; a failed request closes the connection.
   */
  async negotiate(sessionId: string | null, microphone: string, send: (sdp: string) => Promise<unknown>): Promise<unknown> {
    const leg = await this.open(microphone);
    this.pending.add(leg);
    let reply: unknown;
    try {
      reply = await send(await this.offer(leg));
    } catch (error) {
      this.close(leg);
      throw error;
    } finally {
      this.pending.delete(leg);
    }
    const { answer, data } = takeAnswer(reply);
    const id = sessionId ?? sessionIdOf(data);
    // Signed out meanwhile, or a reply that names no session: nothing to keep.
    if (leg.closed || !id) {
      this.close(leg);
      return data;
    }
    const previous = this.legs.get(id);
    if (previous) this.close(previous);
    this.legs.set(id, leg);
    if (answer === null) {
      console.warn(`[openccc] the server's reply for session ${id} carries no audio answer; the call has no audio here.`);
      this.fail(leg);
      this.onChange();
      return data;
    }
    leg.state = 'connecting';
    try {
      await leg.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (error) {
      console.warn(`[openccc] the server's audio answer for session ${id} was refused: ${String(error)}`);
      this.fail(leg);
    }
    this.onChange();
    return data;
  }

  /** The session is over for this agent (ended, transferred, hung up): its connection closes. */
  end(sessionId: string): void {
    const leg = this.legs.get(sessionId);
    if (!leg) return;
    this.legs.delete(sessionId);
    this.close(leg);
    this.onChange();
  }

  /** Keeps only these sessions' audio (after a reconnection, the others ended meanwhile). */
  retain(sessionIds: ReadonlySet<string>): void {
    for (const id of [...this.legs.keys()]) if (!sessionIds.has(id)) this.end(id);
  }

  /** Sign-out: every connection closes, including those still being set up. */
  closeAll(): void {
    const had = this.legs.size > 0;
    for (const leg of [...this.legs.values(), ...this.pending]) this.close(leg);
    this.legs.clear();
    this.pending.clear();
    if (had) this.onChange();
  }

  setSpeaker(deviceId: string): void {
    this.speaker = deviceId;
    for (const leg of this.legs.values()) this.route(leg.audio);
  }

  private async open(microphone: string): Promise<Leg> {
    let stream: MediaStream;
    try {
      const processing = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
      stream = await this.deps.getUserMedia({ audio: microphone ? { ...processing, deviceId: { ideal: microphone } } : processing });
    } catch (error) {
      if (error instanceof SessionError) throw error;
      const name = (error as { name?: string } | null)?.name ?? 'Error';
      if (name === 'NotAllowedError' || name === 'SecurityError') throw new MicrophoneError('The microphone is not allowed for the workbench.', true);
      throw new MicrophoneError(`The microphone could not be opened (${name}).`, false);
    }
    const track = stream.getAudioTracks()[0];
    if (!track) {
      for (const t of stream.getTracks()) t.stop();
      throw new MicrophoneError('The microphone gave no audio track.', false);
    }
    let pc: PeerConnection;
    try {
      pc = this.deps.createPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    } catch (error) {
      for (const t of stream.getTracks()) t.stop();
      throw error instanceof SessionError ? error : new SessionError('browserNotSupported', `This browser cannot make audio connections (${String(error)}).`);
    }
    const audio = this.deps.createAudio();
    audio.autoplay = true;
    const leg: Leg = { pc, stream, audio, state: 'none', muted: false, silent: false, closed: false };
    pc.addEventListener('track', (event) => {
      if (leg.closed) return;
      audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      this.route(audio);
      this.play(leg);
    });
    pc.addEventListener('connectionstatechange', () => this.onConnection(leg));
    const transceiver = pc.addTransceiver(track, { direction: 'sendrecv', streams: [stream] });
    const codecs = g711Codecs(this.deps.audioCodecs());
    if (codecs.length > 0 && typeof transceiver.setCodecPreferences === 'function') {
      try {
        transceiver.setCodecPreferences(codecs);
      } catch (error) {
        console.warn(`[openccc] cannot limit the call to G.711: ${String(error)}`);
      }
    }
    return leg;
  }

  private async offer(leg: Leg): Promise<string> {
    const { pc } = leg;
    const offer = await pc.createOffer();
    this.ensureOpen(leg);
    await pc.setLocalDescription(offer);
    this.ensureOpen(leg);
    await this.gathered(pc);
    this.ensureOpen(leg);
    const sdp = pc.localDescription?.sdp ?? offer.sdp;
    if (!sdp) throw new SessionError('internal', 'The browser made no audio offer.');
    return sdp;
  }

  /** Resolves when ICE gathering completes, or after GATHER_TIMEOUT_MS with what was gathered. */
  private gathered(pc: PeerConnection): Promise<void> {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.deps.clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', onState);
        pc.removeEventListener('icecandidate', onCandidate);
        resolve();
      };
      const onState = () => {
        if (pc.iceGatheringState === 'complete') done();
      };
      const onCandidate = (event: RTCPeerConnectionIceEvent) => {
        if (!event.candidate) done();
      };
      const timer = this.deps.setTimeout(done, GATHER_TIMEOUT_MS);
      pc.addEventListener('icegatheringstatechange', onState);
      pc.addEventListener('icecandidate', onCandidate);
    });
  }

  private ensureOpen(leg: Leg): void {
    if (leg.closed) throw new SessionError('notReady', 'The workbench signed out while the call was being set up.');
  }

  private onConnection(leg: Leg): void {
    if (leg.closed) return;
    const next = CONNECTION_STATES[leg.pc.connectionState];
    if (!next || next === leg.state) return;
    leg.state = next;
    this.onChange();
  }

  private play(leg: Leg): void {
    leg.audio.play().then(
      () => this.setSilent(leg, false),
      () => this.setSilent(leg, true),
    );
  }

  private setSilent(leg: Leg, silent: boolean): void {
    if (leg.closed || leg.silent === silent) return;
    leg.silent = silent;
    this.onChange();
  }

  private route(audio: AudioOutput): void {
    if (typeof audio.setSinkId !== 'function') return;
    audio.setSinkId(this.speaker).catch((error: unknown) => console.warn(`[openccc] cannot play through the chosen speaker: ${String(error)}`));
  }

  private fail(leg: Leg): void {
    this.close(leg);
    leg.state = 'failed';
  }

  private close(leg: Leg): void {
    if (leg.closed) return;
    leg.closed = true;
    for (const track of leg.stream.getTracks()) track.stop();
    leg.pc.close();
    leg.audio.pause();
    leg.audio.srcObject = null;
  }
}

/** Splits the server's answer off the reply; an object left empty becomes no data, as TCCC answers those methods. */
function takeAnswer(reply: unknown): { answer: string | null; data: unknown } {
  if (!reply || typeof reply !== 'object' || Array.isArray(reply) || !(AGENT_SDP_FIELD in reply)) return { answer: null, data: reply };
  const { [AGENT_SDP_FIELD]: sdp, ...rest } = reply as Record<string, unknown>;
  return { answer: typeof sdp === 'string' && sdp ? sdp : null, data: Object.keys(rest).length > 0 ? rest : undefined };
}

function sessionIdOf(data: unknown): string | null {
  const id = data && typeof data === 'object' ? (data as { sessionId?: unknown }).sessionId : undefined;
  return typeof id === 'string' && id ? id : null;
}

/** The browser's own implementations. */
export function browserMediaDeps(): MediaDeps {
  return {
    createPeerConnection: (config) => {
      if (typeof RTCPeerConnection === 'undefined') throw new SessionError('browserNotSupported', 'This browser cannot make audio connections (no WebRTC).');
      return new RTCPeerConnection(config);
    },
    getUserMedia: (constraints) => {
      if (!navigator.mediaDevices?.getUserMedia) return Promise.reject(new SessionError('browserNotSupported', 'This browser cannot use the microphone here (HTTPS or localhost is required).'));
      return navigator.mediaDevices.getUserMedia(constraints);
    },
    audioCodecs: () => (typeof RTCRtpReceiver !== 'undefined' ? (RTCRtpReceiver.getCapabilities?.('audio')?.codecs ?? []) : []),
    createAudio: () => new Audio(),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  };
}
