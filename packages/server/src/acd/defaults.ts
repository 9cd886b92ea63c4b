import type { GroupSettings, Membership, RoutePolicy } from './types.js';

/** Every group setting's default, in one place. */
export const defaultGroupSettings: Readonly<GroupSettings> = Object.freeze({
  policy: 'longestIdle',
  usingLastSeat: false,
  maxConcurrency: 1,
  ringTimeoutMs: 30_000,
  maxWaitMs: 0,
  onQueueExit: Object.freeze({ action: 'hangup' }),
  whenNoneOnline: 'exit',
  wrapUpMs: 0,
  retryDelayMs: 2_000,
});

/** Caller numbers remembered for UsingLastSeat before the least recently served is forgotten. */
export const DEFAULT_LAST_SEAT_CAPACITY = 100_000;

/** Hours east of UTC of the day `fewestCallsToday` counts in: China Standard Time, TCCC's home. */
export const DEFAULT_UTC_OFFSET_MINUTES = 8 * 60;

const POLICIES: ReadonlySet<string> = new Set<RoutePolicy>(['longestIdle', 'roundRobin', 'fewestCallsToday', 'ringAll']);

/**
 * The policy for a skill group stored with TCCC's fields. `RingAll` wins over
 * `RoutePolicy`. TCCC documents no list of `RoutePolicy` values; the one it is
 * seen to answer, `ROUTE_POLICY_RANDOM`, and any value OpenCCC does not know map
 * to longest-idle, which spreads calls at least as evenly as random. OpenCCC's
 * own policy names pass through.
 */
export function routePolicyFromTccc(routePolicy: string, ringAll: boolean): RoutePolicy {
  if (ringAll) return 'ringAll';
  return isRoutePolicy(routePolicy) ? routePolicy : 'longestIdle';
}

function isRoutePolicy(value: string): value is RoutePolicy {
  return POLICIES.has(value);
}

const PRIORITIES = [1, 2, 3, 4, 5] as const;

/** A membership priority from storage: TCCC's 1 (offered first) to 5; out of range is clamped, anything else is TCCC's default 3. */
export function toPriority(value: number): Membership['priority'] {
  if (!Number.isFinite(value)) return 3;
  return PRIORITIES[Math.min(5, Math.max(1, Math.round(value))) - 1]!;
}
