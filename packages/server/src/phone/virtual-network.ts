/**
 * The virtual phone network: phones on WebSockets (`/phone/v1`, the protocol
 * in `@openccc/protocol`'s `phone/messages.ts`) that call hotlines and are
 * called by agents, plus scripted numbers (`scripted-numbers.ts`). It is a
 * phone network to the engine: inbound calls go to `CallEngine.inbound`, and
 * it is the engine's `Dialer` for outbound calls.
 *
 * Any phone may use any number that no other connected phone uses; the
 * network is for development and tests, and can be turned off
 * (`--virtual-phones off`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { PHONE_PATH, PHONE_VERSION, parsePhoneFrame, type PhoneClientMessage, type PhoneEndReason, type PhoneErrorCode, type PhoneMediaAnswer, type PhoneMediaOffer, type PhoneServerMessage } from '@openccc/protocol';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import type { CalleeFailure } from '../calls/types.js';
import type { CalleeEvents, CalleeLine, Dialer, InboundCall, InboundResult } from '../engine/lines.js';
import type { LegParams, LegReady } from '../media/protocol.js';
import { parseInstanceNumber } from '../numbers/number-format.js';
import type { ScheduledHandle, Scheduler } from '../realtime/scheduler.js';
import { findScripted, type ScriptedNumber } from './scripted-numbers.js';

/** What the network needs of the engine. */
export interface InboundTarget {
  inbound(call: InboundCall): Promise<InboundResult>;
  callerHungUp(sessionId: string): void;
}

export interface VirtualNetworkOptions {
  engine: InboundTarget;
  scripted: readonly ScriptedNumber[];
  scheduler: Scheduler;
  log: Logger;
  /** A phone rung by an agent that neither answers nor rejects gives up after this long. */
  noAnswerMs: number;
  /** Calls at once per phone. */
  maxCallsPerPhone?: number;
}

type CallOnPhone =
  | { kind: 'placed'; callId: string; sessionId: string | null; ended: boolean }
  | { kind: 'incoming'; callId: string; events: CalleeEvents; answered: boolean; timer: ScheduledHandle | null };

interface Phone {
  ws: WebSocket;
  address: string;
  number: string | null;
  calls: Map<string, CallOnPhone>;
}

