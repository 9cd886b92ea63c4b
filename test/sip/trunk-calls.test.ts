import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_HZ, newLine, recordByPhone, recordOf, signedInAgent, ToneAgent, type TestAgent } from '../calls/support.js';
import { cancellingCarrierScenario, optionsPingScenario, refusedInviteScenario, shortCarrierScenario, waitingCarrierScenario } from './support/carrier-scenarios.js';
import { sipCenter, type SipCenter } from './support/sip-center.js';
import { findFreePort } from './support/ports.js';
import { SIPP_EXIT } from './support/sipp.js';
import { freeMediaPort, runSippScenario, stopAllSipp, tracedMessages, type SippRun } from './support/sipp-run.js';

/**
 * Calls over a carrier trunk with sipp as the carrier: agents' outbound calls (late offer, the
 * instance's number as caller id, the callee's echo heard by the agent), the trunk's dial plan and
 * call cap, callers no trunk trusts, and a carrier that gives up before the answer.
 */

/** Numbers the trunk's dial plan refuses start with this (in international digits). */
const DENIED_PREFIX = '86168';

let center: SipCenter;
/** The port the trunk sends outbound calls to: a sipp UAS is started there by the tests that need one. */
let calleePort: number;
let callers = 0;
const agents: TestAgent[] = [];

beforeAll(async () => {
  center = await sipCenter();
  calleePort = await findFreePort({ protocols: ['udp'] });
  await center.addTrunk({
    name: 'carrier',
    maxConcurrentCalls: 1,
    outbound: { host: '127.0.0.1', port: calleePort, transport: 'udp' },
    dialPlan: { allow: ['86'], deny: [DENIED_PREFIX] },
  });
}, 60_000);

afterAll(async () => {
  for (const agent of agents) agent.hangupMedia();
  await stopAllSipp();
  await center?.close();
});

/** A caller's number no other call of this file uses. */
function newCaller(): string {
  return `00861390011${String(++callers).padStart(4, '0')}`;
}

/** A signed-in agent of the skill groups given (none: no queue rings them), whose browser speaks AGENT_HZ and listens for it. */
async function agentOf(groups: number[] = []): Promise<ToneAgent> {
  const agent = new ToneAgent(await signedInAgent(center, groups), AGENT_HZ, [AGENT_HZ]);
  agents.push(agent);
  return agent;
}

/** The callee: sipp's answering machine that echoes the audio back, for one call. */
async function echoingCallee(): Promise<SippRun> {
  return runSippScenario({ scenario: { builtIn: 'uas' }, port: calleePort, mediaPort: await freeMediaPort(), calls: 1, args: ['-aa', '-rtp_echo'] });
}

/** `Call.startOutboundCall` with the agent's offer; applies the server's answer. */
async function callOut(agent: TestAgent, phoneNumber: string): Promise<{ sessionId: string; callerPhoneNumber: string }> {
  const sdp = await agent.offer();
  const reply = await agent.socket.request('Call.startOutboundCall', { phoneNumber, sdp });
  if (!reply.ok) throw new Error(`Call.startOutboundCall failed: ${JSON.stringify(reply.error)}`);
  await agent.answer(reply.data);
  return reply.data as { sessionId: string; callerPhoneNumber: string };
}

