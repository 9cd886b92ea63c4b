/**
 * One call's audio in the browser: a WebRTC connection that offers G.711 only (PCMU, PCMA) and
 * telephone-event, sends its complete offer (non-trickle: after ICE gathering), applies the
 * server's answer, plays what comes back and sends DTMF as RFC 4733 events.
 */

/** The parts of RTCPeerConnection used here, so tests can hand in a fake. */
export type PeerConnection = Pick<
  RTCPeerConnection,
  'addTransceiver' | 'createOffer' | 'setLocalDescription' | 'setRemoteDescription' | 'localDescription' | 'iceGatheringState' | 'connectionState' | 'addEventListener' | 'close'
>;

/** Where the other side is heard. */
export type AudioOutput = Pick<HTMLAudioElement, 'srcObject' | 'autoplay' | 'play' | 'pause'>;

export interface AudioDeps {
  createPeerConnection(config: RTCConfiguration): PeerConnection;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** The audio codecs the browser can send and receive. */
  audioCodecs(): RTCRtpCodec[];
  /** A silent stream to send when there is no microphone (so the call still carries DTMF), or null. */
  silentStream(): MediaStream | null;
  createAudio(): AudioOutput;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How the call's audio is doing. */
export type AudioState = 'connecting' | 'connected' | 'failed';

export type AudioFailure = 'noWebrtc' | 'micDenied' | 'micUnavailable' | 'offerFailed' | 'answerRefused';

export class CallAudioError extends Error {
  override name = 'CallAudioError';
  constructor(
    readonly reason: AudioFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Gathering waits at most this long; the offer then goes with the candidates found so far. */
export const GATHER_TIMEOUT_MS = 3000;

const WANTED = ['audio/pcmu', 'audio/pcma', 'audio/telephone-event'];

/** G.711 (PCMU first, then PCMA) and the 8 kHz telephone-event, in that order; nothing else. */
export function g711Codecs(codecs: readonly RTCRtpCodec[]): RTCRtpCodec[] {
  const rank = (codec: RTCRtpCodec) => WANTED.indexOf(codec.mimeType.toLowerCase());
  return codecs.filter((codec) => rank(codec) >= 0 && (rank(codec) < 2 || codec.clockRate === 8000)).sort((a, b) => rank(a) - rank(b));
}

/** Whether an SDP offers or accepts G.711 on its audio line. */
export function hasG711(sdp: string): boolean {
  const audio = /^m=audio \d+ [A-Z/]+ ([\d ]+)$/m.exec(sdp.replace(/\r/g, ''));
  return !!audio && (audio[1] ?? '').split(' ').some((pt) => pt === '0' || pt === '8');
}

export class CallAudio {
  state: AudioState = 'connecting';
  muted = false;
  private closed = false;

  private constructor(
    private readonly pc: PeerConnection,
    private readonly transceiver: RTCRtpTransceiver,
    private readonly stream: MediaStream,
    private readonly output: AudioOutput,
    /** The complete offer to send. */
    readonly offerSdp: string,
    /** True when no microphone could be used: the call sends silence (DTMF still works). */
    readonly withoutMicrophone: boolean,
    private readonly onChange: () => void,
  ) {
    pc.addEventListener('track', (event) => {
      if (this.closed) return;
      output.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      output.play().catch(() => undefined); // started by a click (dial or answer), so allowed
    });
    pc.addEventListener('connectionstatechange', () => {
      const next: AudioState | undefined = { connected: 'connected', failed: 'failed', connecting: 'connecting', disconnected: 'connecting' }[pc.connectionState as string] as AudioState | undefined;
      if (!next || next === this.state || this.closed) return;
      this.state = next;
      onChange();
    });
  }

  /** Opens the microphone (or a silent stream without one), builds the connection and gathers the complete offer. */
  static async open(deps: AudioDeps, onChange: () => void): Promise<CallAudio> {
    const { stream, withoutMicrophone } = await openMicrophone(deps);
    const track = stream.getAudioTracks()[0] as MediaStreamTrack;
    let pc: PeerConnection;
    try {
      pc = deps.createPeerConnection({ iceServers: [], bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    } catch (error) {
      stopAll(stream);
      throw new CallAudioError('noWebrtc', `This browser cannot make WebRTC calls (${String(error)}).`);
    }
    try {
      const transceiver = pc.addTransceiver(track, { direction: 'sendrecv', streams: [stream] });
      const codecs = g711Codecs(deps.audioCodecs());
      // Without the API (older browsers) the offer lists every codec; the server picks PCMU.
      if (codecs.length > 0 && typeof transceiver.setCodecPreferences === 'function') transceiver.setCodecPreferences(codecs);
      await pc.setLocalDescription(await pc.createOffer());
      await gatheringComplete(pc, deps);
      const sdp = pc.localDescription?.sdp;
      if (!sdp) throw new Error('no local description');
      const output = deps.createAudio();
      output.autoplay = true;
      return new CallAudio(pc, transceiver, stream, output, sdp, withoutMicrophone, onChange);
    } catch (error) {
      pc.close();
      stopAll(stream);
      throw error instanceof CallAudioError ? error : new CallAudioError('offerFailed', `The audio offer could not be made (${String(error)}).`);
    }
  }

  /** Applies the server's answer. */
  async applyAnswer(sdp: string): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp });
    } catch (error) {
      this.state = 'failed';
      this.onChange();
      throw new CallAudioError('answerRefused', `The server's audio answer was refused (${String(error)}).`);
    }
  }

