import { randomUUID } from 'node:crypto';
import { PHONE_PATH, PHONE_VERSION, type PhoneServerMessage } from '@openccc/protocol';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, usePCMU } from 'werift';
import { WebSocket } from 'ws';
import { decodeG711, encodeG711 } from '../../packages/server/src/media/g711.js';
import { ToneDetector, analyseTones } from '../../packages/server/src/media/goertzel.js';
import { parseRtp } from '../../packages/server/src/media/rtp-packet.js';
import { RtpPeer } from '../../packages/server/src/media/rtp-peer.js';
import { FRAME_SAMPLES, toneSamples } from '../../packages/server/src/media/tones.js';
import { createLogger } from '../../packages/server/src/log.js';
import { startTestServer, type TestServer } from '../../packages/server/src/test-support/harness.js';
import { officialClient, type CccClient } from '../../packages/server/src/test-support/sdk-client.js';
import { AgentSocket, createAgent, loginAs, uniqMail } from '../realtime/helpers.js';

/** What the phone sends (the customer's voice) and what the agent's browser sends. */
export const CUSTOMER_HZ = 1200;
export const AGENT_HZ = 800;
/** A scripted callee's voice (`SCRIPTED_VOICE`). */
export const CALLEE_HZ = 1000;

type PhoneMsg<T extends PhoneServerMessage['type']> = Extract<PhoneServerMessage, { type: T }>;

/** A virtual phone on `/phone/v1` with an RTP peer as its audio: it speaks CUSTOMER_HZ and listens for the agent. */
export class TestPhone {
  readonly ws: WebSocket;
  private readonly queue: PhoneServerMessage[] = [];
  private waiters: Array<{ match: (m: PhoneServerMessage) => boolean; resolve: (m: PhoneServerMessage) => void; reject: (e: Error) => void }> = [];
  private closed = false;

  private constructor(
    url: string,
    readonly rtp: RtpPeer,
  ) {
    this.ws = new WebSocket(url.replace(/^http/, 'ws') + PHONE_PATH);
    this.ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as PhoneServerMessage;
      const i = this.waiters.findIndex((w) => w.match(message));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(message);
      else this.queue.push(message);
    });
    this.ws.on('close', () => {
      this.closed = true;
      for (const w of this.waiters) w.reject(new Error('phone socket closed'));
      this.waiters = [];
    });
  }

  static async open(url: string, number: string): Promise<TestPhone> {
    const rtp = await RtpPeer.open('127.0.0.1', { listenFor: [AGENT_HZ, CALLEE_HZ, 450] });
    const phone = new TestPhone(url, rtp);
    await new Promise<void>((resolve, reject) => {
      phone.ws.once('open', () => resolve());
      phone.ws.once('error', reject);
    });
    phone.send({ type: 'hello', v: PHONE_VERSION, number });
    await phone.next('welcome');
    return phone;
  }

  send(message: Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  next<T extends PhoneServerMessage['type']>(type: T | T[], callId?: string): Promise<PhoneMsg<T>> {
    const types: string[] = Array.isArray(type) ? type : [type];
    const match = (m: PhoneServerMessage) => types.includes(m.type) && (callId === undefined || !('callId' in m) || m.callId === callId);
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0] as PhoneMsg<T>);
    if (this.closed) return Promise.reject(new Error('phone socket closed'));
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve: resolve as (m: PhoneServerMessage) => void, reject }));
  }

  /** Dials and starts sending the customer's voice once the server's leg is known. */
  async dial(to: string): Promise<{ callId: string; media: PhoneMsg<'media'> | PhoneMsg<'ended'> }> {
    const callId = randomUUID();
    this.send({ type: 'dial', callId, to, media: { kind: 'rtp', address: '127.0.0.1', port: this.rtp.port } });
    // One waiter for either answer: a second one left waiting would take the call's later `ended`.
    const media = await this.next(['media', 'ended'], callId);
    if (media.type === 'media' && media.media.kind === 'rtp') {
      this.rtp.remote = { address: media.media.address, port: media.media.port };
      this.rtp.startSending(toneSamples({ frequencies: [CUSTOMER_HZ], onMs: 1000, offMs: 0, level: 0.4 }));
    }
    return { callId, media };
  }

  async answer(callId: string): Promise<void> {
    this.send({ type: 'answer', callId, media: { kind: 'rtp', address: '127.0.0.1', port: this.rtp.port } });
    const media = await this.next('media', callId);
    if (media.media.kind !== 'rtp') throw new Error('expected an RTP answer');
    this.rtp.remote = { address: media.media.address, port: media.media.port };
    this.rtp.startSending(toneSamples({ frequencies: [CUSTOMER_HZ], onMs: 1000, offMs: 0, level: 0.4 }));
  }

  close(): void {
    this.rtp.close();
    this.ws.close();
  }
}