describe('an agent calls out over the trunk', () => {
  it('sends a late-offer INVITE with the instance number as caller id; the agent hears the echo, hangs up, and the record is outbound', async () => {
    const callee = await echoingCallee();
    const agent = await agentOf();
    const number = '008613800000001';
    const heard = agent.hears(AGENT_HZ);
    const { sessionId, callerPhoneNumber } = await callOut(agent, number);
    expect(callerPhoneNumber).toBe(center.hotline);
    expect((await agent.socket.nextEvent('calloutAccepted')).payload).toEqual({ sessionId });
    await heard;

    const [invite, ...others] = tracedMessages(callee.messages(), 'in').filter((m) => m.startsWith('INVITE '));
    expect(others).toEqual([]);
    expect(invite).toMatch(new RegExp(`^INVITE sip:${number}@127\\.0\\.0\\.1:${calleePort} SIP/2\\.0`));
    expect(invite).toMatch(new RegExp(`^P-Asserted-Identity: <sip:${callerPhoneNumber}@127\\.0\\.0\\.1>$`, 'm'));
    expect(invite).toMatch(new RegExp(`^From: <sip:${callerPhoneNumber}@127\\.0\\.0\\.1>;tag=`, 'm'));
    expect(invite).toMatch(/^Content-Length: *0$/m);

    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId, closeBy: 'seat', mainReason: 'ok' });
    const result = await callee.exited;
    expect(result.code, callee.explain(result)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(tracedMessages(callee.messages(), 'in').some((m) => m.startsWith('BYE '))).toBe(true);
    const record = await recordOf(center, sessionId);
    expect(record).toMatchObject({ CallType: 1, EndStatusString: 'ok', HungUpSide: 'seat', Caller: callerPhoneNumber, Callee: number });
    // The call through the trunk is recorded like any other: a stereo WAV with the conversation.
    const recording = await fetch(record.RecordURL!);
    expect(recording.status).toBe(200);
    const wav = Buffer.from(await recording.arrayBuffer());
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt16LE(22)).toBe(2);
    // The agent hung up as soon as they heard the echo: a fraction of a second of 8 kHz stereo.
    expect(wav.length).toBeGreaterThan(44 + 8_000 * 2 * 2 * 0.05);
  }, 60_000);

  it('never sends a number the dial plan denies: the call ends as not in service, and the next allowed call is the only INVITE the carrier sees', async () => {
    const callee = await echoingCallee();
    const agent = await agentOf();
    const denied = `00${DENIED_PREFIX}00000001`;
    const refused = await callOut(agent, denied);
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId: refused.sessionId, mainReason: 'notInService' });
    expect(await recordOf(center, refused.sessionId)).toMatchObject({ CallType: 1, EndStatusString: 'notInService', Callee: denied, AcceptTimestamp: 0 });

    const allowed = '008613800000002';
    const { sessionId } = await callOut(agent, allowed);
    await agent.socket.nextEvent('calloutAccepted');
    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    await agent.socket.nextEvent('sessionEnded');
    const result = await callee.exited;
    expect(result.code, callee.explain(result)).toBe(SIPP_EXIT.allCallsSucceeded);
    const invites = tracedMessages(callee.messages(), 'in').filter((m) => m.startsWith('INVITE '));
    expect(invites.map((m) => m.split(' ')[1])).toEqual([`sip:${allowed}@127.0.0.1:${calleePort}`]);
  }, 60_000);
});

