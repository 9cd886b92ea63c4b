import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeG711, encodeG711 } from './g711.js';
import { analyseTones } from './goertzel.js';
import type { LegListener } from './media-leg.js';
import { PortAllocator, splitPortRange } from './port-allocator.js';
import { DTMF_DIGITS, type RtpRemote } from './protocol.js';
import { RtpLeg, type RtpLegOptions } from './rtp-leg.js';
import { RtpPeer } from './rtp-peer.js';
import { parseTelephoneEvent, serializeRtp, serializeTelephoneEvent } from './rtp-packet.js';
import { readPcapUdpPayloads, SIPP_PCAP_FOLDER, sippPcapAvailable } from './test-support/pcap-rtp.js';
import { RtpCapture } from './test-support/rtp-capture.js';
import { toneSamples } from './tones.js';

const cleanup: (() => void)[] = [];
afterEach(() => {
  while (cleanup.length > 0) cleanup.pop()?.();
});

function recordingListener() {
  const seen = { audio: 0, dtmf: [] as string[], connected: 0, dropped: 0, frames: [] as Uint8Array[] };
  const listener: LegListener = {
    audio: (_leg, frame) => {
      seen.audio++;
      seen.frames.push(frame.slice());
    },
    telephoneEvent: (_leg, event, start) => void (start && seen.dtmf.push(DTMF_DIGITS[event.event] ?? '?')),
    connected: () => void seen.connected++,
    closed: () => undefined,
    dropped: () => void seen.dropped++,
  };
  return { seen, listener };
}

async function makeLeg(remote: RtpRemote, listener: LegListener, options: Partial<Pick<RtpLegOptions, 'codec' | 'telephoneEventPayloadType' | 'ptime'>> = {}) {
  const ports = new PortAllocator({ min: 21000, max: 21999 }, '127.0.0.1');
  const { socket, port } = await ports.bind();
  const leg = new RtpLeg({ id: 'leg', socket, remote, codec: 'PCMU', telephoneEventPayloadType: 101, listener, now: () => performance.now(), ...options });
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


async function openCapture(address = '127.0.0.1') {
  const capture = await RtpCapture.open(address);
  cleanup.push(() => capture.close());
  return capture;
}

/** A 1 kHz tone as G.711 bytes, `ms` long. */
function toneBytes(codec: 'PCMU' | 'PCMA', ms: number, frequency = 1000) {
  return encodeG711(codec, toneSamples({ frequencies: [frequency], onMs: ms, offMs: 0, level: 0.4 }, ms));
}

const concat = (chunks: Uint8Array[]) => Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));

describe('RTP leg: packet sizes (ptime)', () => {
  it.each([10, 20, 30, 40])('re-cuts received %i ms PCMA packets into 20 ms frames, byte for byte, and the tone survives', async (ptime) => {
    const { seen, listener } = recordingListener();
    const trunk = await openCapture();
    const { target } = await makeLeg({ address: '127.0.0.1', port: trunk.port }, listener, { codec: 'PCMA' });
    const size = ptime * 8;
    const sent = toneBytes('PCMA', 1200);
    for (let offset = 0, sequence = 1; offset < sent.length; offset += size, sequence++) {
      await trunk.send({ marker: offset === 0, payloadType: 8, sequence, timestamp: 5000 + offset, ssrc: 0xdee0ee8f }, sent.subarray(offset, offset + size), target);
      await until(() => seen.audio === Math.floor((offset + size) / 160));
    }
    expect(seen.frames.every((frame) => frame.length === 160)).toBe(true);
    expect(concat(seen.frames)).toEqual(sent);
    for (const frame of seen.frames) expect(analyseTones(decodeG711('PCMA', frame), [1000, 600]).frequencies).toEqual([1000]);
  });

  it('drops the partial frame held back when a packet is lost, so the next frames are not spliced', async () => {
    const { seen, listener } = recordingListener();
    const trunk = await openCapture();
    const { target } = await makeLeg({ address: '127.0.0.1', port: trunk.port }, listener, { codec: 'PCMA' });
    const packet = (fill: number) => new Uint8Array(240).fill(fill);
    await trunk.send({ marker: true, payloadType: 8, sequence: 1, timestamp: 0, ssrc: 7 }, packet(1), target);
    // Sequence 2 (timestamp 240) is lost.
    await trunk.send({ marker: false, payloadType: 8, sequence: 3, timestamp: 480, ssrc: 7 }, packet(3), target);
    await trunk.send({ marker: false, payloadType: 8, sequence: 4, timestamp: 720, ssrc: 7 }, packet(4), target);
    await until(() => seen.audio === 4);
    expect(seen.frames.map((frame) => [frame[0], frame[159]])).toEqual([
      [1, 1],
      [3, 3],
      [3, 4],
      [4, 4],
    ]);
  });

  it('replays sipp\'s g711a.pcap (PCMA, 30 ms, 240-byte payloads) into 354 frames of the same audio', async (context) => {
    if (!sippPcapAvailable('g711a.pcap')) context.skip();
    const packets = readPcapUdpPayloads(`${SIPP_PCAP_FOLDER}/g711a.pcap`);
    expect(packets).toHaveLength(236);
    const { seen, listener } = recordingListener();
    const trunk = await openCapture();
    const { target } = await makeLeg({ address: '127.0.0.1', port: trunk.port }, listener, { codec: 'PCMA' });
    // One packet at a time, as a phone sends them: a burst of 236 would overrun the socket's receive buffer.
    let bytes = 0;
    for (const packet of packets) {
      await trunk.sendRaw(packet, target);
      bytes += packet.length - 12;
      await until(() => seen.audio === Math.floor(bytes / 160));
    }
    expect(seen.audio).toBe(354);
    expect(seen.dropped).toBe(0);
    expect(concat(seen.frames)).toEqual(concat(packets.map((packet) => packet.subarray(12))));
  });

  it.each([10, 20, 30, 40] as const)('sends %i ms packets when the peer asked for that ptime, timestamps contiguous', async (ptime) => {
    const { listener } = recordingListener();
    const phone = await openCapture();
    const { leg } = await makeLeg({ address: '127.0.0.1', port: phone.port }, listener, { codec: 'PCMA', ptime });
    const sent = toneBytes('PCMA', 240);
    for (let i = 0; i < 12; i++) leg.sendAudio(sent.subarray(i * 160, (i + 1) * 160), 1000 + i * 20);
    const size = ptime * 8;
    await phone.until((packets) => packets.length === 1920 / size);
    expect(phone.packets.every((packet) => packet.payload.length === size && packet.payloadType === 8)).toBe(true);
    for (let i = 1; i < phone.packets.length; i++) expect(((phone.packets[i]?.timestamp ?? 0) - (phone.packets[i - 1]?.timestamp ?? 0)) >>> 0).toBe(size);
    expect(phone.packets.map((packet) => packet.marker)).toEqual(phone.packets.map((_, i) => i === 0));
    expect(concat(phone.packets.map((packet) => packet.payload))).toEqual(sent);
  });
});

