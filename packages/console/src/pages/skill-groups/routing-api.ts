import type { ConsoleApi } from '../../api.js';

/** A group's routing settings, as `/skill-groups/:id/routing` names them. */
export interface RoutingSettings {
  ringTimeoutSeconds: number;
  maxWaitSeconds: number;
  overflowGroupId: number | null;
  whenNoneOnline: 'queue' | 'exit';
  afterCallWorkSeconds: number;
}

export type RoutingSettingName = keyof RoutingSettings;
export type RoutingSource = 'group' | 'server' | 'default';

export interface RoutingView {
  group: { id: number; name: string; type: number; maxConcurrency: number; ringAll: boolean };
  /** The distribution the call engine applies: longestIdle, roundRobin, fewestCallsToday or ringAll. */
  policy: string;
  own: Partial<RoutingSettings>;
  effective: RoutingSettings;
  sources: Record<RoutingSettingName, RoutingSource>;
  overflowGroupMissing: boolean;
  defaults: { settings: RoutingSettings; sources: Record<RoutingSettingName, RoutingSource> };
  limits: Record<'ringTimeoutSeconds' | 'maxWaitSeconds' | 'afterCallWorkSeconds', { min: number; max: number }>;
}

/** A change: a value sets the group's own, `'default'` removes it. */
export type RoutingChange = { [K in RoutingSettingName]?: RoutingSettings[K] | 'default' } & { ringAll?: boolean };

export function getRouting(api: ConsoleApi, groupId: number): Promise<RoutingView> {
  return api.get<RoutingView>(`/skill-groups/${groupId}/routing`);
}

export function putRouting(api: ConsoleApi, groupId: number, change: RoutingChange): Promise<RoutingView> {
  return api.put<RoutingView>(`/skill-groups/${groupId}/routing`, change);
}
