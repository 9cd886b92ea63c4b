import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PHONE_PATH, parsePhoneFrame, type PhoneClientMessage, type PhoneServerMessage } from '@openccc/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { CliError } from '../cli/output.js';
import { parseCallArgs, runCall, type CallOptions } from '../cli/commands-call.js';
import { RtpPeer } from '../media/rtp-peer.js';
import { FRAME_SAMPLES } from '../media/tones.js';
import { AudioPump, toneLoop, toTelephoneAudio } from './phone-client-audio.js';
import { PhoneClient, PhoneConnectError } from './phone-client.js';

/**
 * A stand-in for the server's `/phone/v1`: enough of the protocol to exercise the client. Every
 * client frame is checked with the protocol's own parser. Numbers it knows:
 * - `4001`: a hotline; media, ringing, answered by `system`; its audio is a 450 Hz tone.
 * - `4002`: busy.
 * - `4003`: media, then nothing (never answered).
 * - `4004`: answered by `system` before its media.
 */
class FakeNetwork {
  readonly wss: WebSocketServer;
  readonly phones = new Map<string, WebSocket>();
  /** Media peers of the calls, by callId. */
  readonly peers = new Map<string, RtpPeer>();
  readonly frames: PhoneClientMessage[] = [];
  readonly digits: string[] = [];
  private readonly waiters: Array<{ test: (message: PhoneClientMessage) => boolean; resolve: (message: PhoneClientMessage) => void }> = [];
  private readonly digitWaiters: Array<() => void> = [];
  private readonly peerWaiters = new Map<string, (peer: RtpPeer) => void>();

  private constructor(readonly server: Server) {
    this.wss = new WebSocketServer({ server, path: PHONE_PATH });
    this.wss.on('connection', (socket, request) => {
      const peerAddress = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
      let number: string | null = null;
      socket.on('message', (data) => {
        const frame = parsePhoneFrame(JSON.parse(data.toString()));
        if (!frame.ok) return send(socket, { type: 'error', code: 'badMessage', message: frame.message, ...(frame.callId ? { callId: frame.callId } : {}) });
        const message = frame.message;
        this.frames.push(message);
        void this.handle(socket, message, peerAddress, number, (n) => (number = n));
        for (const waiter of [...this.waiters]) {
          if (waiter.test(message)) {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            waiter.resolve(message);
          }
        }
      });
      socket.on('close', () => {
        if (number !== null && this.phones.get(number) === socket) this.phones.delete(number);
      });
    });
  }