describe('RTP leg: sources', () => {
  it('with latch: true, sends to the SDP address until a packet comes from that address, then keeps to that exact source', async () => {
    const { seen, listener } = recordingListener();
    const sdp = await openCapture();
    const natted = await openCapture();
    const elsewhere = await openCapture('127.0.0.2');
    const { leg, target } = await makeLeg({ address: '127.0.0.1', port: sdp.port, latch: true }, listener);
    const frame = encodeG711('PCMU', new Int16Array(160));
    leg.sendAudio(frame, 0);
    await sdp.until((packets) => packets.length === 1);
    // Another address may not capture the leg, even before it latched.
    await elsewhere.send({ marker: false, payloadType: 0, sequence: 1, timestamp: 0, ssrc: 1 }, frame, target);
    await until(() => seen.dropped === 1);
    expect(seen.connected).toBe(0);
    // The phone's NAT maps it to another port of the negotiated address: that source is latched.
    await natted.send({ marker: false, payloadType: 0, sequence: 1, timestamp: 0, ssrc: 2 }, frame, target);
    await until(() => seen.connected === 1);
    expect(leg.remote).toEqual({ address: '127.0.0.1', port: natted.port });
    leg.sendAudio(frame, 20);
    await natted.until((packets) => packets.length === 1);
    // From now on even the SDP's own port is a stranger.
    await sdp.send({ marker: false, payloadType: 0, sequence: 1, timestamp: 0, ssrc: 3 }, frame, target);
    await until(() => seen.dropped === 2);
    expect(seen.audio).toBe(1);
    expect(sdp.packets).toHaveLength(1);
  });

  it('without latch, keeps to the negotiated address and port even when another port of that address sends', async () => {
    const { seen, listener } = recordingListener();
    const sdp = await openCapture();
    const other = await openCapture();
    const { leg, target } = await makeLeg({ address: '127.0.0.1', port: sdp.port }, listener);
    await other.send({ marker: false, payloadType: 0, sequence: 1, timestamp: 0, ssrc: 2 }, new Uint8Array(160), target);
    await until(() => seen.dropped === 1);
    expect(seen.connected).toBe(0);
    expect(leg.remote).toEqual({ address: '127.0.0.1', port: sdp.port });
  });
});

