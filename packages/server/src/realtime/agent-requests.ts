import { SETTABLE_SDK_STATUSES, fromSettableSdkStatus, type RealtimeMethod, type SettableSdkStatus } from '@openccc/protocol';
import type { Presence } from '../staff/presence.js';
import type { StatusService } from '../staff/status-service.js';
import type { AgentConnection } from './agent-connection.js';
import { SdkError } from '../auth/sdk-error.js';

export interface RequestDeps {
  presence: Presence;
  status: StatusService;
}

const CALL_METHODS = new Set<RealtimeMethod>([
  'Call.startOutboundCall',
  'Call.accept',
  'Call.hungUp',
  'Call.deleteCall',
  'Call.startInternalCall',
  'Call.transfer',
  'Call.hold',
  'Call.unHold',
  'Call.sendDigits',
]);

/** Executes one workbench request; resolves with reply data or throws SdkError. */
export async function handleAgentRequest(deps: RequestDeps, conn: AgentConnection, method: string, params: Record<string, unknown>): Promise<unknown> {
  const current = deps.presence.statusOf(conn.sdkAppId, conn.mail);
  switch (method) {
    case 'Agent.setStatus': {
      const status = params['status'];
      if (typeof status !== 'string' || !(SETTABLE_SDK_STATUSES as readonly string[]).includes(status)) {
        throw new SdkError('invalidArgument', `status must be one of ${SETTABLE_SDK_STATUSES.join(', ')}.`);
      }
      const reason = params['restReason'];
      if (reason !== undefined && (typeof reason !== 'string' || reason.length > 128)) throw new SdkError('invalidArgument', 'restReason must be a string of at most 128 characters.');
      if (current === 'busy') throw new SdkError('statusNotAllowed', 'The status cannot change during a session.');
      if (current === 'offline') throw new SdkError('statusNotAllowed', 'The agent is offline; call Agent.online() first.');
      const target = fromSettableSdkStatus(status as SettableSdkStatus);
      if (status === 'stopNotReady' && current !== 'notReady') return undefined;
      await deps.status.record(conn.sdkAppId, conn.mail, target, target === 'rest' ? (reason ?? '') : '');
      return undefined;
    }
    case 'Agent.online':
      if (current === 'offline') await deps.status.record(conn.sdkAppId, conn.mail, 'free', '');
      return undefined;
    case 'Agent.offline':
      if (current === 'busy') throw new SdkError('statusNotAllowed', 'The agent cannot go offline during a session.');
      if (current !== 'offline') await deps.status.record(conn.sdkAppId, conn.mail, 'offline', '');
      return undefined;
    default:
      if (CALL_METHODS.has(method as RealtimeMethod)) {
        throw new SdkError('callsUnavailable', `${method} is not available: this OpenCCC server has no call engine yet.`);
      }
      throw new SdkError('invalidArgument', `Unknown method ${method}.`);
  }
}
