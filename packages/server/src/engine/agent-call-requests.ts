import { AGENT_SDP_FIELD, type SdkErrorCode } from '@openccc/protocol';
import { isIP } from 'node:net';
import { SdkError } from '../auth/sdk-error.js';
import type { LegParams } from '../media/protocol.js';
import { CallControlError } from '../calls/call-control.js';
import type { AgentRef } from '../realtime/agent-connection.js';
import type { RequestHandlers } from '../realtime/request-registry.js';
import type { CallEngine } from './call-engine.js';

/**
 * The `Call.*` methods of `window.tccc` that the server answers, with TCCC's
 * parameter names. Each checks its parameters, asks the engine, and turns an
 * engine refusal into the SDK error the page receives.
 */
export function registerCallRequests(handlers: RequestHandlers, engine: CallEngine, options: { rtpAgents: boolean } = { rtpAgents: false }): void {
  const on = (method: Parameters<RequestHandlers['handle']>[0], run: (agent: AgentRef, params: Record<string, unknown>) => Promise<unknown>) =>
    handlers.handle(method, async ({ agent }, params) => {
      try {
        return await run(agent, params);
      } catch (error) {
        throw toSdkError(error);
      }
    });

  on('Call.accept', (agent, params) => engine.accept(agent, sessionIdOf(params), agentMediaOf(params, options.rtpAgents)));
  on('Call.hungUp', (agent, params) => {
    engine.hangUpByAgent(agent, sessionIdOf(params));
    return Promise.resolve(undefined);
  });
  // TCCC removes an ended session from its list; the server keeps no such list.
  on('Call.deleteCall', (_agent, params) => {
    sessionIdOf(params);
    return Promise.resolve(undefined);
  });
  on('Call.hold', (agent, params) => {
    engine.control(agent, sessionIdOf(params), { type: 'hold' });
    return Promise.resolve(undefined);
  });
  on('Call.unHold', (agent, params) => {
    engine.control(agent, sessionIdOf(params), { type: 'unhold' });
    return Promise.resolve(undefined);
  });
  on('Call.sendDigits', (agent, params) => {
    const digits = params['dtmfText'];
    if (typeof digits !== 'string' || !/^[0-9*#A-D]{1,32}$/.test(digits)) throw new SdkError('invalidArgument', 'dtmfText must be 1–32 of 0-9 * # A-D.');
    engine.control(agent, sessionIdOf(params), { type: 'sendDigits', digits });
    return Promise.resolve(undefined);
  });
  on('Call.transfer', async (agent, params) => {
    const sessionId = sessionIdOf(params);
    const userId = params['userId'];
    const group = params['skillGroupId'];
    if (typeof userId === 'string' && userId !== '' && group === undefined) return engine.transfer(agent, sessionId, { mail: userId });
    const groupId = typeof group === 'string' && /^\d{1,10}$/.test(group) ? Number(group) : group;
    if (typeof groupId === 'number' && Number.isSafeInteger(groupId) && groupId > 0 && userId === undefined) return engine.transfer(agent, sessionId, { groupId });
    throw new SdkError('invalidArgument', 'Call.transfer needs either userId (an agent) or skillGroupId (a skill group), not both.');
  });
  on('Call.startOutboundCall', (agent, params) => {
    const phoneNumber = params['phoneNumber'];
    if (typeof phoneNumber !== 'string' || phoneNumber.length === 0 || phoneNumber.length > 32) throw new SdkError('invalidArgument', 'phoneNumber must be a phone number.');
    const caller = optionalString(params, 'callerPhoneNumber', 32);
    const uui = optionalString(params, 'uui', 1000);
    const remark = optionalString(params, 'phoneDesc', 256);
    const group = params['skillGroupId'];
    const skillGroupId = group === undefined || group === '' ? undefined : Number(group);
    if (skillGroupId !== undefined && (!Number.isSafeInteger(skillGroupId) || skillGroupId <= 0)) throw new SdkError('invalidArgument', 'skillGroupId must be a skill group id.');
    const request: Parameters<CallEngine['startOutbound']>[1] = { phoneNumber };
    if (caller !== undefined) request.callerPhoneNumber = caller;
    if (uui !== undefined) request.uui = uui;
    if (remark !== undefined) request.remark = remark;
    if (skillGroupId !== undefined) request.skillGroupId = skillGroupId;
    return engine.startOutbound(agent, request, sdpOf(params));
  });
  on('Call.startInternalCall', (agent, params) => {
    const callee = params['calleeUserId'];
    if (typeof callee !== 'string' || callee.length === 0 || callee.length > 128) throw new SdkError('invalidArgument', 'calleeUserId must be the mail of an agent.');
    if (params['useMobile'] === true) throw new SdkError('callNotAllowed', 'Calling an agent on their mobile phone needs a carrier; OpenCCC calls their workbench.');
    return engine.startInternal(agent, callee, sdpOf(params));
  });
}

function sessionIdOf(params: Record<string, unknown>): string {
  const sessionId = params['sessionId'];
  if (typeof sessionId !== 'string' || sessionId.length === 0 || sessionId.length > 64) throw new SdkError('invalidArgument', 'sessionId must be the id of a session.');
  return sessionId;
}

function sdpOf(params: Record<string, unknown>): string {
  const sdp = params[AGENT_SDP_FIELD];
  if (typeof sdp !== 'string' || !sdp.startsWith('v=0') || sdp.length > 65_536) {
    throw new SdkError('invalidArgument', 'The workbench must send its audio offer (sdp); reload the workbench.');
  }
  return sdp;
}

/**
 * The agent's audio for `Call.accept`: the workbench's WebRTC offer (`sdp`), or, for a scripted agent
 * without a browser (tests, benchmarks) on a server started with `--rtp-agents on`, `rtp: {address, port}`
 * of a G.711 socket.
 */
function agentMediaOf(params: Record<string, unknown>, rtpAgents: boolean): LegParams {
  const rtp = params['rtp'];
  if (rtp !== undefined) {
    // Off by default: it would let a signed-in page aim a call's audio at any address.
    if (!rtpAgents) throw new SdkError('invalidArgument', 'This server takes agents\' audio from the workbench only (start it with --rtp-agents on for scripted agents).');
    const { address, port } = (typeof rtp === 'object' && rtp !== null ? rtp : {}) as Record<string, unknown>;
    if (typeof address !== 'string' || !isIP(address) || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new SdkError('invalidArgument', 'rtp must be {address, port} of a G.711 RTP socket.');
    }
    return { kind: 'rtp', remote: { address, port } };
  }
  return { kind: 'webrtc', offerSdp: sdpOf(params) };
}

function optionalString(params: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max) throw new SdkError('invalidArgument', `${name} must be a string of at most ${max} characters.`);
  return value;
}

const CODES: Record<CallControlError['code'], SdkErrorCode> = {
  sessionNotFound: 'sessionNotFound',
  notInControlState: 'callNotAllowed',
  agentNotFound: 'peerUnavailable',
  agentBusy: 'peerUnavailable',
  agentOffline: 'peerUnavailable',
  noCallerNumber: 'noCallerNumber',
  invalidNumber: 'invalidArgument',
  groupNotFound: 'invalidArgument',
  unavailable: 'mediaFailed',
};

function toSdkError(error: unknown): unknown {
  if (error instanceof CallControlError) return new SdkError(CODES[error.code], error.message);
  return error;
}
