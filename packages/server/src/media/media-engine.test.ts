import { afterEach, describe, expect, it } from 'vitest';
import { decodeG711, encodeG711, transcodeG711 } from './g711.js';
import { analyseTones } from './goertzel.js';
import { MediaEngine } from './media-engine.js';
import type { LegParams, MediaEvent, MediaEventOf, WorkerStats } from './protocol.js';
import { parseTelephoneEvent, serializeTelephoneEvent } from './rtp-packet.js';
import { RtpCapture, type CapturedPacket } from './test-support/rtp-capture.js';
import { toneSamples } from './tones.js';

const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()?.();
});

/** An engine in this thread, on real sockets, with a clock the test moves. */
function makeEngine(portRange = { min: 23000, max: 23999 }) {
  const clock = { now: 0 };
  const events: MediaEvent[] = [];
  const engine = new MediaEngine({ bindAddress: '127.0.0.1', advertisedAddress: '127.0.0.1', portRange, webrtc: {} }, (event) => events.push(event), () => clock.now);
  cleanup.push(() => engine.shutdown());
  let next = 1;
  async function createLeg(params: LegParams, mediaTimeoutMs = 0) {
    const leg = `leg-${next++}`;
    const ready = await engine.handle({ type: 'createLeg', leg, session: 'call', params, mediaTimeoutMs });
    if (typeof ready !== 'object' || ready === null || !('kind' in ready) || ready.kind !== 'rtp') throw new Error('expected an RTP leg');
    return { leg, port: ready.localPort, address: { address: ready.localAddress, port: ready.localPort } };
  }
  const eventsOf = <T extends MediaEvent['type']>(type: T) => events.filter((event): event is MediaEventOf<T> => event.type === type);
  /** Resolves once the engine has taken in `count` packets in all. */
  async function received(count: number) {
    for (;;) {
      const stats = (await engine.handle({ type: 'stats' })) as WorkerStats;
      if (stats.packetsIn >= count) return stats;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { engine, clock, events, eventsOf, createLeg, received };
}

async function capture() {
  const opened = await RtpCapture.open();
  cleanup.push(() => opened.close());
  return opened;
}

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setImmediate(poll));
    poll();
  });
}

const concat = (chunks: Uint8Array[]) => Uint8Array.from(chunks.flatMap((chunk) => [...chunk]));
const audioOf = (packets: CapturedPacket[], payloadType: number) => packets.filter((packet) => packet.payloadType === payloadType);
const tone = (codec: 'PCMU' | 'PCMA', frequency: number, ms: number) => encodeG711(codec, toneSamples({ frequencies: [frequency], onMs: ms, offMs: 0, level: 0.4 }, ms));

/** A carrier (PCMA, 30 ms, telephone-event 101) and a desk phone (PCMU, 20 ms, telephone-event 96), bridged. */
async function trunkToDeskPhone(phoneCodec: 'PCMU' | 'PCMA' = 'PCMU') {
  const setup = makeEngine();
  const trunk = await capture();
  const phone = await capture();
  const trunkLeg = await setup.createLeg({ kind: 'rtp', remote: { address: '127.0.0.1', port: trunk.port }, codec: 'PCMA', ptime: 30 });
  const phoneLeg = await setup.createLeg({ kind: 'rtp', remote: { address: '127.0.0.1', port: phone.port }, codec: phoneCodec, telephoneEventPayloadType: 96 });
  await setup.engine.handle({ type: 'bridge', legA: trunkLeg.leg, legB: phoneLeg.leg });
  return { ...setup, trunk, phone, trunkLeg, phoneLeg };
}

