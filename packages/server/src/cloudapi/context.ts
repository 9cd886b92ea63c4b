import type { ActionRequest, ImplementedAction, Language } from '@openccc/protocol';
import type { LoginTokens } from '../auth/login-tokens.js';
import type { Store } from '../store/ports.js';
import type { Presence } from '../staff/presence.js';
import type { SkillGroupService } from '../staff/skill-group-service.js';
import type { StaffService } from '../staff/staff-service.js';
import type { StatusService } from '../staff/status-service.js';

/** The domain services the Cloud API actions call. */
export interface Services {
  store: Store;
  presence: Presence;
  staff: StaffService;
  skillGroups: SkillGroupService;
  status: StatusService;
  tokens: LoginTokens;
  clock: () => number;
  publicUrl: string;
  tokenTtlSeconds: number;
}

export interface ActionContext {
  services: Services;
  language: Language;
  requestId: string;
}

export type ActionHandler<A extends ImplementedAction> = (ctx: ActionContext, request: ActionRequest<A>) => Promise<Record<string, unknown>>;

/** One handler per implemented action: a missing one fails to compile. */
export type ActionHandlers = { [A in ImplementedAction]: ActionHandler<A> };
