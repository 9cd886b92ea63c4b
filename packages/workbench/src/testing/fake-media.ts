import type { AudioOutput, MediaDeps, PeerConnection } from '../call-media.js';

/** Test doubles for CallMedia's browser dependencies. */

export class FakeTrack {
  readonly kind = 'audio';
  enabled = true;
  stopped = false;
  stop(): void {
    this.stopped = true;
  }
}

export class FakeTransceiver {
  preferences: RTCRtpCodec[] | null = null;
  constructor(
    readonly track: FakeTrack,
    readonly init: RTCRtpTransceiverInit | undefined,
  ) {}
  setCodecPreferences(codecs: RTCRtpCodec[]): void {
    this.preferences = codecs;
  }
}

export const OFFER_SDP = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 8 101\r\n';
export const CANDIDATE = 'a=candidate:1 1 udp 2122260223 192.0.2.10 50000 typ host\r\n';

export class FakePeer extends EventTarget {
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  iceGatheringState: RTCIceGatheringState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  closed = false;
  refuseAnswer = false;
  readonly transceivers: FakeTransceiver[] = [];

  constructor(
    readonly config: RTCConfiguration,
    private readonly autoGather: boolean,
  ) {
    super();
  }

  addTransceiver(track: FakeTrack, init?: RTCRtpTransceiverInit): FakeTransceiver {
    const transceiver = new FakeTransceiver(track, init);
    this.transceivers.push(transceiver);
    return transceiver;
  }

  createOffer(): Promise<RTCSessionDescriptionInit> {
    return Promise.resolve({ type: 'offer', sdp: OFFER_SDP });
  }

  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = { ...description };
    this.iceGatheringState = 'gathering';
    if (this.autoGather) queueMicrotask(() => this.finishGathering());
    return Promise.resolve();
  }

  /** One host candidate, then gathering completes. */
  finishGathering(): void {
    if (this.localDescription) this.localDescription = { ...this.localDescription, sdp: `${this.localDescription.sdp ?? ''}${CANDIDATE}` };
    this.iceGatheringState = 'complete';
    this.dispatchEvent(new Event('icegatheringstatechange'));
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    if (this.refuseAnswer) return Promise.reject(new Error('InvalidAccessError'));
    this.remoteDescription = description;
    return Promise.resolve();
  }

  setConnectionState(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }

  /** The server's audio arrives. */
  receiveTrack(stream: object): void {
    const event = Object.assign(new Event('track'), { streams: [stream], track: new FakeTrack() });
    this.dispatchEvent(event);
  }

  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }
}

export class FakeAudio {
  srcObject: MediaProvider | null = null;
  autoplay = false;
  playing = false;
  sinkId = '';
  /** Like a browser whose autoplay rule holds sound back until a click. */
  refusePlay = false;
  play(): Promise<void> {
    if (this.refusePlay) return Promise.reject(Object.assign(new Error('play() failed'), { name: 'NotAllowedError' }));
    this.playing = true;
    return Promise.resolve();
  }
  pause(): void {
    this.playing = false;
  }
  setSinkId(sinkId: string): Promise<void> {
    this.sinkId = sinkId;
    return Promise.resolve();
  }
}

/** Timers fired by the test, never by the clock. */
export class FakeTimers {
  private next = 1;
  readonly pending = new Map<number, { callback: () => void; ms: number }>();
  private waiters: Array<() => void> = [];

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { callback, ms });
    for (const wake of this.waiters.splice(0)) wake();
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Resolves once a timer is pending. */
  async scheduled(): Promise<void> {
    if (this.pending.size > 0) return;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const { callback } of due) callback();
  }
}

export const CODECS: RTCRtpCodec[] = [
  { mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
  { mimeType: 'audio/G722', clockRate: 8000 },
  { mimeType: 'audio/PCMA', clockRate: 8000 },
  { mimeType: 'audio/PCMU', clockRate: 8000 },
  { mimeType: 'audio/CN', clockRate: 8000 },
  { mimeType: 'audio/telephone-event', clockRate: 48000 },
  { mimeType: 'audio/telephone-event', clockRate: 8000 },
];

export interface FakeMedia {
  deps: MediaDeps;
  peers: FakePeer[];
  tracks: FakeTrack[];
  audios: FakeAudio[];
  constraints: MediaStreamConstraints[];
  timers: FakeTimers;
}

/** `gather: 'manual'` leaves ICE gathering running until the test calls `finishGathering` or fires the timeout. */
export function fakeMedia(options: { gather?: 'auto' | 'manual'; microphoneError?: string } = {}): FakeMedia {
  const media: FakeMedia = { deps: undefined as unknown as MediaDeps, peers: [], tracks: [], audios: [], constraints: [], timers: new FakeTimers() };
  media.deps = {
    createPeerConnection: (config) => {
      const peer = new FakePeer(config, options.gather !== 'manual');
      media.peers.push(peer);
      return peer as unknown as PeerConnection;
    },
    getUserMedia: (constraints) => {
      media.constraints.push(constraints);
      if (options.microphoneError) return Promise.reject(Object.assign(new Error('refused'), { name: options.microphoneError }));
      const track = new FakeTrack();
      media.tracks.push(track);
      return Promise.resolve({ getAudioTracks: () => [track], getTracks: () => [track] } as unknown as MediaStream);
    },
    audioCodecs: () => CODECS,
    createAudio: () => {
      const audio = new FakeAudio();
      media.audios.push(audio);
      return audio as unknown as AudioOutput;
    },
    setTimeout: media.timers.setTimeout,
    clearTimeout: media.timers.clearTimeout,
  };
  return media;
}

/** A Map-backed localStorage. */
export class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}
