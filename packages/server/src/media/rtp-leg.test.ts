import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeG711 } from './g711.js';
import type { LegListener } from './media-leg.js';
import { PortAllocator, splitPortRange } from './port-allocator.js';
import { DTMF_DIGITS } from './protocol.js';
import { RtpLeg } from './rtp-leg.js';
import { RtpPeer } from './rtp-peer.js';
import { serializeRtp } from './rtp-packet.js';
import { toneSamples } from './tones.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()?.();
});

function recordingListener() {
  const seen = { audio: 0, dtmf: [] as string[], connected: 0, dropped: 0 };
  const listener: LegListener = {
    audio: () => void seen.audio++,
    telephoneEvent: (_leg, event, start) => void (start && seen.dtmf.push(DTMF_DIGITS[event.event] ?? '?')),
    connected: () => void seen.connected++,
    closed: () => undefined,
    dropped: () => void seen.dropped++,
  };
  return { seen, listener };
}

async function makeLeg(remote: { address: string; port: number } | 'latch', listener: LegListener) {
  const ports = new PortAllocator({ min: 21000, max: 21999 }, '127.0.0.1');
  const { socket, port } = await ports.bind();
  const leg = new RtpLeg({ id: 'leg', socket, remote, codec: 'PCMU', telephoneEventPayloadType: 101, listener, now: () => performance.now() });
  cleanup.push(() => leg.close());
  return { leg, target: { address: '127.0.0.1', port } };
}

async function openPeer(listenFor: number[] = []) {
  const peer = await RtpPeer.open('127.0.0.1', { listenFor });
  cleanup.push(() => peer.close());
  return peer;
}

/** Sends a frame and resolves once the leg's socket has handled it (the listener ran or dropped it). */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setImmediate(poll));
    poll();
  });
}

describe('RTP leg', () => {
  it('latches onto the first source and drops packets from any other', async () => {
    const { seen, listener } = recordingListener();
    const { target } = await makeLeg('latch', listener);
    const caller = await openPeer();
    const intruder = await openPeer();
    caller.remote = target;
    intruder.remote = target;
    caller.sendFrame(encodeG711('PCMU', new Int16Array(160)));
    await until(() => seen.audio === 1);
    expect(seen.connected).toBe(1);
    intruder.sendFrame(encodeG711('PCMU', new Int16Array(160)));
    await until(() => seen.dropped === 1);
    caller.sendFrame(encodeG711('PCMU', new Int16Array(160)));
    await until(() => seen.audio === 2);
    expect(seen).toMatchObject({ audio: 2, dropped: 1, connected: 1 });
  });

  it('accepts only the negotiated peer, and sends to it (symmetric RTP)', async () => {
    const { seen, listener } = recordingListener();
    const caller = await openPeer([1000]);
    const stranger = await openPeer();
    const { leg, target } = await makeLeg({ address: '127.0.0.1', port: caller.port }, listener);
    stranger.remote = target;
    stranger.sendFrame(encodeG711('PCMU', new Int16Array(160)));
    await until(() => seen.dropped === 1);
    expect(seen.audio).toBe(0);
    const heard = caller.waitForTone(1000);
    const tone = encodeG711('PCMU', toneSamples({ frequencies: [1000], onMs: 20, offMs: 0, level: 0.5 }));
    for (let i = 0; i < 5; i++) leg.sendAudio(tone, i * 20);
    await heard;
  });

  it('drops what is not RTP or not a negotiated payload type', async () => {
    const { seen, listener } = recordingListener();
    const { target } = await makeLeg('latch', listener);
    const raw = dgram.createSocket('udp4');
    cleanup.push(() => raw.close());
    raw.send(Buffer.from('hello'), target.port, target.address);
    raw.send(serializeRtp({ marker: false, payloadType: 8, sequence: 1, timestamp: 1, ssrc: 1 }, new Uint8Array(160)), target.port, target.address);
    await until(() => seen.dropped === 2);
    expect(seen.audio).toBe(0);
  });

  it('sends and receives RFC 4733 digits, each event once', async () => {
    const { seen, listener } = recordingListener();
    const caller = await openPeer();
    const { leg, target } = await makeLeg({ address: '127.0.0.1', port: caller.port }, listener);
    caller.remote = target;
    caller.sendDigit('5');
    caller.sendDigit('#');
    await until(() => seen.dtmf.length === 2);
    expect(seen.dtmf).toEqual(['5', '#']);
    const digits: string[] = [];
    caller.on('dtmf', (digit) => digits.push(digit));
    leg.sendDtmf('1*9');
    for (let tick = 0; digits.length < 3 && tick < 100; tick++) {
      leg.tick(tick * 20);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => digits.length === 3);
    expect(digits).toEqual(['1', '*', '9']);
  });
});

describe('port allocation', () => {
  it('hands out even ports of the range, never twice, and takes them back', async () => {
    const ports = new PortAllocator({ min: 22100, max: 22105 }, '127.0.0.1');
    const a = await ports.bind();
    const b = await ports.bind();
    const c = await ports.bind();
    expect(new Set([a.port, b.port, c.port])).toEqual(new Set([22100, 22102, 22104]));
    await expect(ports.bind()).rejects.toMatchObject({ code: 'noPortAvailable' });
    b.socket.close();
    ports.release(b.port);
    const again = await ports.bind();
    expect(again.port).toBe(b.port);
    for (const bound of [a, c, again]) bound.socket.close();
  });

  it('skips ports something else holds', async () => {
    const squatter = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => squatter.bind(22200, '127.0.0.1', resolve));
    const ports = new PortAllocator({ min: 22200, max: 22203 }, '127.0.0.1');
    const bound = await ports.bind();
    expect(bound.port).toBe(22202);
    bound.socket.close();
    squatter.close();
  });

  it('splits a range between workers without overlap', () => {
    const parts = splitPortRange({ min: 20000, max: 29999 }, 3);
    expect(parts).toHaveLength(3);
    for (let i = 1; i < parts.length; i++) expect((parts[i] as { min: number }).min).toBeGreaterThan((parts[i - 1] as { max: number }).max);
    expect(() => splitPortRange({ min: 20000, max: 20001 }, 2)).toThrow(/too small/);
  });
});