describe('carrier calls in', () => {
  it('beyond the trunk cap of one call: a second INVITE while the first is up gets 503 with Retry-After', async () => {
    const line = await newLine(center);
    const agent = await agentOf([line.groupId]);
    const first = await runSippScenario({ scenario: { xml: waitingCarrierScenario({ caller: newCaller() }) }, target: center.sipTarget, calls: 1, args: ['-s', line.hotline] });
    const callIn = await agent.socket.nextEvent('callIn');
    const { sessionId } = callIn.payload;
    expect((await agent.accept(sessionId)).ok).toBe(true);
    await agent.socket.nextEvent('userAccessed');

    const second = await runSippScenario({
      scenario: { xml: refusedInviteScenario({ caller: newCaller(), requestUri: `sip:${line.hotline}@${center.sipTarget}`, status: 503 }) },
      target: center.sipTarget,
      calls: 1,
    });
    const refused = await second.exited;
    expect(refused.code, second.explain(refused)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(tracedMessages(second.messages(), 'in').find((m) => m.startsWith('SIP/2.0 503'))).toMatch(/^Retry-After: 5$/m);

    expect((await agent.socket.request('Call.hungUp', { sessionId })).ok).toBe(true);
    const ended = await first.exited;
    expect(ended.code, first.explain(ended)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(await recordOf(center, sessionId)).toMatchObject({ CallType: 2, EndStatusString: 'ok', HungUpSide: 'seat', Callee: line.hotline });
  }, 60_000);

  it('from an address no trunk trusts: an INVITE is challenged (407), or refused (404) when it names no instance, and never reaches the engine; OPTIONS is answered 200 from anywhere', async () => {
    const line = await newLine(center);
    const agent = await agentOf([line.groupId]);
    const domain = `${center.sdkAppId}.sip.test`;
    const stranger = await runSippScenario({
      scenario: { xml: refusedInviteScenario({ caller: newCaller(), requestUri: `sip:${line.hotline}@${domain}`, status: 407 }) },
      address: '127.0.0.2',
      target: center.sipTarget,
      calls: 1,
    });
    const challenged = await stranger.exited;
    expect(challenged.code, stranger.explain(challenged)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(tracedMessages(stranger.messages(), 'in').find((m) => m.startsWith('SIP/2.0 407'))).toMatch(new RegExp(`^Proxy-Authenticate: Digest realm="${domain.replace(/\./g, '\\.')}"`, 'm'));
    // Nor does one to a domain that is no instance's.
    const lost = await runSippScenario({
      scenario: { xml: refusedInviteScenario({ caller: newCaller(), requestUri: `sip:${line.hotline}@${center.sipTarget}`, status: 404 }) },
      address: '127.0.0.2',
      target: center.sipTarget,
      calls: 1,
    });
    const notFound = await lost.exited;
    expect(notFound.code, lost.explain(notFound)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(center.sip.gateway.callCount).toBe(0);

    for (const address of ['127.0.0.2', '127.0.0.1']) {
      const ping = await runSippScenario({ scenario: { xml: optionsPingScenario() }, address, target: center.sipTarget, calls: 1 });
      const pinged = await ping.exited;
      expect(pinged.code, ping.explain(pinged)).toBe(SIPP_EXIT.allCallsSucceeded);
    }

    // The line's only agent is free: had the stranger's call reached the engine, it would have rung them first.
    const carrierNumber = newCaller();
    const carrier = await runSippScenario({ scenario: { xml: waitingCarrierScenario({ caller: carrierNumber }) }, target: center.sipTarget, calls: 1, args: ['-s', line.hotline] });
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ callerPhoneNumber: carrierNumber, calleePhoneNumber: line.hotline });
    expect((await agent.accept(callIn.payload.sessionId)).ok).toBe(true);
    expect((await agent.socket.request('Call.hungUp', { sessionId: callIn.payload.sessionId })).ok).toBe(true);
    const ended = await carrier.exited;
    expect(ended.code, carrier.explain(ended)).toBe(SIPP_EXIT.allCallsSucceeded);
  }, 60_000);

  it('hung up by the carrier while the agent is rung: the call ends as the caller giving up while ringing', async () => {
    const line = await newLine(center);
    const agent = await agentOf([line.groupId]);
    const caller = newCaller();
    // The agent is rung before the carrier's INVITE is answered; the carrier hangs up a second after its ACK, within the 5 s ring.
    const carrier = await runSippScenario({ scenario: { xml: shortCarrierScenario({ caller, holdMs: 1_000 }) }, target: center.sipTarget, calls: 1, args: ['-s', line.hotline] });
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ callerPhoneNumber: caller, calleePhoneNumber: line.hotline });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId: callIn.payload.sessionId, closeBy: 'client', mainReason: 'ringingGiveUp' });
    const result = await carrier.exited;
    expect(result.code, carrier.explain(result)).toBe(SIPP_EXIT.allCallsSucceeded);
    expect(await recordOf(center, callIn.payload.sessionId)).toMatchObject({ CallType: 2, EndStatus: 104, EndStatusString: 'ringingGiveUp', HungUpSide: 'user', Caller: caller, AcceptTimestamp: 0 });
  }, 60_000);

  it('cancelled by the carrier while the engine takes the call: 200 to the CANCEL, 487 to the INVITE, and the call ends as the caller giving up', async () => {
    const line = await newLine(center);
    const agent = await agentOf([line.groupId]);
    const caller = newCaller();
    // The engine is slow to take the call (a busy store, say): the INVITE has only its 100 Trying when the carrier gives up.
    const engine = center.server.server.engine;
    const inbound = engine.inbound;
    let open = () => undefined as void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    engine.inbound = async (call) => {
      await opened;
      return inbound.call(engine, call);
    };
    try {
      const carrier = await runSippScenario({ scenario: { xml: cancellingCarrierScenario({ caller }) }, target: center.sipTarget, calls: 1, args: ['-s', line.hotline] });
      const result = await carrier.exited;
      expect(result.code, carrier.explain(result)).toBe(SIPP_EXIT.allCallsSucceeded);
      expect(tracedMessages(carrier.messages(), 'in').filter((m) => m.startsWith('SIP/2.0 200'))).toEqual([expect.stringMatching(/^CSeq: 1 CANCEL$/m)]);
    } finally {
      open();
      engine.inbound = inbound;
    }

    // The engine took the call after all, offered it to the line's free agent, and ended it at once: the caller gave up while it rang.
    const callIn = await agent.socket.nextEvent('callIn');
    expect(callIn.payload).toMatchObject({ callerPhoneNumber: caller, calleePhoneNumber: line.hotline });
    expect((await agent.socket.nextEvent('sessionEnded')).payload).toMatchObject({ sessionId: callIn.payload.sessionId, closeBy: 'client', mainReason: 'ringingGiveUp' });
    const record = await recordByPhone(center, caller);
    expect(record).toMatchObject({ SessionId: callIn.payload.sessionId, CallType: 2, EndStatus: 104, EndStatusString: 'ringingGiveUp', HungUpSide: 'user', Callee: line.hotline, AcceptTimestamp: 0 });
    expect(center.sip.gateway.callCount).toBe(0);
  }, 60_000);
});