/** An agent: the realtime socket of a signed-in workbench, and a werift peer standing in for the browser's audio. */
export class TestAgent {
  private pc: RTCPeerConnection | null = null;
  private sender: ReturnType<typeof setInterval> | null = null;
  private readonly heard = new Set<number>();
  private toneWaiters: Array<{ hz: number; resolve: () => void }> = [];

  constructor(
    readonly mail: string,
    readonly socket: AgentSocket,
  ) {}

  /** A fresh non-trickle offer from a new peer connection that sends AGENT_HZ and listens. */
  async offer(): Promise<string> {
    this.hangupMedia();
    const pc = new RTCPeerConnection({
      codecs: { audio: [usePCMU(), new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 101 })] },
      headerExtensions: { audio: [] },
      iceAdditionalHostAddresses: ['127.0.0.1'],
    });
    this.pc = pc;
    const track = new MediaStreamTrack({ kind: 'audio' });
    pc.addTransceiver(track, { direction: 'sendrecv' });
    const detector = new ToneDetector({
      frequencies: [CUSTOMER_HZ, CALLEE_HZ, 450],
      onTone: (hz) => {
        this.heard.add(hz);
        this.toneWaiters = this.toneWaiters.filter((w) => (w.hz === hz ? (w.resolve(), false) : true));
      },
    });
    pc.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe((rtp) => rtp.header.payloadType === 0 && detector.push(decodeG711('PCMU', rtp.payload))));
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      else pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
    });
    let sequence = 1;
    let timestamp = 0;
    const tone = toneSamples({ frequencies: [AGENT_HZ], onMs: 1000, offMs: 0, level: 0.4 });
    let position = 0;
    this.sender = setInterval(() => {
      const frame = tone.subarray(position, position + FRAME_SAMPLES);
      position = (position + FRAME_SAMPLES) % tone.length;
      const header = new RtpHeader({ payloadType: 0, sequenceNumber: sequence++ & 0xffff, timestamp: (timestamp += FRAME_SAMPLES) >>> 0 });
      track.writeRtp(new RtpPacket(header, Buffer.from(encodeG711('PCMU', frame))));
    }, 20);
    return pc.localDescription!.sdp;
  }

  /** Applies the server's answer from a reply's data. */
  async answer(data: unknown): Promise<void> {
    const sdp = (data as { sdp?: unknown } | undefined)?.sdp;
    if (typeof sdp !== 'string') throw new Error(`no sdp in ${JSON.stringify(data)}`);
    await this.pc!.setRemoteDescription({ type: 'answer', sdp });
  }

  /** Resolves when the agent's peer hears the frequency. */
  hears(hz: number): Promise<void> {
    if (this.heard.has(hz)) this.heard.delete(hz);
    return new Promise((resolve) => this.toneWaiters.push({ hz, resolve }));
  }

  /** `Call.accept` with a fresh offer; resolves with the reply. */
  async accept(sessionId: string) {
    const sdp = await this.offer();
    const reply = await this.socket.request('Call.accept', { sessionId, sdp });
    if (reply.ok) await this.answer(reply.data);
    return reply;
  }

  hangupMedia(): void {
    if (this.sender) clearInterval(this.sender);
    this.sender = null;
    void this.pc?.close().catch(() => undefined);
    this.pc = null;
  }
}

export interface CallCenter {
  server: TestServer;
  client: CccClient;
  sdkAppId: number;
  groupId: number;
  hotline: string;
  close(): Promise<void>;
}

let hotlines = 0;