  static async start(): Promise<FakeNetwork> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new FakeNetwork(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}${PHONE_PATH}`;
  }

  /** Resolves with the next client frame that passes the test (checked against frames still to come). */
  next<T extends PhoneClientMessage['type']>(type: T, test: (message: Extract<PhoneClientMessage, { type: T }>) => boolean = () => true): Promise<Extract<PhoneClientMessage, { type: T }>> {
    return new Promise((resolve) =>
      this.waiters.push({ test: (m) => m.type === type && test(m as Extract<PhoneClientMessage, { type: T }>), resolve: (m) => resolve(m as Extract<PhoneClientMessage, { type: T }>) }),
    );
  }

  /** Resolves once the network has heard this many digits in all. */
  digitsReceived(count: number): Promise<void> {
    if (this.digits.length >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.digits.length >= count) resolve();
        else this.digitWaiters.push(check);
      };
      this.digitWaiters.push(check);
    });
  }

  private async openPeer(callId: string, media: Extract<PhoneClientMessage, { type: 'dial' }>['media'], peerAddress: string): Promise<RtpPeer> {
    const peer = await RtpPeer.open('127.0.0.1', { codec: media.codec ?? 'PCMU', listenFor: [1000] });
    peer.remote = { address: media.address ?? peerAddress, port: media.port as number };
    peer.on('dtmf', (digit) => {
      this.digits.push(digit);
      for (const waiter of this.digitWaiters.splice(0)) waiter();
    });
    this.peers.set(callId, peer);
    this.peerWaiters.get(callId)?.(peer);
    return peer;
  }

  private async handle(socket: WebSocket, message: PhoneClientMessage, peerAddress: string, number: string | null, register: (n: string) => void): Promise<void> {
    switch (message.type) {
      case 'hello': {
        if (message.v !== 1) return send(socket, { type: 'error', code: 'badVersion', message: 'version 1 only' });
        const normalised = message.number.startsWith('0086') ? message.number : `0086${message.number.replace(/^\+?86/, '')}`;
        if (this.phones.has(normalised)) return send(socket, { type: 'error', code: 'numberInUse', message: `${normalised} is connected elsewhere` });
        this.phones.set(normalised, socket);
        register(normalised);
        return send(socket, { type: 'welcome', v: 1, number: normalised });
      }
      case 'ping':
        return send(socket, { type: 'pong' });
      case 'dial': {
        const { callId } = message;
        if (number === null) return send(socket, { type: 'error', callId, code: 'notRegistered', message: 'hello first' });
        if (message.to === '4002') return send(socket, { type: 'ended', callId, reason: 'busy', message: 'all lines busy' });
        // The real network may report the answer before its media.
        if (message.to === '4004') send(socket, { type: 'answered', callId, by: 'system' });
        const peer = await this.openPeer(callId, message.media, peerAddress);
        send(socket, { type: 'media', callId, media: { kind: 'rtp', address: '127.0.0.1', port: peer.port, codec: peer.codec } });
        if (message.to === '4003' || message.to === '4004') return peer.startSending(new Int16Array(0));
        send(socket, { type: 'ringing', callId });
        send(socket, { type: 'answered', callId, by: 'system' });
        return peer.startSending(toneLoop(450));
      }
      case 'answer': {
        const peer = await this.openPeer(message.callId, message.media, peerAddress);
        send(socket, { type: 'media', callId: message.callId, media: { kind: 'rtp', address: '127.0.0.1', port: peer.port, codec: peer.codec } });
        return peer.startSending(toneLoop(1000));
      }
      case 'hangup':
        this.closePeer(message.callId);
        return send(socket, { type: 'ended', callId: message.callId, reason: 'hangup', message: 'the phone hung up' });
      case 'reject':
        return;
    }
  }

  /** Resolves with the media peer of the call once it exists. */
  peer(callId: string): Promise<RtpPeer> {
    const peer = this.peers.get(callId);
    if (peer) return Promise.resolve(peer);
    return new Promise((resolve) => this.peerWaiters.set(callId, resolve));
  }

  /** Calls a connected phone's number; resolves once the phone answered (and its media peer is open), with the call's id. */
  async call(to: string, from = '008640012345', callId = `in-${Math.random().toString(36).slice(2)}`): Promise<string> {
    const socket = this.phones.get(to);
    if (!socket) throw new Error(`${to} is not connected`);
    const answered = this.peer(callId);
    send(socket, { type: 'incoming', callId, from, to });
    await answered;
    return callId;
  }

  /** The far side of a call hangs up. */
  hangUp(to: string, callId: string): void {
    this.closePeer(callId);
    const socket = this.phones.get(to);
    if (socket) send(socket, { type: 'ended', callId, reason: 'remoteHangup', message: 'the caller hung up' });
  }

  private closePeer(callId: string): void {
    this.peers.get(callId)?.close();
    this.peers.delete(callId);
  }

  async close(): Promise<void> {
    for (const peer of this.peers.values()) peer.close();
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function send(socket: WebSocket, message: PhoneServerMessage): void {
  socket.send(JSON.stringify(message));
}

let network: FakeNetwork;
const clients: PhoneClient[] = [];

beforeEach(async () => {
  network = await FakeNetwork.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await network.close();
});

async function connect(number: string, listenFor: number[] = []): Promise<PhoneClient> {
  const client = await PhoneClient.connect({ url: network.url, number, listenFor, hangupTimeoutMs: 2000 });
  clients.push(client);
  return client;
}

describe('PhoneClient', () => {
  it('dials a hotline: hears its tone, sends digits, hangs up, and reports it', async () => {
    const client = await connect('13900001111', [450, 1000]);
    expect(client.number).toBe('008613900001111');
    const call = await client.dial('4001');
    expect(await call.connected).toBe(true);
    const [frequency] = (await once(call, 'tone')) as [number];
    expect(frequency).toBe(450);
    await call.sendDigits('1#', 20);
    await network.digitsReceived(2);
    expect(network.digits).toEqual(['1', '#']);
    const report = await call.hangup();
    expect(report).toMatchObject({
      direction: 'outbound',
      callId: call.callId,
      from: '008613900001111',
      to: '4001',
      connected: true,
      answeredBy: 'system',
      ringing: true,
      endReason: 'hangup',
      endedBy: 'local',
      digitsSent: '1#',
      digitsReceived: '',
      errors: [],
    });
    expect(report.answers).toHaveLength(1);
    expect(report.timeToAnswerMs).toBeGreaterThanOrEqual(0);
    expect(report.talkMs).toBeGreaterThanOrEqual(0);
    expect(report.audio.frames).toBeGreaterThanOrEqual(3);
    expect(report.audio.rmsPeak).toBeGreaterThan(0.1);
    expect(report.audio.tones.map((t) => t.frequency)).toEqual([450]);
    expect(report.media.remote).toMatchObject({ address: '127.0.0.1', codec: 'PCMU' });
    // The offer named the phone's RTP port and codec, and no address: the server uses the WebSocket's.
    const dial = network.frames.find((f) => f.type === 'dial');
    expect(dial).toMatchObject({ type: 'dial', to: '4001', media: { kind: 'rtp', port: report.media.local?.port, codec: 'PCMU' } });
    expect(dial?.type === 'dial' && dial.media.address).toBeFalsy();
  });

  it('answers an incoming call, hears the caller, receives digits, and sees the remote hang-up', async () => {
    const client = await connect('008613900002222', [1000]);
    const incoming = client.nextIncoming();
    const callId = network.call('008613900002222');
    const call = await client.answer(await incoming);
    expect(await callId).toBe(call.callId);
    expect(await call.connected).toBe(true);
    await once(call, 'tone');
    const digit = once(call, 'digit');
    network.peers.get(call.callId)?.sendDigit('7');
    expect(await digit).toEqual(['7']);
    const ended = call.ended;
    network.hangUp('008613900002222', call.callId);
    const report = await ended;
    expect(report).toMatchObject({ direction: 'inbound', from: '008640012345', connected: true, answeredBy: 'self', endReason: 'remoteHangup', endedBy: 'remote', digitsReceived: '7' });
    expect(report.audio.tones).toEqual([expect.objectContaining({ frequency: 1000, bursts: 1 })]);
  });

  it('holds digits sent before the media arrives until it does', async () => {
    const client = await connect('13900001212');
    const call = await client.dial('4004');
    const sent = new Promise<unknown>((resolve) =>
      call.once('answered', () => {
        const remote = call.rtp.remote;
        void call.sendDigits('9').then(() => resolve(remote));
      }),
    );
    // At the answer there was nowhere to send to yet.
    expect(await sent).toBeUndefined();
    await network.digitsReceived(1);
    expect(network.digits).toEqual(['9']);
    expect(call.report().answeredBy).toBe('system');
  });

  it('reports a busy number as not connected', async () => {
    const client = await connect('13900003333');
    const call = await client.dial('4002');
    expect(await call.connected).toBe(false);
    const report = await call.ended;
    expect(report).toMatchObject({ connected: false, answeredBy: null, timeToAnswerMs: null, talkMs: null, endReason: 'busy', endMessage: 'all lines busy', endedBy: 'remote' });
  });

  it('ends a call still being set up when the server refuses it with an error', async () => {
    const client = await connect('13900004444');
    const call = await client.dial('40012', 'x'.repeat(65)); // the protocol's callId is at most 64 characters
    const report = await call.ended;
    expect(report.endReason).toBe('error');
    expect(report.errors[0]?.code).toBe('badMessage');
  });

  it('ends its calls as disconnected when the connection drops', async () => {
    const client = await connect('13900005555');
    const call = await client.dial('4001');
    await call.connected;
    for (const socket of network.wss.clients) socket.terminate();
    const report = await call.ended;
    expect(report).toMatchObject({ connected: true, endReason: 'disconnected', endedBy: 'remote' });
    expect(client.open).toBe(false);
  });

  it('is refused a number another phone holds', async () => {
    await connect('13900006666');
    const error = await PhoneClient.connect({ url: network.url, number: '13900006666' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PhoneConnectError);
    expect(error).toMatchObject({ reason: 'refusedHello', code: 'numberInUse' });
  });

  it('says when nothing listens, and when the server has no phone endpoint', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(PhoneClient.connect({ url: `ws://127.0.0.1:${port}${PHONE_PATH}`, number: '13900007777' })).rejects.toMatchObject({ reason: 'refused' });

