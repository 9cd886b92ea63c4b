// The agents' browsers for `bench:engine`'s WebRTC part: werift peer connections in a process of
// their own, so that their SRTP and DTLS work is not counted as the server's, nor slows the
// benchmark's signalling. Each peer is what the workbench does: a complete non-trickle G.711 offer
// (PCMU and telephone-event, no header extensions), a sendrecv audio track that sends a 20 ms
// frame every 20 ms, and the server's answer applied. One 20 ms timer drives every peer.
//
// The peers offer IPv4 host candidates only: with IPv6 ones too, more legs failed their DTLS
// handshake after ICE had connected, or never finished it, when the machine was loaded (the
// benchmark reports how many legs connected). BENCH_ENGINE_PEERS_ALL_ADDRESSES=1 offers every host
// candidate, as a browser would.
//
// IPC, from the parent:
//   {type: 'offer', id}         → {type: 'offer', id, sdp}
//   {type: 'answer', id, sdp}   → {type: 'answered', id}
//   {type: 'close', id}         → {type: 'closed', id}
//   {type: 'measure'}           → {type: 'measuring'}     (counters from now)
//   {type: 'report'}            → {type: 'report', peers, connected, sent, received}
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, usePCMU } from 'werift';

const peers = new Map();
let sent = 0;
let received = 0;
const silence = Buffer.alloc(160, 0xff);

setInterval(() => {
  for (const peer of peers.values()) {
    if (!peer.answered) continue;
    peer.sequence = (peer.sequence + 1) & 0xffff;
    peer.timestamp = (peer.timestamp + 160) >>> 0;
    peer.track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 0, sequenceNumber: peer.sequence, timestamp: peer.timestamp }), silence));
    sent++;
  }
}, 20);

async function offer(id) {
  const pc = new RTCPeerConnection({
    codecs: { audio: [usePCMU(), new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 101 })] },
    headerExtensions: { audio: [] },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    ...(process.env.BENCH_ENGINE_PEERS_ALL_ADDRESSES ? {} : { iceUseIpv6: false }),
  });
  const track = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(track, { direction: 'sendrecv' });
  const peer = { pc, track, answered: false, sequence: 0, timestamp: 0 };
  peers.set(id, peer);
  pc.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe(() => received++));
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') resolve();
    else pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
  });
  return pc.localDescription.sdp;
}

process.on('message', async (message) => {
  try {
    if (message.type === 'offer') {
      process.send({ type: 'offer', id: message.id, sdp: await offer(message.id) });
    } else if (message.type === 'answer') {
      const peer = peers.get(message.id);
      await peer.pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
      peer.answered = true;
      process.send({ type: 'answered', id: message.id });
    } else if (message.type === 'close') {
      const peer = peers.get(message.id);
      peers.delete(message.id);
      await peer?.pc.close().catch(() => undefined);
      process.send({ type: 'closed', id: message.id });
    } else if (message.type === 'measure') {
      sent = 0;
      received = 0;
      process.send({ type: 'measuring' });
    } else if (message.type === 'report') {
      const states = {};
      for (const peer of peers.values()) states[peer.pc.connectionState] = (states[peer.pc.connectionState] ?? 0) + 1;
      process.send({ type: 'report', peers: peers.size, connected: states.connected ?? 0, states, sent, received });
    } else if (message.type === 'exit') {
      process.exit(0);
    }
  } catch (error) {
    process.send({ type: 'failed', id: message.id, message: String(error?.stack ?? error) });
  }
});
process.send({ type: 'ready' });
