import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeG711, encodeG711 } from './g711.js';
import { analyseTones } from './goertzel.js';
import { MediaPlane } from './media-plane.js';
import { RtpPeer } from './rtp-peer.js';
import { serializeTelephoneEvent } from './rtp-packet.js';
import { RtpCapture } from './test-support/rtp-capture.js';
import { spawnSourceWorker } from './test-support/spawn-source-worker.js';
import { toneSamples } from './tones.js';
import type { WorkerInit } from './worker-spawn.js';
import { readWav, writeWav } from './wav.js';

const CUSTOMER_HZ = 600;
const AGENT_HZ = 1400;

let plane: MediaPlane;
let folder: string;
const peers: RtpPeer[] = [];

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'openccc-media-'));
  plane = new MediaPlane({ workers: 2, portRange: { min: 24000, max: 24999 }, bindAddress: '127.0.0.1', spawnWorker: spawnSourceWorker });
  // Workers running the TypeScript sources load the compiler first: wait for both to answer.
  await plane.stats();
}, 60_000);

afterAll(async () => {
  for (const peer of peers) peer.close();
  await plane.close();
  await rm(folder, { recursive: true, force: true });
});

async function peer(listenFor: number[]) {
  const opened = await RtpPeer.open('127.0.0.1', { listenFor });
  peers.push(opened);
  return opened;
}

/** A call: a customer and an agent phone, each with an RTP leg of one session, bridged. */
async function bridgedCall(session: string) {
  const customer = await peer([AGENT_HZ, 450]);
  const agent = await peer([CUSTOMER_HZ]);
  const customerLeg = await plane.createLeg(session, { kind: 'rtp', remote: { address: '127.0.0.1', port: customer.port } });
  const agentLeg = await plane.createLeg(session, { kind: 'rtp', remote: 'latch' });
  if (customerLeg.kind !== 'rtp' || agentLeg.kind !== 'rtp') throw new Error('expected RTP legs');
  customer.remote = { address: customerLeg.localAddress, port: customerLeg.localPort };
  agent.remote = { address: agentLeg.localAddress, port: agentLeg.localPort };
  await plane.bridge(customerLeg.leg, agentLeg.leg);
  return { customer, agent, customerLeg: customerLeg.leg, agentLeg: agentLeg.leg };
}

const tone = (frequency: number) => toneSamples({ frequencies: [frequency], onMs: 1000, offMs: 0, level: 0.4 });

