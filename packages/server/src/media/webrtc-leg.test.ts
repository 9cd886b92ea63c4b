import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, usePCMU } from 'werift';
import { decodeG711, encodeG711 } from './g711.js';
import { ToneDetector } from './goertzel.js';
import { MediaPlane } from './media-plane.js';
import { RtpPeer } from './rtp-peer.js';
import { RtpCapture } from './test-support/rtp-capture.js';
import { spawnSourceWorker } from './test-support/spawn-source-worker.js';
import { FRAME_SAMPLES, toneSamples } from './tones.js';

const BROWSER_HZ = 800;
const PHONE_HZ = 1200;

let plane: MediaPlane;
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  // Port ranges below the kernel's ephemeral range (32768–60999), so that the sockets other tests open
  // meanwhile cannot take ports from under the legs.
  plane = new MediaPlane({ workers: 1, portRange: { min: 25000, max: 25499 }, bindAddress: '127.0.0.1', spawnWorker: spawnSourceWorker, webrtc: { additionalHostAddresses: ['127.0.0.1'], portRange: [25500, 25999] } });
  await plane.stats();
}, 60_000);

afterAll(async () => {
  for (const undo of cleanup) undo();
  await plane.close();
});

/** A browser stand-in: a werift peer offering PCMU + telephone-event, non-trickle. */
async function browserPeer() {
  const pc = new RTCPeerConnection({
    codecs: { audio: [usePCMU(), new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 101 })] },
    headerExtensions: { audio: [] },
    iceAdditionalHostAddresses: ['127.0.0.1'],
  });
  cleanup.push(() => void pc.close().catch(() => undefined));
  const track = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(track, { direction: 'sendrecv' });
  const heard = new Promise<void>((resolve) => {
    const detector = new ToneDetector({ frequencies: [PHONE_HZ], onTone: () => resolve() });
    pc.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe((rtp) => rtp.header.payloadType === 0 && detector.push(decodeG711('PCMU', rtp.payload))));
  });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    else pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
  });
  const connected = new Promise<void>((resolve) => pc.connectionStateChange.subscribe((state) => state === 'connected' && resolve()));
  let sequence = 1;
  let timestamp = 0;
  const sendTone = () => {
    const tone = toneSamples({ frequencies: [BROWSER_HZ], onMs: 1000, offMs: 0, level: 0.4 });
    let position = 0;
    const timer = setInterval(() => {
      const frame = tone.subarray(position, position + FRAME_SAMPLES);
      position = (position + FRAME_SAMPLES) % tone.length;
      const header = new RtpHeader({ payloadType: 0, sequenceNumber: sequence++ & 0xffff, timestamp: (timestamp += FRAME_SAMPLES) >>> 0 });
      track.writeRtp(new RtpPacket(header, Buffer.from(encodeG711('PCMU', frame))));
    }, 20);
    cleanup.push(() => clearInterval(timer));
  };
  return { pc, offerSdp: pc.localDescription?.sdp ?? '', heard, connected, sendTone };
}

