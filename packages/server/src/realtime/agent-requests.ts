import { SETTABLE_SDK_STATUSES, fromSettableSdkStatus, type SettableSdkStatus } from '@openccc/protocol';
import type { Presence } from '../staff/presence.js';
import type { StatusService } from '../staff/status-service.js';
import { SdkError } from '../auth/sdk-error.js';
import type { AgentRef } from './agent-connection.js';
import type { RequestHandlers } from './request-registry.js';

export interface RequestDeps {
  presence: Pick<Presence, 'statusOf'>;
  status: Pick<StatusService, 'record'>;
}

/** Registers `Agent.online`, `Agent.offline` and `Agent.setStatus`. */
export function registerAgentRequests(handlers: RequestHandlers, deps: RequestDeps): void {
  handlers.handle('Agent.setStatus', ({ agent }, params) => setStatus(deps, agent, params));
  handlers.handle('Agent.online', async ({ agent }) => {
    if (deps.presence.statusOf(agent.sdkAppId, agent.mail) === 'offline') await deps.status.record(agent.sdkAppId, agent.mail, 'free', '');
    return undefined;
  });
  handlers.handle('Agent.offline', async ({ agent }) => {
    const current = deps.presence.statusOf(agent.sdkAppId, agent.mail);
    if (current === 'busy') throw new SdkError('statusNotAllowed', 'The agent cannot go offline during a session.');
    if (current !== 'offline') await deps.status.record(agent.sdkAppId, agent.mail, 'offline', '');
    return undefined;
  });
}

async function setStatus(deps: RequestDeps, agent: AgentRef, params: Record<string, unknown>): Promise<undefined> {
  const status = params['status'];
  if (!isSettable(status)) {
    throw new SdkError('invalidArgument', `status must be one of ${SETTABLE_SDK_STATUSES.join(', ')}.`);
  }
  const reason = params['restReason'];
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 128)) throw new SdkError('invalidArgument', 'restReason must be a string of at most 128 characters.');
  const current = deps.presence.statusOf(agent.sdkAppId, agent.mail);
  if (current === 'busy') throw new SdkError('statusNotAllowed', 'The status cannot change during a session.');
  if (current === 'offline') throw new SdkError('statusNotAllowed', 'The agent is offline; call Agent.online() first.');
  const target = fromSettableSdkStatus(status);
  if (status === 'stopNotReady' && current !== 'notReady') return undefined;
  await deps.status.record(agent.sdkAppId, agent.mail, target, target === 'rest' ? (reason ?? '') : '');
  return undefined;
}

function isSettable(value: unknown): value is SettableSdkStatus {
  return typeof value === 'string' && (SETTABLE_SDK_STATUSES as readonly string[]).includes(value);
}