describe('media plane (worker threads)', () => {
  it('relays audio both ways between two bridged RTP legs', async () => {
    const call = await bridgedCall('call-relay');
    const connected = plane.once('legConnected', (event) => event.leg === call.agentLeg);
    const agentHears = call.agent.waitForTone(CUSTOMER_HZ);
    const customerHears = call.customer.waitForTone(AGENT_HZ);
    call.customer.startSending(tone(CUSTOMER_HZ));
    call.agent.startSending(tone(AGENT_HZ));
    await Promise.all([connected, agentHears, customerHears]);
    call.customer.stopSending();
    call.agent.stopSending();
  });

  it('carries DTMF both ways: digits from a phone become events, sendDtmf reaches the phone', async () => {
    const call = await bridgedCall('call-dtmf');
    const fromCustomer = plane.once('dtmf', (event) => event.leg === call.customerLeg);
    call.customer.sendDigit('7');
    expect((await fromCustomer).digit).toBe('7');
    const agentGets = call.agent.nextDigit();
    // The agent's leg latches on its first packet; until then it has nowhere to send.
    const latched = plane.once('legConnected', (event) => event.leg === call.agentLeg);
    call.agent.sendFrame(new Uint8Array(160).fill(0xff));
    await latched;
    await plane.sendDtmf(call.agentLeg, '3');
    expect(await agentGets).toBe('3');
  });

  it('plays a tone and a WAV prompt over the bridge, and reports playDone', async () => {
    const call = await bridgedCall('call-play');
    const ringback = call.customer.waitForTone(450);
    await plane.play(call.customerLeg, { kind: 'tone', tone: 'ringback' }, { loop: true });
    await ringback;
    const stopped = plane.once('playDone', (event) => event.leg === call.customerLeg);
    await plane.stopPlay(call.customerLeg);
    expect((await stopped).reason).toBe('stopped');

    const prompt = join(folder, 'prompt.wav');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(prompt, writeWav({ sampleRate: 8000, channels: 1, samples: tone(AGENT_HZ).subarray(0, 2400) }));
    const heard = call.customer.waitForTone(AGENT_HZ);
    const finished = plane.once('playDone', (event) => event.leg === call.customerLeg);
    await plane.play(call.customerLeg, { kind: 'file', path: prompt });
    await heard;
    expect((await finished).reason).toBe('finished');
    await expect(plane.play(call.customerLeg, { kind: 'file', path: join(folder, 'missing.wav') })).rejects.toMatchObject({ code: 'fileError' });
  });

  it('records a stereo WAV: customer left, agent right', async () => {
    const call = await bridgedCall('call-record');
    const path = join(folder, 'calls', 'call-record.wav');
    const recording = await plane.record({ customer: call.customerLeg, agent: call.agentLeg }, path);
    const agentHears = call.agent.waitForTone(CUSTOMER_HZ);
    const customerHears = call.customer.waitForTone(AGENT_HZ);
    call.customer.startSending(tone(CUSTOMER_HZ));
    call.agent.startSending(tone(AGENT_HZ));
    await Promise.all([agentHears, customerHears]);
    // Keep both talking for another 25 frames each so the file holds plenty of both.
    await Promise.all([call.agent.waitForPackets(25), call.customer.waitForPackets(25)]);
    const done = plane.once('recordDone', (event) => event.recording === recording);
    await plane.stopRecord(recording);
    const { durationMs } = await done;
    call.customer.stopSending();
    call.agent.stopSending();
    expect(durationMs).toBeGreaterThan(0);
    const audio = readWav(await readFile(path));
    expect(audio.channels).toBe(2);
    expect(audio.samples.length / 2).toBe((durationMs / 1000) * 8000);
    const left = audio.samples.filter((_, i) => i % 2 === 0);
    const right = audio.samples.filter((_, i) => i % 2 === 1);
    expect(analyseTones(left, [CUSTOMER_HZ, AGENT_HZ]).frequencies).toEqual([CUSTOMER_HZ]);
    expect(analyseTones(right, [CUSTOMER_HZ, AGENT_HZ]).frequencies).toEqual([AGENT_HZ]);
  });

  it('reports a media timeout after silence, and legClosed when destroyed', async () => {
    const phone = await peer([]);
    const leg = await plane.createLeg('call-timeout', { kind: 'rtp', remote: { address: '127.0.0.1', port: phone.port } }, { mediaTimeoutMs: 200 });
    const timeout = await plane.once('mediaTimeout', (event) => event.leg === leg.leg);
    expect(timeout.silentMs).toBeGreaterThanOrEqual(200);
    const closed = plane.once('legClosed', (event) => event.leg === leg.leg);
    await plane.destroyLeg(leg.leg);
    expect((await closed).reason).toBe('destroyed');
    await expect(plane.play(leg.leg, { kind: 'tone', tone: 'beep' })).rejects.toMatchObject({ code: 'legNotFound' });
  });

  it('pins a session to one worker and spreads sessions over workers', async () => {
    const a1 = await plane.createLeg('spread-a', { kind: 'rtp', remote: 'latch' });
    const b1 = await plane.createLeg('spread-b', { kind: 'rtp', remote: 'latch' });
    const a2 = await plane.createLeg('spread-a', { kind: 'rtp', remote: 'latch' });
    await plane.bridge(a1.leg, a2.leg);
    await expect(plane.bridge(a1.leg, b1.leg)).rejects.toMatchObject({ code: 'crossWorkerBridge' });
    const stats = await plane.stats();
    expect(stats).toHaveLength(2);
    expect(stats.every((worker) => worker.legs > 0)).toBe(true);
    for (const leg of [a1, b1, a2]) await plane.destroyLeg(leg.leg);
  });

  it('refuses bad leg parameters with a message naming the mistake', async () => {
    await expect(plane.createLeg('bad', { kind: 'rtp', remote: { address: '127.0.0.1', port: 0 } })).rejects.toThrow(/port of 1–65535/);
    await expect(plane.createLeg('bad', { kind: 'rtp', remote: 'latch', telephoneEventPayloadType: 8 })).rejects.toMatchObject({ code: 'badCommand' });
    await expect(plane.createLeg('bad', { kind: 'rtp', remote: 'latch', ptime: 25 as 20 })).rejects.toThrow(/ptime must be one of 10, 20, 30, 40/);
    await expect(plane.createLeg('bad', { kind: 'rtp', remote: { address: '127.0.0.1', port: 4000, latch: 'yes' as unknown as boolean } })).rejects.toThrow(/latch must be true or false/);
  });

  it('keeps delivering events to other listeners when one throws', async () => {
    const off = plane.on('legReady', () => {
      throw new Error('a broken listener');
    });
    const ready = plane.once('legReady');
    const leg = await plane.createLeg('listener-throws', { kind: 'rtp', remote: 'latch' });
    expect((await ready).leg).toBe(leg.leg);
    off();
    await plane.destroyLeg(leg.leg);
  });
});