describe('WebRTC leg (werift in a media worker)', () => {
  it('answers a PCMU offer and carries audio both ways to a bridged RTP phone', async () => {
    let stage = 'offer';
    onTestFailed(() => console.log(`WebRTC test stopped at: ${stage}`));
    const browser = await browserPeer();
    stage = 'answer';
    const webrtc = await plane.createLeg('call-webrtc', { kind: 'webrtc', offerSdp: browser.offerSdp });
    if (webrtc.kind !== 'webrtc') throw new Error('expected a WebRTC leg');
    expect(webrtc.answerSdp).toMatch(/a=rtpmap:0 PCMU\/8000/);
    expect(webrtc.answerSdp).not.toMatch(/opus/i);
    expect(webrtc.answerSdp).toMatch(/a=candidate:/);

    const phone = await RtpPeer.open('127.0.0.1', { listenFor: [BROWSER_HZ] });
    cleanup.push(() => phone.close());
    const rtp = await plane.createLeg('call-webrtc', { kind: 'rtp', remote: { address: '127.0.0.1', port: phone.port } });
    if (rtp.kind !== 'rtp') throw new Error('expected an RTP leg');
    phone.remote = { address: rtp.localAddress, port: rtp.localPort };
    await plane.bridge(webrtc.leg, rtp.leg);

    const legConnected = plane.once('legConnected', (event) => event.leg === webrtc.leg);
    await browser.pc.setRemoteDescription({ type: 'answer', sdp: webrtc.answerSdp });
    stage = 'connect';
    browser.connected.then(() => (stage += ' browser-connected'), () => undefined);
    legConnected.then(() => (stage += ' leg-connected'), () => undefined);
    await Promise.all([browser.connected, legConnected]);
    stage = 'audio';

    const phoneHears = phone.waitForTone(BROWSER_HZ);
    browser.sendTone();
    phone.startSending(toneSamples({ frequencies: [PHONE_HZ], onMs: 1000, offMs: 0, level: 0.4 }));
    phoneHears.then(() => (stage += ' phone-heard'), () => undefined);
    browser.heard.then(() => (stage += ' browser-heard'), () => undefined);
    await Promise.all([phoneHears, browser.heard]);
    stage = 'destroy';

    const closed = plane.once('legClosed', (event) => event.leg === webrtc.leg);
    await plane.destroyLeg(webrtc.leg);
    expect((await closed).reason).toBe('destroyed');
    // ICE, DTLS and the first tone bursts take well under a second alone; a loaded machine needs more.
  }, 60_000);

  it('joins a browser to a SIP trunk that sends PCMA at 30 ms: each side hears the other in its own codec and ptime', async () => {
    const browser = await browserPeer();
    const webrtc = await plane.createLeg('call-webrtc-trunk', { kind: 'webrtc', offerSdp: browser.offerSdp });
    if (webrtc.kind !== 'webrtc') throw new Error('expected a WebRTC leg');
    const trunk = await RtpCapture.open();
    cleanup.push(() => trunk.close());
    const rtp = await plane.createLeg('call-webrtc-trunk', { kind: 'rtp', remote: { address: '127.0.0.1', port: trunk.port }, codec: 'PCMA', ptime: 30 });
    if (rtp.kind !== 'rtp') throw new Error('expected an RTP leg');
    await plane.bridge(webrtc.leg, rtp.leg);
    const legConnected = plane.once('legConnected', (event) => event.leg === webrtc.leg);
    await browser.pc.setRemoteDescription({ type: 'answer', sdp: webrtc.answerSdp });
    await Promise.all([browser.connected, legConnected]);

    const trunkAudio = encodeG711('PCMA', toneSamples({ frequencies: [PHONE_HZ], onMs: 990, offMs: 0, level: 0.4 }));
    let offset = 0;
    const carrier = setInterval(() => {
      void trunk.send({ marker: offset === 0, payloadType: 8, sequence: offset / 240 + 1, timestamp: offset, ssrc: 0xdee0ee8f }, trunkAudio.subarray(offset % 7920, (offset % 7920) + 240), { address: rtp.localAddress, port: rtp.localPort });
      offset += 240;
    }, 30);
    cleanup.push(() => clearInterval(carrier));
    browser.sendTone();
    const trunkHears = new Promise<void>((resolve) => {
      const detector = new ToneDetector({ frequencies: [BROWSER_HZ], onTone: () => resolve() });
      trunk.on('packet', (packet) => packet.payloadType === 8 && detector.push(decodeG711('PCMA', packet.payload)));
    });
    await Promise.all([trunkHears, browser.heard]);
    clearInterval(carrier);
    const audio = trunk.packets.filter((packet) => packet.payloadType === 8);
    expect(audio.every((packet) => packet.payload.length === 240)).toBe(true);
    await plane.destroyLeg(webrtc.leg);
    await plane.destroyLeg(rtp.leg);
  }, 60_000);

  it('refuses an offer it cannot answer', async () => {
    await expect(plane.createLeg('call-bad', { kind: 'webrtc', offerSdp: 'v=0\r\nnot sdp' })).rejects.toMatchObject({ code: 'sdpError' });
  });
});