export class VirtualPhoneNetwork implements Dialer {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });
  private readonly byNumber = new Map<string, Phone>();
  private readonly phones = new Set<Phone>();
  private closed = false;

  constructor(private readonly options: VirtualNetworkOptions) {}

  /** Handles an HTTP upgrade for `/phone/v1` (404 for any other path). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== PHONE_PATH || this.closed) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req.socket.remoteAddress ?? '127.0.0.1'));
  }

  /** Places an agent's outbound call on the network. */
  dial(call: { sessionId: string; from: string; to: string }, events: CalleeEvents): CalleeLine {
    const phone = this.byNumber.get(call.to);
    if (phone) return this.ringPhone(phone, call, events);
    const script = findScripted(this.options.scripted, call.to);
    if (script) return this.runScript(script, events);
    // Nobody answers this number on the virtual network.
    const timer = this.options.scheduler.setTimeout(() => events.failed('notInService'), 300);
    return { hangup: () => this.options.scheduler.clearTimeout(timer) };
  }

  /** Ends every call and closes every phone. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const phone of this.phones) {
      for (const call of phone.calls.values()) this.send(phone, { type: 'ended', callId: call.callId, reason: 'shutdown', message: 'The server is stopping.' });
      phone.ws.close(1001, 'server stopping');
    }
    this.wss.close();
  }

  private accept(ws: WebSocket, address: string): void {
    const phone: Phone = { ws, address: address.replace(/^::ffff:/, ''), number: null, calls: new Map() };
    this.phones.add(phone);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.error(phone, 'badMessage', 'Frames are JSON text.');
      let value: unknown;
      try {
        value = JSON.parse(data.toString());
      } catch {
        return this.error(phone, 'badMessage', 'A frame is not JSON.');
      }
      const frame = parsePhoneFrame(value);
      if (!frame.ok) return this.error(phone, 'badMessage', frame.message, frame.callId);
      this.onMessage(phone, frame.message).catch((err: unknown) => {
        this.options.log.error({ err }, 'a virtual phone message failed');
        this.error(phone, 'mediaFailed', 'The server could not handle that message.');
      });
    });
    ws.on('close', () => this.gone(phone));
    ws.on('error', () => ws.terminate());
  }

  private async onMessage(phone: Phone, message: PhoneClientMessage): Promise<void> {
    switch (message.type) {
      case 'ping':
        return this.send(phone, { type: 'pong' });
      case 'hello':
        return this.hello(phone, message.v, message.number);
      case 'dial':
        return this.placeCall(phone, message.callId, message.to, message.media);
      case 'answer':
        return this.answer(phone, message.callId, message.media);
      case 'reject': {
        const call = phone.calls.get(message.callId);
        if (call?.kind !== 'incoming' || call.answered) return this.error(phone, 'noSuchCall', 'No incoming call to reject by that id.', message.callId);
        this.endIncoming(phone, call);
        call.events.failed(message.reason === 'busy' ? 'busy' : 'userReject');
        return;
      }
      case 'hangup':
        return this.hangup(phone, message.callId);
    }
  }

  private hello(phone: Phone, version: number, rawNumber: string): void {
    if (version !== PHONE_VERSION) return this.error(phone, 'badVersion', `This server speaks phone protocol v${PHONE_VERSION}.`);
    const parsed = parseInstanceNumber(rawNumber);
    if (!parsed.ok) return this.error(phone, 'badMessage', `${rawNumber} is not a phone number: ${parsed.reason.en}`);
    const holder = this.byNumber.get(parsed.number);
    if (holder && holder !== phone) return this.error(phone, 'numberInUse', `Another phone uses ${parsed.number}.`);
    if (phone.number && phone.number !== parsed.number) this.byNumber.delete(phone.number);
    phone.number = parsed.number;
    this.byNumber.set(parsed.number, phone);
    this.send(phone, { type: 'welcome', v: PHONE_VERSION, number: parsed.number });
  }

  private async placeCall(phone: Phone, callId: string, to: string, media: PhoneMediaOffer): Promise<void> {
    if (!phone.number) return this.error(phone, 'notRegistered', 'Say hello with your number first.', callId);
    if (phone.calls.has(callId)) return this.error(phone, 'callExists', `Call ${callId} exists already.`, callId);
    if (phone.calls.size >= (this.options.maxCallsPerPhone ?? 8)) return this.error(phone, 'tooManyCalls', 'This phone has too many calls.', callId);
    const call: CallOnPhone = { kind: 'placed', callId, sessionId: null, ended: false };
    phone.calls.set(callId, call);
    // The phone learns where to send its audio first; what the engine reports meanwhile follows it.
    let early: PhoneServerMessage[] | null = [];
    const say = (message: PhoneServerMessage) => (early ? early.push(message) : this.send(phone, message));
    const result = await this.options.engine.inbound({
      from: phone.number,
      to,
      media: legParams(phone, media),
      line: {
        ringing: () => say({ type: 'ringing', callId }),
        answered: (by) => say({ type: 'answered', callId, by }),
        ended: (reason, message) => {
          call.ended = true;
          phone.calls.delete(callId);
          say({ type: 'ended', callId, reason, message });
        },
      },
    });
    if (!result.ok) {
      early = null;
      phone.calls.delete(callId);
      this.send(phone, { type: 'ended', callId, reason: result.reason, message: result.message });
      return;
    }
    call.sessionId = result.sessionId;
    this.send(phone, { type: 'media', callId, media: mediaAnswer(result.media) });
    const held = early;
    early = null;
    for (const message of held) this.send(phone, message);
    // The phone hung up while the call was being set up.
    if (!phone.calls.has(callId) && !call.ended) this.options.engine.callerHungUp(result.sessionId);
  }

  private async answer(phone: Phone, callId: string, media: PhoneMediaOffer): Promise<void> {
    const call = phone.calls.get(callId);
    if (call?.kind !== 'incoming' || call.answered) return this.error(phone, 'noSuchCall', 'No incoming call to answer by that id.', callId);
    call.answered = true;
    if (call.timer) this.options.scheduler.clearTimeout(call.timer);
    call.timer = null;
    const ready = await call.events.answered({ kind: 'leg', params: legParams(phone, media) });
    if (ready) this.send(phone, { type: 'media', callId, media: mediaAnswer(ready) });
  }

  private hangup(phone: Phone, callId: string): void {
    const call = phone.calls.get(callId);
    if (!call) return;
    phone.calls.delete(callId);
    if (call.kind === 'placed') {
      if (call.sessionId) this.options.engine.callerHungUp(call.sessionId);
      this.send(phone, { type: 'ended', callId, reason: 'hangup', message: '' });
      return;
    }
    this.endIncoming(phone, call);
    if (call.answered) call.events.hungUp();
    else call.events.failed('userReject');
    this.send(phone, { type: 'ended', callId, reason: 'hangup', message: '' });
  }

  private ringPhone(phone: Phone, call: { sessionId: string; from: string; to: string }, events: CalleeEvents): CalleeLine {
    const callId = call.sessionId;
    const incoming: CallOnPhone = { kind: 'incoming', callId, events, answered: false, timer: null };
    incoming.timer = this.options.scheduler.setTimeout(() => {
      incoming.timer = null;
      if (phone.calls.get(callId) !== incoming) return;
      phone.calls.delete(callId);
      this.send(phone, { type: 'ended', callId, reason: 'notAnswer', message: 'Nobody answered.' });
      events.failed('notAnswer');
    }, this.options.noAnswerMs);
    phone.calls.set(callId, incoming);
    this.send(phone, { type: 'incoming', callId, from: call.from, to: call.to });
    events.ringing();
    return {
      hangup: () => {
        if (phone.calls.get(callId) !== incoming) return;
        this.endIncoming(phone, incoming);
        this.send(phone, { type: 'ended', callId, reason: 'remoteHangup', message: '' });
      },
    };
  }

  private runScript(script: ScriptedNumber, events: CalleeEvents): CalleeLine {
    const { scheduler } = this.options;
    let timer: ScheduledHandle | null = scheduler.setTimeout(() => {
      timer = null;
      if (script.behaviour !== 'answer') return events.failed(script.behaviour);
      events.answered({ kind: 'scripted', voice: script.voice }).catch(() => undefined);
      if (script.talkMs > 0) timer = scheduler.setTimeout(() => events.hungUp(), script.talkMs);
    }, script.ringMs);
    // A number that rings before its outcome (every one but the unreachable kinds).
    if (!NO_RING.has(script.behaviour)) events.ringing();
    return {
      hangup: () => {
        if (timer) scheduler.clearTimeout(timer);
        timer = null;
      },
    };
  }

  private endIncoming(phone: Phone, call: Extract<CallOnPhone, { kind: 'incoming' }>): void {
    if (call.timer) this.options.scheduler.clearTimeout(call.timer);
    call.timer = null;
    phone.calls.delete(call.callId);
  }

  private gone(phone: Phone): void {
    this.phones.delete(phone);
    if (phone.number && this.byNumber.get(phone.number) === phone) this.byNumber.delete(phone.number);
    for (const call of [...phone.calls.values()]) {
      phone.calls.delete(call.callId);
      if (call.kind === 'placed') {
        if (call.sessionId && !call.ended) this.options.engine.callerHungUp(call.sessionId);
      } else {
        this.endIncoming(phone, call);
        if (call.answered) call.events.hungUp();
        else call.events.failed('notAnswer');
      }
    }
  }

  private send(phone: Phone, message: PhoneServerMessage): void {
    if (phone.ws.readyState === WebSocket.OPEN) phone.ws.send(JSON.stringify(message));
  }

  private error(phone: Phone, code: PhoneErrorCode, message: string, callId?: string): void {
    this.send(phone, callId === undefined ? { type: 'error', code, message } : { type: 'error', callId, code, message });
  }
}

const NO_RING: ReadonlySet<CalleeFailure | 'answer'> = new Set(['notInService', 'powerOff', 'numberNotExist']);

function legParams(phone: Phone, media: PhoneMediaOffer): LegParams {
  if (media.kind === 'webrtc') return { kind: 'webrtc', offerSdp: media.sdp ?? '' };
  return { kind: 'rtp', remote: { address: media.address ?? phone.address, port: media.port ?? 0 }, codec: media.codec ?? 'PCMU' };
}

function mediaAnswer(ready: LegReady): PhoneMediaAnswer {
  return ready.kind === 'rtp' ? { kind: 'rtp', address: ready.localAddress, port: ready.localPort, codec: 'PCMU' } : { kind: 'webrtc', sdp: ready.answerSdp };
}

export type { PhoneEndReason };