    const plain = createServer((_req, res) => res.writeHead(404).end());
    plain.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    plain.listen(0, '127.0.0.1');
    await once(plain, 'listening');
    try {
      await expect(PhoneClient.connect({ url: `ws://127.0.0.1:${(plain.address() as AddressInfo).port}${PHONE_PATH}`, number: '13900007777' })).rejects.toMatchObject({ reason: 'notFound' });
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });
});

describe('openccc call (runCall)', () => {
  const options = (argv: string[]): CallOptions => {
    const parsed = parseCallArgs([...argv, '--server', network.url], {});
    if (parsed === 'help') throw new Error('help');
    return parsed;
  };

  it('dials, sends the digits, hangs up on Ctrl-C and prints the progress', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    void network.digitsReceived(2).then(() => controller.abort());
    const report = await runCall(options(['--to', '4001', '--from', '13900008888', '--dtmf', '42', '--dtmf-after', '0', '--listen-for', '450']), { write: (t) => lines.push(t), signal: controller.signal });
    expect(report).toMatchObject({ connected: true, answeredBy: 'system', endReason: 'hangup', endedBy: 'local', digitsSent: '42' });
    expect(network.digits).toEqual(['4', '2']);
    const text = lines.join('');
    expect(text).toContain(`Connected to ${network.url} as 008613900008888.`);
    expect(text).toContain('Dialling 4001');
    expect(text).toContain('answered by system');
    expect(text).toContain('sending DTMF 42');
    expect(text).toContain('ended: hangup');
  });

  it('prints nothing but returns the report with --json', async () => {
    const lines: string[] = [];
    const report = await runCall(options(['--to', '4002', '--json']), { write: (t) => lines.push(t) });
    expect(lines).toEqual([]);
    expect(report).toMatchObject({ connected: false, endReason: 'busy' });
  });

  it('gives up on a call not answered within --wait', async () => {
    const hungUp = network.next('hangup');
    const report = await runCall(options(['--to', '4003', '--wait', '0.05', '--json']), { write: () => undefined });
    expect(report).toMatchObject({ connected: false, endReason: 'timeout', endedBy: 'local' });
    expect(report.endMessage).toContain('not answered within 0.05 s');
    await hungUp;
  });

  it('answers a call to --from, and stops when the caller hangs up', async () => {
    const lines: string[] = [];
    const registered = network.next('hello');
    const running = runCall(options(['--answer', '--from', '13900009999', '--tone', '1000', '--listen-for', '1000']), { write: (t) => lines.push(t) });
    // The network registers the number as it takes the hello; the call may reach the phone before its welcome is read.
    await registered;
    const callId = await network.call('008613900009999');
    // The phone plays its tone to the caller.
    expect(await (network.peers.get(callId) as RtpPeer).waitForTone(1000)).toBeGreaterThan(0.1);
    network.hangUp('008613900009999', callId);
    const report = await running;
    expect(report).toMatchObject({ direction: 'inbound', connected: true, answeredBy: 'self', endReason: 'remoteHangup', played: '1000 Hz tone' });
    expect(lines.join('')).toContain('Incoming call from 008640012345');
  });

  it('reports no call within --wait in answer mode', async () => {
    const report = await runCall(options(['--answer', '--from', '13900001234', '--wait', '0.05', '--json']), { write: () => undefined });
    expect(report).toMatchObject({ direction: 'inbound', connected: false, endReason: 'timeout', callId: null });
  });

  it('says clearly that no server is running', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const parsed = parseCallArgs(['--to', '4001'], { OPENCCC_PORT: String(port) });
    const error = await runCall(parsed as CallOptions, { write: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toContain(`No OpenCCC server is running at ws://127.0.0.1:${port}${PHONE_PATH}`);
    expect((error as Error).message).toContain('openccc start');
  });
});

