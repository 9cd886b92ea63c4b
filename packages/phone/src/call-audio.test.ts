import { describe, expect, it } from 'vitest';
import { CallAudio, CallAudioError, GATHER_TIMEOUT_MS, g711Codecs, hasG711, type AudioDeps, type PeerConnection } from './call-audio.js';
import { ManualTimers } from './testing.js';

const codec = (mimeType: string, clockRate: number, channels?: number): RTCRtpCodec => ({ mimeType, clockRate, ...(channels ? { channels } : {}) });

describe('g711Codecs', () => {
  it('keeps PCMU, PCMA and the 8 kHz telephone-event, in that order', () => {
    const chrome = [codec('audio/opus', 48000, 2), codec('audio/red', 48000, 2), codec('audio/G722', 8000), codec('audio/PCMA', 8000), codec('audio/PCMU', 8000), codec('audio/CN', 8000), codec('audio/telephone-event', 48000), codec('audio/telephone-event', 8000)];
    expect(g711Codecs(chrome).map((c) => `${c.mimeType}/${c.clockRate}`)).toEqual(['audio/PCMU/8000', 'audio/PCMA/8000', 'audio/telephone-event/8000']);
    expect(g711Codecs([codec('audio/opus', 48000)])).toEqual([]);
  });
});

describe('hasG711', () => {
  it('reads the audio line’s payload types', () => {
    expect(hasG711('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0 8 101\r\n')).toBe(true);
    expect(hasG711('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 63\r\n')).toBe(false);
    expect(hasG711('v=0\r\n')).toBe(false);
  });
});

/** A fake peer connection: records what is asked, gathers when told. */
class FakePc {
  iceGatheringState: RTCIceGatheringState = 'gathering';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescription | null = null;
  remote: RTCSessionDescriptionInit | null = null;
  preferences: RTCRtpCodec[] | null = null;
  closed = false;
  readonly listeners = new Map<string, Array<(event: unknown) => void>>();
  readonly inserted: Array<{ tones: string; duration: number; gap: number }> = [];
  toneBuffer = '';
  track: unknown = null;

