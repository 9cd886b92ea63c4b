import { describe, expect, it } from 'vitest';
import { CallAudioError } from './call-audio.js';
import { PING_INTERVAL_MS, Phone, phoneUrlFor } from './phone.js';
import { fakeDeps } from './testing.js';

/** A phone connected as 008613900001111. */
function online() {
  const fake = fakeDeps();
  const phone = new Phone(fake.deps, '13900001111');
  phone.connect();
  fake.socket().open();
  fake.socket().receive({ type: 'welcome', v: 1, number: '008613900001111' });
  return { phone, ...fake };
}

/** Lets awaited fakes (openAudio) settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Phone: the connection', () => {
  it('says hello with its number and is online once welcomed', () => {
    const fake = fakeDeps();
    const phone = new Phone(fake.deps, '139 0000-1111');
    expect(phone.get().connection).toBe('offline');
    phone.connect();
    expect(phone.get()).toMatchObject({ connection: 'connecting', number: '13900001111' });
    expect(fake.socket().url).toBe('ws://phone.test/phone/v1');
    fake.socket().open();
    expect(fake.socket().sent).toEqual([{ type: 'hello', v: 1, number: '13900001111' }]);
    fake.socket().receive({ type: 'welcome', v: 1, number: '008613900001111' });
    expect(phone.get()).toMatchObject({ connection: 'online', registered: '008613900001111', problem: null });
    // Remembered: the number, and that the page was online (a reload reconnects).
    expect(fake.memory.values.get('openccc.phone.number')).toBe('13900001111');
    expect(fake.memory.values.get('openccc.phone.online')).toBe('1');
  });

  it('refuses a number the network would not take, without connecting', () => {
    const fake = fakeDeps();
    const phone = new Phone(fake.deps, '12');
    phone.connect();
    expect(phone.get()).toMatchObject({ connection: 'offline', problem: { code: 'badNumber' } });
    expect(fake.sockets).toHaveLength(0);
    phone.setNumber('13900001111');
    expect(phone.get().problem).toBeNull();
  });

  it('picks a random 0086139 number while offline only', () => {
    const { phone } = online();
    phone.randomizeNumber();
    phone.setNumber('1');
    expect(phone.get().number).toBe('13900001111');
    phone.disconnect();
    phone.randomizeNumber();
    expect(phone.get().number).toBe('008613955555555');
  });

  it('reports a refused hello and does not retry', () => {
    const fake = fakeDeps();
    const phone = new Phone(fake.deps, '13900001111');
    phone.connect();
    fake.socket().open();
    fake.socket().receive({ type: 'error', code: 'numberInUse', message: 'in use' });
    expect(phone.get()).toMatchObject({ connection: 'offline', problem: { code: 'numberInUse', detail: 'in use' } });
    expect(fake.socket().closedWith).toBe(1000);
    expect(fake.timers.pending).toEqual([]);
  });

  it('says so when the server cannot be reached at all', () => {
    const fake = fakeDeps();
    const phone = new Phone(fake.deps, '13900001111');
    phone.connect();
    fake.socket().drop(1006);
    expect(phone.get()).toMatchObject({ connection: 'offline', problem: { code: 'connectFailed' } });
    expect(fake.timers.pending).toEqual([]);
  });

  it('reconnects after losing the connection, waiting longer each time, and ends the call in progress', async () => {
    const { phone, socket, sockets, timers, media } = online();
    await phone.dial('4001');
    socket().drop();
    expect(phone.get()).toMatchObject({ connection: 'reconnecting', call: null, lastCall: { reason: 'disconnected' }, problem: { code: 'connectionLost' } });
    expect(media[0]?.closed).toBe(true);
    expect(timers.pending).toEqual([1000]);
    timers.advance(1000);
    expect(sockets).toHaveLength(2);
    socket().drop();
    expect(timers.pending).toEqual([2000]);
    timers.advance(2000);
    socket().open();
    socket().receive({ type: 'welcome', v: 1, number: '008613900001111' });
    expect(phone.get()).toMatchObject({ connection: 'online', problem: null });
  });

  it('pings while connected, and stops when disconnected', () => {
    const { phone, socket, timers } = online();
    timers.advance(PING_INTERVAL_MS);
    expect(socket().last()).toEqual({ type: 'ping' });
    phone.disconnect();
    expect(phone.get()).toMatchObject({ connection: 'offline', registered: null });
    expect(timers.pending).toEqual([]);
    expect(socket().closedWith).toBe(1000);
  });
});

describe('Phone: calls it makes', () => {
  it('dials with a complete WebRTC offer, then rings, is answered by the system, then by an agent', async () => {
    const { phone, socket, media, timers } = online();
    const dialing = phone.dial('400-123-4567');
    expect(phone.get().call).toMatchObject({ id: 'call-1', direction: 'outbound', peer: '4001234567', phase: 'preparing' });
    await dialing;
    expect(socket().last()).toEqual({ type: 'dial', callId: 'call-1', to: '4001234567', media: { kind: 'webrtc', sdp: 'offer-1' } });
    expect(phone.get().call?.phase).toBe('dialing');

    socket().receive({ type: 'media', callId: 'call-1', media: { kind: 'webrtc', sdp: 'answer-sdp' } });
    expect(media[0]?.answer).toBe('answer-sdp');
    timers.advance(1500);
    socket().receive({ type: 'answered', callId: 'call-1', by: 'system' });
    expect(phone.get().call).toMatchObject({ phase: 'connected', answeredBy: 'system', connectedAt: timers.now });
    const connectedAt = timers.now;
    socket().receive({ type: 'ringing', callId: 'call-1' });
    expect(phone.get().call).toMatchObject({ phase: 'connected', agentRinging: true });
    timers.advance(3000);
    socket().receive({ type: 'answered', callId: 'call-1', by: 'agent@example.com' });
    expect(phone.get().call).toMatchObject({ answeredBy: 'agent@example.com', agentRinging: false, connectedAt });

    phone.sendDigit('1');
    phone.sendDigit('#');
    expect(media[0]?.digits).toEqual(['1', '#']);
    expect(phone.get().call?.digits).toBe('1#');
    phone.setMuted(true);
    expect(phone.get().call?.muted).toBe(true);

    timers.advance(2000);
    socket().receive({ type: 'ended', callId: 'call-1', reason: 'remoteHangup', message: 'the agent hung up' });
    expect(phone.get()).toMatchObject({ call: null, lastCall: { direction: 'outbound', peer: '4001234567', reason: 'remoteHangup', message: 'the agent hung up', talkMs: 5000 } });
    expect(media[0]?.closed).toBe(true);
  });

  it('shows ringing before an answer, and hangs up a connected call', async () => {
    const { phone, socket, media } = online();
    await phone.dial('4001');
    socket().receive({ type: 'ringing', callId: 'call-1' });
    expect(phone.get().call?.phase).toBe('ringing');
    socket().receive({ type: 'answered', callId: 'call-1', by: 'agent@example.com' });
    phone.hangup();
    expect(socket().last()).toEqual({ type: 'hangup', callId: 'call-1' });
    expect(phone.get()).toMatchObject({ call: null, lastCall: { reason: 'hangup', talkMs: 0 } });
    expect(media[0]?.closed).toBe(true);
    // The network's confirmation changes nothing.
    socket().receive({ type: 'ended', callId: 'call-1', reason: 'hangup', message: '' });
    expect(phone.get().lastCall?.reason).toBe('hangup');
  });

  it('refuses a number it cannot dial, and dials nothing while a call is on', async () => {
    const { phone, socket } = online();
    await phone.dial('12');
    expect(phone.get()).toMatchObject({ call: null, problem: { code: 'badNumber' } });
    await phone.dial('4001');
    await phone.dial('4002');
    expect(socket().sent.filter((m) => m.type === 'dial')).toHaveLength(1);
  });

  it('cancels a call hung up while its audio is prepared, sending nothing', async () => {
    const { phone, socket, media, holdAudio } = online();
    const release = holdAudio();
    const dialing = phone.dial('4001');
    phone.hangup();
    expect(phone.get()).toMatchObject({ call: null, lastCall: { reason: 'cancelled', talkMs: null } });
    release();
    await dialing;
    expect(socket().sent.map((m) => m.type)).toEqual(['hello']);
    expect(media[0]?.closed).toBe(true);
  });

  it('says why the microphone failed and places no call', async () => {
    const { phone, socket, failAudio } = online();
    failAudio(new CallAudioError('micDenied', 'The microphone could not be opened (NotAllowedError).'));
    await phone.dial('4001');
    expect(phone.get()).toMatchObject({ call: null, lastCall: { reason: 'failed' }, problem: { code: 'micDenied' } });
    expect(socket().sent.map((m) => m.type)).toEqual(['hello']);
  });

  it('ends a call the network refuses, and one whose answer the browser refuses', async () => {
    const { phone, socket, media } = online();
    await phone.dial('4001');
    socket().receive({ type: 'error', callId: 'call-1', code: 'tooManyCalls', message: 'too many' });
    expect(phone.get()).toMatchObject({ call: null, lastCall: { reason: 'failed' }, problem: { code: 'tooManyCalls' } });

    await phone.dial('4001');
    (media[1] as NonNullable<(typeof media)[1]>).refuseAnswer = true;
    socket().receive({ type: 'media', callId: 'call-2', media: { kind: 'webrtc', sdp: 'bad' } });
    await settle();
    expect(socket().last()).toEqual({ type: 'hangup', callId: 'call-2' });
    expect(phone.get()).toMatchObject({ call: null, problem: { code: 'answerRefused' } });
  });

  it('keeps a connected call on a non-fatal error, and tells of unavailable DTMF', async () => {
    const { phone, socket, media } = online();
    await phone.dial('4001');
    socket().receive({ type: 'answered', callId: 'call-1', by: 'system' });
    socket().receive({ type: 'error', callId: 'call-1', code: 'badMessage', message: 'odd' });
    expect(phone.get()).toMatchObject({ call: { phase: 'connected' }, problem: { code: 'badMessage' } });
    (media[0] as NonNullable<(typeof media)[0]>).canSendDigits = false;
    phone.sendDigit('5');
    expect(phone.get()).toMatchObject({ call: { digits: '' }, problem: { code: 'dtmfUnavailable' } });
  });

  it('follows the audio connection state', async () => {
    const { phone, media } = online();
    await phone.dial('4001');
    media[0]?.setState('connected');
    expect(phone.get().call?.audio).toBe('connected');
  });
});

describe('Phone: calls to its number', () => {
  it('rings, answers with its offer, and is connected once the media is agreed', async () => {
    const { phone, socket, ringer, media } = online();
    socket().receive({ type: 'incoming', callId: 'in-1', from: '008640012345', to: '008613900001111' });
    expect(phone.get().call).toMatchObject({ id: 'in-1', direction: 'inbound', peer: '008640012345', phase: 'incoming' });
    expect(ringer.ringing).toBe(true);
    expect(phone.get().ringAudible).toBe(false);
    ringer.unlock();
    expect(phone.get().ringAudible).toBe(true);

    await phone.answer();
    expect(ringer.ringing).toBe(false);
    expect(socket().last()).toEqual({ type: 'answer', callId: 'in-1', media: { kind: 'webrtc', sdp: 'offer-1' } });
    expect(phone.get().call?.phase).toBe('answering');
    socket().receive({ type: 'media', callId: 'in-1', media: { kind: 'webrtc', sdp: 'answer' } });
    expect(media[0]?.answer).toBe('answer');
    expect(phone.get().call).toMatchObject({ phase: 'connected', answeredBy: 'self' });
  });

  it('rejects a ringing call, and a call hung up while ringing is rejected too', () => {
    const { phone, socket, ringer } = online();
    socket().receive({ type: 'incoming', callId: 'in-1', from: '4001', to: 'me' });
    phone.reject();
    expect(socket().last()).toEqual({ type: 'reject', callId: 'in-1', reason: 'reject' });
    expect(phone.get()).toMatchObject({ call: null, lastCall: { direction: 'inbound', reason: 'rejected' } });
    expect(ringer.ringing).toBe(false);
    socket().receive({ type: 'incoming', callId: 'in-2', from: '4001', to: 'me' });
    phone.hangup();
    expect(socket().last()).toEqual({ type: 'reject', callId: 'in-2', reason: 'reject' });
  });

  it('shows a call that stopped ringing as missed', () => {
    const { phone, socket, ringer } = online();
    socket().receive({ type: 'incoming', callId: 'in-1', from: '4001', to: 'me' });
    socket().receive({ type: 'ended', callId: 'in-1', reason: 'remoteHangup', message: 'the caller hung up' });
    expect(phone.get()).toMatchObject({ call: null, lastCall: { reason: 'missed', peer: '4001' } });
    expect(ringer.ringing).toBe(false);
  });

  it('answers a second caller busy while a call is on', async () => {
    const { phone, socket } = online();
    await phone.dial('4001');
    socket().receive({ type: 'incoming', callId: 'in-9', from: '4002', to: 'me' });
    expect(socket().last()).toEqual({ type: 'reject', callId: 'in-9', reason: 'busy' });
    expect(phone.get().call?.id).toBe('call-1');
  });

  it('refuses the call when its audio cannot be opened while answering', async () => {
    const { phone, socket, failAudio } = online();
    failAudio(new CallAudioError('noWebrtc', 'no WebRTC'));
    socket().receive({ type: 'incoming', callId: 'in-1', from: '4001', to: 'me' });
    await phone.answer();
    expect(socket().last()).toEqual({ type: 'reject', callId: 'in-1', reason: 'reject' });
    expect(phone.get()).toMatchObject({ call: null, problem: { code: 'noWebrtc' } });
  });
});

describe('phoneUrlFor', () => {
  it('uses the page’s host, wss behind https', () => {
    expect(phoneUrlFor({ protocol: 'http:', host: '127.0.0.1:8080' }, '/phone/v1')).toBe('ws://127.0.0.1:8080/phone/v1');
    expect(phoneUrlFor({ protocol: 'https:', host: 'ccc.example.com' }, '/phone/v1')).toBe('wss://ccc.example.com/phone/v1');
  });
});