/** A server with a skill group and a hotline routed to it. */
/** `ivrFlow` is given the group's id. */
export async function callCenter(options: { flags?: Record<string, string>; virtualNoAnswerMs?: number; ivrFlow?: (groupId: number) => unknown } = {}): Promise<CallCenter> {
  const log = process.env['OPENCCC_TEST_LOG'] ? createLogger(process.env['OPENCCC_TEST_LOG']) : undefined;
  const server = await startTestServer({ flags: { 'ring-timeout': '5', ...options.flags }, virtualNoAnswerMs: options.virtualNoAnswerMs ?? 3_000, ...(log ? { log } : {}) });
  const client = officialClient(server);
  const created = await client.CreateCCCSkillGroup({ SdkAppId: server.sdkAppId, SkillGroupName: `Sales ${randomUUID().slice(0, 6)}`, SkillGroupType: 0, MaxConcurrency: 1 });
  const groupId = created.SkillGroupId as number;
  const hotline = `008640000${String(++hotlines).padStart(4, '0')}`;
  const route = options.ivrFlow === undefined ? { skillGroupId: groupId } : { ivrFlow: options.ivrFlow(groupId) };
  await server.server.services.numbers.add(server.sdkAppId, hotline, route);
  // Media workers start on the first call; start them now, so that no test's time goes to it.
  await server.server.media.stats();
  return { server, client, sdkAppId: server.sdkAppId, groupId, hotline, close: () => server.close() };
}

/** A staff member bound to the group, signed in and free. */
export async function signedInAgent(center: CallCenter, groups: number[] = [center.groupId]): Promise<TestAgent> {
  const mail = await createAgent(center.client, center.sdkAppId, uniqMail('agent'));
  if (groups.length > 0) await center.client.BindStaffSkillGroupList({ SdkAppId: center.sdkAppId, StaffEmail: mail, StaffSkillGroupList: groups.map((id) => ({ SkillGroupId: id, Priority: 1 })) });
  const login = await loginAs(center.server.url, center.client, center.sdkAppId, mail);
  const socket = new AgentSocket(center.server.url);
  await socket.hello(login.ticket);
  const online = await socket.request('Agent.online');
  if (!online.ok) throw new Error(`online failed: ${JSON.stringify(online)}`);
  return new TestAgent(mail, socket);
}

// ── More helpers for the engine's integration tests ─────────────────────────

let lines = 0;

/** A new skill group of the center (its own agents, so that tests sharing a server do not meet) and a hotline routed to it, or to the IVR flow `ivrFlow(groupId)`. */
export async function newLine(center: CallCenter, options: { ivrFlow?: (groupId: number) => unknown; maxConcurrency?: number } = {}): Promise<{ groupId: number; hotline: string }> {
  const created = await center.client.CreateCCCSkillGroup({ SdkAppId: center.sdkAppId, SkillGroupName: `Line ${randomUUID().slice(0, 8)}`, SkillGroupType: 0, MaxConcurrency: options.maxConcurrency ?? 1 });
  const groupId = created.SkillGroupId as number;
  const hotline = `008641000${String(++lines).padStart(4, '0')}`;
  await center.server.server.services.numbers.add(center.sdkAppId, hotline, options.ivrFlow ? { ivrFlow: options.ivrFlow(groupId) } : { skillGroupId: groupId });
  return { groupId, hotline };
}

