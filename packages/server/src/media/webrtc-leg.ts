/**
 * A WebRTC leg for browsers, through werift: PCMU and telephone-event only, a non-trickle answer
 * once ICE gathering is complete, and a fresh RtpPacket for every frame sent (werift rewrites the
 * payload type, SSRC, sequence number and timestamp of what it sends, in place).
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, usePCMU } from 'werift';
import { MediaError } from './media-error.js';
import type { LegListener, MediaLeg } from './media-leg.js';
import { DTMF_DIGITS, type LegId } from './protocol.js';
import { parseTelephoneEvent } from './rtp-packet.js';
import { TelephoneEventReceiver } from './telephone-event-receiver.js';
import { FRAME_SAMPLES } from './tones.js';
import type { WebRtcConfig } from './webrtc-config.js';

export interface WebRtcLegOptions {
  id: LegId;
  offerSdp: string;
  config: WebRtcConfig;
  listener: LegListener;
  now: () => number;
}

const TELEPHONE_EVENT = 'audio/telephone-event';
/** How long ICE gathering may take before the answer is sent with what was gathered. */
const GATHERING_TIMEOUT_MS = 5_000;

/** Builds the peer connection, applies the offer and resolves with the complete answer. */
export async function createWebRtcLeg(options: WebRtcLegOptions): Promise<{ leg: WebRtcLeg; answerSdp: string }> {
  const { config } = options;
  assertOffersPcmu(options.offerSdp);
  const pc = new RTCPeerConnection({
    codecs: { audio: [usePCMU(), new RTCRtpCodecParameters({ mimeType: TELEPHONE_EVENT, clockRate: 8000, payloadType: 101 })] },
    headerExtensions: { audio: [] },
    iceServers: (config.stunServers ?? []).map((urls) => ({ urls })),
    icePortRange: config.portRange,
    iceAdditionalHostAddresses: config.additionalHostAddresses,
    iceUseIpv4: config.useIpv4 ?? true,
    iceUseIpv6: config.useIpv6 ?? true,
  });
  const leg = new WebRtcLeg(options, pc);
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: options.offerSdp });
    pc.addTrack(leg.track);
    await pc.setLocalDescription(await pc.createAnswer());
    await gatheringComplete(pc);
    const answerSdp = pc.localDescription?.sdp;
    if (!answerSdp) throw new Error('werift produced no local description');
    return { leg, answerSdp };
  } catch (error) {
    leg.close();
    throw MediaError.from(error, 'sdpError');
  }
}

/** werift answers even an offer without audio (with no media at all): refuse it here instead. */
function assertOffersPcmu(sdp: string): void {
  const audio = /^m=audio [1-9]\d* [A-Z/]+ ([\d ]+)\s*$/m.exec(sdp);
  if (!audio) throw new MediaError('sdpError', 'the WebRTC offer has no audio section: offer one audio transceiver (sendrecv)');
  if (!(audio[1] ?? '').split(' ').includes('0')) {
    throw new MediaError('sdpError', 'the WebRTC offer does not include PCMU (payload type 0): keep audio/PCMU in setCodecPreferences');
  }
}

function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, GATHERING_TIMEOUT_MS);
    const subscription = pc.iceGatheringStateChange.subscribe((state) => {
      if (state === 'complete') done();
    });
    function done() {
      clearTimeout(timer);
      subscription.unSubscribe();
      resolve();
    }
  });
}

export class WebRtcLeg implements MediaLeg {
  readonly id: LegId;
  readonly codec = 'PCMU' as const;
  readonly track = new MediaStreamTrack({ kind: 'audio' });
  lastReceivedAt: number;
  packetsIn = 0;
  packetsOut = 0;
  private connected = false;
  private closed = false;
  private sequence = Math.floor(Math.random() * 0x10000);
  private timestamp = Math.floor(Math.random() * 0x1_0000_0000) >>> 0;
  private readonly events = new TelephoneEventReceiver();

  constructor(
    private readonly options: WebRtcLegOptions,
    private readonly pc: RTCPeerConnection,
  ) {
    this.id = options.id;
    this.lastReceivedAt = options.now();
    pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.receive(rtp));
    });
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected' && !this.connected) {
        this.connected = true;
        this.lastReceivedAt = options.now();
        options.listener.connected(this.id);
      } else if ((state === 'failed' || state === 'closed') && !this.closed) {
        this.close();
        options.listener.closed(this.id, state === 'failed' ? 'failed' : 'remoteClosed');
      }
    });
  }

  private receive(rtp: RtpPacket): void {
    const { listener } = this.options;
    this.lastReceivedAt = this.options.now();
    this.packetsIn++;
    if (rtp.header.payloadType === 0) {
      // Browsers send 20 ms frames; a payload of any other size is cut into them all the same.
      for (let offset = 0; offset + FRAME_SAMPLES <= rtp.payload.length; offset += FRAME_SAMPLES) listener.audio(this.id, rtp.payload.subarray(offset, offset + FRAME_SAMPLES));
      return;
    }
    const event = parseTelephoneEvent(rtp.payload);
    if (event && event.event < DTMF_DIGITS.length) listener.telephoneEvent(this.id, event, this.events.receive(rtp.header.timestamp, event));
  }

  sendAudio(payload: Uint8Array): void {
    // Writes before DTLS is up are dropped by werift anyway.
    if (!this.connected || this.closed) return;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + payload.length) >>> 0;
    const header = new RtpHeader({ payloadType: 0, sequenceNumber: this.sequence, timestamp: this.timestamp, marker: false });
    // A copy: the payload may be a view of a buffer the caller reuses, and werift sends it later.
    this.track.writeRtp(new RtpPacket(header, Buffer.from(payload)));
    this.packetsOut++;
  }

  sendDtmf(): void {
    // The engine plays in-band DTMF to WebRTC legs instead (see MediaEngine).
  }

  tick(): void {}

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.close().catch(() => undefined);
  }
}