describe('phone audio', () => {
  it('brings a 16 kHz stereo file to 8 kHz mono', () => {
    const samples = new Int16Array(16_000 * 2);
    for (let i = 0; i < 16_000; i++) {
      samples[i * 2] = 1000;
      samples[i * 2 + 1] = 3000;
    }
    const out = toTelephoneAudio({ sampleRate: 16_000, channels: 2, samples });
    expect(out.length).toBe(8000);
    expect(out.every((v) => v === 2000)).toBe(true);
    expect(toTelephoneAudio({ sampleRate: 4000, channels: 1, samples: new Int16Array([0, 100]) })).toEqual(new Int16Array([0, 50, 100, 100]));
  });

  it('plays samples once, then sends silence', async () => {
    const sender = await RtpPeer.open('127.0.0.1');
    const receiver = await RtpPeer.open('127.0.0.1');
    try {
      sender.remote = { address: '127.0.0.1', port: receiver.port };
      const pump = new AudioPump(sender);
      const played = pump.play(toneLoop(1000).subarray(0, FRAME_SAMPLES * 3), false);
      pump.start();
      await played;
      const silent = new Promise<void>((resolve) => receiver.on('packet', () => receiver.lastRms === 0 && resolve()));
      await silent;
      pump.stop();
      expect(receiver.packetsReceived).toBeGreaterThanOrEqual(3);
    } finally {
      sender.close();
      receiver.close();
    }
  });
});
