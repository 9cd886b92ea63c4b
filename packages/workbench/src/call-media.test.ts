import { describe, expect, it, vi } from 'vitest';
import { CallMedia, GATHER_TIMEOUT_MS, MicrophoneError, g711Codecs } from './call-media.js';
import { CANDIDATE, CODECS, OFFER_SDP, fakeMedia, type FakeMedia } from './testing/fake-media.js';

function setup(options: Parameters<typeof fakeMedia>[0] = {}) {
  const fake = fakeMedia(options);
  let changes = 0;
  const waiters: Array<() => void> = [];
  const media = new CallMedia(fake.deps, () => {
    changes++;
    for (const wake of waiters.splice(0)) wake();
  });
  /** Resolves at the next change CallMedia reports. */
  const changed = () => new Promise<void>((resolve) => waiters.push(resolve));
  return { fake, media, changes: () => changes, changed };
}

const peer = (fake: FakeMedia, i = 0) => {
  const p = fake.peers[i];
  if (!p) throw new Error(`no peer ${i}`);
  return p;
};

describe('call media', () => {
  it('sends the complete G.711 offer, applies the answer, and hands back the reply without it', async () => {
    const { fake, media } = setup();
    const sent: string[] = [];
    const data = await media.negotiate(null, 'mic-2', (sdp) => {
      sent.push(sdp);
      return Promise.resolve({ sessionId: 'o1', calleePhoneNumber: '139', sdp: 'v=0 answer' });
    });
    expect(sent).toEqual([OFFER_SDP + CANDIDATE]);
    expect(data).toEqual({ sessionId: 'o1', calleePhoneNumber: '139' });
    const p = peer(fake);
    expect(p.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    expect(p.config.iceServers).toEqual([]);
    expect(fake.constraints[0]?.audio).toMatchObject({ deviceId: { ideal: 'mic-2' }, echoCancellation: true });
    expect(p.transceivers[0]?.init?.direction).toBe('sendrecv');
    expect(p.transceivers[0]?.preferences?.map((c) => `${c.mimeType}/${c.clockRate}`)).toEqual(['audio/PCMU/8000', 'audio/PCMA/8000', 'audio/telephone-event/8000']);
    expect(media.has('o1')).toBe(true);
    expect(media.audio('o1')).toBe('connecting');
  });

  it('keeps only PCMU, PCMA and 8 kHz telephone-event', () => {
    expect(g711Codecs(CODECS).map((c) => c.mimeType)).toEqual(['audio/PCMU', 'audio/PCMA', 'audio/telephone-event']);
    expect(g711Codecs([{ mimeType: 'audio/opus', clockRate: 48000 }])).toEqual([]);
  });

  it('uses the known session id for an accept, whose reply then has no data left', async () => {
    const { fake, media } = setup();
    const data = await media.negotiate('s1', '', () => Promise.resolve({ sdp: 'answer' }));
    expect(data).toBeUndefined();
    expect(media.has('s1')).toBe(true);
    expect(fake.constraints[0]?.audio).not.toHaveProperty('deviceId');
  });

  it('sends what was gathered when gathering does not complete in time', async () => {
    const { fake, media } = setup({ gather: 'manual' });
    const sent: string[] = [];
    const done = media.negotiate('s1', '', (sdp) => {
      sent.push(sdp);
      return Promise.resolve({ sdp: 'answer' });
    });
    await fake.timers.scheduled();
    expect([...fake.timers.pending.values()].map((t) => t.ms)).toEqual([GATHER_TIMEOUT_MS]);
    expect(sent).toEqual([]);
    fake.timers.fireAll();
    await done;
    expect(sent).toEqual([OFFER_SDP]);
  });

  it('closes the connection and stops the microphone when the request fails', async () => {
    const { fake, media } = setup();
    const refused = Object.assign(new Error('callsUnavailable'), { code: 'callsUnavailable' });
    await expect(media.negotiate(null, '', () => Promise.reject(refused))).rejects.toBe(refused);
    expect(peer(fake).closed).toBe(true);
    expect(fake.tracks[0]?.stopped).toBe(true);
    expect(fake.audios[0]?.srcObject).toBeNull();
  });

  it('closes the connection when its session ends, and all of them on sign-out, even one still gathering', async () => {
    const { fake, media, changes } = setup();
    await media.negotiate('s1', '', () => Promise.resolve({ sdp: 'a' }));
    await media.negotiate('s2', '', () => Promise.resolve({ sdp: 'a' }));
    const before = changes();
    media.end('s1');
    expect(peer(fake, 0).closed).toBe(true);
    expect(peer(fake, 1).closed).toBe(false);
    expect(media.has('s1')).toBe(false);
    expect(changes()).toBe(before + 1);

    const slow = setup({ gather: 'manual' });
    let sent = false;
    const pending = slow.media.negotiate('s3', '', () => {
      sent = true;
      return Promise.resolve({ sdp: 'a' });
    });
    await slow.fake.timers.scheduled();
    slow.media.closeAll();
    slow.fake.timers.fireAll();
    await expect(pending).rejects.toMatchObject({ code: 'notReady' });
    expect(sent).toBe(false);
    expect(peer(slow.fake).closed).toBe(true);

    media.closeAll();
    expect(peer(fake, 1).closed).toBe(true);
    expect(media.has('s2')).toBe(false);
  });

  it('keeps only the sessions still in progress after a reconnection', async () => {
    const { fake, media } = setup();
    await media.negotiate('s1', '', () => Promise.resolve({ sdp: 'a' }));
    await media.negotiate('s2', '', () => Promise.resolve({ sdp: 'a' }));
    media.retain(new Set(['s2']));
    expect([peer(fake, 0).closed, peer(fake, 1).closed]).toEqual([true, false]);
  });

  it('refuses with deviceError when the microphone cannot be opened, before any connection exists', async () => {
    const denied = setup({ microphoneError: 'NotAllowedError' });
    const error = await denied.media.negotiate('s1', '', () => Promise.resolve({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MicrophoneError);
    expect(error).toMatchObject({ code: 'deviceError', denied: true });
    expect(denied.fake.peers).toEqual([]);

    const busy = setup({ microphoneError: 'NotReadableError' });
    await expect(busy.media.negotiate('s1', '', () => Promise.resolve({}))).rejects.toMatchObject({ code: 'deviceError', denied: false });
  });

  it('plays the remote audio on the chosen speaker', async () => {
    const { fake, media } = setup();
    media.setSpeaker('speaker-1');
    await media.negotiate('s1', '', () => Promise.resolve({ sdp: 'a' }));
    const remote = { id: 'remote-stream' };
    peer(fake).receiveTrack(remote);
    const audio = fake.audios[0];
    expect(audio?.autoplay).toBe(true);
    expect(audio?.srcObject).toBe(remote);
    expect(audio?.playing).toBe(true);
    expect(audio?.sinkId).toBe('speaker-1');
    media.setSpeaker('speaker-2');
    expect(audio?.sinkId).toBe('speaker-2');
  });

  it('says when the browser holds the other side’s audio back, and plays it after a gesture', async () => {
    const { fake, media, changed } = setup();
    await media.negotiate('s1', '', () => Promise.resolve({ sdp: 'a' }));
    const audio = fake.audios[0];
    if (!audio) throw new Error('no audio element');
    audio.refusePlay = true;
    let next = changed();
    peer(fake).receiveTrack({ id: 'remote' });
    await next;
    expect(media.isSilent('s1')).toBe(true);
    audio.refusePlay = false;
    next = changed();
    media.resumePlayback();
    await next;
    expect(media.isSilent('s1')).toBe(false);
    expect(audio.playing).toBe(true);
  });

  it('follows the connection state, and marks audio failed when the reply has no usable answer', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { fake, media } = setup();
    await media.negotiate('s1', '', () => Promise.resolve({ sdp: 'a' }));
    peer(fake).setConnectionState('connected');
    expect(media.audio('s1')).toBe('connected');
    peer(fake).setConnectionState('failed');
    expect(media.audio('s1')).toBe('failed');

    const data = await media.negotiate(null, '', () => Promise.resolve({ sessionId: 'o2' }));
    expect(data).toEqual({ sessionId: 'o2' });
    expect(media.audio('o2')).toBe('failed');
    expect(peer(fake, 1).closed).toBe(true);

    const refusing = setup();
    const pending = refusing.media.negotiate('s3', '', () => {
      peer(refusing.fake).refuseAnswer = true;
      return Promise.resolve({ sdp: 'garbage' });
    });
    await expect(pending).resolves.toBeUndefined();
    expect(refusing.media.audio('s3')).toBe('failed');
    expect(warn.mock.calls.map(([line]) => String(line))).toEqual([expect.stringContaining('session o2 carries no audio answer'), expect.stringContaining('answer for session s3 was refused')]);
    warn.mockRestore();
  });

  it('mutes by disabling the microphone track', async () => {
    const { fake, media } = setup();
    await media.negotiate('s1', '', () => Promise.resolve({ sdp: 'a' }));
    expect(media.setMuted('s1', true)).toBe(true);
    expect(fake.tracks[0]?.enabled).toBe(false);
    expect(media.isMuted('s1')).toBe(true);
    media.setMuted('s1', false);
    expect(fake.tracks[0]?.enabled).toBe(true);
    expect(media.setMuted('nope', true)).toBe(false);
  });
});