  /** Sends one DTMF digit as an RFC 4733 event; false when the connection cannot (yet). */
  sendDigit(digit: string): boolean {
    const dtmf = this.transceiver.sender.dtmf;
    if (this.closed || !dtmf || !dtmf.canInsertDTMF) return false;
    // Queued after any digits still playing: quick presses are all sent, in order.
    dtmf.insertDTMF(dtmf.toneBuffer + digit, 120, 70);
    return true;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    for (const track of this.stream.getAudioTracks()) track.enabled = !muted;
    this.onChange();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.output.pause();
    this.output.srcObject = null;
    this.pc.close();
    stopAll(this.stream);
  }
}

async function openMicrophone(deps: AudioDeps): Promise<{ stream: MediaStream; withoutMicrophone: boolean }> {
  let failure: CallAudioError;
  try {
    const stream = await deps.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    if (stream.getAudioTracks().length > 0) return { stream, withoutMicrophone: false };
    stopAll(stream);
    failure = new CallAudioError('micUnavailable', 'The microphone gave no audio track.');
  } catch (error) {
    const name = (error as { name?: string } | null)?.name ?? 'Error';
    const denied = name === 'NotAllowedError' || name === 'SecurityError';
    failure = new CallAudioError(denied ? 'micDenied' : 'micUnavailable', `The microphone could not be opened (${name}).`);
  }
  // Listen-only: the other side hears silence, but the call, its audio and its keypad work.
  const silent = deps.silentStream();
  if (silent && silent.getAudioTracks().length > 0) return { stream: silent, withoutMicrophone: true };
  throw failure;
}

function stopAll(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

function gatheringComplete(pc: PeerConnection, deps: AudioDeps): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = deps.setTimeout(resolve, GATHER_TIMEOUT_MS);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState !== 'complete') return;
      deps.clearTimeout(timer);
      resolve();
    });
  });
}

/** The browser's own implementations. */
export function browserAudioDeps(): AudioDeps {
  let context: AudioContext | null = null;
  return {
    createPeerConnection: (config) => new RTCPeerConnection(config),
    getUserMedia: (constraints) => {
      if (!navigator.mediaDevices?.getUserMedia) return Promise.reject(Object.assign(new Error('no mediaDevices'), { name: 'NotSupportedError' }));
      return navigator.mediaDevices.getUserMedia(constraints);
    },
    audioCodecs: () => (typeof RTCRtpReceiver !== 'undefined' ? (RTCRtpReceiver.getCapabilities?.('audio')?.codecs ?? []) : []),
    silentStream: () => {
      try {
        context ??= new AudioContext();
        context.resume().catch(() => undefined);
        const destination = context.createMediaStreamDestination();
        // A destination with nothing connected yields no frames, and a sender without frames sends no DTMF either.
        const silence = context.createConstantSource();
        silence.offset.value = 0;
        silence.connect(destination);
        silence.start();
        return destination.stream;
      } catch {
        return null;
      }
    },
    createAudio: () => new Audio(),
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  };
}

export function webrtcSupported(): boolean {
  return typeof RTCPeerConnection === 'function';
}