describe('media plane: a SIP trunk call to a desk phone (worker threads)', () => {
  it('latches the NAT\'d trunk, transcodes its 30 ms PCMA for the PCMU phone and back, relays its DTMF, records both sides, on even ports of the range', async () => {
    const TRUNK_HZ = 700;
    const PHONE_HZ = 1400;
    const trunk = await RtpCapture.open();
    const phone = await RtpPeer.open('127.0.0.1', { listenFor: [TRUNK_HZ], telephoneEventPayloadType: 96 });
    peers.push(phone);
    const phoneDigits: string[] = [];
    try {
      // The SDP names a port the carrier's NAT does not use: the leg must latch onto the real one.
      const trunkLeg = await plane.createLeg('sip-call', { kind: 'rtp', remote: { address: '127.0.0.1', port: 9, latch: true }, codec: 'PCMA', ptime: 30 });
      const phoneLeg = await plane.createLeg('sip-call', { kind: 'rtp', remote: { address: '127.0.0.1', port: phone.port }, codec: 'PCMU', telephoneEventPayloadType: 96 });
      if (trunkLeg.kind !== 'rtp' || phoneLeg.kind !== 'rtp') throw new Error('expected RTP legs');
      for (const port of [trunkLeg.localPort, phoneLeg.localPort]) {
        expect(port % 2).toBe(0);
        expect(port).toBeGreaterThanOrEqual(24000);
        expect(port).toBeLessThanOrEqual(24999);
      }
      await plane.bridge(trunkLeg.leg, phoneLeg.leg);
      const path = join(folder, 'calls', 'sip-call.wav');
      const recording = await plane.record({ customer: trunkLeg.leg, agent: phoneLeg.leg }, path);
      const to = { address: trunkLeg.localAddress, port: trunkLeg.localPort };
      phone.remote = { address: phoneLeg.localAddress, port: phoneLeg.localPort };
      phone.on('dtmf', (digit) => phoneDigits.push(digit));

      // The carrier: PCMA at 30 ms, in real time, as sipp's pcap sends it.
      const trunkAudio = encodeG711('PCMA', tone(TRUNK_HZ));
      let offset = 0;
      let sequence = 1;
      const sendTrunkPacket = () => {
        void trunk.send({ marker: sequence === 1, payloadType: 8, sequence: sequence++, timestamp: offset, ssrc: 0xdee0ee8f }, trunkAudio.subarray(offset % 7920, (offset % 7920) + 240), to);
        offset += 240;
      };
      const carrier = setInterval(sendTrunkPacket, 30);
      const phoneHears = phone.waitForTone(TRUNK_HZ);
      phone.startSending(tone(PHONE_HZ));
      await phoneHears;
      await trunk.until((packets) => packets.filter((packet) => packet.payloadType === 8).length >= 20);
      const fromPhone = trunk.packets.filter((packet) => packet.payloadType === 8);
      expect(fromPhone.every((packet) => packet.payload.length === 240)).toBe(true);
      expect(analyseTones(decodeG711('PCMA', fromPhone.at(-1)?.payload ?? new Uint8Array()), [TRUNK_HZ, PHONE_HZ]).frequencies).toEqual([PHONE_HZ]);

      // A key press from the carrier: once to the engine, once to the phone as its own payload type.
      const digit = plane.once('dtmf', (event) => event.leg === trunkLeg.leg);
      const phoneGetsDigit = phone.nextDigit();
      for (let i = 0; i < 10; i++) {
        await trunk.send({ marker: i === 0, payloadType: 101, sequence: 9000 + i, timestamp: 0x33e0, ssrc: 0x0e05384e }, serializeTelephoneEvent({ event: 4, end: i >= 7, volume: 10, duration: Math.min(i, 7) * 160 }), to);
      }
      expect((await digit).digit).toBe('4');
      expect(await phoneGetsDigit).toBe('4');

      // Let both talk a little longer, then look at the recording.
      await Promise.all([phone.waitForPackets(25), trunk.until((packets) => packets.length >= fromPhone.length + 25)]);
      const done = plane.once('recordDone', (event) => event.recording === recording);
      await plane.stopRecord(recording);
      await done;
      clearInterval(carrier);
      phone.stopSending();
      expect(phoneDigits).toEqual(['4']);
      const audio = readWav(await readFile(path));
      const left = audio.samples.filter((_, i) => i % 2 === 0);
      const right = audio.samples.filter((_, i) => i % 2 === 1);
      expect(analyseTones(left, [TRUNK_HZ, PHONE_HZ]).frequencies).toEqual([TRUNK_HZ]);
      expect(analyseTones(right, [TRUNK_HZ, PHONE_HZ]).frequencies).toEqual([PHONE_HZ]);
      for (const leg of [trunkLeg, phoneLeg]) await plane.destroyLeg(leg.leg);
    } finally {
      trunk.close();
    }
  });
});

describe('a media worker that dies', () => {
  it('closes its legs with workerFailed, rejects their commands, and is started again for new calls', async () => {
    const workers: Worker[] = [];
    const fragile = new MediaPlane({
      workers: 1,
      portRange: { min: 26000, max: 26099 },
      bindAddress: '127.0.0.1',
      spawnWorker: (init: WorkerInit) => {
        const worker = spawnSourceWorker(init);
        workers.push(worker);
        return worker;
      },
    });
    try {
      const leg = await fragile.createLeg('doomed', { kind: 'rtp', remote: 'latch' });
      const closed = fragile.once('legClosed', (event) => event.leg === leg.leg);
      await workers[0]?.terminate();
      expect((await closed).reason).toBe('workerFailed');
      await expect(fragile.sendDtmf(leg.leg, '1')).rejects.toMatchObject({ code: 'legNotFound' });
      const after = await fragile.createLeg('after', { kind: 'rtp', remote: 'latch' });
      expect(after.kind).toBe('rtp');
      expect(workers).toHaveLength(2);
    } finally {
      await fragile.close();
    }
  }, 60_000);
});