  addTransceiver(track: unknown) {
    this.track = track;
    return {
      setCodecPreferences: (codecs: RTCRtpCodec[]) => (this.preferences = codecs),
      sender: {
        dtmf: {
          canInsertDTMF: true,
          get toneBuffer() {
            return '';
          },
          insertDTMF: (tones: string, duration: number, gap: number) => this.inserted.push({ tones, duration, gap }),
        },
      },
    };
  }
  async createOffer() {
    return { type: 'offer', sdp: 'v=0 partial' };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit) {
    this.localDescription = { type: description.type, sdp: `${description.sdp ?? ''}` } as RTCSessionDescription;
  }
  async setRemoteDescription(description: RTCSessionDescriptionInit) {
    if (description.sdp === 'bad') throw new Error('Failed to parse SessionDescription');
    this.remote = description;
  }
  addEventListener(type: string, listener: (event: unknown) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, event: unknown = {}) {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  /** Gathering completes: the description now holds every candidate. */
  gather() {
    this.iceGatheringState = 'complete';
    (this.localDescription as { sdp: string }).sdp = 'v=0 complete with candidates';
    this.emit('icegatheringstatechange');
  }
  close() {
    this.closed = true;
  }
}

class FakeTrack {
  enabled = true;
  stopped = false;
  stop() {
    this.stopped = true;
  }
}

function fakeStream(tracks = [new FakeTrack()]) {
  return { getAudioTracks: () => tracks, getTracks: () => tracks, tracks } as unknown as MediaStream & { tracks: FakeTrack[] };
}

function audioDeps(options: { micError?: string; silent?: boolean } = {}) {
  const timers = new ManualTimers();
  const pcs: FakePc[] = [];
  const outputs: Array<{ srcObject: unknown; autoplay: boolean; paused: boolean }> = [];
  const mic = fakeStream();
  const silent = fakeStream();
  const deps: AudioDeps = {
    createPeerConnection: () => {
      const pc = new FakePc();
      pcs.push(pc);
      return pc as unknown as PeerConnection;
    },
    getUserMedia: () => (options.micError ? Promise.reject(Object.assign(new Error('no'), { name: options.micError })) : Promise.resolve(mic)),
    audioCodecs: () => [codec('audio/opus', 48000, 2), codec('audio/PCMU', 8000), codec('audio/telephone-event', 8000)],
    silentStream: () => (options.silent === false ? null : silent),
    createAudio: () => {
      const output = { srcObject: null as unknown, autoplay: false, paused: false, play: () => Promise.resolve(), pause: () => void (output.paused = true) };
      outputs.push(output);
      return output as unknown as HTMLAudioElement;
    },
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
  };
  return { deps, timers, pcs, outputs, mic, silent };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('CallAudio', () => {
  it('offers G.711 only, once ICE gathering is complete, and applies the answer', async () => {
    const { deps, pcs, mic } = audioDeps();
    let changes = 0;
    const opening = CallAudio.open(deps, () => changes++);
    await flush();
    const pc = pcs[0] as FakePc;
    expect(pc.preferences?.map((c) => c.mimeType)).toEqual(['audio/PCMU', 'audio/telephone-event']);
    expect(pc.track).toBe(mic.tracks[0]);
    pc.gather();
    const audio = await opening;
    expect(audio.offerSdp).toBe('v=0 complete with candidates');
    expect(audio.withoutMicrophone).toBe(false);
    await audio.applyAnswer('v=0 answer');
    expect(pc.remote).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    pc.connectionState = 'connected';
    pc.emit('connectionstatechange');
    expect(audio.state).toBe('connected');
    expect(changes).toBe(1);
  });

  it('sends the offer with what was gathered when gathering takes too long', async () => {
    const { deps, timers } = audioDeps();
    const opening = CallAudio.open(deps, () => undefined);
    await flush();
    timers.advance(GATHER_TIMEOUT_MS);
    expect((await opening).offerSdp).toBe('v=0 partial');
  });

  it('sends DTMF as RFC 4733 events, mutes, and closes everything', async () => {
    const { deps, pcs, mic, outputs } = audioDeps();
    const opening = CallAudio.open(deps, () => undefined);
    await flush();
    (pcs[0] as FakePc).gather();
    const audio = await opening;
    expect(audio.sendDigit('5')).toBe(true);
    expect((pcs[0] as FakePc).inserted).toEqual([{ tones: '5', duration: 120, gap: 70 }]);
    audio.setMuted(true);
    expect(mic.tracks[0]?.enabled).toBe(false);
    audio.close();
    expect(pcs[0]?.closed).toBe(true);
    expect(mic.tracks[0]?.stopped).toBe(true);
    expect(outputs[0]?.paused).toBe(true);
    expect(audio.sendDigit('6')).toBe(false);
  });

  it('calls without a microphone, sending silence, when the microphone is refused', async () => {
    const { deps, pcs, silent } = audioDeps({ micError: 'NotAllowedError' });
    const opening = CallAudio.open(deps, () => undefined);
    await flush();
    (pcs[0] as FakePc).gather();
    const audio = await opening;
    expect(audio.withoutMicrophone).toBe(true);
    expect((pcs[0] as FakePc).track).toBe(silent.tracks[0]);
  });

  it('says the microphone was denied when there is no silent fallback either', async () => {
    const { deps } = audioDeps({ micError: 'NotAllowedError', silent: false });
    await expect(CallAudio.open(deps, () => undefined)).rejects.toMatchObject({ reason: 'micDenied' });
    const other = audioDeps({ micError: 'NotFoundError', silent: false });
    await expect(CallAudio.open(other.deps, () => undefined)).rejects.toBeInstanceOf(CallAudioError);
    await expect(CallAudio.open(other.deps, () => undefined)).rejects.toMatchObject({ reason: 'micUnavailable' });
  });

  it('reports an answer the browser refuses', async () => {
    const { deps, pcs } = audioDeps();
    const opening = CallAudio.open(deps, () => undefined);
    await flush();
    (pcs[0] as FakePc).gather();
    const audio = await opening;
    await expect(audio.applyAnswer('bad')).rejects.toMatchObject({ reason: 'answerRefused' });
    expect(audio.state).toBe('failed');
  });
});