describe('RTP leg: RFC 4733', () => {
  it('reports each key press once with the negotiated payload type, whatever SSRC the events carry', async () => {
    const { seen, listener } = recordingListener();
    const trunk = await openCapture();
    const { target } = await makeLeg({ address: '127.0.0.1', port: trunk.port }, listener, { codec: 'PCMA', telephoneEventPayloadType: 96 });
    await trunk.send({ marker: false, payloadType: 8, sequence: 1, timestamp: 0, ssrc: 0x1111 }, new Uint8Array(160), target);
    const digit = async (event: number, timestamp: number, sequence: number) => {
      for (let i = 0; i < 10; i++) {
        const end = i >= 7;
        await trunk.send({ marker: i === 0, payloadType: 96, sequence: sequence + Math.min(i, 7), timestamp, ssrc: 0x0e05384e }, serializeTelephoneEvent({ event, end, volume: 10, duration: Math.min(i, 7) * 320 }), target);
      }
    };
    await digit(1, 0x33e0, 10);
    await digit(1, 0x33e0, 20); // the same recording again: a second press
    await digit(11, 0x5aa0, 30);
    // The payload type the peer did not negotiate is not DTMF here.
    await trunk.send({ marker: true, payloadType: 101, sequence: 40, timestamp: 0x7000, ssrc: 0x0e05384e }, serializeTelephoneEvent({ event: 2, end: true, volume: 10, duration: 800 }), target);
    await until(() => seen.dropped === 1);
    expect(seen.dtmf).toEqual(['1', '1', '#']);
  });

  it('reports the digits of sipp\'s DTMF pcaps once each, the same pcap played twice as two presses', async (context) => {
    if (!sippPcapAvailable('dtmf_2833_1.pcap') || !sippPcapAvailable('dtmf_2833_2.pcap')) context.skip();
    const one = readPcapUdpPayloads(`${SIPP_PCAP_FOLDER}/dtmf_2833_1.pcap`);
    const two = readPcapUdpPayloads(`${SIPP_PCAP_FOLDER}/dtmf_2833_2.pcap`);
    const { seen, listener } = recordingListener();
    const trunk = await openCapture();
    const { target } = await makeLeg({ address: '127.0.0.1', port: trunk.port }, listener, { codec: 'PCMA' });
    for (const packet of [...one, ...two, ...one]) await trunk.sendRaw(packet, target);
    await until(() => seen.dtmf.length === 3);
    await trunk.send({ marker: false, payloadType: 99, sequence: 1, timestamp: 0, ssrc: 1 }, new Uint8Array(4), target);
    await until(() => seen.dropped === 1);
    expect(seen.dtmf).toEqual(['1', '2', '1']);
  });

  it('sends a digit as RFC 4733 events with the leg\'s payload type: one timestamp, marker first, three end packets, audio after', async () => {
    const { listener } = recordingListener();
    const phone = await openCapture();
    const { leg } = await makeLeg({ address: '127.0.0.1', port: phone.port }, listener, { telephoneEventPayloadType: 110 });
    const frame = encodeG711('PCMU', new Int16Array(160));
    leg.sendAudio(frame, 0);
    leg.sendDtmf('7');
    for (let tick = 1; tick <= 8; tick++) {
      leg.tick(tick * 20);
      if (tick < 8) leg.sendAudio(frame, tick * 20); // held back while the digit goes out
    }
    leg.sendAudio(frame, 180);
    await phone.until((packets) => packets.length === 10);
    const [first, ...rest] = phone.packets;
    const events = rest.slice(0, 8);
    const after = rest[8];
    expect(events.every((packet) => packet.payloadType === 110)).toBe(true);
    expect(new Set(events.map((packet) => packet.timestamp))).toEqual(new Set([((first?.timestamp ?? 0) + 160) >>> 0]));
    expect(events.map((packet) => packet.marker)).toEqual([true, false, false, false, false, false, false, false]);
    const decoded = events.map((packet) => parseTelephoneEvent(packet.payload));
    expect(decoded.map((event) => event?.event)).toEqual(Array(8).fill(7));
    expect(decoded.map((event) => event?.end)).toEqual([false, false, false, false, false, true, true, true]);
    const durations = decoded.map((event) => event?.duration ?? 0);
    expect(durations).toEqual([...durations].sort((a, b) => a - b));
    expect(after?.payloadType).toBe(0);
    expect(((after?.timestamp ?? 0) - (events[0]?.timestamp ?? 0)) >>> 0).toBeGreaterThanOrEqual(durations[7] ?? 0);
    expect(phone.packets.map((packet) => packet.sequence)).toEqual(phone.packets.map((_, i) => ((first?.sequence ?? 0) + i) & 0xffff));
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

  it('picks a random even port of the range, starting from an odd bound', async () => {
    const draws = [0.5, 0, 0.999];
    const ports = new PortAllocator({ min: 22301, max: 22400 }, '127.0.0.1', () => draws.shift() ?? 0);
    const bound = [await ports.bind(), await ports.bind(), await ports.bind()];
    for (const { socket } of bound) socket.close();
    // 50 even ports, 22302…22400: the draws land on the middle one, the first and the last.
    expect(bound.map(({ port }) => port)).toEqual([22352, 22302, 22400]);
  });

  it('does not hand out ports in order', async () => {
    const ports = new PortAllocator({ min: 22400, max: 22599 }, '127.0.0.1');
    const bound = [];
    for (let i = 0; i < 8; i++) bound.push(await ports.bind());
    for (const { socket } of bound) socket.close();
    const chosen = bound.map(({ port }) => port);
    // Eight ascending steps of two out of a hundred ports would be a sequential allocator, not chance.
    expect(chosen.every((port, i) => i === 0 || port === (chosen[i - 1] ?? 0) + 2)).toBe(false);
    expect(chosen.every((port) => port % 2 === 0 && port >= 22400 && port <= 22599)).toBe(true);
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