describe('media engine: bridged RTP legs (SIP trunk ↔ desk phone)', () => {
  it('transcodes a PCMA trunk at 30 ms to a PCMU phone at 20 ms: every byte, and the tone survives', async () => {
    const call = await trunkToDeskPhone('PCMU');
    const sent = tone('PCMA', 700, 1200);
    for (let offset = 0, sequence = 1; offset < sent.length; offset += 240, sequence++) {
      await call.trunk.send({ marker: offset === 0, payloadType: 8, sequence, timestamp: offset, ssrc: 9 }, sent.subarray(offset, offset + 240), call.trunkLeg.address);
      call.clock.now += 30;
      await call.phone.until((packets) => packets.length === Math.floor((offset + 240) / 160));
    }
    const received = audioOf(call.phone.packets, 0);
    expect(received).toHaveLength(60);
    expect(received.every((packet) => packet.payload.length === 160)).toBe(true);
    expect(concat(received.map((packet) => packet.payload))).toEqual(transcodeG711('PCMA', 'PCMU', sent));
    for (const packet of received) expect(analyseTones(decodeG711('PCMU', packet.payload), [700, 1000]).frequencies).toEqual([700]);
  });

  it('sends the phone\'s 20 ms PCMU to the trunk as 30 ms PCMA, as it asked', async () => {
    const call = await trunkToDeskPhone('PCMU');
    const sent = tone('PCMU', 1000, 600);
    for (let offset = 0, sequence = 1; offset < sent.length; offset += 160, sequence++) {
      await call.phone.send({ marker: offset === 0, payloadType: 0, sequence, timestamp: offset, ssrc: 4 }, sent.subarray(offset, offset + 160), call.phoneLeg.address);
      call.clock.now += 20;
      await call.trunk.until((packets) => packets.length === Math.floor((offset + 160) / 240));
    }
    const received = audioOf(call.trunk.packets, 8);
    expect(received).toHaveLength(20);
    expect(received.every((packet) => packet.payload.length === 240)).toBe(true);
    expect(concat(received.map((packet) => packet.payload))).toEqual(transcodeG711('PCMU', 'PCMA', sent));
    for (const packet of received) expect(analyseTones(decodeG711('PCMA', packet.payload), [1000, 700]).frequencies).toEqual([1000]);
  });

  it('passes the same codec through untouched: the phone gets the trunk\'s bytes', async () => {
    const call = await trunkToDeskPhone('PCMA');
    // Bytes no encoder would produce from a tone: a transcoding round trip would change some of them.
    const sent = Uint8Array.from({ length: 480 }, (_, i) => (i * 37) & 0xff);
    await call.trunk.send({ marker: true, payloadType: 8, sequence: 1, timestamp: 0, ssrc: 9 }, sent.subarray(0, 240), call.trunkLeg.address);
    await call.trunk.send({ marker: false, payloadType: 8, sequence: 2, timestamp: 240, ssrc: 9 }, sent.subarray(240), call.trunkLeg.address);
    await call.phone.until((packets) => packets.length === 3);
    expect(concat(audioOf(call.phone.packets, 8).map((packet) => packet.payload))).toEqual(sent);
  });

  it('hands a trunk\'s key press to the engine once and on to the phone as RFC 4733 with the phone\'s payload type, holding audio back meanwhile', async () => {
    const call = await trunkToDeskPhone('PCMU');
    const to = call.trunkLeg.address;
    let sequence = 1;
    const audio = async () => {
      await call.trunk.send({ marker: false, payloadType: 8, sequence: sequence++, timestamp: 0, ssrc: 9 }, new Uint8Array(240).fill(0xd5), to);
      call.clock.now += 20;
    };
    const event = async (end: boolean, duration: number) => {
      // sipp's DTMF pcaps: another SSRC and timeline than the audio's.
      await call.trunk.send({ marker: duration === 0, payloadType: 101, sequence: sequence++, timestamp: 0x33e0, ssrc: 0x0e05384e }, serializeTelephoneEvent({ event: 5, end, volume: 10, duration }), to);
      call.clock.now += 20;
    };
    await audio();
    await call.phone.until((packets) => packets.length === 1);
    await event(false, 0);
    await audio(); // a phone that also sends audio during the press: not relayed over the event
    for (const duration of [320, 640, 960]) await event(false, duration);
    for (let i = 0; i < 3; i++) await event(true, 1120);
    await audio();
    await call.phone.until((packets) => packets.length === 9);
    const kinds = call.phone.packets.map((packet) => packet.payloadType);
    expect(kinds).toEqual([0, 96, 96, 96, 96, 96, 96, 96, 0]);
    const events = call.phone.packets.filter((packet) => packet.payloadType === 96);
    expect(new Set(events.map((packet) => packet.timestamp)).size).toBe(1);
    expect(new Set(events.map((packet) => packet.ssrc))).toEqual(new Set([call.phone.packets[0]?.ssrc]));
    expect(events.map((packet) => packet.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(events.map((packet) => parseTelephoneEvent(packet.payload)?.end)).toEqual([false, false, false, false, true, true, true]);
    expect(events.every((packet) => parseTelephoneEvent(packet.payload)?.event === 5)).toBe(true);
    expect(call.eventsOf('dtmf')).toEqual([{ type: 'dtmf', leg: call.trunkLeg.leg, digit: '5' }]);
  });

  it('relays the phone\'s key presses to the trunk with the trunk\'s payload type', async () => {
    const call = await trunkToDeskPhone('PCMU');
    for (let i = 0; i < 4; i++) {
      await call.phone.send({ marker: i === 0, payloadType: 96, sequence: i + 1, timestamp: 800, ssrc: 4 }, serializeTelephoneEvent({ event: 10, end: i >= 1, volume: 10, duration: 800 }), call.phoneLeg.address);
    }
    await call.trunk.until((packets) => packets.length === 4);
    expect(call.trunk.packets.map((packet) => packet.payloadType)).toEqual([101, 101, 101, 101]);
    expect(call.eventsOf('dtmf')).toEqual([{ type: 'dtmf', leg: call.phoneLeg.leg, digit: '*' }]);
  });

  it('relays nothing to a leg that is hearing a prompt, but still reports the digit', async () => {
    const call = await trunkToDeskPhone('PCMU');
    await call.engine.handle({ type: 'play', leg: call.phoneLeg.leg, source: { kind: 'tone', tone: 'beep' }, loop: true });
    await call.trunk.send({ marker: true, payloadType: 101, sequence: 1, timestamp: 1, ssrc: 1 }, serializeTelephoneEvent({ event: 1, end: true, volume: 10, duration: 800 }), call.trunkLeg.address);
    await call.trunk.send({ marker: false, payloadType: 8, sequence: 2, timestamp: 0, ssrc: 1 }, new Uint8Array(240), call.trunkLeg.address);
    const stats = await call.received(2);
    expect(call.eventsOf('dtmf')).toEqual([{ type: 'dtmf', leg: call.trunkLeg.leg, digit: '1' }]);
    expect(stats.packetsOut).toBe(0);
    expect(call.phone.packets).toEqual([]);
  });
});

describe('media engine: media timeout of an RTP leg', () => {
  it('fires once when the peer goes silent, and again after media came back and stopped again', async () => {
    const { engine, clock, eventsOf, createLeg, received } = makeEngine();
    const trunk = await capture();
    const leg = await createLeg({ kind: 'rtp', remote: { address: '127.0.0.1', port: trunk.port }, codec: 'PCMA' }, 1_000);
    const sendPacket = async () => {
      await trunk.send({ marker: false, payloadType: 8, sequence: 1, timestamp: 0, ssrc: 1 }, new Uint8Array(240), leg.address);
      await until(() => eventsOf('legConnected').length === 1);
    };
    await sendPacket();
    clock.now = 999;
    engine.tick(clock.now);
    expect(eventsOf('mediaTimeout')).toEqual([]);
    clock.now = 1_000;
    engine.tick(clock.now);
    clock.now = 1_500;
    engine.tick(clock.now);
    expect(eventsOf('mediaTimeout')).toEqual([{ type: 'mediaTimeout', leg: leg.leg, silentMs: 1_000 }]);
    clock.now = 2_000;
    await trunk.send({ marker: false, payloadType: 8, sequence: 2, timestamp: 240, ssrc: 1 }, new Uint8Array(240), leg.address);
    await received(2);
    clock.now = 2_999;
    engine.tick(clock.now);
    expect(eventsOf('mediaTimeout')).toHaveLength(1);
    clock.now = 3_000;
    engine.tick(clock.now);
    expect(eventsOf('mediaTimeout')).toHaveLength(2);
  });
});

describe('media engine: ports', () => {
  it('gives RTP legs even ports of its range, and a clear error when the range is used up', async () => {
    const { createLeg } = makeEngine({ min: 23101, max: 23110 });
    const ports: number[] = [];
    for (let i = 0; i < 5; i++) ports.push((await createLeg({ kind: 'rtp', remote: 'latch' })).port);
    expect([...ports].sort()).toEqual([23102, 23104, 23106, 23108, 23110]);
    await expect(createLeg({ kind: 'rtp', remote: 'latch' })).rejects.toMatchObject({ code: 'noPortAvailable', message: expect.stringMatching(/no free UDP port in 23101-23110.*widen the media port range/) });
  });
});