/** The call's record once it is stored (DescribeTelCdr by session id). */
export async function recordOf(center: Pick<CallCenter, 'client' | 'sdkAppId'>, sessionId: string) {
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    const res = await center.client.DescribeTelCdr({ SdkAppId: center.sdkAppId, StartTimeStamp: now - 3600, EndTimeStamp: now + 60, PageSize: 100, PageNumber: 0, SessionIds: [sessionId] });
    const record = res.TelCdrList?.[0];
    if (record) return record;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The record of the only call from or to `phone` (a number no other call used), once it is stored. */
export async function recordByPhone(center: Pick<CallCenter, 'client' | 'sdkAppId'>, phone: string) {
  for (;;) {
    const now = Math.floor(Date.now() / 1000);
    const res = await center.client.DescribeTelCdr({ SdkAppId: center.sdkAppId, StartTimeStamp: now - 3600, EndTimeStamp: now + 60, PageSize: 100, PageNumber: 0, Phones: [phone] });
    const records = res.TelCdrList ?? [];
    if (records.length > 1) throw new Error(`${records.length} records for ${phone}`);
    if (records[0]) return records[0];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Listens to what an RTP peer receives, in blocks of 200 ms: long enough to tell the agent's
 * 800 Hz from hold music's 784 Hz note, which 20 ms blocks cannot.
 */
export class AudioTap {
  private readonly block = new Int16Array(1600);
  private fill = 0;
  private waiters: Array<(analysis: { rms: number; frequencies: number[] }) => boolean> = [];

  constructor(
    rtp: RtpPeer,
    private readonly frequencies: readonly number[],
  ) {
    rtp.socket.on('message', (message: Buffer) => {
      const packet = parseRtp(message);
      if (!packet || packet.payloadType !== 0) return;
      const samples = decodeG711('PCMU', packet.payload);
      for (const sample of samples) {
        this.block[this.fill++] = sample;
        if (this.fill === this.block.length) {
          this.fill = 0;
          const analysis = analyseTones(this.block, this.frequencies);
          this.waiters = this.waiters.filter((waiter) => !waiter(analysis));
        }
      }
    });
  }

  /** Resolves with the first block from now in which `hz` holds a fifth of the energy or more. */
  hears(hz: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push((a) => (a.frequencies.includes(hz) ? (resolve(), true) : false)));
  }

  /** Resolves with the first block from now with sound in it (rms above -40 dBFS). */
  sound(): Promise<void> {
    return new Promise((resolve) => this.waiters.push((a) => (a.rms > 0.01 ? (resolve(), true) : false)));
  }

  /** The next `count` blocks' analyses. */
  blocks(count: number): Promise<Array<{ rms: number; frequencies: number[] }>> {
    const seen: Array<{ rms: number; frequencies: number[] }> = [];
    return new Promise((resolve) =>
      this.waiters.push((a) => {
        seen.push(a);
        if (seen.length < count) return false;
        resolve(seen);
        return true;
      }),
    );
  }
}

/** Hold music's melody (`holdMusic()` in media/tones.ts): what a held caller hears. */
export const HOLD_MUSIC_HZ = [523.25, 587.33, 659.25, 880] as const;

/**
 * An agent without a browser (a server started with `--rtp-agents on`): the realtime socket and a
 * plain RTP socket that speaks AGENT_HZ once a call is accepted.
 */
export class RtpAgent {
  private constructor(
    readonly mail: string,
    readonly socket: AgentSocket,
    readonly rtp: RtpPeer,
  ) {}

  static async open(mail: string, socket: AgentSocket): Promise<RtpAgent> {
    return new RtpAgent(mail, socket, await RtpPeer.open('127.0.0.1', { listenFor: [CUSTOMER_HZ, CALLEE_HZ] }));
  }

  /** `Call.accept` with this agent's RTP socket; the audio starts once the server's side is known. */
  async accept(sessionId: string) {
    const reply = await this.socket.request('Call.accept', { sessionId, rtp: { address: '127.0.0.1', port: this.rtp.port } });
    const rtp = reply.ok ? (reply.data as { rtp?: { address: string; port: number } } | undefined)?.rtp : undefined;
    if (rtp) {
      this.rtp.remote = rtp;
      this.rtp.startSending(toneSamples({ frequencies: [AGENT_HZ], onMs: 1000, offMs: 0, level: 0.4 }));
    }
    return reply;
  }

  close(): void {
    this.rtp.close();
    this.socket.ws.terminate();
  }
}

/** Polls `read` (an API read, say) every 50 ms until it gives a value other than undefined. */
export async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The phone's `ended` for a call, whether it came as the answer to `dial` or after it. */
export function endedOf(phone: TestPhone, dialled: { callId: string; media: { type: string } }): Promise<Extract<PhoneServerMessage, { type: 'ended' }>> {
  if (dialled.media.type === 'ended') return Promise.resolve(dialled.media as Extract<PhoneServerMessage, { type: 'ended' }>);
  return phone.next('ended', dialled.callId);
}

// ── Agents with a voice of their own ─────────────────────────────────────────

/** A second agent's voice, for calls between two agents: apart from AGENT_HZ, the customer's, a callee's and ringback. */
export const PEER_AGENT_HZ = 600;

/**
 * A TestAgent whose browser speaks `speaks` and listens for `listensFor`, so that two agents in one
 * call (an internal call) can each tell that they hear the other.
 */
export class ToneAgent extends TestAgent {
  private peerConnection: RTCPeerConnection | null = null;
  private voice: ReturnType<typeof setInterval> | null = null;
  private listeners: Array<{ hz: number; resolve: () => void }> = [];
  private readonly audioListeners = new Set<(samples: Int16Array) => void>();

  constructor(
    agent: TestAgent,
    readonly speaks: number,
    readonly listensFor: readonly number[],
  ) {
    super(agent.mail, agent.socket);
  }

  override async offer(): Promise<string> {
    this.hangupMedia();
    const pc = new RTCPeerConnection({
      codecs: { audio: [usePCMU(), new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8000, payloadType: 101 })] },
      headerExtensions: { audio: [] },
      iceAdditionalHostAddresses: ['127.0.0.1'],
    });
    this.peerConnection = pc;
    const track = new MediaStreamTrack({ kind: 'audio' });
    pc.addTransceiver(track, { direction: 'sendrecv' });
    const detector = new ToneDetector({
      frequencies: this.listensFor,
      onTone: (hz) => {
        this.listeners = this.listeners.filter((w) => (w.hz === hz ? (w.resolve(), false) : true));
      },
    });
    pc.onTrack.subscribe((remote) =>
      remote.onReceiveRtp.subscribe((rtp) => {
        if (rtp.header.payloadType !== 0) return;
        const samples = decodeG711('PCMU', rtp.payload);
        detector.push(samples);
        for (const listener of this.audioListeners) listener(samples);
      }),
    );
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      else pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
    });
    let sequence = 1;
    let timestamp = 0;
    const tone = toneSamples({ frequencies: [this.speaks], onMs: 1000, offMs: 0, level: 0.4 });
    let position = 0;
    this.voice = setInterval(() => {
      const frame = tone.subarray(position, position + FRAME_SAMPLES);
      position = (position + FRAME_SAMPLES) % tone.length;
      const header = new RtpHeader({ payloadType: 0, sequenceNumber: sequence++ & 0xffff, timestamp: (timestamp += FRAME_SAMPLES) >>> 0 });
      track.writeRtp(new RtpPacket(header, Buffer.from(encodeG711('PCMU', frame))));
    }, 20);
    return pc.localDescription!.sdp;
  }

  override async answer(data: unknown): Promise<void> {
    const sdp = (data as { sdp?: unknown } | undefined)?.sdp;
    if (typeof sdp !== 'string') throw new Error(`no sdp in ${JSON.stringify(data)}`);
    await this.peerConnection!.setRemoteDescription({ type: 'answer', sdp });
  }

  /** Resolves when the agent's peer hears the frequency start (ask before the audio can arrive). */
  override hears(hz: number): Promise<void> {
    if (!this.listensFor.includes(hz)) throw new Error(`this agent does not listen for ${hz} Hz`);
    return new Promise((resolve) => this.listeners.push({ hz, resolve }));
  }

  /**
   * What the agent's browser receives in the next `ms`, as the tones of each 200 ms block (a block
   * with fewer samples when the audio stops): an empty list when nothing arrives at all.
   */
  async listen(ms: number): Promise<number[][]> {
    const received: Int16Array[] = [];
    const listener = (samples: Int16Array) => received.push(samples);
    this.audioListeners.add(listener);
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.audioListeners.delete(listener);
    const all = new Int16Array(received.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const samples of received) {
      all.set(samples, at);
      at += samples.length;
    }
    const blocks: number[][] = [];
    for (let start = 0; start < all.length; start += 1600) blocks.push(analyseTones(all.subarray(start, start + 1600), this.listensFor).frequencies);
    return blocks;
  }

  override hangupMedia(): void {
    if (this.voice) clearInterval(this.voice);
    this.voice = null;
    void this.peerConnection?.close().catch(() => undefined);
    this.peerConnection = null;
  }
}

/** Waits until DescribeStaffStatusMetrics shows the agent in `status`. */
export async function statusIs(center: Pick<CallCenter, 'client' | 'sdkAppId'>, mail: string, status: string): Promise<void> {
  await eventually(async () => {
    const res = await center.client.DescribeStaffStatusMetrics({ SdkAppId: center.sdkAppId, StaffList: [mail] });
    return res.Metrics?.[0]?.Status === status ? true : undefined;
  });
}
